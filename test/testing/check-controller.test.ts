/**
 * The guide's example (docs/testing.md), run for real: the expose operator passes
 * checkController; the buggy one is found, shrunk to a short operation list, and its
 * `{ seed, path, replayPath }` replays the same run (same trace hash).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkController, ControllerCheckFailure, defaultImages, defineInvariant, operations, replay, type SimCommand } from '../../src/testing/index.js';
import { exposeDesiredState, exposeOperator } from '../../examples/controllers/expose-operator.js';
import { buggyExposeOperator } from '../../examples/controllers/expose-operator-buggy.js';

// The guide keeps to user operations: faults are orthogonal to this operator's logic (and
// `operations: { faults: false }` keeps the example's output stable across kubesim versions).
const NO_FAULTS = { faults: false } as const;

const exposedServices = defineInvariant('exposedServices', (c) => exposeDesiredState(c.state), { scope: 'settled' });

function failureOf(fn: () => unknown): ControllerCheckFailure {
  try {
    fn();
  } catch (e) {
    if (e instanceof ControllerCheckFailure) return e;
    throw e;
  }
  throw new Error('expected checkController to fail');
}

describe('checkController (the guide)', () => {
  it('passes the correct expose operator', () => {
    const result = checkController({ reconciler: exposeOperator(), invariants: [exposedServices], operations: NO_FAULTS, numRuns: 25, seed: 7 });
    expect(result).toEqual({ numRuns: 25, seed: 7 });
  }, 60_000);

  it('finds the buggy operator, shrinks it to at most 4 operations and replays it exactly', () => {
    const options = { reconciler: buggyExposeOperator, invariants: [exposedServices], operations: NO_FAULTS, numRuns: 50, seed: 7 };
    const failure = failureOf(() => checkController(options));
    expect(failure.operations.length).toBeLessThanOrEqual(4);
    expect(failure.operations.some((op) => op.includes('expose=true'))).toBe(true);
    expect(failure.message).toContain('invariant exposedServices violated');
    expect(failure.message).toMatch(/service (web|api)-svc exists but deployment (web|api) is not labelled expose=true/);
    expect(failure.message).toContain(`seed: 7, path: "${failure.path}"`);
    expect(failure.message).toContain(`Trace hash: ${failure.traceHash}`);
    expect(failure.message).toContain('Events:');

    const again = replay({ ...options, seed: failure.seed, path: failure.path, ...(failure.replayPath ? { replayPath: failure.replayPath } : {}) });
    expect(again.failed).toBe(true);
    expect(again.traceHash).toBe(failure.traceHash);
    expect(again.operations.filter((o) => !o.harness).map((o) => o.label)).toEqual(failure.operations);
    // The fixed operator passes the very case that broke the buggy one.
    const fixed = replay({ ...options, reconciler: exposeOperator(), seed: failure.seed, path: failure.path, ...(failure.replayPath ? { replayPath: failure.replayPath } : {}) });
    expect(fixed.failed).toBe(false);
  }, 60_000);

  it('prints the event timeline with virtual times when pods were involved', () => {
    // Only applies and label edits with at least one replica: the timeline has pod events.
    const failure = failureOf(() =>
      checkController({
        reconciler: buggyExposeOperator,
        invariants: [exposedServices],
        commands: operations({ services: false, podDisruptions: false }),
        setup: (c) => void c.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { expose: 'true' } }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:v1' }] } } } }),
        numRuns: 50,
        seed: 3,
      }),
    );
    expect(failure.message).toMatch(/TIME\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(failure.message).toMatch(/0s\s+Normal\s+ScalingReplicaSet\s+deployment\/web\s+Scaled up replica set web-\w+ from 0 to 1/);
    expect(failure.message).toMatch(/Normal\s+Scheduled\s+pod\/web-/);
  }, 60_000);

  it('reports a reconciler that throws as a failure, not a rejected call', () => {
    const failure = failureOf(() =>
      checkController({
        reconciler: { name: 'thrower', watches: { Deployment: 'self' }, reconcile: () => { throw new Error('boom'); } },
        invariants: [],
        operations: NO_FAULTS,
        numRuns: 20,
        seed: 1,
      }),
    );
    expect(failure.message).toContain('reconciler thrower threw on default/');
    expect(failure.operations.length).toBe(1);
  }, 60_000);
});

describe('checkController with the built-in invariants', () => {
  // The case the properties benchmark shrank seed 1 to (apply 3, settle, apply 0, apply 3): a
  // scale to zero and back is a scaling event, not a rollout, so rolloutBoundsHeld must not
  // count the pods that are not yet available after it (see invariants-always.ts).
  const api = (replicas: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'api' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: { metadata: { labels: { app: 'api' } }, spec: { containers: [{ name: 'app', image: 'app:v1', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] } },
    },
  });
  const scaleAwayAndBack: SimCommand = {
    check: () => true,
    run: (_m, r) => {
      r.step('apply deployment/api replicas=3', (c) => void c.apply(api(3)));
      r.settle();
      r.step('apply deployment/api replicas=0', (c) => void c.apply(api(0)));
      r.step('apply deployment/api replicas=3', (c) => void c.apply(api(3)));
      r.settle();
    },
    toString: () => 'apply api 3, settle, apply api 0, apply api 3, settle',
  };

  it.each([true, false])('passes a scale to zero and back (checkEveryStep %s)', (checkEveryStep) => {
    const result = checkController({
      cluster: { nodes: 20, zones: 3, images: defaultImages },
      commands: [fc.constant(scaleAwayAndBack)],
      maxCommands: 1,
      checkEveryStep,
      numRuns: 3,
      seed: 1,
    });
    expect(result).toEqual({ numRuns: 3, seed: 1 });
  }, 60_000);
});

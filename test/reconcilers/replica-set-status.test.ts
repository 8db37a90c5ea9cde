import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { calculateStatus, PodCountsMemo, statusToWrite } from '../../src/reconcilers/replica-set-status.js';
import { stripUndefined } from '../../src/reconcilers/deployment/sync.js';
import type { Pod } from '../../src/model/types.js';

// Written objects are traced and hashed as JSON, so the order of a status's fields is part of
// what a run produces: these builders must give the order `{ ...old }` plus assignments would.

const readyPod = (name: string, labels: Record<string, string>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] },
});

const template = { metadata: { labels: { app: 'web', tier: 'front' } } };

describe('ReplicaSet status builders', () => {
  it('keeps the stored field order, appends new counts and drops zero ones', () => {
    const rs = {
      metadata: { generation: 2 },
      spec: { template },
      status: { availableReplicas: 5, replicas: 5, observedGeneration: 1, readyReplicas: 5, fullyLabeledReplicas: 5 },
    };
    const pods = [readyPod('a', { app: 'web', tier: 'front' }), readyPod('b', { app: 'web' })];
    const status = calculateStatus(rs, pods, Date.parse('2025-01-01T00:01:00Z'));
    expect(JSON.stringify(status)).toBe('{"availableReplicas":2,"replicas":2,"observedGeneration":1,"readyReplicas":2,"fullyLabeledReplicas":1}');

    const fresh = calculateStatus({ metadata: {}, spec: { template }, status: {} }, [], 0);
    expect(JSON.stringify(fresh)).toBe('{"replicas":0}');
    const grown = calculateStatus({ metadata: {}, spec: { template }, status: { replicas: 0 } }, pods, Date.parse('2025-01-01T00:01:00Z'));
    expect(Object.keys(grown)).toEqual(['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']);
  });

  it('removes a ReplicaFailure condition in place, and the field when no condition is left', () => {
    const failure = { type: 'ReplicaFailure', status: 'True' };
    const other = { type: 'Other', status: 'True' };
    const base = { metadata: {}, spec: { template } };
    const kept = calculateStatus({ ...base, status: { replicas: 0, conditions: [failure, other], observedGeneration: 3 } }, [], 0);
    expect(JSON.stringify(kept)).toBe('{"replicas":0,"conditions":[{"type":"Other","status":"True"}],"observedGeneration":3}');
    const gone = calculateStatus({ ...base, status: { replicas: 0, conditions: [failure], observedGeneration: 3 } }, [], 0);
    expect(JSON.stringify(gone)).toBe('{"replicas":0,"observedGeneration":3}');
  });

  it('stamps observedGeneration where it was, appends it when new, omits it for generation 0', () => {
    const next = { replicas: 1, observedGeneration: 1, readyReplicas: 1 };
    expect(JSON.stringify(statusToWrite({ metadata: { generation: 2 }, status: { replicas: 1 } }, next))).toBe('{"replicas":1,"observedGeneration":2,"readyReplicas":1}');
    expect(JSON.stringify(statusToWrite({ metadata: { generation: 2 }, status: {} }, { replicas: 1 }))).toBe('{"replicas":1,"observedGeneration":2}');
    expect(JSON.stringify(statusToWrite({ metadata: {}, status: {} }, next))).toBe('{"replicas":1,"readyReplicas":1}');
    expect(statusToWrite({ metadata: { generation: 1 }, status: next }, { ...next })).toBeUndefined();
  });
});

describe('Deployment status: stripUndefined', () => {
  it('returns the defined fields in their order, leaving the input as it was', () => {
    const input = { observedGeneration: 1, collisionCount: undefined, replicas: 2, conditions: undefined, readyReplicas: 0 };
    const out = stripUndefined(input);
    expect(Object.keys(out)).toEqual(['observedGeneration', 'replicas', 'readyReplicas']);
    expect(Object.keys(input)).toHaveLength(5);
  });
});

// PodCountsMemo patches the previous sync's counts with the pods that changed; after any
// sequence of pod lists (pods replaced by new versions, relabelled, turning ready or not,
// added, removed) it must give what counting every pod gives.
describe('PodCountsMemo', () => {
  it('property: patched counts equal a full count after any sequence of pod lists', () => {
    let run = 0;
    const version = fc.record({ present: fc.boolean(), ready: fc.boolean(), full: fc.boolean(), fresh: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.array(version, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 12 }), (steps) => {
        const rs = { metadata: {}, spec: { template } };
        const labelsFull = Object.freeze({ app: 'web', tier: 'front' });
        const labelsPart = Object.freeze({ app: 'web' });
        const current = new Map<number, Pod & { metadata: { name: string } }>();
        const key = `test/${(run += 1)}`;
        const memo = new PodCountsMemo();
        for (const step of steps) {
          step.forEach((v, i) => {
            if (!v.present) return void current.delete(i);
            const prev = current.get(i);
            if (prev && !v.fresh) return;
            const pod = readyPod(`p${i}`, v.full ? labelsFull : labelsPart) as Pod & { metadata: { name: string } };
            if (!v.ready) pod.status!.conditions![0]!.status = 'False';
            current.set(i, deepFreeze(pod));
          });
          const pods = [...current.keys()].sort((a, b) => a - b).map((i) => current.get(i)!);
          const full = calculateStatus(rs, pods, 0);
          const counts = memo.countsFor(key, rs, pods);
          expect(counts.ready).toBe(full.readyReplicas ?? 0);
          expect(counts.fullyLabeled).toBe(full.fullyLabeledReplicas ?? 0);
        }
      }),
      { numRuns: 100, seed: 20261122 },
    );
  });
});

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

// fullyLabeledReplicas counts the pods whose labels include every template label
// (kubernetes/kubernetes pkg/controller/replicaset/replica_set_utils.go, calculateStatus:
// labels.Set(template.Labels).AsSelectorPreValidated().Matches(pod labels)).
describe('fullyLabeledReplicas', () => {
  it.each`
    templateLabels                      | podLabels                                      | counted | why
    ${{ app: 'web', tier: 'front' }}    | ${{ app: 'web', tier: 'front' }}               | ${1}    | ${'every template label'}
    ${{ app: 'web', tier: 'front' }}    | ${{ app: 'web', tier: 'front', extra: 'x' }}   | ${1}    | ${'extra pod labels do not matter'}
    ${{ app: 'web', tier: 'front' }}    | ${{ app: 'web' }}                              | ${0}    | ${'tier missing'}
    ${{ app: 'web', tier: 'front' }}    | ${{ app: 'web', tier: 'back' }}                | ${0}    | ${'tier has another value'}
    ${{ app: 'web', tier: '' }}         | ${{ app: 'web' }}                              | ${0}    | ${'an empty value still needs the key'}
    ${{ app: 'web', tier: '' }}         | ${{ app: 'web', tier: '' }}                    | ${1}    | ${'empty value present'}
    ${{}}                               | ${{}}                                          | ${1}    | ${'no template labels: every pod'}
    ${undefined}                        | ${{ app: 'web' }}                              | ${1}    | ${'template without labels: every pod'}
  `('$why → $counted', ({ templateLabels, podLabels, counted }) => {
    const rs = { metadata: {}, spec: { template: { metadata: { labels: templateLabels } } }, status: {} };
    const status = calculateStatus(rs, [readyPod('a', podLabels)], Date.parse('2025-01-01T00:01:00Z'));
    expect(status.fullyLabeledReplicas ?? 0).toBe(counted);
  });
});

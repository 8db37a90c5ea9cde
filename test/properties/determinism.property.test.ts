/**
 * Determinism: the same case (fast-check seed and path) gives the same run, byte for byte —
 * equal trace hashes — whether it is run for the first time, replayed, or replayed from the
 * shrunk path of a failure. Different cases give different runs.
 */
import { describe, expect, it } from 'vitest';
import { checkController, ControllerCheckFailure, defineInvariant, replay } from '../../src/testing/index.js';
import { propertyRuns, propertySeed } from './runs.js';

describe('determinism (property)', () => {
  it('replaying a case gives the same trace hash', () => {
    const seed = propertySeed(31);
    const runs = propertyRuns(20);
    const hashes = new Set<string>();
    for (let i = 0; i < runs; i++) {
      const first = replay({ seed, path: String(i) });
      const again = replay({ seed, path: String(i) });
      expect(again.traceHash).toBe(first.traceHash);
      expect(again.operations).toEqual(first.operations);
      hashes.add(first.traceHash);
    }
    // Cases differ (a few may coincide, e.g. two empty operation lists).
    expect(hashes.size).toBeGreaterThan(runs / 2);
  }, 120_000);

  it('a shrunk failure replays from its seed and path with the same trace hash', () => {
    // A property that fails as soon as four pods exist: shrinking has work to do.
    const fewPods = defineInvariant('atMostThreePods', (c) => c.get('pods').length <= 3 || [`${c.get('pods').length} pods`]);
    const options = { invariants: [fewPods], numRuns: 100, seed: propertySeed(32) };
    let failure: ControllerCheckFailure | undefined;
    try {
      checkController(options);
    } catch (e) {
      if (!(e instanceof ControllerCheckFailure)) throw e;
      failure = e;
    }
    expect(failure).toBeDefined();
    expect(failure!.operations.length).toBeLessThanOrEqual(2);
    const replayed = [1, 2].map(() => replay({ ...options, seed: failure!.seed, path: failure!.path, ...(failure!.replayPath ? { replayPath: failure!.replayPath } : {}) }));
    for (const r of replayed) {
      expect(r.failed).toBe(true);
      expect(r.traceHash).toBe(failure!.traceHash);
    }
  }, 120_000);
});

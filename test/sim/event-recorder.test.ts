/**
 * The recorder aggregates a repeat into the existing Event only while that event is among the
 * last 4,096 distinct ones (client-go tools/record/events_cache.go: maxLruCacheEntries).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { emptyState, listObjects, StoreBatch, type ClusterState } from '../../src/model/store.js';
import { createObject, type WriteContext } from '../../src/model/writes.js';
import { EVENT_CACHE_ENTRIES, EventRecorder } from '../../src/sim/events.js';

function setup(): { state: ClusterState; ctx: WriteContext } {
  const ctx: WriteContext = { nowMs: 0, epochMs: 0, ids: Rng.root('t') };
  const batch = new StoreBatch(emptyState());
  createObject(batch, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
  return { state: batch.commit(), ctx };
}

const event = (i: number) => ({
  involvedObject: { kind: 'Pod', namespace: 'default', name: `p${i}` },
  type: 'Normal' as const,
  reason: 'Pulled',
  message: 'pulled',
  source: 'kubelet',
});

describe('EventRecorder', () => {
  it('bumps count on a recent repeat, records a fresh Event once the first fell out of the LRU', () => {
    let { state, ctx } = setup();
    const recorder = new EventRecorder();
    const step = (fn: (b: StoreBatch) => void) => {
      const b = new StoreBatch(state);
      fn(b);
      state = b.commit();
    };
    step((b) => recorder.record(b, event(0), ctx));
    step((b) => recorder.record(b, event(0), ctx));
    expect(listObjects(state, 'Event').map((e) => (e as { count?: number }).count)).toEqual([2]);
    step((b) => {
      for (let i = 1; i <= EVENT_CACHE_ENTRIES; i++) recorder.record(b, event(i), ctx);
    });
    step((b) => recorder.record(b, event(0), ctx));
    const forP0 = listObjects(state, 'Event').filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === 'p0');
    expect(forP0.map((e) => (e as { count?: number }).count).sort()).toEqual([1, 2]);
    // A hit refreshes the entry: p4096 (recorded last) was not evicted by the fresh p0.
    step((b) => recorder.record(b, event(EVENT_CACHE_ENTRIES), ctx));
    const last = listObjects(state, 'Event').filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === `p${EVENT_CACHE_ENTRIES}`);
    expect(last.map((e) => (e as { count?: number }).count)).toEqual([2]);
  });

  it('evicts the least recently used event, however often the others were repeated', () => {
    let { state, ctx } = setup();
    const recorder = new EventRecorder();
    const step = (fn: (b: StoreBatch) => void) => {
      const b = new StoreBatch(state);
      fn(b);
      state = b.commit();
    };
    const countsFor = (name: string) =>
      listObjects(state, 'Event')
        .filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === name)
        .map((e) => (e as { count?: number }).count)
        .sort((a, b) => a! - b!);
    step((b) => {
      recorder.record(b, event(0), ctx);
      recorder.record(b, event(1), ctx);
    });
    // Many repeats of p0 make p1 the least recently used of the two.
    for (let k = 0; k < 200; k++) step((b) => recorder.record(b, event(0), ctx));
    // Fill the cache to one past its size: exactly one entry (p1's) falls out.
    step((b) => {
      for (let i = 2; i <= EVENT_CACHE_ENTRIES; i++) recorder.record(b, event(i), ctx);
    });
    step((b) => {
      recorder.record(b, event(0), ctx);
      recorder.record(b, event(1), ctx);
      recorder.record(b, event(EVENT_CACHE_ENTRIES), ctx);
    });
    expect(countsFor('p0')).toEqual([202]);
    expect(countsFor('p1')).toEqual([1, 1]);
    expect(countsFor(`p${EVENT_CACHE_ENTRIES}`)).toEqual([2]);
  });
});

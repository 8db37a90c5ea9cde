/**
 * The recorder aggregates a repeat into the existing Event only while that event is among the
 * last 4,096 distinct ones (client-go tools/record/events_cache.go: maxLruCacheEntries).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { emptyState, listObjects, StoreBatch, type ClusterState } from '../../src/model/store.js';
import { createObject, type WriteContext } from '../../src/model/writes.js';
import { EVENT_CACHE_ENTRIES, EventRecorder } from '../../src/sim/events.js';

/** A store with the default namespace, a recorder, and one commit per `step`. */
function setup() {
  const ctx: WriteContext = { nowMs: 0, epochMs: 0, ids: Rng.root('t') };
  const first = new StoreBatch(emptyState());
  createObject(first, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
  let state: ClusterState = first.commit();
  const recorder = new EventRecorder();
  return {
    /** Records `events` (indexes into `event`) in one commit. */
    step(...events: number[]): void {
      const b = new StoreBatch(state);
      for (const i of events) recorder.record(b, event(i), ctx);
      state = b.commit();
    },
    /** The counts of the Events about pod `p<i>`, ascending. */
    countsFor(i: number): (number | undefined)[] {
      return listObjects(state, 'Event')
        .filter((e) => (e as { involvedObject?: { name?: string } }).involvedObject?.name === `p${i}`)
        .map((e) => (e as { count?: number }).count)
        .sort((a, b) => a! - b!);
    },
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

const event = (i: number) => ({
  involvedObject: { kind: 'Pod', namespace: 'default', name: `p${i}` },
  type: 'Normal' as const,
  reason: 'Pulled',
  message: 'pulled',
  source: 'kubelet',
});

describe('EventRecorder', () => {
  it('bumps count on a recent repeat, records a fresh Event once the first fell out of the LRU', () => {
    const { step, countsFor } = setup();
    step(0);
    step(0);
    expect(countsFor(0)).toEqual([2]);
    step(...range(1, EVENT_CACHE_ENTRIES));
    step(0);
    expect(countsFor(0)).toEqual([1, 2]);
    // A hit refreshes the entry: p4096 (recorded last) was not evicted by the fresh p0.
    step(EVENT_CACHE_ENTRIES);
    expect(countsFor(EVENT_CACHE_ENTRIES)).toEqual([2]);
  });

  it('evicts the least recently used event, however often the others were repeated', () => {
    const { step, countsFor } = setup();
    step(0, 1);
    // Many repeats of p0 make p1 the least recently used of the two.
    for (let k = 0; k < 200; k++) step(0);
    // Fill the cache to one past its size: exactly one entry (p1's) falls out.
    step(...range(2, EVENT_CACHE_ENTRIES));
    step(0, 1, EVENT_CACHE_ENTRIES);
    expect(countsFor(0)).toEqual([202]);
    expect(countsFor(1)).toEqual([1, 1]);
    expect(countsFor(EVENT_CACHE_ENTRIES)).toEqual([2]);
  });

  it('gives every Event of one component and host one shared source, and keeps the hosts apart', () => {
    const ctx: WriteContext = { nowMs: 0, epochMs: 0, ids: Rng.root('t') };
    const b = new StoreBatch(emptyState());
    createObject(b, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
    const recorder = new EventRecorder();
    const reports = [
      { name: 'p0', source: 'kubelet', host: 'node-1' },
      { name: 'p1', source: 'kubelet', host: 'node-2' },
      { name: 'p2', source: 'kubelet', host: 'node-1' },
      { name: 'p3', source: 'kubelet', host: undefined },
      { name: 'p4', source: 'default-scheduler', host: undefined },
      { name: 'p5', source: 'kubelet', host: undefined },
    ];
    for (const r of reports) {
      const e = { involvedObject: { kind: 'Pod', namespace: 'default', name: r.name }, type: 'Normal' as const, reason: 'Pulled', message: 'pulled', source: r.source };
      recorder.record(b, r.host === undefined ? e : { ...e, host: r.host }, ctx);
    }
    const sources = listObjects(b.commit(), 'Event').map((e) => (e as { source?: object }).source);
    expect(sources).toEqual([
      { component: 'kubelet', host: 'node-1' },
      { component: 'kubelet', host: 'node-2' },
      { component: 'kubelet', host: 'node-1' },
      { component: 'kubelet' },
      { component: 'default-scheduler' },
      { component: 'kubelet' },
    ]);
    expect(sources[2]).toBe(sources[0]);
    expect(sources[5]).toBe(sources[3]);
    expect(sources[1]).not.toBe(sources[0]);
    expect(sources.every((s) => Object.isFrozen(s))).toBe(true);
  });

  it('correlates each of many distinct messages about one object', () => {
    // A ReplicaSet's SuccessfulCreate events: one object, a message per pod.
    const ctx: WriteContext = { nowMs: 0, epochMs: 0, ids: Rng.root('t') };
    const first = new StoreBatch(emptyState());
    createObject(first, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
    let state: ClusterState = first.commit();
    const recorder = new EventRecorder();
    const created = (i: number) => ({
      involvedObject: { kind: 'ReplicaSet', namespace: 'default', name: 'web', uid: 'u-web' },
      type: 'Normal' as const,
      reason: 'SuccessfulCreate',
      message: `Created pod: web-${i}`,
      source: 'replicaset-controller',
    });
    for (let round = 0; round < 2; round++) {
      const b = new StoreBatch(state);
      for (let i = 0; i < 40; i++) recorder.record(b, created(i), ctx);
      state = b.commit();
    }
    const counts = listObjects(state, 'Event').map((e) => [(e as { message?: string }).message, (e as { count?: number }).count]);
    expect(counts).toHaveLength(40);
    expect(counts.every(([, count]) => count === 2)).toBe(true);
  });
});

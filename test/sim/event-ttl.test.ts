/**
 * Events expire an hour after their last write (kube-apiserver --event-ttl, default 1h;
 * pkg/registry/core/event/storage/storage.go TTLFunc renews the lease on every update), and the
 * recorder aggregates repeats of recent events only (client-go events_cache.go, LRU of 4096).
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/index.js';
import { EventExpiry } from '../../src/sim/event-ttl.js';
import type { StoredObject } from '../../src/model/types.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { containers: [{ name: 'c', image: 'app' }] } };

function eventReasons(c: ReturnType<typeof createCluster>): string[] {
  return c.get('events').map((e) => (e as { reason?: string }).reason ?? '').sort();
}

describe('Event TTL', () => {
  it('deletes an Event one hour after its last write, with a DELETED watch event', () => {
    const c = createCluster({ nodes: 1, images: { app: { pullTime: '1s', startupTime: '1s' } } });
    c.create(pod);
    c.settle();
    const recorded = eventReasons(c);
    expect(recorded).toContain('Scheduled');
    const deleted: string[] = [];
    c.on('watch', (e) => {
      if (e.kind === 'Event' && e.type === 'DELETED') deleted.push((e.object as { reason?: string }).reason ?? '');
    });
    c.advance('59m');
    expect(eventReasons(c)).toEqual(recorded);
    c.advance('2m');
    expect(eventReasons(c)).toEqual([]);
    expect(deleted.sort()).toEqual(recorded);
    // The pod itself is untouched.
    expect((c.get('pod', 'web').status as { phase?: string }).phase).toBe('Running');
  });

  it('renews the lease when an aggregated Event is written again', () => {
    // A container that exits at once: BackOff events repeat and bump count on one Event.
    const c = createCluster({ nodes: 1, images: { app: { pullTime: '1s', startupTime: '1s', crashAfter: '1s' } } });
    c.create(pod);
    c.advance('50m');
    const backOff = () => c.get('events').find((e) => (e as { reason?: string }).reason === 'BackOff') as { count?: number; lastTimestamp?: string } | undefined;
    expect(backOff()?.count ?? 0).toBeGreaterThan(1);
    c.advance('30m');
    // More than an hour after it was first recorded, but written again since: still there.
    expect(backOff()).toBeDefined();
    expect(c.get('events').some((e) => (e as { reason?: string }).reason === 'Scheduled')).toBe(false);
  });

  it("keeps Events forever with eventTTL: '0s', and rejects a negative TTL", () => {
    const c = createCluster({ nodes: 1, eventTTL: '0s', images: { app: { pullTime: '1s', startupTime: '1s' } } });
    c.create(pod);
    c.settle();
    const recorded = eventReasons(c);
    c.advance('3h');
    expect(eventReasons(c)).toEqual(recorded);
    expect(() => createCluster({ eventTTL: '-1s' })).toThrow(/eventTTL must not be negative/);
    expect(() => createCluster({ eventTTL: 'soon' })).toThrow(/^createCluster: eventTTL: .*invalid duration "soon"/);
    expect(() => createCluster({ eventTTL: null as never })).toThrow(/^createCluster: eventTTL: /);
  });

  // kube-apiserver keeps an Event's TTL as an etcd lease (pkg/registry/core/event/storage/storage.go,
  // TTLFunc; staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go, ttlOpts): etcd deletes the
  // key when the lease runs out, with no graceful delete, so finalizers do not hold it.
  it('expires an Event with finalizers outright, as etcd ends its lease', () => {
    const c = createCluster({ nodes: 1, eventTTL: '10m' });
    const held = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'held', finalizers: ['example.com/keep'] }, involvedObject: { kind: 'Pod', name: 'web' }, reason: 'Test', message: 'kept' };
    c.create([held, { ...held, metadata: { name: 'free' } }]);
    const seen: string[] = [];
    c.on('watch', (e: { kind: string; type: string; object: { metadata: { name: string } } }) => {
      if (e.kind === 'Event') seen.push(`${e.type} ${e.object.metadata.name}`);
    });
    c.advance('9m');
    expect(c.find('event', 'held')).toBeDefined();
    c.advance('2m');
    expect(c.find('event', 'free')).toBeUndefined();
    expect(c.find('event', 'held')).toBeUndefined();
    expect(seen).toEqual(['DELETED held', 'DELETED free']);
  });

  it('is deterministic: the same run twice gives the same trace hash', () => {
    const run = () => {
      const c = createCluster({ nodes: 2, seed: 7, images: { app: { pullTime: '1s', startupTime: '1s' } } });
      c.create(pod);
      c.advance('2h');
      return c.traceHash();
    };
    expect(run()).toBe(run());
  });
});

describe('EventExpiry queue', () => {
  const write = (q: EventExpiry, name: string, rv: number, nowMs: number) =>
    q.onChange({ kind: 'Event', oldObject: undefined, object: { metadata: { name, namespace: 'default', resourceVersion: String(rv) } } as StoredObject }, nowMs);

  it('hands out leases oldest first across many thousands of writes, in any slices of time', () => {
    const q = new EventExpiry(1000);
    expect(q.nextDueMs()).toBeUndefined();
    // 5,000 writes, 4 per virtual ms: more than one storage chunk's worth.
    for (let i = 0; i < 5000; i++) write(q, `e${i}`, i + 1, Math.floor(i / 4));
    q.onChange({ kind: 'Pod', oldObject: undefined, object: { metadata: { name: 'p', resourceVersion: '1' } } as StoredObject }, 0);
    expect(q.nextDueMs()).toBe(1000);
    const taken: string[] = [];
    for (const t of [999, 1000, 1511, 1511, 2100, 2249]) {
      const due = q.takeDue(t);
      expect(due.every((e, i) => i === 0 || Number(e.resourceVersion) === Number(due[i - 1]!.resourceVersion) + 1)).toBe(true);
      taken.push(...due.map((e) => e.name));
      if (t === 999) expect(due).toEqual([]);
    }
    expect(taken).toEqual(Array.from({ length: 5000 }, (_, i) => `e${i}`));
    expect(q.nextDueMs()).toBeUndefined();
    // Writes after the queue ran dry are held again.
    write(q, 'late', 5001, 3000);
    expect(q.nextDueMs()).toBe(4000);
    expect(q.takeDue(4000)).toEqual([{ namespace: 'default', name: 'late', resourceVersion: '5001' }]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredObject } from '../../src/model/types.js';
import { Indexer } from '../../src/sim/indexer.js';

let rv = 0;
function obj(kind: string, name: string, labels: Record<string, string> | undefined, namespace: string | null = 'default'): StoredObject {
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), uid: `uid-${name}`, resourceVersion: String(++rv), ...(labels ? { labels } : {}) },
  } as StoredObject;
}

/** Applies creates, updates and deletes the way the sim reports committed writes. */
class Live {
  readonly idx = new Indexer();
  readonly objects = new Map<string, StoredObject>();
  put(o: StoredObject): StoredObject {
    const key = `${o.kind}:${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    this.idx.apply({ kind: o.kind!, object: o, oldObject: this.objects.get(key) });
    this.objects.set(key, o);
    return o;
  }
  remove(o: StoredObject): void {
    const key = `${o.kind}:${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    this.idx.apply({ kind: o.kind!, object: undefined, oldObject: this.objects.get(key) });
    this.objects.delete(key);
  }
}

const names = (list: readonly StoredObject[]) => list.map((o) => o.metadata.name);

describe('Indexer.select', () => {
  it('selects by every key=value, sorted by name whatever the insertion order', () => {
    const live = new Live();
    live.put(obj('Pod', 'c', { app: 'web', tier: 'front' }));
    live.put(obj('Pod', 'a', { app: 'web' }));
    live.put(obj('Pod', 'b', { app: 'web', tier: 'front' }));
    live.put(obj('Pod', 'd', { app: 'db', tier: 'front' }));
    live.put(obj('Pod', 'e', { app: 'web' }, 'other'));
    expect(names(live.idx.select('Pod', 'default', { app: 'web' }))).toEqual(['a', 'b', 'c']);
    expect(names(live.idx.select('Pod', 'default', { tier: 'front', app: 'web' }))).toEqual(['b', 'c']);
    expect(names(live.idx.select('Pod', 'default', { app: 'nope' }))).toEqual([]);
    expect(names(live.idx.select('Pod', 'default', {}))).toEqual(['a', 'b', 'c', 'd']);
    expect(names(live.idx.select('Pod', 'other', {}))).toEqual(['e']);
    expect(names(live.idx.select('Service', 'default', {}))).toEqual([]);
  });

  it('follows label edits and deletions', () => {
    const live = new Live();
    live.put(obj('Pod', 'a', { app: 'web' }));
    const b = live.put(obj('Pod', 'b', { app: 'web' }));
    expect(names(live.idx.select('Pod', 'default', { app: 'web' }))).toEqual(['a', 'b']);
    live.put(obj('Pod', 'b', { app: 'db' }));
    expect(names(live.idx.select('Pod', 'default', { app: 'web' }))).toEqual(['a']);
    expect(names(live.idx.select('Pod', 'default', { app: 'db' }))).toEqual(['b']);
    live.put(obj('Pod', 'a', undefined));
    expect(names(live.idx.select('Pod', 'default', { app: 'web' }))).toEqual([]);
    expect(names(live.idx.select('Pod', 'default', {}))).toEqual(['a', 'b']);
    live.remove(b);
    expect(names(live.idx.select('Pod', 'default', { app: 'db' }))).toEqual([]);
    expect(names(live.idx.select('Pod', 'default', {}))).toEqual(['a']);
  });

  it('selects cluster-scoped objects with an undefined namespace', () => {
    const live = new Live();
    live.put(obj('Node', 'n2', { zone: 'a' }, null));
    live.put(obj('Node', 'n1', { zone: 'a' }, null));
    live.put(obj('Node', 'n3', { zone: 'b' }, null));
    expect(names(live.idx.select('Node', undefined, { zone: 'a' }))).toEqual(['n1', 'n2']);
    expect(names(live.idx.select('Node', undefined, {}))).toEqual(['n1', 'n2', 'n3']);
  });

  it('hands out frozen results that a later write does not change, and returns the new objects', () => {
    const live = new Live();
    live.put(obj('Pod', 'a', { app: 'web' }));
    live.put(obj('Pod', 'b', { app: 'web' }));
    const before = live.idx.select('Pod', 'default', { app: 'web' });
    expect(Object.isFrozen(before)).toBe(true);
    const b2 = live.put(obj('Pod', 'b', { app: 'web' }));
    const after = live.idx.select('Pod', 'default', { app: 'web' });
    expect(after[1]).toBe(b2);
    expect(before[1]).not.toBe(b2);
    expect(live.idx.list('Pod', 'namespace', 'default')[1]).toBe(b2);
    // Unchanged between writes: the same array, so callers may share work keyed by it.
    expect(live.idx.select('Pod', 'default', { app: 'web' })).toBe(after);
  });
});

describe('Indexer buckets under churn', () => {
  type Op = { op: 'put'; name: number; app: number; tier: number } | { op: 'del'; name: number } | { op: 'read' };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('put' as const), name: fc.nat(8), app: fc.nat(3), tier: fc.nat(2) }),
    fc.record({ op: fc.constant('del' as const), name: fc.nat(8) }),
    fc.constant({ op: 'read' as const }),
  );

  it('property: list and select always equal a sorted scan of the live objects', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 10, maxLength: 200, size: 'large' }), (ops) => {
        const live = new Live();
        const check = (): void => {
          const pods = [...live.objects.values()].sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : 1));
          const want = (sel: Record<string, string>) =>
            names(pods.filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v)));
          const selectors: Record<string, string>[] = [{}, { app: 'a0' }, { app: 'a1', tier: 't1' }, { tier: 't0' }];
          for (const sel of selectors) {
            expect(names(live.idx.select('Pod', 'default', sel))).toEqual(want(sel));
          }
          expect(live.idx.list('Pod', 'namespace', 'default')).toEqual(pods);
        };
        for (const o of ops) {
          const name = o.op === 'read' ? '' : `p${String(o.name).padStart(2, '0')}`;
          if (o.op === 'put') {
            live.put(obj('Pod', name, o.tier === 2 ? { app: `a${o.app}` } : { app: `a${o.app}`, tier: `t${o.tier}` }));
          } else if (o.op === 'del') {
            const cur = live.objects.get(`Pod:default/${name}`);
            if (cur) live.remove(cur);
          } else {
            check();
          }
        }
        check();
      }),
      { seed: 20240601, numRuns: 200 },
    );
  });
});

describe('Indexer with a state (as the Cluster runs it)', () => {
  it('indexes a kind from the state at its first lookup, then follows changes', async () => {
    const { createObject } = await import('../../src/model/writes.js');
    const { emptyState, StoreBatch } = await import('../../src/model/store.js');
    const { Rng } = await import('../../src/clock/rng.js');
    const ctx = { nowMs: 0, epochMs: 0, ids: Rng.root('idx') };
    let state = emptyState();
    const idx = new Indexer(() => state);
    const write = (fn: (b: InstanceType<typeof StoreBatch>) => void) => {
      const b = new StoreBatch(state);
      fn(b);
      state = b.commit();
      for (const change of b.changes) idx.apply(change);
    };
    write((b) => {
      createObject(b, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, ctx);
      for (const name of ['b', 'a']) createObject(b, { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, ctx);
    });
    // Not looked up yet: nothing kept; the first lookup builds the kind from the state.
    expect(names(idx.select('Pod', 'default', { app: 'web' }))).toEqual(['a', 'b']);
    write((b) => {
      createObject(b, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, ctx);
    });
    expect(names(idx.select('Pod', 'default', { app: 'web' }))).toEqual(['a', 'b', 'c']);
    expect(names(idx.list('Pod', 'namespace', 'default'))).toEqual(['a', 'b', 'c']);
    expect(names(idx.list('Namespace', 'namespace', 'default'))).toEqual([]);
  });
});

describe('Indexer with a state: each index and label key built at its first lookup', () => {
  it('property: indexes and label keys first looked up at any point match a sorted scan', async () => {
    const { emptyState, StoreBatch, listObjects } = await import('../../src/model/store.js');
    type Step = { op: 'put'; name: number; app: number; node: number; owner: number } | { op: 'del'; name: number } | { op: 'look'; what: number };
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      fc.record({ op: fc.constant('put' as const), name: fc.nat(9), app: fc.nat(2), node: fc.nat(2), owner: fc.nat(2) }),
      fc.record({ op: fc.constant('del' as const), name: fc.nat(9) }),
      fc.record({ op: fc.constant('look' as const), what: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 5, maxLength: 80 }), (steps) => {
        let state = emptyState();
        const idx = new Indexer(() => state);
        const pods = () => listObjects(state, 'Pod');
        const nodes = () => listObjects(state, 'Node');
        // Each lookup, checked against a scan of the state; which of them run first varies.
        const lookups: (() => void)[] = [
          () => expect(idx.list('Pod', 'nodeName', 'n1')).toEqual(pods().filter((p) => (p.spec as { nodeName?: string }).nodeName === 'n1')),
          () => expect(idx.list('Pod', 'owner', 'o1')).toEqual(pods().filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === 'o1'))),
          () => expect(idx.select('Pod', 'default', { app: 'a1' })).toEqual(pods().filter((p) => p.metadata.labels?.app === 'a1')),
          () => expect(idx.select('Pod', 'default', { tier: 't', app: 'a0' })).toEqual(pods().filter((p) => p.metadata.labels?.app === 'a0')),
          () => expect(idx.select('Pod', 'default', {})).toEqual(pods()),
          () => expect(idx.select('Node', undefined, {})).toEqual(nodes()),
        ];
        for (const s of steps) {
          if (s.op === 'look') {
            lookups[s.what]!();
            continue;
          }
          const b = new StoreBatch(state);
          const name = `p${s.name}`;
          if (s.op === 'del') b.remove('Pod', 'default', name);
          else {
            const labels = { app: `a${s.app}`, tier: 't' };
            const ownerReferences = s.owner === 2 ? undefined : [{ apiVersion: 'v1', kind: 'ReplicaSet', name: 'rs', uid: `o${s.owner}`, controller: true }];
            b.put('Pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: name, resourceVersion: String(++rv), labels, ownerReferences }, spec: { nodeName: `n${s.node}` } } as StoredObject);
            b.put('Node', { apiVersion: 'v1', kind: 'Node', metadata: { name: `n${s.node}`, uid: `n${s.node}`, resourceVersion: String(++rv) } } as StoredObject);
          }
          state = b.commit();
          for (const change of b.changes) idx.apply(change);
        }
        for (const look of lookups) look();
      }),
      { seed: 20251123, numRuns: 200 },
    );
  });
});

describe('Indexer: writes that keep labels, owners and node (status updates)', () => {
  /** A new version of `o` sharing its labels and owner references, as the write path shares unchanged parts. */
  const withStatus = (o: StoredObject, phase: string, nodeName?: string): StoredObject =>
    ({
      ...o,
      metadata: { ...o.metadata, resourceVersion: String(++rv) },
      spec: nodeName === undefined ? o.spec : { ...(o.spec ?? {}), nodeName },
      status: { phase },
    }) as StoredObject;

  it('returns the newest version from every index and label lookup', () => {
    const live = new Live();
    const owner = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true }];
    const a = live.put({ ...obj('Pod', 'a', { app: 'web' }), metadata: { ...obj('Pod', 'a', { app: 'web' }).metadata, ownerReferences: owner } } as StoredObject);
    live.put(obj('Pod', 'b', { app: 'web' }));
    const lookups = () => [
      live.idx.select('Pod', 'default', { app: 'web' })[0],
      live.idx.list('Pod', 'namespace', 'default')[0],
      live.idx.list('Pod', 'controller', 'rs-uid')[0],
      live.idx.list('Pod', 'owner', 'rs-uid')[0],
    ];
    expect(lookups()).toEqual([a, a, a, a]);
    const running = live.put(withStatus(a, 'Running'));
    expect(lookups().every((o) => o === running)).toBe(true);
    // A bind keeps labels and owners but moves the pod into a node's bucket.
    const bound = live.put(withStatus(running, 'Running', 'node-1'));
    expect(live.idx.list('Pod', 'nodeName', 'node-1')).toEqual([bound]);
    const moved = live.put(withStatus(bound, 'Running', 'node-2'));
    expect(live.idx.list('Pod', 'nodeName', 'node-1')).toEqual([]);
    expect(live.idx.list('Pod', 'nodeName', 'node-2')).toEqual([moved]);
    const done = live.put(withStatus(moved, 'Succeeded'));
    expect(lookups().every((o) => o === done)).toBe(true);
    expect(live.idx.list('Pod', 'nodeName', 'node-2')).toEqual([done]);
    live.remove(done);
    expect(live.idx.list('Pod', 'controller', 'rs-uid')).toEqual([]);
    expect(live.idx.list('Pod', 'nodeName', 'node-2')).toEqual([]);
    expect(names(live.idx.select('Pod', 'default', { app: 'web' }))).toEqual(['b']);
  });

  it('property: status updates mixed with relabels, binds and deletions match a sorted scan', () => {
    type Op = { op: 'put'; name: number; app: number } | { op: 'status'; name: number; node: number } | { op: 'del'; name: number };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('put' as const), name: fc.nat(6), app: fc.nat(2) }),
      fc.record({ op: fc.constant('status' as const), name: fc.nat(6), node: fc.nat(3) }),
      fc.record({ op: fc.constant('del' as const), name: fc.nat(6) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 5, maxLength: 120 }), (ops) => {
        const live = new Live();
        for (const o of ops) {
          const name = `p${o.name}`;
          const cur = live.objects.get(`Pod:default/${name}`);
          if (o.op === 'put') live.put(obj('Pod', name, { app: `a${o.app}` }));
          else if (o.op === 'del' && cur) live.remove(cur);
          else if (o.op === 'status' && cur) live.put(withStatus(cur, 'Running', o.node === 0 ? undefined : `n${o.node}`));
          const pods = [...live.objects.values()].sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : 1));
          for (const app of ['a0', 'a1', 'a2']) expect(live.idx.select('Pod', 'default', { app })).toEqual(pods.filter((p) => p.metadata.labels?.app === app));
          for (const node of ['n1', 'n2', 'n3']) {
            expect(live.idx.list('Pod', 'nodeName', node)).toEqual(pods.filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === node));
          }
          expect(live.idx.list('Pod', 'namespace', 'default')).toEqual(pods);
        }
      }),
      { seed: 20261122, numRuns: 150 },
    );
  });
});

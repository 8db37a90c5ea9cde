import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BUCKETS, countObjects, emptyState, forEachChangedObject, getObject, listObjects, StoreBatch, type ClusterState } from '../../src/model/store.js';
import type { StoredObject } from '../../src/model/types.js';

function obj(kind: string, namespace: string | undefined, name: string, rv = '1'): StoredObject {
  return Object.freeze({
    kind,
    metadata: { name, namespace, resourceVersion: rv, uid: `${namespace}/${name}` },
  }) as StoredObject;
}

describe('store', () => {
  it('starts empty with every kind present', () => {
    const s = emptyState();
    expect(s.resourceVersion).toBe(0);
    expect(countObjects(s, 'Pod')).toBe(0);
    const top = s.kinds.Pod!.buckets;
    expect(top.length * top[0]!.length * top[0]![0]!.length * top[0]![0]![0]!.length).toBe(BUCKETS);
  });

  it('commits a batch without touching the base state', () => {
    const base = emptyState();
    const b = new StoreBatch(base);
    b.put('Pod', obj('Pod', 'default', 'a'));
    expect(b.get('Pod', 'default', 'a')?.metadata.name).toBe('a');
    expect(getObject(base, 'Pod', 'default', 'a')).toBeUndefined();
    const next = b.commit();
    expect(getObject(next, 'Pod', 'default', 'a')?.metadata.name).toBe('a');
    expect(countObjects(next, 'Pod')).toBe(1);
    expect(countObjects(base, 'Pod')).toBe(0);
  });

  it('copies only the path of a write: one array per trie level and one bucket', () => {
    let s = emptyState();
    const b = new StoreBatch(s);
    for (let i = 0; i < 5000; i++) b.put('Pod', obj('Pod', 'default', `p${i}`));
    s = b.commit();
    const b2 = new StoreBatch(s);
    b2.put('Pod', obj('Pod', 'default', 'p1', '2'));
    const s2 = b2.commit();
    const before = s.kinds.Pod!.buckets;
    const after = s2.kinds.Pod!.buckets;
    const changed = <T>(a: readonly T[], b: readonly T[]): number[] => a.flatMap((x, i) => (x !== b[i] ? [i] : []));
    const mids = changed(after, before);
    expect(mids).toHaveLength(1);
    const [i] = mids as [number];
    const inners = changed(after[i]!, before[i]!);
    expect(inners).toHaveLength(1);
    const [j] = inners as [number];
    const leaves = changed(after[i]![j]!, before[i]![j]!);
    expect(leaves).toHaveLength(1);
    const [k] = leaves as [number];
    expect(changed(after[i]![j]![k]!, before[i]![j]![k]!)).toHaveLength(1);
    expect(s2.kinds.Node).toBe(s.kinds.Node);
    // The state and the table are frozen; the trie's arrays are not (store.ts,
    // TRIE_ARRAYS_NOT_FROZEN), and the base's path is left as it was by the commit on top.
    expect(Object.isFrozen(s2) && Object.isFrozen(s2.kinds) && Object.isFrozen(s2.kinds.Pod)).toBe(true);
    expect(getObject(s, 'Pod', 'default', 'p1')?.metadata.resourceVersion).toBe('1');
    expect(getObject(s2, 'Pod', 'default', 'p1')?.metadata.resourceVersion).toBe('2');
  });

  it('lists sorted by namespace then name, and filters by namespace', () => {
    const b = new StoreBatch(emptyState());
    for (const [ns, name] of [['b', 'x'], ['a', 'z'], ['a', 'y'], ['a-b', 'c'], ['b', '10'], ['b', '9']] as const) {
      b.put('Pod', obj('Pod', ns, name));
    }
    const s = b.commit();
    expect(listObjects(s, 'Pod').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'a-b/c', 'a/y', 'a/z', 'b/10', 'b/9', 'b/x',
    ]);
    expect(listObjects(s, 'Pod', 'a').map((o) => o.metadata.name)).toEqual(['y', 'z']);
  });

  it('removes, and a batch sees its own removals', () => {
    const b = new StoreBatch(emptyState());
    b.put('Node', obj('Node', undefined, 'n1'));
    const s = b.commit();
    const b2 = new StoreBatch(s);
    expect(b2.remove('Node', undefined, 'n1')?.metadata.name).toBe('n1');
    expect(b2.get('Node', undefined, 'n1')).toBeUndefined();
    expect(b2.remove('Node', undefined, 'n1')).toBeUndefined();
    const s2 = b2.commit();
    expect(countObjects(s2, 'Node')).toBe(0);
    expect(b2.changes.map((c) => [c.object?.metadata.name, c.oldObject?.metadata.name])).toEqual([[undefined, 'n1']]);
  });

  it('removes an object just read through the batch (removeKnown) as remove does', () => {
    const b = new StoreBatch(emptyState());
    for (const n of ['a', 'b']) b.put('Event', obj('Event', 'default', n));
    const s = b.commit();
    const viaRemove = new StoreBatch(s);
    viaRemove.remove('Event', 'default', 'a');
    const viaKnown = new StoreBatch(s);
    viaKnown.removeKnown('Event', viaKnown.get('Event', 'default', 'a')!);
    expect(viaKnown.get('Event', 'default', 'a')).toBeUndefined();
    expect(viaKnown.changes).toEqual(viaRemove.changes);
    const s2 = viaKnown.commit();
    expect(listObjects(s2, 'Event')).toEqual(listObjects(viaRemove.commit(), 'Event'));
    expect(listObjects(s2, 'Event').map((o) => o.metadata.name)).toEqual(['b']);
  });

  it('finds objects by their own namespace and name, names with a slash included', () => {
    const b = new StoreBatch(emptyState());
    b.put('~PodCIDR', obj('~PodCIDR', undefined, '10.244.3.0/24'));
    b.put('Pod', obj('Pod', 'a', 'b'));
    const s = b.commit();
    expect(getObject(s, '~PodCIDR', undefined, '10.244.3.0/24')?.metadata.name).toBe('10.244.3.0/24');
    // A cluster-scoped object is not found under a namespace, nor a namespaced one without it.
    expect(getObject(s, '~PodCIDR', 'default', '10.244.3.0/24')).toBeUndefined();
    expect(getObject(s, 'Pod', undefined, 'b')).toBeUndefined();
    const b2 = new StoreBatch(s);
    expect(b2.remove('~PodCIDR', undefined, '10.244.3.0/24')).toBeDefined();
    const s2 = b2.commit();
    expect(countObjects(s2, '~PodCIDR')).toBe(0);
    expect(getObject(s2, 'Pod', 'a', 'b')).toBeDefined();
  });

  // Keys whose 32-bit FNV-1a hashes are equal (found by search): the store must tell them apart
  // by their namespace and name, both within one batch and once committed to one bucket.
  it.each`
    a                                | b                                 | differ
    ${['default', 'pod-462789']}     | ${['default', 'pod-679192']}      | ${'names'}
    ${['ns-877252', 'web']}          | ${['ns-1440110', 'web']}          | ${'namespaces'}
  `('keeps two keys with the same hash apart (differing $differ)', ({ a, b }: { a: [string, string]; b: [string, string] }) => {
    const batch = new StoreBatch(emptyState());
    batch.put('Pod', obj('Pod', a[0], a[1], '1'));
    expect(batch.get('Pod', b[0], b[1])).toBeUndefined();
    batch.put('Pod', obj('Pod', b[0], b[1], '2'));
    batch.put('Pod', obj('Pod', a[0], a[1], '3'));
    expect(batch.get('Pod', a[0], a[1])?.metadata.resourceVersion).toBe('3');
    expect(batch.get('Pod', b[0], b[1])?.metadata.resourceVersion).toBe('2');
    const s = batch.commit();
    expect(countObjects(s, 'Pod')).toBe(2);
    expect(getObject(s, 'Pod', a[0], a[1])?.metadata.resourceVersion).toBe('3');
    expect(getObject(s, 'Pod', b[0], b[1])?.metadata.resourceVersion).toBe('2');
    const b2 = new StoreBatch(s);
    expect(b2.remove('Pod', b[0], b[1])?.metadata.resourceVersion).toBe('2');
    b2.put('Pod', obj('Pod', a[0], a[1], '4'));
    const s2 = b2.commit();
    expect(listObjects(s2, 'Pod').map((o) => `${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`)).toEqual([`${a[0]}/${a[1]}@4`]);
    expect(getObject(s2, 'Pod', b[0], b[1])).toBeUndefined();
    // The diff of the shared bucket tells the two keys apart too.
    const changed: string[] = [];
    forEachChangedObject(s, s2, 'Pod', (before, after) =>
      changed.push(`${(before ?? after)!.metadata.name}@${before?.metadata.resourceVersion ?? '-'}->${after?.metadata.resourceVersion ?? '-'}`),
    );
    expect(changed.sort()).toEqual([`${a[1]}@3->4`, `${b[1]}@2->-`].sort());
  });

  it('a batch that writes, removes and rewrites keys commits only their last versions', () => {
    const b = new StoreBatch(emptyState());
    b.put('Pod', obj('Pod', 'a', 'x', '1'));
    b.put('Pod', obj('Pod', 'a', 'y', '2'));
    expect(b.remove('Pod', 'a', 'x')?.metadata.resourceVersion).toBe('1');
    expect(b.remove('Pod', 'a', 'x')).toBeUndefined();
    b.put('Pod', obj('Pod', 'a', 'y', '3'));
    const s = b.commit();
    expect(listObjects(s, 'Pod').map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`)).toEqual(['y@3']);
    expect(countObjects(s, 'Pod')).toBe(1);
    expect(b.changes.map((c) => [c.object?.metadata.resourceVersion, c.oldObject?.metadata.resourceVersion])).toEqual([
      ['1', undefined], ['2', undefined], [undefined, '1'], ['3', '2'],
    ]);
  });

  it('agrees with a Map model under random puts and removes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 30 })), { maxLength: 200 }),
        fc.integer({ min: 1, max: 10 }),
        (ops, batchSize) => {
          const model = new Map<string, string>();
          let s: ClusterState = emptyState();
          let b = new StoreBatch(s);
          ops.forEach(([put, ns, n], i) => {
            const name = `o${n}`;
            if (put) {
              b.put('Pod', obj('Pod', ns, name, String(i)));
              model.set(`${ns}/${name}`, String(i));
            } else {
              b.remove('Pod', ns, name);
              model.delete(`${ns}/${name}`);
            }
            if (i % batchSize === 0) {
              s = b.commit();
              b = new StoreBatch(s);
            }
          });
          s = b.commit();
          const listed = listObjects(s, 'Pod').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.metadata.resourceVersion]);
          expect(listed).toEqual([...model.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
          expect(countObjects(s, 'Pod')).toBe(model.size);
        },
      ),
    );
  });

  it('getSeen gives the version the caller holds unless the batch wrote the key; commit checks it', () => {
    const v1 = obj('Pod', 'default', 'a', '1');
    const b0 = new StoreBatch(emptyState());
    b0.put('Pod', v1);
    const s = b0.commit();

    const b = new StoreBatch(s);
    expect(b.getSeen('Pod', v1)).toBe(v1);
    const v2 = obj('Pod', 'default', 'a', '2');
    b.replace('Pod', v2, v1);
    expect(b.getSeen('Pod', v1)).toBe(v2);
    expect(getObject(b.commit(), 'Pod', 'default', 'a')).toBe(v2);

    // A version that is not the stored one: the write's old object (what the trace and
    // watchers see) would be wrong, so the commit fails and the state stays as it was.
    const stale = obj('Pod', 'default', 'a', '0');
    const bad = new StoreBatch(s);
    bad.replace('Pod', obj('Pod', 'default', 'a', '3'), stale);
    expect(() => bad.commit()).toThrow(/not the stored one/);
    expect(getObject(s, 'Pod', 'default', 'a')).toBe(v1);
  });
});

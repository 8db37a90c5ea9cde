// SortedBucket (src/sim/sorted-bucket.ts): what an index lookup hands out is always the live
// members sorted by key, frozen, and never changed by a later write; an unchanged bucket hands
// out the very same array again (endpoint caches key their work on it).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredObject } from '../../src/model/types.js';
import { SortedBucket } from '../../src/sim/sorted-bucket.js';

let rv = 0;
const pod = (name: string): StoredObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', resourceVersion: String(++rv) } }) as StoredObject;
const names = (list: readonly StoredObject[]) => list.map((o) => o.metadata.name);

describe('SortedBucket', () => {
  it('hands out the members sorted by key, and the same array while nothing changes', () => {
    const b = new SortedBucket();
    for (const n of ['c', 'a', 'b']) b.set(`default/${n}`, pod(n));
    const first = b.sorted();
    expect(names(first)).toEqual(['a', 'b', 'c']);
    expect(Object.isFrozen(first)).toBe(true);
    expect(b.sorted()).toBe(first);
    // Setting the object a key already holds changes nothing.
    b.set('default/b', first[1]!);
    expect(b.sorted()).toBe(first);
  });

  it('patches a new version in place without touching the array handed out before', () => {
    const b = new SortedBucket();
    for (const n of ['a', 'b', 'c']) b.set(`default/${n}`, pod(n));
    const before = b.sorted();
    const b2 = pod('b');
    b.set('default/b', b2);
    const after = b.sorted();
    expect(after).not.toBe(before);
    expect(after[1]).toBe(b2);
    expect(before[1]).not.toBe(b2);
  });

  it('re-adding a removed key before the next read keeps one entry, with the newest object', () => {
    const b = new SortedBucket();
    for (const n of ['a', 'b']) b.set(`default/${n}`, pod(n));
    b.sorted();
    b.remove('default/a');
    expect(b.size).toBe(1);
    const a2 = pod('a');
    b.set('default/a', a2);
    expect(b.size).toBe(2);
    expect(b.sorted()).toEqual([a2, expect.objectContaining({ metadata: expect.objectContaining({ name: 'b' }) })]);
  });

  type Op = { op: 'set' | 'del'; k: number } | { op: 'read' };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constantFrom('set' as const, 'del' as const), k: fc.nat(12) }),
    fc.constant({ op: 'read' as const }),
  );

  it('property: every read equals a sorted scan of a model, and earlier reads never change', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const b = new SortedBucket();
        const model = new Map<string, StoredObject>();
        const reads: { got: readonly StoredObject[]; want: StoredObject[] }[] = [];
        const read = () => {
          const want = [...model.keys()].sort().map((k) => model.get(k)!);
          const got = b.sorted();
          expect(got).toEqual(want);
          for (let i = 0; i < want.length; i++) expect(got[i]).toBe(want[i]);
          reads.push({ got, want });
        };
        for (const o of ops) {
          if (o.op === 'read') read();
          else {
            const key = `default/p${String(o.k).padStart(2, '0')}`;
            if (o.op === 'set') {
              const p = pod(key);
              b.set(key, p);
              model.set(key, p);
            } else {
              b.remove(key);
              model.delete(key);
            }
            expect(b.size).toBe(model.size);
          }
        }
        read();
        for (const r of reads) for (let i = 0; i < r.want.length; i++) expect(r.got[i]).toBe(r.want[i]);
      }),
      { seed: 20251123, numRuns: 300 },
    );
  });
});

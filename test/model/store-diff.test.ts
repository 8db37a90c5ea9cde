import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyState, forEachChangedObject, listObjects, StoreBatch, type ClusterState } from '../../src/model/store.js';
import type { StoredObject } from '../../src/model/types.js';

function node(name: string, rv: string): StoredObject {
  return Object.freeze({ kind: 'Node', metadata: { name, resourceVersion: rv, uid: name } }) as StoredObject;
}

function write(state: ClusterState, ops: readonly (readonly [string, number])[]): ClusterState {
  const b = new StoreBatch(state);
  for (const [name, rv] of ops) {
    if (rv === 0) b.remove('Node', undefined, name);
    else b.put('Node', node(name, String(rv)));
  }
  return b.commit();
}

/** What changed, as `name: beforeRv -> afterRv` lines, sorted. */
function diff(prev: ClusterState | undefined, next: ClusterState): string[] {
  const out: string[] = [];
  forEachChangedObject(prev, next, 'Node', (a, b) => out.push(`${(a ?? b)!.metadata.name}: ${a?.metadata.resourceVersion ?? '-'} -> ${b?.metadata.resourceVersion ?? '-'}`));
  return out.sort();
}

describe('forEachChangedObject', () => {
  it('reports the added, replaced and removed objects between two states, and nothing else', () => {
    const s1 = write(emptyState(), [['a', 1], ['b', 1], ['c', 1]]);
    const s2 = write(s1, [['a', 2], ['c', 0], ['d', 2]]);
    expect(diff(undefined, s1)).toEqual(['a: - -> 1', 'b: - -> 1', 'c: - -> 1']);
    expect(diff(s1, s2)).toEqual(['a: 1 -> 2', 'c: 1 -> -', 'd: - -> 2']);
    expect(diff(s2, s1)).toEqual(['a: 2 -> 1', 'c: - -> 1', 'd: 2 -> -']);
    expect(diff(s2, s2)).toEqual([]);
  });

  it('applying the diff to the old listing gives the new listing, for related and unrelated states', () => {
    const op = fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 12 }), fc.array(op, { maxLength: 12 }), fc.boolean(), (first, second, related) => {
        const prev = write(emptyState(), first);
        const next = write(related ? prev : emptyState(), second);
        const names = new Map(listObjects(prev, 'Node').map((o) => [o.metadata.name, o]));
        forEachChangedObject(prev, next, 'Node', (a, b) => {
          expect(a === undefined ? undefined : names.get(a.metadata.name)).toBe(a);
          if (b) names.set(b.metadata.name, b);
          else names.delete(a!.metadata.name);
        });
        expect([...names.values()].sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : 1))).toEqual(listObjects(next, 'Node'));
      }),
      { seed: 42 },
    );
  });

  it('reports in the same order whether the states are one commit apart or several', () => {
    // One commit apart, only the buckets that commit wrote are visited; otherwise every bucket
    // that differs. Both walk buckets in slot order, so callers see one order either way.
    const op = fc.tuple(fc.integer({ min: 0, max: 400 }).map((i) => `node-${i}`), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.array(op, { maxLength: 60 }), (first, second) => {
        const prev = write(emptyState(), first);
        const next = write(prev, second);
        // The same content reached through two commits, so no longer one commit from prev.
        const split = Math.floor(second.length / 2);
        const twoSteps = write(write(prev, second.slice(0, split)), second.slice(split));
        const seen = (to: ClusterState): string[] => {
          const out: string[] = [];
          forEachChangedObject(prev, to, 'Node', (a, b) => out.push(`${(a ?? b)!.metadata.name} ${b?.metadata.resourceVersion ?? '-'}`));
          return out;
        };
        expect(seen(next)).toEqual(seen(twoSteps));
      }),
      { seed: 7 },
    );
  });
});

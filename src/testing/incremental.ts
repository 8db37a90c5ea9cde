/**
 * What the incremental invariants share: the objects of a kind that changed between two states
 * (store.forEachChangedObject, whose cost follows what changed, not how many objects exist),
 * computed once per pair of states however many invariants ask, and `Groups`, the small index
 * each invariant keeps up to date from them.
 */
import type { ClusterState, StoredObject } from '../index.js';
import { forEachChangedObject } from '../model/store.js';

/**
 * The last diffs per kind, for one state: the built-in invariants are checked one after another
 * on the same state, so the second and third asking for Pods get the first's list. One state at
 * a time (a new state drops the old one's diffs): a WeakMap keyed by every committed state cost
 * more to keep than the diffs it saved, and two clusters checked in turn merely diff again.
 * Each list is flat, before and after side by side (`[before0, after0, before1, after1, ...]`):
 * walking tuples with a destructuring for-of was most of what a check with nothing to do cost.
 */
let memoState: ClusterState | undefined;
let memo = new Map<string, { readonly prev: ClusterState | undefined; readonly changes: readonly (StoredObject | undefined)[] }>();

const NO_CHANGES: readonly (StoredObject | undefined)[] = Object.freeze([]);

/** The objects of `kind` added, removed or replaced from `prev` to `next`, as flat pairs (see memo). */
function changedPairs(prev: ClusterState | undefined, next: ClusterState, kind: string): readonly (StoredObject | undefined)[] {
  if (prev === next) return NO_CHANGES;
  if (memoState !== next) {
    memoState = next;
    memo = new Map();
  }
  const hit = memo.get(kind);
  if (hit && hit.prev === prev) return hit.changes;
  const changes: (StoredObject | undefined)[] = [];
  forEachChangedObject(prev, next, kind, (before, after) => void changes.push(before, after));
  memo.set(kind, { prev, changes });
  return changes;
}

/** Calls `fn(before, after)` for each object of `kind` added, removed or replaced from `prev` to `next` (all of `next` if no `prev`). */
export function diffKind(prev: ClusterState | undefined, next: ClusterState, kind: string, fn: (before: StoredObject | undefined, after: StoredObject | undefined) => void): void {
  const changes = changedPairs(prev, next, kind);
  for (let i = 0; i < changes.length; i += 2) fn(changes[i], changes[i + 1]);
}

/**
 * Objects grouped by a string (node name, IP, owner uid), each group keyed by object key; a
 * group is dropped when it empties.
 */
export class Groups {
  private readonly groups = new Map<string, Map<string, StoredObject>>();

  add(group: string, key: string, obj: StoredObject): void {
    let g = this.groups.get(group);
    if (!g) this.groups.set(group, (g = new Map()));
    g.set(key, obj);
  }

  remove(group: string, key: string): void {
    const g = this.groups.get(group);
    if (!g) return;
    g.delete(key);
    if (g.size === 0) this.groups.delete(group);
  }

  size(group: string): number {
    return this.groups.get(group)?.size ?? 0;
  }

  /** The group's objects sorted by key (as a listing returns them); empty if none. */
  sorted(group: string): StoredObject[] {
    const g = this.groups.get(group);
    if (!g) return [];
    return [...g.keys()].sort().map((k) => g.get(k)!);
  }

  /** One object of a group by key. */
  get(group: string, key: string): StoredObject | undefined {
    return this.groups.get(group)?.get(key);
  }

  /** Whether `test` holds for some object of the group (any order; stops at the first). */
  some(group: string, test: (obj: StoredObject) => unknown): boolean {
    const g = this.groups.get(group);
    if (g) for (const obj of g.values()) if (test(obj)) return true;
    return false;
  }

  /** Calls `fn` for each object of the group (any order). */
  each(group: string, fn: (obj: StoredObject) => void): void {
    const g = this.groups.get(group);
    if (g) for (const obj of g.values()) fn(obj);
  }

  /** The group's keys sorted. */
  keys(group: string): string[] {
    const g = this.groups.get(group);
    return g ? [...g.keys()].sort() : [];
  }
}

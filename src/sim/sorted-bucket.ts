/**
 * One index bucket: a set of objects by key that hands out a frozen array sorted by key, kept
 * cheap under churn. Only adds and removes change the order, so a modification (same key, new
 * object) patches the object in place — O(log n) — and the next read copies the array, with no
 * re-sort. Adds are sorted among themselves and merged into the existing order on the next
 * read (O(n + k log k) for k adds), removals are filtered out then.
 */
import type { StoredObject } from '../model/types.js';

function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SortedBucket {
  private readonly members = new Map<string, StoredObject>();
  /** Sorted keys; exact while `added` is empty and `removed` is 0, else rebuilt on read. */
  private order: string[] = [];
  /** `objects[i]` is the member at `order[i]`; undefined when it needs a rebuild. */
  private objects: StoredObject[] | undefined = [];
  /** Keys added since `order` was last rebuilt (never in `order`, except as a stale removed entry). */
  private readonly added = new Set<string>();
  /** Keys of `order` removed since it was last rebuilt. */
  private removed = 0;
  /** What the last read returned; handed out, so never mutated. */
  private snapshot: readonly StoredObject[] | undefined = Object.freeze([]);

  get size(): number {
    return this.members.size;
  }

  set(key: string, obj: StoredObject): void {
    const known = this.members.has(key);
    this.members.set(key, obj);
    this.snapshot = undefined;
    if (!known) {
      this.added.add(key);
      return;
    }
    if (!this.objects) return;
    if (this.added.size > 0 || this.removed > 0) {
      // `order` is not exact, so the position is unknown; and pending adds may all be removed
      // again before the next read, which then would not rebuild: drop the objects now.
      this.objects = undefined;
      return;
    }
    this.objects[lowerBound(this.order, key)] = obj;
  }

  remove(key: string): void {
    if (!this.members.delete(key)) return;
    this.snapshot = undefined;
    if (!this.added.delete(key)) this.removed += 1;
  }

  sorted(): readonly StoredObject[] {
    if (this.snapshot) return this.snapshot;
    if (this.added.size > 0 || this.removed > 0) this.rebuildOrder();
    if (!this.objects) this.objects = this.order.map((k) => this.members.get(k)!);
    this.snapshot = Object.freeze(this.objects.slice());
    return this.snapshot;
  }

  private rebuildOrder(): void {
    const base = this.removed > 0 ? this.order.filter((k) => this.members.has(k) && !this.added.has(k)) : this.order;
    const adds = [...this.added].sort();
    let order: string[];
    if (adds.length === 0) {
      order = base;
    } else if (base.length === 0) {
      order = adds;
    } else {
      order = new Array<string>(base.length + adds.length);
      let i = 0;
      let j = 0;
      let o = 0;
      while (i < base.length && j < adds.length) order[o++] = base[i]! < adds[j]! ? base[i++]! : adds[j++]!;
      while (i < base.length) order[o++] = base[i++]!;
      while (j < adds.length) order[o++] = adds[j++]!;
    }
    this.order = order;
    this.added.clear();
    this.removed = 0;
    this.objects = undefined;
  }
}

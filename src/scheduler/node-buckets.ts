/**
 * Node-table rows bucketed by state: rows whose group, image group and every resource figure
 * the table keeps (allocatable and requested cpu/memory/ephemeral-storage, non-zero requested
 * cpu/memory, pod count, allowed pods) are equal share a bucket. For the plugins the indexed
 * cycle models on the table, all nodes of a bucket filter and score alike, so the bucketed
 * cycle (fast-buckets.ts) asks once per bucket instead of once per node.
 *
 * Maintained incrementally: NodeTable.refresh hands each refreshed row its state key; a row
 * whose key changed moves from its bucket to the key's (created on demand). Empty buckets
 * are recycled, so ids stay below the number of distinct states present at once. Each bucket
 * keeps its rows sorted, which the tie rule needs (node-list order).
 */
export class NodeBuckets {
  /** Row → bucket id. */
  bucketOf = new Int32Array(0);
  /** Bucket id → its rows in increasing order (empty for a free id). */
  readonly rows: number[][] = [];
  /**
   * Bucket id → its first (lowest) row and its number of rows, mirrored from `rows` in flat
   * arrays: the per-bucket loops of a cycle read only these, so they do not chase one heap
   * pointer per bucket (at 5,000 buckets that cache miss was most of the bin-packing cycle).
   */
  firstRow = new Int32Array(0);
  rowCount = new Int32Array(0);
  /** The ids of non-empty buckets, in no particular order (`livePos` indexes it). */
  readonly live: number[] = [];
  private readonly livePos: number[] = [];
  private readonly keyOf: string[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly free: number[] = [];

  /** Upper bound of bucket ids (for per-bucket scratch arrays). */
  get capacity(): number {
    return this.rows.length;
  }

  /** Forgets every row; `size` rows follow, each placed once by `place`. */
  reset(size: number): void {
    this.bucketOf = new Int32Array(size).fill(-1);
    this.rows.length = 0;
    this.firstRow = new Int32Array(Math.max(16, size));
    this.rowCount = new Int32Array(Math.max(16, size));
    this.live.length = 0;
    this.livePos.length = 0;
    this.keyOf.length = 0;
    this.byKey.clear();
    this.free.length = 0;
  }

  /** Puts `row` in the bucket of `key` (moving it out of its previous one). */
  place(row: number, key: string): void {
    const old = this.bucketOf[row]!;
    if (old >= 0) {
      if (this.keyOf[old] === key) return;
      this.remove(old, row);
    }
    let id = this.byKey.get(key);
    if (id === undefined) id = this.create(key);
    const list = this.rows[id]!;
    list.splice(lowerBound(list, row), 0, row);
    this.mirror(id, list);
    this.bucketOf[row] = id;
  }

  private mirror(id: number, list: readonly number[]): void {
    if (id >= this.firstRow.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(Math.max(id + 1, a.length * 2));
        b.set(a);
        return b;
      };
      this.firstRow = grow(this.firstRow);
      this.rowCount = grow(this.rowCount);
    }
    this.firstRow[id] = list.length > 0 ? list[0]! : -1;
    this.rowCount[id] = list.length;
  }

  private create(key: string): number {
    const id = this.free.length > 0 ? this.free.pop()! : this.rows.length;
    if (id === this.rows.length) {
      this.rows.push([]);
      this.keyOf.push(key);
      this.livePos.push(-1);
    } else this.keyOf[id] = key;
    this.byKey.set(key, id);
    this.livePos[id] = this.live.length;
    this.live.push(id);
    return id;
  }

  private remove(id: number, row: number): void {
    const list = this.rows[id]!;
    list.splice(lowerBound(list, row), 1);
    this.mirror(id, list);
    if (list.length > 0) return;
    // Empty: recycle the id (swap-remove from `live`).
    this.byKey.delete(this.keyOf[id]!);
    const pos = this.livePos[id]!;
    const last = this.live.pop()!;
    if (last !== id) {
      this.live[pos] = last;
      this.livePos[last] = pos;
    }
    this.livePos[id] = -1;
    this.free.push(id);
  }
}

/** The first index of sorted `list` whose value is ≥ x. */
export function lowerBound(list: readonly number[], x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

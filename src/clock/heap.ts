/**
 * An array-backed binary min-heap: the priority queue under the timer queue (ordered by
 * (dueMs, seq)) and anything else that needs "smallest first" in O(log n).
 *
 * The order is whatever `less` says; callers that need determinism give a total order (ties
 * broken by a sequence number), because a heap does not preserve insertion order among equals.
 * Operations allocate nothing beyond the array's own growth: the sift loops move a hole instead
 * of swapping, and `pop` shrinks the array in place.
 */

export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const items = this.items;
    items.push(x);
    this.siftUp(items.length - 1, x);
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0] as T;
    const last = items.pop() as T;
    if (items.length > 0) this.siftDown(0, last);
    return top;
  }

  /**
   * Keeps only the items for which `keep` is true and restores the heap in O(n) (Floyd's
   * heapify). Used to compact lazily deleted entries; `keep` is called once per item, in array
   * order.
   */
  retain(keep: (x: T) => boolean): void {
    const items = this.items;
    let w = 0;
    for (let r = 0; r < items.length; r++) {
      const x = items[r] as T;
      if (keep(x)) items[w++] = x;
    }
    items.length = w;
    for (let i = (w >>> 1) - 1; i >= 0; i--) this.siftDown(i, items[i] as T);
  }

  /** Moves x up from the hole at i until its parent is not greater, then drops it there. */
  private siftUp(i: number, x: T): void {
    const items = this.items;
    while (i > 0) {
      const parentIndex = (i - 1) >>> 1;
      const parent = items[parentIndex] as T;
      if (!this.less(x, parent)) break;
      items[i] = parent;
      i = parentIndex;
    }
    items[i] = x;
  }

  /** Moves x down from the hole at i, promoting the smaller child, until no child is smaller. */
  private siftDown(i: number, x: T): void {
    const items = this.items;
    const n = items.length;
    const half = n >>> 1; // nodes at or past this index are leaves
    while (i < half) {
      let childIndex = 2 * i + 1;
      let child = items[childIndex] as T;
      const rightIndex = childIndex + 1;
      if (rightIndex < n) {
        const right = items[rightIndex] as T;
        if (this.less(right, child)) {
          childIndex = rightIndex;
          child = right;
        }
      }
      if (!this.less(child, x)) break;
      items[i] = child;
      i = childIndex;
    }
    items[i] = x;
  }
}

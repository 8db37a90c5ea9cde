/**
 * The node IPAM controller's free-set: which indexes of a range (pod CIDR blocks, node
 * addresses) nodes hold, and the lowest free one, found in about O(1) per allocation.
 *
 * Upstream's cidrset keeps a bitmap and a next-candidate cursor; this one does too, but its
 * cursor means "no free index below here", so it answers the lowest free index (kubesim's
 * rule) rather than the next after the last handed out. Freeing an index below the cursor
 * moves the cursor back to it; a search moves it forward to the free index it finds, so
 * each held index is stepped over once per free below it, not once per allocation.
 *
 * Two nodes may hold the same block (given by hand); the block is free again only when both
 * let go, so holders beyond the first are counted aside (rare, hence a Map, not a wider array).
 *
 * @see kubernetes/kubernetes pkg/controller/nodeipam/ipam/cidrset/cidr_set.go
 */
export class HeldSet {
  private readonly held: Uint8Array;
  /** Holders beyond the first, by index. */
  private readonly extra = new Map<number, number>();
  /** No index in [first, cursor) is free. */
  private cursor: number;

  /** Indexes 0..size-1; only [first, end) are ever handed out. */
  constructor(
    readonly size: number,
    private readonly first: number,
    private readonly end: number,
  ) {
    this.held = new Uint8Array(size);
    this.cursor = first;
  }

  add(i: number): void {
    if (this.held[i] === 0) this.held[i] = 1;
    else this.extra.set(i, (this.extra.get(i) ?? 0) + 1);
  }

  remove(i: number): void {
    const more = this.extra.get(i);
    if (more !== undefined) {
      if (more === 1) this.extra.delete(i);
      else this.extra.set(i, more - 1);
      return;
    }
    this.held[i] = 0;
    if (i >= this.first && i < this.cursor) this.cursor = i;
  }

  /** The lowest free index in [first, end), or undefined when there is none. */
  lowestFree(): number | undefined {
    // indexOf is a native scan; with the cursor it starts where the last search stopped.
    const i = this.held.indexOf(0, this.cursor);
    this.cursor = i < 0 ? this.size : i;
    return i < 0 || i >= this.end ? undefined : i;
  }
}

/**
 * Per-pod-shape views of the node table for the class cycle (fast-classes.ts). For one pod
 * resource shape (its requests and non-zero requests), every row's NodeResourcesFit verdict
 * and its summed resource-allocation score (Σ weight × score over the profile's cpu/memory
 * allocation scorers: the Fit strategy, BalancedAllocation) depend on that row's figures
 * alone. So a view keeps, per row, "fits" and that sum, and per node class (group + image
 * group, node-table.ts) how many rows fit and a histogram of their sums. The sums are
 * integers in [0, 100 × Σ weight], so "the best sum in a class and how many rows reach it"
 * is the histogram's top bin.
 *
 * Views are kept up to date incrementally: the table logs every refreshed row (`changes`),
 * and a view replays the rows logged since it last looked (a bind refreshes one row), or
 * starts over when the table dropped its log or the replay would be longer than a rebuild.
 * Pods of one ReplicaSet share a shape, and workloads have a few dozen shapes, so the views
 * live in a small cache per node table and plan (fast-view-cache.ts).
 *
 * For the window cycle (fast-window.ts), a view also summarizes rows by block (the table's
 * blocks of about √n consecutive rows, so a window of rows is a few blocks and two partial
 * ends): per block and class, how many rows fit, their best sum and how many rows reach it.
 * That cycle syncs a view lazily (viewFor with `lazy`): instead of replaying the log, a block
 * it reads is brought up to date then, row by row where the table's row versions moved
 * (node-table.ts; only the block's last few refreshed rows when the view last checked it
 * recently); a block's summary follows those row updates (moveInSummary), and when a class
 * loses its last row at its best sum only that class's best is recounted, from its own rows
 * in the block (recount). A view only ever
 * read lazily keeps no class histograms; its first eager sync (class cycle, row path) rebuilds
 * it with them. The summaries are allocated on first use only (the class cycle never reads
 * them).
 *
 * A score outside [MIN_NODE_SCORE, MAX_NODE_SCORE] is the framework's error: the view counts
 * such rows (`invalidRows`) and the class cycle then leaves the pod to the bucketed cycle,
 * which reports it as the plain cycle does.
 */
import { calculatePodResourceRequestList, type ResourceAllocationScorer } from './plugins/node-resources/resource-allocation.js';
import { fuseAlloc, fusedScore, type FusedAlloc } from './fast-alloc.js';
import { MAX_NODE_SCORE, MIN_NODE_SCORE } from './framework.js';
import { fitsOnRow, type FilterSteps } from './fast-plan.js';
import { RECENT_REFRESHES, type NodeTable } from './node-table.js';
import { lowerBound } from './node-buckets.js';
import type { Pod } from '../model/types.js';

/** One allocation scorer of the plan with its weight (cpu/memory resources only). */
export interface AllocTerm {
  readonly a: ResourceAllocationScorer;
  readonly weight: number;
}

/** A view replays at most REPLAY_MAX × (table size) logged rows; longer logs rebuild it. */
const REPLAY_MAX = 8;

/** A class's best sum in a block when unknown until the block's next read (recount). */
const STALE = -2;
/** summaryStale: no class of the block is STALE; several are (else: the one class that is). */
const NONE_STALE = -1;
const MANY_STALE = -2;
/** ResourceView.block: figures per block and class, and where each sits among them. */
export const FIGURES = 3;
export const FIT = 0;
export const TOP = 1;
export const TOP_COUNT = 2;

export class ResourceView {
  /** Per row: 1 when the pod fits (pod count, cpu, memory, ephemeral storage), else 0. */
  fits = new Int8Array(0);
  /** Per row: Σ weight × allocation score, when it fits; -1 when a score is out of range. */
  sum = new Int32Array(0);
  /** Per row: the class its contribution was counted in (-1: none), so ≥ 0 exactly when it fits. */
  cls = new Int32Array(0);
  /** Per class: rows that fit (invalid ones included). count/top/hist: see `counted`. */
  count = new Int32Array(0);
  /** Per class: the highest bin with rows in it, -1 when empty. */
  top = new Int32Array(0);
  /** Per class × bin (stride = range + 1): rows that fit with that sum. */
  hist = new Int32Array(0);
  /** Rows that fit with a score out of range. */
  invalidRows = 0;
  readonly stride: number;
  /** Rows per block: 1 << blockShift (set from the table's size at rebuild). */
  blockShift = 2;
  /**
   * Per block and class, three figures side by side (a class's figures share a cache line;
   * the window cycle reads a few classes of many blocks): at blockOffset(b) + FIGURES × c, the
   * class's fitting rows (FIT), best sum (TOP; -1: none) and rows at it (TOP_COUNT).
   */
  block = new Int32Array(0);
  /** Class ids per block in `block` (the table's class capacity when laid out); 0 until the summaries are first read. */
  blockStride = 0;
  /** Per block: the table's blockVersion its summary reflects (-1: none). */
  private summaryVersion = new Float64Array(0);
  /** Per block: 1 while its summary follows its rows' updates (see moveInSummary). */
  private summaryLive = new Int8Array(0);
  /**
   * Per block: which class's best sum is unknown (its TOP figure STALE) until its next read: NONE_STALE,
   * the class id when only one is (the usual case: a bind moves one row), MANY_STALE for more.
   */
  private summaryStale = new Int32Array(0);
  /** recount's scratch: per class id, 1 while its figures are being recounted. */
  private recountMark = new Int8Array(0);
  /** Per block: the table's blockVersion its rows were last checked at (-1: never). */
  private rowsVersion = new Float64Array(0);
  /** Per row: the table's rowVersion the row was last updated at (-1: never). */
  private rowVersion = new Float64Array(0);
  private layout = -1;
  /**
   * Whether count/top/hist are kept (since the last eager rebuild): a view only ever synced
   * lazily skips them, and its first eager sync rebuilds.
   */
  private counted = false;
  private epoch = -1;
  private seen = 0;
  /** Scratch: requested/allocatable per resource, and the pod's request list per term. */
  private readonly req: number[][];
  private readonly alloc: number[][];
  private readonly podReq: number[][];
  /** The terms fused (fast-alloc.ts), when every one is a built-in strategy on cpu/memory. */
  private readonly fused: readonly FusedAlloc[] | null;

  constructor(
    private readonly terms: readonly AllocTerm[],
    private readonly fit: FilterSteps['fit'],
    pod: Pod,
  ) {
    let range = 0;
    for (const t of terms) range += t.weight * MAX_NODE_SCORE;
    this.stride = range + 1;
    this.podReq = terms.map((t) => calculatePodResourceRequestList(pod, t.a.resources, t.a.useRequested));
    const fused = terms.map((t, k) => fuseAlloc(t.a, this.podReq[k]!));
    this.fused = fused.every((f) => f !== null) ? (fused as FusedAlloc[]) : null;
    this.req = terms.map((t) => new Array<number>(t.a.resources.length).fill(0));
    this.alloc = terms.map((t) => new Array<number>(t.a.resources.length).fill(0));
  }

  /** Brings the view up to date with the table (already synced with its cache). */
  sync(t: NodeTable): void {
    const log = t.changes;
    // A replay skips each repeat of a row with one compare (see below), and bin packing logs
    // the same few rows over and over: replaying costs the distinct rows logged, well under a
    // rebuild's every row even for a log several times the table's size.
    if (!this.counted || this.epoch !== t.epoch || this.layout !== t.layout || this.fits.length !== t.size || log.length - this.seen > REPLAY_MAX * t.size) {
      this.rebuild(t);
      return;
    }
    this.ensureClasses(t.classes.capacity);
    // update() reads the row's current state, so a row logged several times (bin packing
    // binds to the same nodes over and over), or already brought up to date lazily, is
    // updated once.
    const version = t.rowVersion;
    for (let i = this.seen; i < log.length; i++) {
      const row = log[i]!;
      if (this.rowVersion[row] !== version[row]) this.update(t, row);
    }
    this.seen = log.length;
  }

  /**
   * The lazy sync (see the header): only a new table layout is taken in here, every row then
   * out of date; blockOffset and currentRows bring rows up to date as they are read.
   */
  syncLayout(t: NodeTable): void {
    if (this.layout !== t.layout || this.fits.length !== t.size) {
      this.reset(t);
    }
    this.ensureClasses(t.classes.capacity);
  }

  private rebuild(t: NodeTable): void {
    this.reset(t);
    this.counted = true;
    this.ensureClasses(t.classes.capacity);
    for (let row = 0; row < t.size; row++) this.update(t, row);
    this.epoch = t.epoch;
    this.seen = t.changes.length;
  }

  /** Every row out of date and uncounted, for the table's current layout. */
  private reset(t: NodeTable): void {
    const n = t.size;
    this.fits = new Int8Array(n);
    this.sum = new Int32Array(n);
    this.cls = new Int32Array(n).fill(-1);
    this.rowVersion = new Float64Array(n).fill(-1);
    this.count = new Int32Array(0);
    this.top = new Int32Array(0);
    this.hist = new Int32Array(0);
    this.invalidRows = 0;
    this.blockShift = t.blockShift;
    this.blockStride = 0;
    this.layout = t.layout;
    this.counted = false;
  }

  private ensureClasses(capacity: number): void {
    // Block summaries are laid out by class id: start them over at the next read.
    if (capacity > this.blockStride) this.blockStride = 0;
    if (this.count.length >= capacity) return;
    const size = Math.max(8, capacity * 2);
    const count = new Int32Array(size);
    count.set(this.count);
    const top = new Int32Array(size).fill(-1);
    top.set(this.top);
    const hist = new Int32Array(size * this.stride);
    hist.set(this.hist);
    this.count = count;
    this.top = top;
    this.hist = hist;
  }

  /**
   * Where block `b`'s per-class figures start in `block` (class c's at offset + FIGURES × c):
   * its rows brought up to date and summarized first when stale.
   */
  blockOffset(t: NodeTable, b: number): number {
    if (this.blockStride === 0) this.allocateBlocks(t);
    const version = t.blockVersion[b]!;
    if (this.summaryVersion[b] !== version) {
      // Row updates keep a live summary current themselves (summaryLive): only a block that
      // lost a class's best rows (or was never summarized) is summarized again.
      this.currentRows(t, b);
      if (this.summaryLive[b] !== 1) {
        this.summarize(b);
        this.summaryLive[b] = 1;
        this.summaryStale[b] = NONE_STALE;
      } else if (this.summaryStale[b] !== NONE_STALE) {
        this.recount(t, b, this.summaryStale[b]!);
        this.summaryStale[b] = NONE_STALE;
      }
      this.summaryVersion[b] = version;
    }
    return b * this.blockStride * FIGURES;
  }

  /** Brings block `b`'s rows up to date (fits, sum, cls) with the table. */
  currentRows(t: NodeTable, b: number): void {
    if (this.blockStride === 0) this.allocateBlocks(t);
    const version = t.blockVersion[b]!;
    const checked = this.rowsVersion[b]!;
    if (checked === version) return;
    this.rowsVersion[b] = version;
    // Walk the block's recent refreshes newest first (node-table.ts blockRecentRow): when the
    // version this view last checked is among them, those rows are all that moved.
    const base = b * RECENT_REFRESHES;
    const pos = t.blockRecentPos[b]!;
    for (let i = 0; i < RECENT_REFRESHES; i++) {
      const at = base + ((pos - i) & (RECENT_REFRESHES - 1));
      const row = t.blockRecentRow[at]!;
      if (this.rowVersion[row] !== t.rowVersion[row]) this.update(t, row);
      if (t.blockRecentPrev[at] === checked) return;
    }
    const lo = b << this.blockShift;
    const hi = Math.min(t.size, lo + (1 << this.blockShift));
    const rows = t.rowVersion;
    for (let row = lo; row < hi; row++) if (this.rowVersion[row] !== rows[row]) this.update(t, row);
  }

  private allocateBlocks(t: NodeTable): void {
    const blocks = (this.fits.length >> this.blockShift) + 1;
    // The current class ids only (ensureClasses starts over when the table has more): the
    // unused tail of a wider layout would only spread a block's figures over more lines.
    this.blockStride = Math.max(1, t.classes.capacity);
    this.recountMark = new Int8Array(this.blockStride);
    this.block = new Int32Array(blocks * this.blockStride * FIGURES);
    this.summaryVersion = new Float64Array(blocks).fill(-1);
    this.rowsVersion = new Float64Array(blocks).fill(-1);
    this.summaryLive = new Int8Array(blocks);
    this.summaryStale = new Int32Array(blocks).fill(NONE_STALE);
  }

  /**
   * A row of live block `b` moved from class `old` with sum `oldSum` (old -1: it did not
   * fit) to class `c` with sum `v` (c -1: it does not fit): the block's figures follow, as
   * summarize would count them. When the class's last row at its best sum leaves and rows
   * remain, the new best is unknown: that class's best is marked STALE (its fitting rows stay
   * counted) and recounted from its own rows at the block's next read (recount).
   */
  private moveInSummary(b: number, old: number, oldSum: number, c: number, v: number): void {
    const base = b * this.blockStride * FIGURES;
    const blk = this.block;
    if (old === c && oldSum >= 0 && v >= 0) {
      this.moveWithinClass(b, base + FIGURES * c, c, oldSum, v);
      return;
    }
    if (old >= 0) {
      const at = base + FIGURES * old;
      blk[at + FIT]!--;
      if (oldSum >= 0 && oldSum === blk[at + TOP] && --blk[at + TOP_COUNT]! === 0) {
        if (blk[at + FIT]! > 0) {
          blk[at + TOP] = STALE;
          const was = this.summaryStale[b]!;
          this.summaryStale[b] = was === NONE_STALE || was === old ? old : MANY_STALE;
        } else blk[at + TOP] = -1;
      }
    }
    if (c >= 0) {
      const at = base + FIGURES * c;
      blk[at + FIT]!++;
      // Out of range: counted as fitting, never as a best sum; a STALE best waits for recount.
      const top = blk[at + TOP]!;
      if (v < 0 || top === STALE) return;
      if (v > top) {
        blk[at + TOP] = v;
        blk[at + TOP_COUNT] = 1;
      } else if (v === top) blk[at + TOP_COUNT]!++;
    }
  }

  /**
   * moveInSummary for a row that fits before and after in class `c` (figures at `at`), its sum
   * moving from `oldSum` to `v`, both in range: the usual bind elsewhere, which often leaves
   * the sum where it was (integer scores, a small pod on a big node). The class's fitting rows
   * stay; its best moves only as the row's own sum does, and is unknown (STALE) only when the
   * row was its last at the best sum and falls below it. The same figures as taking the row out
   * and putting it back, without the recount that would follow when it was the only best row.
   */
  private moveWithinClass(b: number, at: number, c: number, oldSum: number, v: number): void {
    const blk = this.block;
    const top = blk[at + TOP]!;
    if (v === oldSum || top === STALE) return;
    if (v > oldSum) {
      if (oldSum === top || v > top) {
        // It was a best row and rises above the rest, or it overtakes the best.
        blk[at + TOP] = v;
        blk[at + TOP_COUNT] = 1;
      } else if (v === top) blk[at + TOP_COUNT]!++;
      return;
    }
    if (oldSum !== top) return; // below the best before and after
    if (--blk[at + TOP_COUNT]! > 0) return;
    if (blk[at + FIT] === 1) {
      // The class's only row here: still its best.
      blk[at + TOP] = v;
      blk[at + TOP_COUNT] = 1;
      return;
    }
    blk[at + TOP] = STALE;
    const was = this.summaryStale[b]!;
    this.summaryStale[b] = was === NONE_STALE || was === c ? c : MANY_STALE;
  }

  /**
   * Block `b`'s STALE bests recounted from the rows of those classes in the block. The block's
   * rows are current (currentRows ran), so a row of class c fits exactly when cls[row] === c.
   * `stale` (summaryStale) names the class when only one is: its rows there are read alone
   * (the table's sorted rows per class: a few rows, not the block's every row).
   */
  private recount(t: NodeTable, b: number, stale: number): void {
    if (stale >= 0) {
      this.recountClass(t, b, stale);
      return;
    }
    // Several classes (a view back after many binds): one pass over the block's rows serves
    // them all, where each class's own rows would cost a binary search apiece. Their figures
    // restart from empty, and a scratch mark tells their rows from the others'.
    const base = b * this.blockStride * FIGURES;
    const blk = this.block;
    const mark = this.recountMark;
    for (let c = 0; c < this.blockStride; c++) {
      const at = base + FIGURES * c;
      if (blk[at + TOP] !== STALE) continue;
      mark[c] = 1;
      blk[at + TOP] = -1;
      blk[at + TOP_COUNT] = 0;
    }
    const lo = b << this.blockShift;
    const hi = Math.min(this.fits.length, lo + (1 << this.blockShift));
    const cls = this.cls;
    const sum = this.sum;
    for (let row = lo; row < hi; row++) {
      const c = cls[row]!;
      if (c < 0 || mark[c] !== 1) continue;
      const v = sum[row]!;
      if (v < 0) continue; // out of range: never a best sum (summarize's rule)
      const at = base + FIGURES * c;
      const top = blk[at + TOP]!;
      if (v > top) {
        blk[at + TOP] = v;
        blk[at + TOP_COUNT] = 1;
      } else if (v === top) blk[at + TOP_COUNT]!++;
    }
    mark.fill(0);
  }

  /** Class `c`'s best sum in block `b` and how many of its rows reach it, from its rows there. */
  private recountClass(t: NodeTable, b: number, c: number): void {
    const lo = b << this.blockShift;
    const hi = Math.min(this.fits.length, lo + (1 << this.blockShift));
    const cls = this.cls;
    const sum = this.sum;
    let best = -1;
    let at = 0;
    const rows = t.classes.rows[c] ?? [];
    for (let y = lowerBound(rows, lo); y < rows.length; y++) {
      const row = rows[y]!;
      if (row >= hi) break;
      if (cls[row] !== c) continue;
      const v = sum[row]!;
      if (v < 0) continue; // out of range: never a best sum (summarize's rule)
      if (v > best) {
        best = v;
        at = 1;
      } else if (v === best) at++;
    }
    const base = (b * this.blockStride + c) * FIGURES;
    this.block[base + TOP] = best;
    this.block[base + TOP_COUNT] = at;
  }

  private summarize(b: number): void {
    const base = b * this.blockStride * FIGURES;
    const blk = this.block;
    for (let c = 0; c < this.blockStride; c++) {
      const at = base + FIGURES * c;
      blk[at + FIT] = 0;
      blk[at + TOP] = -1;
      blk[at + TOP_COUNT] = 0;
    }
    const lo = b << this.blockShift;
    const hi = Math.min(this.fits.length, lo + (1 << this.blockShift));
    for (let row = lo; row < hi; row++) {
      const c = this.cls[row]!;
      if (c < 0) continue;
      const at = base + FIGURES * c;
      blk[at + FIT]!++;
      const v = this.sum[row]!;
      if (v < 0) continue; // out of range: the window cycle declines (invalidRows)
      const top = blk[at + TOP]!;
      if (v > top) {
        blk[at + TOP] = v;
        blk[at + TOP_COUNT] = 1;
      } else if (v === top) blk[at + TOP_COUNT]!++;
    }
  }

  /** Takes `row`'s old contribution out and puts its current one in. */
  private update(t: NodeTable, row: number): void {
    this.rowVersion[row] = t.rowVersion[row]!;
    const old = this.cls[row]!;
    const oldSum = this.sum[row]!;
    const counted = this.counted;
    if (old >= 0) {
      if (this.sum[row]! < 0) this.invalidRows--;
      else if (counted) this.remove(old, this.sum[row]!);
      if (counted) this.count[old]!--;
      this.cls[row] = -1;
    }
    const f = this.fitsRow(t, row);
    this.fits[row] = f ? 1 : 0;
    let c = -1;
    let v = 0;
    if (f) {
      c = t.classes.bucketOf[row]!;
      v = this.score(t, row);
      this.sum[row] = v;
      this.cls[row] = c;
      if (v < 0) this.invalidRows++;
      else if (counted) this.add(c, v);
      if (counted) this.count[c]!++;
    }
    if ((old >= 0 || c >= 0) && this.blockStride !== 0) {
      const b = row >> this.blockShift;
      if (this.summaryLive[b] === 1) this.moveInSummary(b, old, oldSum, c, v);
    }
  }

  /** Counts a row of class `c` with sum `v` in the histogram. */
  add(c: number, v: number): void {
    this.hist[c * this.stride + v]!++;
    if (v > this.top[c]!) this.top[c] = v;
  }

  /** Takes a row of class `c` with sum `v` out of the histogram. */
  remove(c: number, v: number): void {
    const base = c * this.stride;
    if (--this.hist[base + v]! > 0 || v !== this.top[c]) return;
    let x = v - 1;
    while (x >= 0 && this.hist[base + x] === 0) x--;
    this.top[c] = x;
  }

  private fitsRow(t: NodeTable, j: number): boolean {
    return this.fit === null || fitsOnRow(t, this.fit, j);
  }

  /** Σ weight × score for `row` (as fast-plan.ts allocationScores computes each), -1 if out of range. */
  private score(t: NodeTable, row: number): number {
    let total = 0;
    const fused = this.fused;
    if (fused !== null) {
      for (let k = 0; k < fused.length; k++) {
        const v = fusedScore(fused[k]!, t, row);
        if (!(v >= MIN_NODE_SCORE && v <= MAX_NODE_SCORE)) return -1;
        total += v * this.terms[k]!.weight;
      }
      return total;
    }
    for (let k = 0; k < this.terms.length; k++) {
      const { a, weight } = this.terms[k]!;
      const res = a.resources;
      const requested = this.req[k]!;
      const allocatable = this.alloc[k]!;
      const podReq = this.podReq[k]!;
      for (let r = 0; r < res.length; r++) {
        if (res[r]!.name === 'cpu') {
          allocatable[r] = t.allocCpu[row]!;
          requested[r] = (a.useRequested ? t.reqCpu : t.nzCpu)[row]! + podReq[r]!;
        } else {
          allocatable[r] = t.allocMem[row]!;
          requested[r] = (a.useRequested ? t.reqMem : t.nzMem)[row]! + podReq[r]!;
        }
      }
      const v = a.scorer(requested, allocatable);
      if (!(v >= MIN_NODE_SCORE && v <= MAX_NODE_SCORE) || !Number.isInteger(v)) return -1;
      total += v * weight;
    }
    return total;
  }
}

/**
 * Scratch memory of the indexed cycle (fast-cycle.ts, fast-buckets.ts): typed arrays sized to
 * the node table and reused pod after pod, so a cycle allocates (almost) nothing per node.
 * Nothing here outlives a cycle: every buffer is overwritten before it is read.
 *
 * Also the tie rule on rows (selectRow): the same rule as schedule-one.ts selectHost (tied
 * nodes in node-list order, one draw when two or more), where a row's index IS its position
 * in the node list (the table is built from SchedulerCache.nodes in order).
 */
import type { NodeInfo, NodeScore } from './framework.js';
import type { RandomSource } from '../model/reconcile.js';

export class Scratch {
  /** Feasible rows in scan order; `feasibleCount` of them are valid. */
  feasible = new Int32Array(0);
  feasibleCount = 0;
  /** Per row: scratch totals / ties. */
  totals = new Float64Array(0);
  tied = new Int32Array(0);
  /** Per group: 0 not asked yet this cycle, 1 passes, 2 fails. */
  verdict = new Int8Array(0);
  /** Per row: equals `stamp` when the row is special in this cycle (see fast-spread.ts). */
  specialStamp = new Int32Array(0);
  stamp = 0;
  /** Per group: its first feasible row this cycle, -1 when none (PreScore label sets). */
  groupFirst = new Int32Array(0);
  /** The groups with a feasible row, in order of first appearance (fast-spread.ts labelSetsByGroup). */
  groupList = new Int32Array(0);
  /** Special rows of this cycle (fast-spread.ts markSpecialRows), `specialCount` valid. */
  specialRows = new Int32Array(0);
  specialCount = 0;
  /**
   * Per special row: its merge key (fast-spread.ts markSpecialRows), -1 when it scores alone.
   * Special rows of one class with the same key score alike on every non-allocation plugin.
   */
  specialKey = new Int32Array(0);
  /** Entry cycles: per special row made (part of) an entry, that entry; listed in specialEntered. */
  specialEntry = new Int32Array(0);
  specialEntered = new Int32Array(0);
  specialEnteredCount = 0;
  /** Entry cycles, per special entry: its merge key, its rows' best allocation sum and how many reach it. */
  entryKey = new Int32Array(0);
  entryBest = new Float64Array(0);
  entryBestCount = new Int32Array(0);
  /** Per row: 1 while listed by nthRow (cleared before it returns). */
  rowMark = new Uint8Array(0);
  /** Bucketed cycle, per entry (a bucket's regular rows, or one special row). */
  entryRow = new Int32Array(0);
  entryCount = new Int32Array(0);
  entryBucket = new Int32Array(0);
  /** Bucketed cycle, per bucket id: passes Filter (1/0), special rows in it, tied (1/0). */
  bucketPass = new Int8Array(0);
  bucketSpecials = new Int32Array(0);
  bucketTied = new Int8Array(0);
  /** Row-path Score (fast-score.ts): per group / image group id, its holder (-1: none yet). */
  holderOf = new Int32Array(0);
  /** Per group / image group id: memoized score (fast-plan.ts memoScores), valid while memoStamp[id] is the current stamp. */
  memoValue = new Float64Array(0);
  memoStamp = new Int32Array(0);
  private memoClock = 0;
  /** Reused lists handed to plugins (length set per cycle). */
  readonly nodes: NodeInfo[] = [];
  readonly scores: NodeScore[] = [];

  /** Makes every buffer big enough for `rows` rows and `groups` groups. */
  ensure(rows: number, groups: number): void {
    if (this.feasible.length < rows) {
      this.feasible = new Int32Array(rows);
      this.totals = new Float64Array(rows);
      this.tied = new Int32Array(rows);
      this.specialStamp = new Int32Array(rows);
      this.stamp = 0;
      this.specialRows = new Int32Array(rows);
      this.entryRow = new Int32Array(rows);
      this.entryCount = new Int32Array(rows);
      this.entryBucket = new Int32Array(rows);
      this.specialKey = new Int32Array(rows);
      this.specialEntry = new Int32Array(rows);
      this.specialEntered = new Int32Array(rows);
      this.entryKey = new Int32Array(rows);
      this.entryBest = new Float64Array(rows);
      this.entryBestCount = new Int32Array(rows);
      this.rowMark = new Uint8Array(rows);
    }
    if (this.verdict.length < groups) {
      this.verdict = new Int8Array(groups * 2);
      this.groupFirst = new Int32Array(groups * 2);
      this.groupList = new Int32Array(groups * 2);
    }
  }

  /** Per-bucket buffers for `buckets` bucket ids. */
  ensureBuckets(buckets: number): void {
    if (this.bucketPass.length < buckets) {
      this.bucketPass = new Int8Array(buckets * 2);
      this.bucketSpecials = new Int32Array(buckets * 2);
      this.bucketTied = new Int8Array(buckets * 2);
    }
  }

  /** A fresh stamp for memoStamp/memoValue, both made big enough for `ids` ids. */
  memoStampFor(ids: number): number {
    if (this.memoStamp.length < ids) {
      this.memoStamp = new Int32Array(ids * 2);
      this.memoValue = new Float64Array(ids * 2);
      this.memoClock = 0;
    }
    if (this.memoClock === 0x7fffffff) {
      this.memoStamp.fill(0);
      this.memoClock = 0;
    }
    return ++this.memoClock;
  }

  /** Clears the stamps well before they wrap, so a cycle can take several without wrapping. */
  startCycle(): void {
    if (this.stamp > 0x7fffff00) {
      this.specialStamp.fill(0);
      this.stamp = 0;
    }
  }

  /** A fresh stamp for specialStamp (wraps by clearing). */
  nextStamp(): number {
    if (this.stamp === 0x7fffffff) {
      this.specialStamp.fill(0);
      this.stamp = 0;
    }
    return ++this.stamp;
  }
}

const scratches = new WeakMap<object, Scratch>();

/** The scratch of one node table (one scheduler). */
export function scratchFor(owner: object): Scratch {
  let s = scratches.get(owner);
  if (s === undefined) {
    s = new Scratch();
    scratches.set(owner, s);
  }
  return s;
}

/**
 * selectHost's rule over rows: the `k` entries of `rows` whose total is the highest, ordered
 * by row (= node-list position), and one draw among them when there are two or more.
 */
export function selectRow(s: Scratch, rows: Int32Array, totals: Float64Array, k: number, rng: RandomSource): number {
  let max = -Infinity;
  for (let i = 0; i < k; i++) if (totals[i]! > max) max = totals[i]!;
  let t = 0;
  const tied = s.tied;
  for (let i = 0; i < k; i++) if (totals[i] === max) tied[t++] = rows[i]!;
  if (t === 1) return tied[0]!;
  return nthRow(s, tied, t, rng.int(t));
}

/** Up to this many rows nthRow sorts them; past it, it marks and scans (no O(k log k)). */
const SORT_MAX = 32;

/**
 * The `r`-th smallest of the first `k` (distinct) rows of `rows`: what
 * `rows.subarray(0, k).sort()[r]` gives, without sorting many. Many rows are marked in
 * s.rowMark and found by a scan from the smallest; the marks are cleared again.
 */
export function nthRow(s: Scratch, rows: Int32Array, k: number, r: number): number {
  if (k <= SORT_MAX) return rows.subarray(0, k).sort()[r]!;
  const mark = s.rowMark;
  let lo = rows[0]!;
  let hi = lo;
  for (let i = 0; i < k; i++) {
    const row = rows[i]!;
    mark[row] = 1;
    if (row < lo) lo = row;
    if (row > hi) hi = row;
  }
  let found = -1;
  for (let row = lo, seen = 0; row <= hi; row++) {
    if (mark[row] === 1 && seen++ === r) {
      found = row;
      break;
    }
  }
  for (let i = 0; i < k; i++) mark[rows[i]!] = 0;
  return found;
}

/**
 * The window cycle: the row path's decision (fast-cycle.ts findFeasible + fast-score.ts, itself
 * the plain cycle's) when percentageOfNodesToScore cuts the scan short, at a cost that follows
 * the number of row blocks in the window and of node classes, not of rows.
 *
 * The plain cycle scans nodes round-robin from nextStartNodeIndex and stops at the
 * numFeasibleNodesToFind-th feasible one: the "window" is that run of rows (the table's rows
 * are node-list positions). A pod-shape view (fast-view.ts) tells, per row, whether the pod
 * fits and its summed allocation score, and per block of consecutive rows and class (group +
 * image group, node-table.ts) how many rows fit, their best sum and how many reach it. So:
 *
 * - Filter: group verdicts per class, as the class cycle. The window is walked block by block
 *   (a block's feasible rows: Σ fitting rows of its passing classes); the block holding the
 *   last feasible row, and the partial blocks at either end, row by row. `processed` (rows
 *   looked at) and the feasible count are the row path's, so is nextStartNodeIndex.
 * - PreScore: PodTopologySpread gets the window's feasible rows as label sets, one per group
 *   (fast-spread.ts labelSetsByGroup; names only when asked); the other modelled plugins one
 *   feasible node (they read the list only for emptiness).
 * - Score: as the class cycle, over "entries": the window's feasible special rows (those
 *   PodTopologySpread's counts or ignoredNodes name; one entry per class and matching-pod
 *   count, as in the class cycle), and each passing class with regular
 *   feasible rows in the window. Blocks holding a feasible special row are walked row by row,
 *   so block figures only ever count regular rows. NormalizeScore over the entries gives the
 *   values the full list gives (the hinted plugins normalize from min and max).
 * - The host: selectHost's rule. Best total = max over entries (a class: its non-allocation
 *   total + its best regular sum in the window); the tied rows are counted per tied class from
 *   the block figures, one draw `rng.int(count)` when two or more tie, and the draw-th tied row
 *   in row order is found by skipping whole blocks (selectRow sorts the tied rows by row).
 *
 * Views are read lazily here (fast-view.ts): only the blocks a window touches are brought up
 * to date, so a bind costs the shapes whose windows later cross its row, not every shape.
 *
 * It declines (DECLINE, nothing done: the row path runs) for what it does not model (see
 * fast-classes.ts modelled and allocTerms; a Filter run node by node; more classes than
 * MAX_CLASSES, whose per-block figures would outweigh the rows; a score out of range in the
 * window). It returns undefined, nothing moved, when no node is feasible or a Filter answers
 * Error on some class (the plain cycle reproduces those). After PreScore, a Score it does not
 * model (specialStamp < 0) or a score out of range hands the window's feasible rows to the row
 * path (s.feasible filled, the number of rows looked at returned), which scores them as usual.
 */
import { allocTerms, modelled, preScoreSteps, scoreEntries, specialStamp } from './fast-classes.js';
import { addSpecialEntry, ERROR, FAIL, groupVerdict, tiedSpecialRows, verdictsFor, type FilterSteps, type Plan } from './fast-plan.js';
import { labelSetsByGroup } from './fast-spread.js';
import type { Scratch } from './fast-scratch.js';
import { FIGURES, FIT, TOP, TOP_COUNT, type ResourceView } from './fast-view.js';
import { viewFor } from './fast-view-cache.js';
import type { CycleState, NodeInfo } from './framework.js';
import type { NodeTable } from './node-table.js';
import type { FilteredLabelSets } from './plugins/pod-topology-spread/scoring.js';
import { decided, type CycleResult, type ScheduleOptions } from './schedule-one.js';
import type { Pod } from '../model/types.js';

export const DECLINE = Symbol('decline');

/** How many cycles the window cycle decided (read by tests to see that it is exercised). */
export const windowCycleStats = { decided: 0 };

/** Above this many class ids the per-block figures cost more than walking the rows. */
const MAX_CLASSES = 64;

/** Per-class and per-block buffers of the window cycle, kept per scratch. */
class WindowScratch {
  /** Per class: 1 when its group passes Filter; passList: those classes. */
  pass = new Int8Array(0);
  passList = new Int32Array(0);
  passCount = 0;
  /** Per class: feasible rows in the window (regular ones after specials are known), best sum, rows at it. */
  count = new Int32Array(0);
  top = new Int32Array(0);
  topCount = new Int32Array(0);
  /** Per class: equals tieStamp when the class is among the tied entries. */
  tiedClass = new Int32Array(0);
  /** pickHost's tied classes (a class appears once: one entry per class). */
  tiedList = new Int32Array(0);
  /** Per block: equals blockStamp when it holds a feasible special row of the window. */
  blockMark = new Int32Array(0);
  /** Per row: equals tieStamp when it is a tied special row. */
  tiedRow = new Int32Array(0);
  blockStamp = 0;
  tieStamp = 0;
  /** The window: rows [start, start + processed) modulo n. */
  start = 0;
  processed = 0;

  ensure(classes: number, blocks: number, rows: number): void {
    if (this.pass.length < classes) {
      const size = classes * 2;
      this.pass = new Int8Array(size);
      this.passList = new Int32Array(size);
      this.count = new Int32Array(size);
      this.top = new Int32Array(size);
      this.topCount = new Int32Array(size);
      this.tiedClass = new Int32Array(size);
      this.tiedList = new Int32Array(size);
    }
    if (this.blockMark.length < blocks) this.blockMark = new Int32Array(blocks * 2);
    if (this.tiedRow.length < rows) this.tiedRow = new Int32Array(rows);
  }

  /** Empties the per-class tally (count / top / topCount) of the passing classes. */
  resetTally(): void {
    for (let x = 0; x < this.passCount; x++) {
      const c = this.passList[x]!;
      this.count[c] = 0;
      this.top[c] = -1;
      this.topCount[c] = 0;
    }
  }

  /**
   * Adds a whole block's figures (from its offset `at` in the view) for every passing class;
   * returns how many of its rows are feasible.
   */
  addBlock(view: ResourceView, at: number): number {
    const { count, top, topCount, passList, passCount } = this;
    const blk = view.block;
    let feasible = 0;
    for (let x = 0; x < passCount; x++) {
      const c = passList[x]!;
      const o = at + FIGURES * c;
      const f = blk[o + FIT]!;
      if (f === 0) continue;
      feasible += f;
      count[c]! += f;
      const v = blk[o + TOP]!;
      if (v > top[c]!) {
        top[c] = v;
        topCount[c] = blk[o + TOP_COUNT]!;
      } else if (v === top[c]) topCount[c]! += blk[o + TOP_COUNT]!;
    }
    return feasible;
  }

  /** Adds one feasible row of class `c` whose allocation sum is `v`. */
  addRow(c: number, v: number): void {
    this.count[c]!++;
    if (v > this.top[c]!) {
      this.top[c] = v;
      this.topCount[c] = 1;
    } else if (v === this.top[c]) this.topCount[c]!++;
  }

  nextBlockStamp(): number {
    if (this.blockStamp === 0x7fffffff) {
      this.blockMark.fill(0);
      this.blockStamp = 0;
    }
    return ++this.blockStamp;
  }

  nextTieStamp(): number {
    if (this.tieStamp === 0x7fffffff) {
      this.tiedClass.fill(0);
      this.tiedRow.fill(0);
      this.tieStamp = 0;
    }
    return ++this.tieStamp;
  }
}

const windowScratch = new WeakMap<Scratch, WindowScratch>();

/** The window cycle (see the header); `want` is numFeasibleNodesToFind. */
export function windowCycle(
  o: ScheduleOptions,
  plan: Plan,
  steps: FilterSteps,
  cycle: CycleState,
  t: NodeTable,
  s: Scratch,
  want: number,
): CycleResult | undefined | typeof DECLINE | number {
  if (steps.perNode.length > 0 || t.classes.capacity > MAX_CLASSES) return DECLINE;
  const terms = allocTerms(plan);
  if (terms === null || !modelled(plan, o)) return DECLINE;
  const view = viewFor(t, terms, steps.fit, o.pod, true);
  let w = windowScratch.get(s);
  if (w === undefined) windowScratch.set(s, (w = new WindowScratch()));
  const n = t.size;
  w.ensure(t.classes.capacity, (n >> t.blockShift) + 1, n);
  if (!passingClasses(plan, t, w, s, steps, cycle, o.pod)) return undefined;
  const start = o.scan.nextStartNodeIndex % n;
  const k = findWindow(w, t, view, start, want);
  // The window's rows are up to date now: a score out of range among them is the row path's.
  if (view.invalidRows > 0) return DECLINE;
  if (k === 0) return undefined;
  o.scan.nextStartNodeIndex = (o.scan.nextStartNodeIndex + w.processed) % n;
  const base = { evaluatedNodes: w.processed, feasibleNodes: k, cycle };
  if (k === 1) return decided(t.infos[listRows(w, t, view, s)]!.name, base);
  const preScoreError = runPreScore(o, cycle, w, t, view, s, k);
  if (preScoreError !== undefined) return { nodeName: null, ...base, error: preScoreError };
  const stamp = specialStamp(plan, t, s, cycle);
  if (stamp < 0) return rowsFor(w, t, view, s);
  const entries = buildEntries(w, t, view, s, stamp);
  if (scoreEntries(plan, t, s, cycle, entries, o.pod) !== undefined) return rowsFor(w, t, view, s);
  windowCycleStats.decided++;
  return decided(t.infos[pickHost(w, t, view, s, stamp, entries, o)]!.name, base);
}

/** Group verdicts per live class into w.pass / w.passList; false on a plugin Error. */
function passingClasses(plan: Plan, t: NodeTable, w: WindowScratch, s: Scratch, steps: FilterSteps, cycle: CycleState, pod: Pod): boolean {
  const cl = t.classes;
  // Kept per verdict key on the scratch, shared with the row path (fast-plan.ts verdictsFor).
  const verdict = verdictsFor(plan, steps, t, s, s.verdict);
  w.passCount = 0;
  for (let x = 0; x < cl.live.length; x++) {
    const c = cl.live[x]!;
    w.pass[c] = 0;
    const v = groupVerdict(t, verdict, steps.group, cycle, pod, cl.firstRow[c]!);
    if (v === ERROR) return false;
    if (v === FAIL) continue;
    w.pass[c] = 1;
    w.passList[w.passCount++] = c;
  }
  return true;
}

function feasibleRow(w: WindowScratch, t: NodeTable, view: ResourceView, row: number): boolean {
  return view.fits[row] === 1 && w.pass[t.classes.bucketOf[row]!] === 1;
}

/**
 * Walks rows from `start` round-robin until the `want`-th feasible one (or all n), whole
 * blocks at a time while the count stays below `want`; sets w.start / w.processed, tallies
 * every feasible row of the window per class (as tally with no special rows) and returns the
 * feasible count.
 */
function findWindow(w: WindowScratch, t: NodeTable, view: ResourceView, start: number, want: number): number {
  const { passList, passCount, pass } = w;
  w.resetTally();
  const n = t.size;
  const shift = view.blockShift;
  const size = 1 << shift;
  const mask = size - 1;
  let found = 0;
  let processed = 0;
  w.start = start;
  for (let r = 0; r < 2; r++) {
    let row = r === 0 ? start : 0;
    const hi = r === 0 ? n : start;
    while (row < hi) {
      if ((row & mask) === 0 && row + size <= hi) {
        const at = view.blockOffset(t, row >> shift);
        if (found + size < want) {
          // Even if every row fits, the block ends before the want-th: one pass adds and counts.
          found += w.addBlock(view, at);
          processed += size;
          row += size;
          continue;
        }
        const blk = view.block;
        let f = 0;
        for (let x = 0; x < passCount; x++) f += blk[at + FIGURES * passList[x]! + FIT]!;
        if (found + f < want) {
          // The whole block is in the window: its figures into the tally.
          w.addBlock(view, at);
          found += f;
          processed += size;
          row += size;
          continue;
        }
      }
      // Row by row up to the next block boundary (or the end of the range).
      view.currentRows(t, row >> shift);
      // The view's class per row is the row's class when it fits, -1 when not: one read for both.
      const fitCls = view.cls;
      const sum = view.sum;
      const end = Math.min(hi, (row | mask) + 1);
      const from = row;
      for (; row < end; row++) {
        const c = fitCls[row]!;
        if (c < 0 || pass[c] !== 1) continue;
        w.addRow(c, sum[row]!);
        if (++found === want) {
          w.processed = processed + (row - from) + 1;
          return found;
        }
      }
      processed += end - from;
    }
  }
  w.processed = processed;
  return found;
}

/**
 * Per passing class, its regular feasible rows in the window (special rows, s.specialStamp ===
 * stamp, left out), their best sum and how many reach it (w.count / top / topCount); the
 * blocks holding special rows (marked) are walked row by row.
 */
function tally(w: WindowScratch, t: NodeTable, view: ResourceView, s: Scratch, stamp: number): void {
  w.resetTally();
  const n = t.size;
  const end = w.start + w.processed;
  const shift = view.blockShift;
  const size = 1 << shift;
  const mask = size - 1;
  const mark = w.blockStamp;
  const cls = t.classes.bucketOf;
  const { fits, sum } = view;
  const pass = w.pass;
  const special = s.specialStamp;
  for (let r = 0; r < 2; r++) {
    let row = r === 0 ? w.start : 0;
    const hi = r === 0 ? Math.min(end, n) : end - n;
    while (row < hi) {
      if ((row & mask) === 0 && row + size <= hi && w.blockMark[row >> shift] !== mark) {
        w.addBlock(view, view.blockOffset(t, row >> shift));
        row += size;
        continue;
      }
      const stop = Math.min(hi, (row | mask) + 1);
      for (; row < stop; row++) {
        if (fits[row] !== 1) continue;
        const c = cls[row]!;
        if (pass[c] !== 1 || special[row] === stamp) continue;
        w.addRow(c, sum[row]!);
      }
    }
  }
}

/** The window's feasible rows into s.feasible in scan order; the first of them. */
function listRows(w: WindowScratch, t: NodeTable, view: ResourceView, s: Scratch): number {
  const n = t.size;
  let k = 0;
  for (let i = 0; i < w.processed; i++) {
    const row = (w.start + i) % n;
    if (feasibleRow(w, t, view, row)) s.feasible[k++] = row;
  }
  s.feasibleCount = k;
  return s.feasible[0]!;
}

/** Hands the window's feasible rows to the row path: s.feasible filled, rows looked at returned. */
function rowsFor(w: WindowScratch, t: NodeTable, view: ResourceView, s: Scratch): number {
  listRows(w, t, view, s);
  return w.processed;
}

/** PreScore as the row path runs it, over the window's feasible rows (see the header). */
function runPreScore(o: ScheduleOptions, cycle: CycleState, w: WindowScratch, t: NodeTable, view: ResourceView, s: Scratch, k: number): string | undefined {
  let sets: FilteredLabelSets | undefined;
  let one: readonly NodeInfo[] | undefined;
  for (const { plugin: pl, spread } of preScoreSteps(o.profile.preScore).steps) {
    let st;
    if (spread !== undefined) st = spread.preScoreLabelSets(cycle, o.pod, (sets ??= windowLabelSets(w, t, view, s, k)), o.snapshot);
    else st = pl.preScore(cycle, o.pod, (one ??= [t.infos[firstFeasible(w, t, view)]!]), o.snapshot);
    if (st.code === 'Skip') cycle.skipScorePlugins.add(pl.name);
    else if (st.code !== 'Success') return `${pl.name}: ${st.reasons.join(', ')}`;
  }
  return undefined;
}

function firstFeasible(w: WindowScratch, t: NodeTable, view: ResourceView): number {
  const n = t.size;
  for (let i = 0; i < w.processed; i++) {
    const row = (w.start + i) % n;
    if (feasibleRow(w, t, view, row)) return row;
  }
  return -1;
}

/** The window's feasible rows as label sets, one per group (from findWindow's tally). */
function windowLabelSets(w: WindowScratch, t: NodeTable, view: ResourceView, s: Scratch, k: number): FilteredLabelSets {
  const cl = t.classes;
  return labelSetsByGroup(
    t,
    s,
    k,
    (visit) => {
      for (let x = 0; x < w.passCount; x++) {
        const c = w.passList[x]!;
        if (w.count[c]! > 0) visit(cl.firstRow[c]!);
      }
    },
    (g) => {
      const names: string[] = [];
      const n = t.size;
      for (let i = 0; i < w.processed; i++) {
        const row = (w.start + i) % n;
        if (t.group[row] === g && feasibleRow(w, t, view, row)) names.push(t.infos[row]!.name);
      }
      return names;
    },
  );
}

/**
 * s.entry*: the window's feasible special rows (entryBucket -1; fast-plan.ts addSpecialEntry), then one per passing
 * class with regular feasible rows in it (entryRow: a regular row of the class). Marks the
 * blocks holding those special rows and leaves them out of the classes' tally.
 */
function buildEntries(w: WindowScratch, t: NodeTable, view: ResourceView, s: Scratch, stamp: number): number {
  const n = t.size;
  const mark = w.nextBlockStamp();
  const cl = t.classes;
  let e = 0;
  s.specialEnteredCount = 0;
  // The tally so far counts every feasible row: take the special ones out. Only when one held
  // the last row at its class's best sum is the class's best unknown: then tally again.
  let again = false;
  for (let i = 0; i < s.specialCount; i++) {
    const row = s.specialRows[i]!;
    if ((row - w.start + n) % n >= w.processed || !feasibleRow(w, t, view, row)) continue;
    w.blockMark[row >> view.blockShift] = mark;
    e = addSpecialEntry(s, cl.bucketOf, row, view.sum[row]!, e);
    const c = cl.bucketOf[row]!;
    w.count[c]!--;
    if (view.sum[row] === w.top[c] && --w.topCount[c]! === 0 && w.count[c]! > 0) again = true;
  }
  if (again) tally(w, t, view, s, stamp);
  for (let x = 0; x < w.passCount; x++) {
    const c = w.passList[x]!;
    if (w.count[c] === 0) continue;
    // Any regular row of the class scores as all of them (fast-classes.ts buildEntries).
    const rows = cl.rows[c]!;
    let y = 0;
    while (s.specialStamp[rows[y]!] === stamp) y++;
    s.entryRow[e] = rows[y]!;
    s.entryCount[e] = w.count[c]!;
    s.entryBucket[e++] = c;
  }
  return e;
}

/** selectHost's rule over the entries' best totals (see the header); the chosen row. */
function pickHost(w: WindowScratch, t: NodeTable, view: ResourceView, s: Scratch, stamp: number, entries: number, o: ScheduleOptions): number {
  const totals = s.totals;
  let max = -Infinity;
  for (let e = 0; e < entries; e++) {
    const c = s.entryBucket[e]!;
    const v = totals[e]! + (c === -1 ? s.entryBest[e]! : w.top[c]!);
    totals[e] = v;
    if (v > max) max = v;
  }
  const tie = w.nextTieStamp();
  let count = 0;
  const tiedClasses = w.tiedList;
  let tiedCount = 0;
  for (let e = 0; e < entries; e++) {
    if (totals[e] !== max) continue;
    const c = s.entryBucket[e]!;
    if (c === -1) count += s.entryBestCount[e]!;
    else {
      w.tiedClass[c] = tie;
      tiedClasses[tiedCount++] = c;
      count += w.topCount[c]!;
    }
  }
  // The tied special rows (at their tied entry's best sum), marked for the walk below.
  const tiedSpecials = tiedSpecialRows(s, view.sum, max, s.tied, 0);
  for (let i = 0; i < tiedSpecials; i++) w.tiedRow[s.tied[i]!] = tie;
  let r = count === 1 ? 0 : o.rng.int(count);
  // The window in row order: its wrapped part [0, end - n) first, then [start, end).
  const n = t.size;
  const end = w.start + w.processed;
  const shift = view.blockShift;
  const size = 1 << shift;
  const mask = size - 1;
  const mark = w.blockStamp;
  const cls = t.classes.bucketOf;
  const { fits, sum } = view;
  const special = s.specialStamp;
  for (let x = 0; x < 2; x++) {
    let row = x === 0 ? 0 : w.start;
    const hi = x === 0 ? Math.max(0, end - n) : Math.min(end, n);
    while (row < hi) {
      let stop = Math.min(hi, (row | mask) + 1);
      if ((row & mask) === 0 && row + size <= hi && w.blockMark[row >> shift] !== mark) {
        // A whole block without special rows: skip it when the draw falls past its tied rows.
        const at = view.blockOffset(t, row >> shift);
        let inBlock = 0;
        for (let y = 0; y < tiedCount; y++) {
          const c = tiedClasses[y]!;
          const o = at + FIGURES * c;
          if (view.block[o + TOP] === w.top[c]) inBlock += view.block[o + TOP_COUNT]!;
        }
        if (r >= inBlock) {
          r -= inBlock;
          row += size;
          continue;
        }
        stop = row + size;
      }
      for (; row < stop; row++) {
        if (fits[row] !== 1) continue;
        const c = cls[row]!;
        if (w.pass[c] !== 1) continue;
        const tied = special[row] === stamp ? w.tiedRow[row] === tie : w.tiedClass[c] === tie && sum[row] === w.top[c];
        if (tied && r-- === 0) return row;
      }
    }
  }
  return -1;
}

/**
 * The class cycle: the bucketed cycle's decision (fast-buckets.ts, itself the plain cycle's)
 * at a cost that follows the number of node classes and the rows that changed since the
 * pod's shape was last seen, not the number of nodes or buckets.
 *
 * A class is a group and an image group together (node-table.ts): every group-level Filter
 * and Score plugin and ImageLocality answer the same for all its rows. What tells rows of a
 * class apart is NodeResourcesFit's verdict and the cpu/memory resource-allocation scores,
 * which read the row's figures and the pod's requests only; a per-shape view (fast-view.ts)
 * keeps them, per class, as a count of fitting rows and a histogram of their summed
 * allocation scores (Σ weight × score, an integer). Then:
 *
 * - Filter: the group verdict per class, the feasible count = Σ fitting rows of passing
 *   classes (exact, so PodTopologySpread's hostname weight and feasibleNodes agree).
 * - PreScore: as the bucketed cycle (label sets per group; one node for plugins that do not
 *   read the list).
 * - Score: every non-allocation plugin is asked once per "entry": a passing class with
 *   regular fitting rows (any regular row stands for them), or the special rows (those
 *   PodTopologySpread's counts or ignoredNodes name, fast-spread.ts) of one class and one
 *   matching-pod count, which score alike (fast-plan.ts addSpecialEntry; a special row
 *   without a merge key is an entry alone). NormalizeScore sees one
 *   NodeScore per entry: the hinted plugins normalize from min and max, which are the same
 *   over the entries as over all feasible nodes (as in the bucketed cycle). Entries of one
 *   group share a group-level plugin's answer (and regular entries PodTopologySpread's), so
 *   those are asked once per group met (memoScores): a pod's special rows (often half its
 *   entries) then cost PodTopologySpread one call each, and the other plugins nothing more.
 * - Total of a regular row = its class entry's weighted non-allocation total G plus its own
 *   allocation sum. All are integers, so the order of the additions does not matter. The best
 *   regular row of a class is the histogram's top bin (special rows are taken out of the
 *   histogram for the cycle), so the best total is the max over entries of G + top (a special
 *   entry: G + its rows' best sum), and the tied nodes are the top bins' counts of the tied
 *   classes plus the special rows at their tied entry's best sum.
 *   This is the "upper bound" of issue 4: a class whose G + top is below the best cannot hold
 *   the winner, and none of its rows is visited.
 * - The host: selectHost's rule, one draw `rng.int(count)` when two or more tie, the
 *   draw-th tied node in node-list (row) order; only the rows of the tied classes are read.
 *
 * When PreScore has run and a Score plugin is one the bucketed cycle does not model either (a
 * per-node plugin not skipped, PodTopologySpread counting hostnames node by node), it hands
 * every feasible row to the row path as that cycle would (ROWS), so PreScore runs once.
 * Otherwise it declines (DECLINE: the caller runs the bucketed cycle; nothing has drawn from
 * the rng or moved the scan) whenever it does not model something: a PreScore plugin that
 * reads the node list, resources other than cpu/memory, an allocation plugin normalizing or
 * skipped by PreScore (then the bucketed cycle redoes PreScore), allocation weights summing
 * over 100 (histograms too wide), or a score out of range.
 */
import { fastHintOf, type FastHint } from './fast-hints.js';
import { ROWS } from './fast-buckets.js';
import {
  addSpecialEntry,
  ERROR,
  FAIL,
  groupVerdict,
  memoScores,
  normalizeAndAdd,
  startEntryScores,
  tiedSpecialRows,
  verdictsFor,
  type FilterSteps,
  type Plan,
} from './fast-plan.js';
import { labelSetsByGroup, markSpecialRows } from './fast-spread.js';
import { nthRow, type Scratch } from './fast-scratch.js';
import type { AllocTerm, ResourceView } from './fast-view.js';
import { viewFor } from './fast-view-cache.js';
import type { CycleState, NodeInfo, PreScorePlugin } from './framework.js';
import type { NodeTable } from './node-table.js';
import type { FilteredLabelSets } from './plugins/pod-topology-spread/scoring.js';
import { decided, type CycleResult, type ScheduleOptions } from './schedule-one.js';
import type { Pod } from '../model/types.js';

export const DECLINE = Symbol('decline');

/** Above this summed weight of the allocation plugins the bucketed cycle decides instead. */
const MAX_ALLOC_WEIGHT = 100;

/** The plan's cpu/memory allocation scorers, or null when the class cycle cannot model its Score. */
const termsOf = new WeakMap<Plan, readonly AllocTerm[] | null>();

export function allocTerms(plan: Plan): readonly AllocTerm[] | null {
  let terms = termsOf.get(plan);
  if (terms !== undefined) return terms;
  const out: AllocTerm[] = [];
  let ok = true;
  for (const { plugin, weight, hint } of plan.score) {
    if (hint.groupLevel || hint.imageLocality || hint.topologySpread || hint.perNode) continue;
    const a = hint.allocation;
    if (a === undefined || plugin.normalizeScore !== undefined || !Number.isInteger(weight) || weight < 0) ok = false;
    else if (!a.resources.every((r) => r.name === 'cpu' || r.name === 'memory')) ok = false;
    else out.push({ a, weight });
  }
  // The views' histograms have Σ weight × 100 + 1 bins per class: keep them small.
  if (out.reduce((sum, x) => sum + x.weight, 0) > MAX_ALLOC_WEIGHT) ok = false;
  terms = ok ? out : null;
  termsOf.set(plan, terms);
  return terms;
}

/** A profile's PreScore plugins with what the entry cycles need of their hints, in order. */
export interface PreScoreSteps {
  /** Every plugin takes label sets (PodTopologySpread) or reads the node list for emptiness only. */
  readonly modelled: boolean;
  readonly steps: readonly { readonly plugin: PreScorePlugin; readonly spread: FastHint['topologySpread'] }[];
}

/** By the profile's (immutable) PreScore list: the hints are looked up once, not per pod. */
const preScoreStepsOf = new WeakMap<readonly PreScorePlugin[], PreScoreSteps>();

export function preScoreSteps(list: readonly PreScorePlugin[]): PreScoreSteps {
  let out = preScoreStepsOf.get(list);
  if (out === undefined) {
    let ok = true;
    const steps = list.map((plugin) => {
      const hint = fastHintOf(plugin);
      if (hint?.topologySpread === undefined && hint?.preScoreNodesUnread !== true) ok = false;
      return { plugin, spread: hint?.topologySpread };
    });
    out = { modelled: ok, steps };
    preScoreStepsOf.set(list, out);
  }
  return out;
}

/** Whether this pod's cycle is modelled before anything runs (PreScore/Score plugins). */
export function modelled(plan: Plan, o: ScheduleOptions): boolean {
  if (o.profile.score.length === 0) return false;
  if (!preScoreSteps(o.profile.preScore).modelled) return false;
  for (const { hint } of plan.score) {
    if (hint.groupLevel && hint.groupLevel.nodeSpecific(o.pod)) return false;
  }
  return true;
}

/** The class cycle (see the header). */
export function classCycle(o: ScheduleOptions, plan: Plan, steps: FilterSteps, cycle: CycleState, t: NodeTable, s: Scratch): CycleResult | undefined | typeof DECLINE | typeof ROWS {
  const terms = allocTerms(plan);
  if (terms === null || !modelled(plan, o)) return DECLINE;
  const view = viewFor(t, terms, steps.fit, o.pod);
  if (view.invalidRows > 0) return DECLINE;
  const n = t.size;
  const total = filterClasses(plan, t, s, view, steps, cycle, o.pod);
  if (total <= 0) return undefined;
  const base = { evaluatedNodes: n, feasibleNodes: total, cycle };
  if (total === 1) {
    o.scan.nextStartNodeIndex = (o.scan.nextStartNodeIndex + n) % n;
    return decided(t.infos[onlyFeasibleRow(t, s, view)]!.name, base);
  }
  const preScoreError = runPreScore(o, cycle, t, s, view, total);
  if (preScoreError !== undefined) {
    o.scan.nextStartNodeIndex = (o.scan.nextStartNodeIndex + n) % n;
    return { nodeName: null, ...base, error: preScoreError };
  }
  const stamp = specialStamp(plan, t, s, cycle);
  if (stamp === NOT_MODELLED) {
    // The bucketed cycle would not model this Score either (fast-buckets.ts bucketable asks the
    // same of each plugin): rather than have it redo PreScore, hand the rows on as it would.
    const start = o.scan.nextStartNodeIndex % n;
    o.scan.nextStartNodeIndex = (o.scan.nextStartNodeIndex + n) % n;
    feasibleRows(t, s, view, start);
    return ROWS;
  }
  if (stamp < 0) return DECLINE;
  // From here on the cycle decides: special rows leave the histograms until it is done.
  o.scan.nextStartNodeIndex = (o.scan.nextStartNodeIndex + n) % n;
  const specials = takeSpecials(t, s, view);
  try {
    const entries = buildEntries(t, s, view, stamp);
    const error = scoreEntries(plan, t, s, cycle, entries, o.pod);
    if (error !== undefined) return { nodeName: null, ...base, error };
    return decided(t.infos[pickHost(t, s, view, stamp, entries, o)]!.name, base);
  } finally {
    for (let i = 0; i < specials; i++) view.add(t.classes.bucketOf[s.tied[i]!]!, view.sum[s.tied[i]!]!);
  }
}

/** Group verdicts per live class into s.bucketPass (1: passes with fitting rows); the feasible count, -1 on Error. */
function filterClasses(plan: Plan, t: NodeTable, s: Scratch, view: ResourceView, steps: FilterSteps, cycle: CycleState, pod: Pod): number {
  const cl = t.classes;
  s.ensureBuckets(cl.capacity);
  const verdict = verdictsFor(plan, steps, t, s, s.verdict);
  const pass = s.bucketPass;
  let total = 0;
  for (let x = 0; x < cl.live.length; x++) {
    const c = cl.live[x]!;
    pass[c] = 0;
    const v = groupVerdict(t, verdict, steps.group, cycle, pod, cl.firstRow[c]!);
    if (v === ERROR) return -1;
    if (v === FAIL || view.count[c] === 0) continue;
    pass[c] = 1;
    total += view.count[c]!;
  }
  return total;
}

function feasible(t: NodeTable, s: Scratch, view: ResourceView, row: number): boolean {
  return view.fits[row] === 1 && s.bucketPass[t.classes.bucketOf[row]!] === 1;
}

/** s.feasible := every feasible row in scan order from `start` (the bucketed cycle's ROWS hand-over). */
function feasibleRows(t: NodeTable, s: Scratch, view: ResourceView, start: number): void {
  const n = t.size;
  let k = 0;
  for (let i = 0, j = start; i < n; i++, j = j + 1 === n ? 0 : j + 1) if (feasible(t, s, view, j)) s.feasible[k++] = j;
  s.feasibleCount = k;
}

function onlyFeasibleRow(t: NodeTable, s: Scratch, view: ResourceView): number {
  for (const c of t.classes.live) {
    if (s.bucketPass[c] !== 1) continue;
    for (const row of t.classes.rows[c]!) if (view.fits[row] === 1) return row;
  }
  return -1;
}

/** PreScore as fast-buckets.ts runPreScoreBuckets, over the passing classes. */
function runPreScore(o: ScheduleOptions, cycle: CycleState, t: NodeTable, s: Scratch, view: ResourceView, total: number): string | undefined {
  let sets: FilteredLabelSets | undefined;
  let one: readonly NodeInfo[] | undefined;
  for (const { plugin: pl, spread } of preScoreSteps(o.profile.preScore).steps) {
    let st;
    if (spread !== undefined) st = spread.preScoreLabelSets(cycle, o.pod, (sets ??= classLabelSets(t, s, view, total, o.scan.nextStartNodeIndex)), o.snapshot);
    else st = pl.preScore(cycle, o.pod, (one ??= [t.infos[firstFeasibleRow(t, s, view)]!]), o.snapshot);
    if (st.code === 'Skip') cycle.skipScorePlugins.add(pl.name);
    else if (st.code !== 'Success') return `${pl.name}: ${st.reasons.join(', ')}`;
  }
  return undefined;
}

function firstFeasibleRow(t: NodeTable, s: Scratch, view: ResourceView): number {
  let best = -1;
  for (const c of t.classes.live) {
    if (s.bucketPass[c] !== 1) continue;
    for (const row of t.classes.rows[c]!) {
      if (view.fits[row] !== 1) continue;
      if (best === -1 || row < best) best = row;
      break;
    }
  }
  return best;
}

/** The feasible rows as label sets, one per group; a set's names in scan order from `start`. */
function classLabelSets(t: NodeTable, s: Scratch, view: ResourceView, total: number, start: number): FilteredLabelSets {
  const cl = t.classes;
  const n = t.size;
  return labelSetsByGroup(
    t,
    s,
    total,
    (visit) => {
      for (const c of cl.live) if (s.bucketPass[c] === 1) visit(cl.firstRow[c]!);
    },
    (g) => {
      const rows: number[] = [];
      for (const c of cl.live) {
        if (s.bucketPass[c] !== 1 || t.group[cl.firstRow[c]!] !== g) continue;
        for (const row of cl.rows[c]!) if (view.fits[row] === 1) rows.push(row);
      }
      const from = start % n;
      rows.sort((a, b) => ((a - from + n) % n) - ((b - from + n) % n));
      return rows.map((row) => t.infos[row]!.name);
    },
  );
}

/** specialStamp: a Score plugin runs node by node (PodTopologySpread counting hostnames so, too). */
export const NOT_MODELLED = -1;
/** specialStamp: an allocation plugin was skipped by PreScore (the views sum every one). */
export const ALLOCATION_SKIPPED = -2;

/**
 * The special-row stamp (a fresh empty one when no plugin marks rows), or a negative reason
 * not to score by classes: NOT_MODELLED, ALLOCATION_SKIPPED.
 */
export function specialStamp(plan: Plan, t: NodeTable, s: Scratch, cycle: CycleState): number {
  let stamp = 0;
  for (const { plugin, hint } of plan.score) {
    if (cycle.skipScorePlugins.has(plugin.name)) continue;
    if (hint.groupLevel || hint.imageLocality) continue;
    if (hint.allocation) continue;
    if (hint.topologySpread && stamp === 0) {
      stamp = markSpecialRows(t, s, cycle);
      if (stamp !== 0) continue;
    }
    return NOT_MODELLED;
  }
  // Allocation plugins skipped by PreScore would change the sums the view holds.
  for (const { plugin, hint } of plan.score) if (hint.allocation && !(hint.groupLevel || hint.imageLocality) && cycle.skipScorePlugins.has(plugin.name)) return ALLOCATION_SKIPPED;
  if (stamp === 0) {
    s.nextStamp();
    s.specialCount = 0;
    return s.stamp;
  }
  return stamp;
}

/** Feasible special rows out of the histograms (listed in s.tied[0..k)); returns k. */
function takeSpecials(t: NodeTable, s: Scratch, view: ResourceView): number {
  let k = 0;
  for (let i = 0; i < s.specialCount; i++) {
    const row = s.specialRows[i]!;
    if (!feasible(t, s, view, row)) continue;
    view.remove(t.classes.bucketOf[row]!, view.sum[row]!);
    s.tied[k++] = row;
  }
  s.bucketSpecials.fill(0, 0, t.classes.capacity);
  for (let i = 0; i < k; i++) s.bucketSpecials[t.classes.bucketOf[s.tied[i]!]!]!++;
  return k;
}

/**
 * s.entry*: the special entries (entryBucket -1; fast-plan.ts addSpecialEntry), then one per
 * passing class with regular fitting rows (entryRow: a regular row of it, entryBucket: the class).
 */
function buildEntries(t: NodeTable, s: Scratch, view: ResourceView, stamp: number): number {
  const cl = t.classes;
  let e = 0;
  s.specialEnteredCount = 0;
  for (let i = 0; i < s.specialCount; i++) {
    const row = s.specialRows[i]!;
    if (!feasible(t, s, view, row)) continue;
    e = addSpecialEntry(s, cl.bucketOf, row, view.sum[row]!, e);
  }
  for (const c of cl.live) {
    if (s.bucketPass[c] !== 1) continue;
    const regular = view.count[c]! - s.bucketSpecials[c]!;
    if (regular === 0) continue;
    // Any regular row of the class scores as all of them (feasible or not: only its labels,
    // taints, images and absence from the special rows are read).
    const rows = cl.rows[c]!;
    let x = 0;
    while (s.specialStamp[rows[x]!] === stamp) x++;
    s.entryRow[e] = rows[x]!;
    s.entryCount[e] = regular;
    s.entryBucket[e++] = c;
  }
  return e;
}

/** The non-allocation plugins' weighted, normalized scores per entry into s.totals. */
export function scoreEntries(plan: Plan, t: NodeTable, s: Scratch, cycle: CycleState, entries: number, pod: Pod): string | undefined {
  const rows = s.entryRow;
  const scores = s.scores;
  const totals = s.totals;
  startEntryScores(t, rows, entries, scores, totals);
  for (const { plugin, weight, hint } of plan.score) {
    if (cycle.skipScorePlugins.has(plugin.name)) continue;
    if (hint.allocation && !(hint.groupLevel || hint.imageLocality)) continue;
    // A group-level or image-level plugin scores all rows of a group (image group) alike, and
    // PodTopologySpread all regular rows of a group (fast-spread.ts): each is asked once per
    // group it meets, PodTopologySpread also once per special row (fast-buckets.ts does the same).
    if (hint.imageLocality === true) memoScores(plugin, t.imageGroup, t.imageGroupCount, false, t, s, cycle, pod, entries);
    else if (hint.groupLevel !== undefined || hint.topologySpread !== undefined) {
      memoScores(plugin, t.group, t.groupCount, hint.topologySpread !== undefined, t, s, cycle, pod, entries);
    } else for (let e = 0; e < entries; e++) scores[e]!.score = plugin.score(cycle, pod, t.infos[rows[e]!]!);
    const error = normalizeAndAdd(plugin, weight, cycle, pod, scores, totals, entries);
    if (error !== undefined) return error;
  }
  return undefined;
}

/** selectHost's rule over the entries' best totals (see the header); the chosen row. */
function pickHost(t: NodeTable, s: Scratch, view: ResourceView, stamp: number, entries: number, o: ScheduleOptions): number {
  const totals = s.totals;
  let max = -Infinity;
  for (let e = 0; e < entries; e++) {
    const c = s.entryBucket[e]!;
    const v = totals[e]! + (c === -1 ? s.entryBest[e]! : view.top[c]!);
    totals[e] = v;
    if (v > max) max = v;
  }
  let count = 0;
  let tiedClasses = 0;
  let last = -1;
  for (let e = 0; e < entries; e++) {
    if (totals[e] !== max) continue;
    const c = s.entryBucket[e]!;
    if (c === -1) count += s.entryBestCount[e]!;
    else {
      count += view.hist[c * view.stride + view.top[c]!]!;
      tiedClasses++;
      last = e;
    }
  }
  const r = count === 1 ? 0 : o.rng.int(count);
  // Only one class ties (no special row): its top-bin rows come in row order already.
  if (tiedClasses === 1 && count === view.hist[s.entryBucket[last]! * view.stride + view.top[s.entryBucket[last]!]!]) {
    topRows(t, s, view, stamp, s.entryBucket[last]!, r + 1, s.feasible, 0);
    return s.feasible[r]!;
  }
  // Several: the tied rows of every tied entry, then the r-th in row order.
  const tied = s.feasible;
  let k = 0;
  for (let e = 0; e < entries; e++) {
    if (totals[e] !== max) continue;
    const c = s.entryBucket[e]!;
    if (c !== -1) k = topRows(t, s, view, stamp, c, view.hist[c * view.stride + view.top[c]!]!, tied, k);
  }
  k = tiedSpecialRows(s, view.sum, max, tied, k);
  return k === 1 ? tied[0]! : nthRow(s, tied, k, r);
}

/**
 * Appends to out[k..] the first `want` regular fitting rows of class `c` whose sum is the
 * class's top bin, in row order (the class's top-bin count bounds how many there are);
 * returns the new end.
 */
function topRows(t: NodeTable, s: Scratch, view: ResourceView, stamp: number, c: number, want: number, out: Int32Array, k: number): number {
  const best = view.top[c]!;
  const rows = t.classes.rows[c]!;
  const fits = view.fits;
  const sum = view.sum;
  const special = s.specialStamp;
  let found = 0;
  for (let x = 0; x < rows.length && found < want; x++) {
    const row = rows[x]!;
    if (fits[row] === 1 && sum[row] === best && special[row] !== stamp) {
      out[k++] = row;
      found++;
    }
  }
  return k;
}

/**
 * The bucketed cycle: when a cycle looks at every node (percentageOfNodesToScore 100, or
 * fewer than 100 nodes) and every Filter is group-level or NodeResourcesFit on the table, its
 * cost follows the number of distinct node states (node-buckets.ts), not of nodes:
 *
 * - Filter runs once per bucket (its first row stands for all: same group, same figures).
 * - Score runs once per "entry": a bucket's regular rows, or one special row on its own.
 *   Special rows are those a per-node plugin tells apart: PodTopologySpread's hostname counts
 *   and ignored nodes (fast-spread.ts markSpecialRows). A plugin the buckets cannot model
 *   (per-node scores, resources beyond cpu/memory, node-specific affinity terms) sends the
 *   cycle back to the row path after PreScore (ROWS).
 * - NormalizeScore sees one NodeScore per entry. The hinted plugins normalize from the min
 *   and max of the list (or leave scores alone), which are the same over the entries as over
 *   every feasible node, so each node gets the value the full list would give it.
 * - The host: selectHost's rule. The tied nodes are counted over the tied entries, ONE draw
 *   `rng.int(count)` when there are two or more, and the draw-th tied node in node-list order
 *   (row order) is chosen, exactly the node selectHost picks from the full sorted list.
 *
 * The scan covers every node, so nextStartNodeIndex comes back to where it was, as in the
 * plain cycle ((start + n) % n). No node feasible, or a plugin Error in Filter: undefined (the
 * plain cycle reproduces the diagnosis).
 */
import { fastHintOf } from './fast-hints.js';
import { allocationScores, ERROR, FAIL, fitsOnRow, groupVerdict, memoScores, normalizeAndAdd, startEntryScores, verdictsFor, type FilterSteps, type Plan } from './fast-plan.js';
import { labelSetsByGroup, markSpecialRows, namesInGroup } from './fast-spread.js';
import type { Scratch } from './fast-scratch.js';
import type { CycleState, NodeInfo } from './framework.js';
import type { NodeTable } from './node-table.js';
import type { FilteredLabelSets } from './plugins/pod-topology-spread/scoring.js';
import { InternalError } from '../model/errors.js';
import { decided, type CycleResult, type ScheduleOptions } from './schedule-one.js';

/** "Score s.feasible by rows": PreScore ran, s.feasible holds every feasible row in scan order. */
export const ROWS = Symbol('rows');

/** Filter per bucket into s.bucketPass; the number of feasible nodes, or -1 on a plugin Error. */
function filterBuckets(plan: Plan, t: NodeTable, s: Scratch, steps: FilterSteps, cycle: CycleState, o: ScheduleOptions): number {
  const b = t.buckets;
  const live = b.live;
  const firstRow = b.firstRow;
  const rowCount = b.rowCount;
  const verdict = verdictsFor(plan, steps, t, s, s.verdict);
  const pass = s.bucketPass;
  const { group, fit } = steps;
  let total = 0;
  for (let x = 0; x < live.length; x++) {
    const id = live[x]!;
    const j = firstRow[id]!;
    pass[id] = 0;
    const v = groupVerdict(t, verdict, group, cycle, o.pod, j);
    if (v === ERROR) return -1;
    if (v === FAIL) continue;
    if (fit !== null && !fitsOnRow(t, fit, j)) continue;
    pass[id] = 1;
    total += rowCount[id]!;
  }
  return total;
}

/** The bucketed cycle (see the header); ROWS hands the rest of the cycle to the row path. */
export function bucketCycle(o: ScheduleOptions, plan: Plan, steps: FilterSteps, cycle: CycleState, t: NodeTable, s: Scratch): CycleResult | undefined | typeof ROWS {
  const n = t.size;
  s.ensureBuckets(t.buckets.capacity);
  s.startCycle();
  const total = filterBuckets(plan, t, s, steps, cycle, o);
  if (total <= 0) return undefined;
  const start = o.scan.nextStartNodeIndex;
  o.scan.nextStartNodeIndex = (start + n) % n;
  const base = { evaluatedNodes: n, feasibleNodes: total, cycle };
  // s.feasible (every feasible row in scan order) is filled only if something needs it.
  s.feasibleCount = -1;
  const rows = () => fillFeasibleRows(t, s, start % n);
  if (total === 1) return decided(t.infos[rows()[0]!]!.name, base);
  if (o.profile.score.length === 0) return decided(t.infos[pickTied(t, s, 0, total, o)]!.name, base);
  const preScoreError = runPreScoreBuckets(o, cycle, t, s, total, rows);
  if (preScoreError !== undefined) return { nodeName: null, ...base, error: preScoreError };
  const stamp = bucketable(plan, t, s, cycle, o);
  if (stamp < 0) {
    rows();
    return ROWS;
  }
  const entries = buildEntries(t, s, stamp);
  const error = scoreEntries(plan, t, s, cycle, entries, o);
  if (error !== undefined) return { nodeName: null, ...base, error };
  // The tied entries: their nodes counted, one draw, the draw-th in row order.
  const totals = s.totals;
  let max = -Infinity;
  for (let e = 0; e < entries; e++) if (totals[e]! > max) max = totals[e]!;
  let count = 0;
  let only = -1;
  for (let e = 0; e < entries; e++) {
    if (totals[e] !== max) continue;
    count += s.entryCount[e]!;
    only = only === -1 ? e : -2;
  }
  if (count === 1) return decided(t.infos[s.entryRow[only]!]!.name, base);
  return decided(t.infos[pickTied(t, s, stamp, count, o, max, entries)]!.name, base);
}

/** s.feasible := every row of a passing bucket, in scan order from `start` (once per cycle). */
function fillFeasibleRows(t: NodeTable, s: Scratch, start: number): Int32Array {
  if (s.feasibleCount >= 0) return s.feasible;
  const n = t.size;
  const pass = s.bucketPass;
  const bucketOf = t.buckets.bucketOf;
  const out = s.feasible;
  let k = 0;
  for (let i = 0, j = start; i < n; i++, j = j + 1 === n ? 0 : j + 1) if (pass[bucketOf[j]!] === 1) out[k++] = j;
  s.feasibleCount = k;
  return out;
}

/**
 * PreScore as the row path runs it: PodTopologySpread over label sets, here one per group of
 * the passing buckets; those hinted preScoreNodesUnread a one-node list (there are >= 2
 * feasible nodes); the others the feasible NodeInfo list.
 */
function runPreScoreBuckets(o: ScheduleOptions, cycle: CycleState, t: NodeTable, s: Scratch, total: number, rows: () => Int32Array): string | undefined {
  let nodes: typeof s.nodes | undefined;
  let sets: FilteredLabelSets | undefined;
  let one: readonly NodeInfo[] | undefined;
  for (const pl of o.profile.preScore) {
    const hint = fastHintOf(pl);
    const spread = hint?.topologySpread;
    let st;
    if (spread !== undefined) st = spread.preScoreLabelSets(cycle, o.pod, (sets ??= bucketLabelSets(t, s, total, rows)), o.snapshot);
    else if (hint?.preScoreNodesUnread) st = pl.preScore(cycle, o.pod, (one ??= [t.infos[firstPassingRow(t, s)]!]), o.snapshot);
    else st = pl.preScore(cycle, o.pod, (nodes ??= feasibleNodes(t, s, rows())), o.snapshot);
    if (st.code === 'Skip') cycle.skipScorePlugins.add(pl.name);
    else if (st.code !== 'Success') return `${pl.name}: ${st.reasons.join(', ')}`;
  }
  return undefined;
}

function feasibleNodes(t: NodeTable, s: Scratch, rows: Int32Array): typeof s.nodes {
  const nodes = s.nodes;
  nodes.length = 0;
  for (let i = 0; i < s.feasibleCount; i++) nodes.push(t.infos[rows[i]!]!);
  return nodes;
}

function firstPassingRow(t: NodeTable, s: Scratch): number {
  for (const id of t.buckets.live) if (s.bucketPass[id] === 1) return t.buckets.firstRow[id]!;
  throw new InternalError('scheduler: bucketed cycle has no feasible bucket');
}

/** The passing buckets as label sets: one per group, counting the buckets' rows. */
function bucketLabelSets(t: NodeTable, s: Scratch, total: number, feasibleRows: () => Int32Array): FilteredLabelSets {
  const b = t.buckets;
  return labelSetsByGroup(
    t,
    s,
    total,
    (visit) => {
      for (const id of b.live) if (s.bucketPass[id] === 1) visit(b.firstRow[id]!);
    },
    (g) => namesInGroup(t, feasibleRows(), s.feasibleCount, g),
  );
}

/**
 * Whether every Score plugin left after PreScore is modelled per bucket: the special-row
 * stamp (0 when no plugin makes rows special), or -1 when the row path must score.
 */
function bucketable(plan: Plan, t: NodeTable, s: Scratch, cycle: CycleState, o: ScheduleOptions): number {
  let stamp = 0;
  for (const { plugin, hint } of plan.score) {
    if (cycle.skipScorePlugins.has(plugin.name)) continue;
    if ((hint.groupLevel && !hint.groupLevel.nodeSpecific(o.pod)) || hint.imageLocality) continue;
    if (hint.allocation) {
      if (hint.allocation.resources.every((r) => r.name === 'cpu' || r.name === 'memory')) continue;
      return -1;
    }
    if (hint.topologySpread && stamp === 0) {
      stamp = markSpecialRows(t, s, cycle);
      if (stamp !== 0) continue;
    }
    return -1;
  }
  if (stamp === 0) {
    s.nextStamp();
    s.specialCount = 0;
  }
  return stamp === 0 ? s.stamp : stamp;
}

/**
 * s.entry* := one entry per passing bucket with regular rows (its first regular row stands
 * for them) and one per passing special row. Returns the number of entries.
 */
function buildEntries(t: NodeTable, s: Scratch, stamp: number): number {
  const b = t.buckets;
  const pass = s.bucketPass;
  const specials = s.bucketSpecials;
  for (const id of b.live) specials[id] = 0;
  for (let i = 0; i < s.specialCount; i++) specials[b.bucketOf[s.specialRows[i]!]!]!++;
  let e = 0;
  for (let i = 0; i < s.specialCount; i++) {
    const row = s.specialRows[i]!;
    if (pass[b.bucketOf[row]!] !== 1) continue;
    s.entryRow[e] = row;
    s.entryCount[e] = 1;
    s.entryBucket[e++] = -1;
  }
  for (const id of b.live) {
    if (pass[id] !== 1) continue;
    const regular = b.rowCount[id]! - specials[id]!;
    if (regular === 0) continue;
    let rep = b.firstRow[id]!;
    if (specials[id]! > 0) {
      const rows = b.rows[id]!;
      for (let x = 0; s.specialStamp[(rep = rows[x]!)] === stamp; x++);
    }
    s.entryRow[e] = rep;
    s.entryCount[e] = regular;
    s.entryBucket[e++] = id;
  }
  return e;
}

/** Score + NormalizeScore + weights per entry into s.totals; a string is the framework's error. */
function scoreEntries(plan: Plan, t: NodeTable, s: Scratch, cycle: CycleState, entries: number, o: ScheduleOptions): string | undefined {
  const pod = o.pod;
  const rows = s.entryRow;
  const scores = s.scores;
  const totals = s.totals;
  startEntryScores(t, rows, entries, scores, totals);
  for (const { plugin, weight, hint } of plan.score) {
    if (cycle.skipScorePlugins.has(plugin.name)) continue;
    if (hint.allocation && !(hint.groupLevel || hint.imageLocality)) allocationScores(hint.allocation, t, pod, rows, entries, scores);
    else {
      // Group-level, image-level, or PodTopologySpread (group-level but for special rows).
      if (hint.imageLocality === true) memoScores(plugin, t.imageGroup, t.imageGroupCount, false, t, s, cycle, pod, entries);
      else memoScores(plugin, t.group, t.groupCount, hint.topologySpread !== undefined, t, s, cycle, pod, entries);
    }
    const error = normalizeAndAdd(plugin, weight, cycle, pod, scores, totals, entries);
    if (error !== undefined) return error;
  }
  return undefined;
}

/**
 * The draw among `count` (>= 2) tied nodes, and the drawn one's row: tied entries are the
 * entries totalling `max` (every feasible row when `entries` is undefined: no Score plugins).
 */
function pickTied(t: NodeTable, s: Scratch, stamp: number, count: number, o: ScheduleOptions, max?: number, entries?: number): number {
  const r = o.rng.int(count);
  const b = t.buckets;
  const bucketOf = b.bucketOf;
  if (entries === undefined) {
    // Every feasible row ties: the r-th in row order.
    let seen = 0;
    for (let row = 0; row < t.size; row++) if (s.bucketPass[bucketOf[row]!] === 1 && seen++ === r) return row;
    throw new InternalError('scheduler: bucketed cycle counted more feasible nodes than it has');
  }
  const tied = s.bucketTied;
  for (const id of b.live) tied[id] = 0;
  // Tied special rows get a newer stamp than the cycle's, so "special" is specialStamp >= stamp.
  const tiedStamp = s.nextStamp();
  for (let e = 0; e < entries; e++) {
    if (s.totals[e] !== max) continue;
    if (s.entryBucket[e] === -1) s.specialStamp[s.entryRow[e]!] = tiedStamp;
    else tied[s.entryBucket[e]!] = 1;
  }
  const special = s.specialStamp;
  let seen = 0;
  for (let row = 0; row < t.size; row++) {
    const mark = special[row]!;
    const isTied = mark >= stamp ? mark === tiedStamp : tied[bucketOf[row]!] === 1;
    if (isTied && seen++ === r) return row;
  }
  throw new InternalError('scheduler: bucketed cycle counted more tied nodes than it has');
}

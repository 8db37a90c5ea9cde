/**
 * The indexed cycle: the same decision as schedulePod (schedule-one.ts, the reference), at a
 * fraction of the cost. It runs PreFilter exactly as the plain cycle does, and replaces
 * "every plugin on every node" with what the plugins' hints (fast-hints.ts) allow:
 *
 * - When the cycle looks at every node (percentageOfNodesToScore 100, or under 100 nodes) and
 *   no Filter runs node by node, the class cycle (fast-classes.ts) decides from per-class
 *   histograms kept per pod shape; when it does not model the pod, the bucketed cycle
 *   (fast-buckets.ts) filters and scores once per bucket of nodes in the same state.
 * - Otherwise, when the same is modelled for a window of the node list, the window cycle
 *   (fast-window.ts) decides from the pod shape's per-block figures.
 * - Otherwise Filter walks the node table (node-table.ts) in the same round-robin order from
 *   nextStartNodeIndex and stops at the same numFeasibleNodesToFind. Group-level plugins
 *   (NodeUnschedulable, TaintToleration, NodeAffinity) are asked once per node group and
 *   pod key (fast-plan.ts verdictsFor: pods of one ReplicaSet reuse the verdicts),
 *   NodeResourcesFit is checked on typed arrays, the rest (NodePorts, PodTopologySpread,
 *   InterPodAffinity: lookups after their PreFilter) are called per node.
 * - PreScore: PodTopologySpread gets the feasible nodes as label sets, one per node group.
 * - Score (fast-score.ts) asks group-level plugins, ImageLocality and PodTopologySpread once
 *   per group (and special row) and normalizes over those, computes the built-in resource
 *   strategies in a fused loop on the table's integers, then weighs and totals, and picks
 *   the host with selectHost's rule (fast-scratch.ts selectRow: a row is a node-list position).
 *   Buffers are the table's scratch (fast-scratch.ts), reused pod after pod.
 *
 * Pass/fail is all Filter decides here. When no node fits, or a plugin answers Error, the
 * cycle restores nextStartNodeIndex and returns undefined: the caller runs the plain cycle,
 * which rebuilds the exact per-node statuses for the FailedScheduling message (plugins are
 * pure, and nothing draws from the rng before selectHost, so the rerun decides the same).
 * It also returns undefined for what it does not model (a plugin without a hint, a PreFilter
 * that narrows the node set or rejects, a pod naming its node, pods nominated to nodes).
 *
 * A nominated pod (status.nominatedNodeName) has its node judged first by the plain
 * evaluateNominatedNode: when it fits, that is the decision (no scan, no draw); when it does
 * not, its failure counts as upstream counts it (one more processed node unless the scan
 * looked at it again), both in evaluatedNodes and in nextStartNodeIndex.
 */
import { fastHintOf } from './fast-hints.js';
import { bucketCycle, ROWS } from './fast-buckets.js';
import { classCycle, DECLINE } from './fast-classes.js';
import { windowCycle, DECLINE as WINDOW_DECLINE } from './fast-window.js';
import { ERROR, FAIL, filterSteps, fitsOnRow, groupVerdict, planFor, verdictsFor, type FilterSteps, type Plan } from './fast-plan.js';
import { scoreFeasible } from './fast-score.js';
import { CycleState, type NodeInfo } from './framework.js';
import type { NodeTable } from './node-table.js';
import {
  activeFilters,
  decided,
  evaluateNominatedNode,
  numFeasibleNodesToFind,
  runPreFilters,
  type CycleResult,
  type ScheduleOptions,
} from './schedule-one.js';
import { scratchFor, selectRow, type Scratch } from './fast-scratch.js';
import { labelSetsByGroup, namesInGroup } from './fast-spread.js';
import type { FilteredLabelSets } from './plugins/pod-topology-spread/scoring.js';
import type { Pod } from '../model/types.js';

const BAIL = -1;

/**
 * Fills s.feasible with the feasible rows in scan order (s.feasibleCount) and returns how many
 * nodes were looked at; BAIL when a plugin answered Error (the plain cycle then reproduces it).
 */
function findFeasible(plan: Plan, t: NodeTable, s: Scratch, steps: FilterSteps, cycle: CycleState, pod: Pod, start: number, want: number): number {
  const n = t.size;
  const infos = t.infos;
  const verdict = verdictsFor(plan, steps, t, s, s.verdict);
  const out = s.feasible;
  const { group, perNode, fit } = steps;
  let count = 0;
  let processed = 0;
  for (let i = 0, j = start; i < n && count < want; i++, j = j + 1 === n ? 0 : j + 1) {
    processed++;
    const v = groupVerdict(t, verdict, group, cycle, pod, j);
    if (v === ERROR) return BAIL;
    if (v === FAIL) continue;
    if (fit !== null && !fitsOnRow(t, fit, j)) continue;
    let ok = true;
    for (let k = 0; k < perNode.length; k++) {
      const code = perNode[k]!.filter(cycle, pod, infos[j]!).code;
      if (code === 'Error') return BAIL;
      if (code !== 'Success') {
        ok = false;
        break;
      }
    }
    if (ok) out[count++] = j;
  }
  s.feasibleCount = count;
  return processed;
}

/**
 * schedulePod through the node table; undefined means "run the plain schedulePod". Rows are
 * node-list positions, so `_position` (the caller's node → position) is not consulted.
 */
export function fastSchedulePod(o: ScheduleOptions, table: NodeTable, _position?: (name: string) => number): CycleResult | undefined {
  // Nominated pods on the scanned nodes are not modelled: the caller runs the plain cycle.
  if (o.snapshot !== table.cache || o.nominatedPodsForNode !== undefined) return undefined;
  const plan = planFor(o.profile);
  if (plan === null) return undefined;
  const pod = o.pod;
  const wanted = pod.spec?.nodeName;
  if (wanted != null && wanted !== '') return undefined;
  table.sync();
  const n = table.size;
  if (n === 0) return undefined;
  const cycle = new CycleState();
  const pre = runPreFilters(o.profile, cycle, pod, o.snapshot);
  if (pre.status || pre.nodes) return undefined;
  const nominated = pod.status?.nominatedNodeName ? evaluateNominatedNode(o, cycle, activeFilters(o.profile, cycle)) : undefined;
  if (nominated === undefined) return decide(o, plan, table, cycle, n);
  if (nominated.status === undefined) return { nodeName: nominated.node.name, evaluatedNodes: 1, feasibleNodes: 1, cycle };
  const start = o.scan.nextStartNodeIndex % n;
  const r = decide(o, plan, table, cycle, n);
  if (r === undefined) return undefined;
  const row = table.rowOfName(nominated.node.name);
  if (row >= 0 && (row - start + n) % n < r.evaluatedNodes) return r;
  o.scan.nextStartNodeIndex = (o.scan.nextStartNodeIndex + 1) % n;
  return { ...r, evaluatedNodes: r.evaluatedNodes + 1 };
}

/** The cycle after PreFilter (and a failed nominated node): filter, score, pick. */
function decide(o: ScheduleOptions, plan: Plan, table: NodeTable, cycle: CycleState, n: number): CycleResult | undefined {
  const pod = o.pod;
  const s = scratchFor(table);
  s.ensure(n, table.groupCount);
  const percentage = o.profile.percentageOfNodesToScore ?? o.percentageOfNodesToScore;
  const want = numFeasibleNodesToFind(percentage, n);
  const steps = filterSteps(plan, cycle, pod);
  let processed: number;
  let preScored = false;
  if (want >= n && steps.perNode.length === 0) {
    // Every node is looked at: per node class and pod shape when modelled (fast-classes.ts),
    // else per bucket of equal nodes.
    const c = classCycle(o, plan, steps, cycle, table, s);
    if (c === DECLINE) {
      const r = bucketCycle(o, plan, steps, cycle, table, s);
      if (r !== ROWS) return r;
    } else if (c !== ROWS) return c;
    processed = n;
    preScored = true;
  } else {
    // A window of the node list: by blocks of rows when modelled (fast-window.ts), else row by row.
    const w = windowCycle(o, plan, steps, cycle, table, s, want);
    if (typeof w === 'number') {
      processed = w;
      preScored = true;
    } else if (w !== WINDOW_DECLINE) return w;
    else {
      const startIndex = o.scan.nextStartNodeIndex;
      processed = findFeasible(plan, table, s, steps, cycle, pod, startIndex % n, want);
      if (processed === BAIL || s.feasibleCount === 0) return undefined;
      o.scan.nextStartNodeIndex = (startIndex + processed) % n;
    }
  }
  const k = s.feasibleCount;
  const feasible = s.feasible;
  if (k === 1) return { nodeName: table.infos[feasible[0]!]!.name, evaluatedNodes: processed, feasibleNodes: 1, cycle };
  const base = { evaluatedNodes: processed, feasibleNodes: k, cycle };
  const totals = s.totals;
  if (o.profile.score.length === 0) totals.fill(1, 0, k);
  else {
    const preScoreError = preScored ? undefined : runPreScoreFast(o, cycle, table, s);
    if (preScoreError !== undefined) return { nodeName: null, ...base, error: preScoreError };
    const error = scoreFeasible(plan, table, s, cycle, pod, steps.fit);
    if (error !== undefined) return { nodeName: null, ...base, error };
  }
  return decided(table.infos[selectRow(s, feasible, totals, k, o.rng)]!.name, base);
}

/**
 * RunPreScorePlugins over the feasible rows: PodTopologySpread gets them as label sets (one
 * per node-table group), the others the NodeInfo list. Skip marks the plugin's Score skipped.
 */
function runPreScoreFast(o: ScheduleOptions, cycle: CycleState, t: NodeTable, s: Scratch): string | undefined {
  let sets: FilteredLabelSets | undefined;
  let all: NodeInfo[] | undefined;
  let one: NodeInfo[] | undefined;
  for (const pl of o.profile.preScore) {
    const hint = fastHintOf(pl);
    const spread = hint?.topologySpread;
    let st;
    if (spread !== undefined) st = spread.preScoreLabelSets(cycle, o.pod, (sets ??= groupLabelSets(t, s)), o.snapshot);
    // A plugin that reads the list only for emptiness gets one feasible node, not all of them.
    else if (hint?.preScoreNodesUnread === true) st = pl.preScore(cycle, o.pod, (one ??= [t.infos[s.feasible[0]!]!]), o.snapshot);
    else st = pl.preScore(cycle, o.pod, (all ??= feasibleInfos(t, s)), o.snapshot);
    if (st.code === 'Skip') cycle.skipScorePlugins.add(pl.name);
    else if (st.code !== 'Success') return `${pl.name}: ${st.reasons.join(', ')}`;
  }
  return undefined;
}

/** The feasible rows' NodeInfos in scan order (the scratch list, refilled). */
function feasibleInfos(t: NodeTable, s: Scratch): NodeInfo[] {
  const nodes = s.nodes;
  nodes.length = 0;
  for (let i = 0; i < s.feasibleCount; i++) nodes.push(t.infos[s.feasible[i]!]!);
  return nodes;
}

/** The feasible rows as label sets: one per group (labels but the hostname value agree). */
function groupLabelSets(t: NodeTable, s: Scratch): FilteredLabelSets {
  const k = s.feasibleCount;
  const feasible = s.feasible;
  return labelSetsByGroup(
    t,
    s,
    k,
    (visit) => {
      for (let i = 0; i < k; i++) visit(feasible[i]!);
    },
    (g) => namesInGroup(t, feasible, k, g),
  );
}

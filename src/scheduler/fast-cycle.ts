/**
 * The indexed scheduling cycle: the same decision as schedulePod (schedule-one.ts, the
 * reference), at a fraction of the cost. It runs PreFilter and PreScore exactly as the plain
 * cycle does, and replaces "every plugin on every node" with what the plugins' hints
 * (fast-hints.ts) allow:
 *
 * - Filter walks the node table (node-table.ts) in the same round-robin order from
 *   nextStartNodeIndex and stops at the same numFeasibleNodesToFind. Group-level plugins
 *   (NodeUnschedulable, TaintToleration, NodeAffinity) are asked once per node group,
 *   NodeResourcesFit is checked on typed arrays, the rest (NodePorts, PodTopologySpread,
 *   InterPodAffinity: lookups after their PreFilter) are called per node.
 * - Score computes each plugin's raw scores the way the plugin would (group-level plugins and
 *   ImageLocality once per group, the resource strategies with the plugin's own scorer on the
 *   table's integers), then calls the plugin's own NormalizeScore, weighs and totals, and picks
 *   the host with selectHost.
 *
 * Pass/fail is all Filter decides here. When no node fits, or a plugin answers Error, the
 * cycle restores nextStartNodeIndex and returns undefined: the caller runs the plain cycle,
 * which rebuilds the exact per-node statuses for the FailedScheduling message (plugins are
 * pure, and nothing draws from the rng before selectHost, so the rerun decides the same).
 * It also returns undefined for what it does not model (a plugin without a hint, a PreFilter
 * that narrows the node set or rejects, a pod naming its node).
 */
import { calculatePodResourceRequestList } from './plugins/node-resources/resource-allocation.js';
import { fastHintOf, type FastHint } from './fast-hints.js';
import { CycleState, MAX_NODE_SCORE, MIN_NODE_SCORE, type FilterPlugin, type NodeInfo, type NodeScore, type ScorePlugin } from './framework.js';
import type { NodeTable } from './node-table.js';
import { podInfoFor } from './node-info.js';
import type { Profile } from './profile.js';
import {
  invalidScoreError,
  numFeasibleNodesToFind,
  runPreFilters,
  runPreScore,
  selectHost,
  type CycleResult,
  type ScheduleOptions,
} from './schedule-one.js';
import { scoreTopologySpread } from './fast-spread.js';
import type { Pod } from '../model/types.js';

interface Plan {
  readonly filter: readonly { readonly plugin: FilterPlugin; readonly hint: FastHint }[];
  readonly score: readonly { readonly plugin: ScorePlugin; readonly weight: number; readonly hint: FastHint }[];
}

const plans = new WeakMap<Profile, Plan | null>();

/** The profile's plugins with their hints, or null when one has none. */
function planFor(profile: Profile): Plan | null {
  const known = plans.get(profile);
  if (known !== undefined) return known;
  const filter: Plan['filter'][number][] = [];
  const score: Plan['score'][number][] = [];
  let ok = true;
  for (const plugin of profile.filter) {
    const hint = fastHintOf(plugin);
    if (!hint || !(hint.groupLevel || hint.alwaysPasses || hint.nodeName || hint.fit || hint.perNode)) ok = false;
    else filter.push({ plugin, hint });
  }
  for (const { plugin, weight } of profile.score) {
    const hint = fastHintOf(plugin);
    if (!hint || !(hint.groupLevel || hint.allocation || hint.imageLocality || hint.perNode)) ok = false;
    else score.push({ plugin, weight, hint });
  }
  const plan = ok ? { filter, score } : null;
  plans.set(profile, plan);
  return plan;
}

/** What Filter checks for one pod, split by how it is evaluated. */
interface FilterSteps {
  readonly group: readonly FilterPlugin[];
  readonly perNode: readonly FilterPlugin[];
  /** NodeResourcesFit on the table, or null when the pod asks for scalar resources (then perNode). */
  readonly fit: { readonly cpu: number; readonly mem: number; readonly eph: number; readonly empty: boolean } | null;
}

function filterSteps(plan: Plan, cycle: CycleState, pod: Pod): FilterSteps {
  const group: FilterPlugin[] = [];
  const perNode: FilterPlugin[] = [];
  let fit: FilterSteps['fit'] = null;
  for (const { plugin, hint } of plan.filter) {
    if (cycle.skipFilterPlugins.has(plugin.name) || hint.alwaysPasses || hint.nodeName) continue;
    if (hint.groupLevel && !hint.groupLevel.nodeSpecific(pod)) group.push(plugin);
    else if (hint.fit) {
      const r = podInfoFor(pod).requests;
      const scalars = Object.keys(r.scalar);
      if (scalars.some((k) => r.scalar[k] !== 0)) perNode.push(plugin);
      else fit = { cpu: r.milliCpu, mem: r.memory, eph: r.ephemeralStorage, empty: r.milliCpu === 0 && r.memory === 0 && r.ephemeralStorage === 0 && scalars.length === 0 };
    } else perNode.push(plugin);
  }
  return { group, perNode, fit };
}

const BAIL = -1;

/**
 * The feasible rows in scan order, and how many nodes were looked at; BAIL when a plugin
 * answered Error (the plain cycle then reproduces it).
 */
function findFeasible(t: NodeTable, steps: FilterSteps, cycle: CycleState, pod: Pod, start: number, want: number): { feasible: number[]; processed: number } {
  const n = t.size;
  const infos = t.infos;
  const groupOf = t.group;
  // Per group: 0 not asked yet this cycle, 1 passes, 2 fails.
  const verdict = new Int8Array(t.groupCount);
  const { group, perNode, fit } = steps;
  const feasible: number[] = [];
  let processed = 0;
  for (let i = 0, j = start; i < n && feasible.length < want; i++, j = j + 1 === n ? 0 : j + 1) {
    processed++;
    const g = groupOf[j]!;
    let v = verdict[g]!;
    if (v === 0) {
      v = 1;
      for (let k = 0; k < group.length; k++) {
        const code = group[k]!.filter(cycle, pod, infos[j]!).code;
        if (code === 'Error') return { feasible, processed: BAIL };
        if (code !== 'Success') {
          v = 2;
          break;
        }
      }
      verdict[g] = v;
    }
    if (v === 2) continue;
    if (fit !== null) {
      if (t.podCount[j]! + 1 > t.allocPods[j]!) continue;
      if (!fit.empty) {
        if (fit.cpu > 0 && fit.cpu > t.allocCpu[j]! - t.reqCpu[j]!) continue;
        if (fit.mem > 0 && fit.mem > t.allocMem[j]! - t.reqMem[j]!) continue;
        if (fit.eph > 0 && fit.eph > t.allocEph[j]! - t.reqEph[j]!) continue;
      }
    }
    let ok = true;
    for (let k = 0; k < perNode.length; k++) {
      const code = perNode[k]!.filter(cycle, pod, infos[j]!).code;
      if (code === 'Error') return { feasible, processed: BAIL };
      if (code !== 'Success') {
        ok = false;
        break;
      }
    }
    if (ok) feasible.push(j);
  }
  return { feasible, processed };
}

/** schedulePod through the node table; undefined means "run the plain schedulePod". */
export function fastSchedulePod(o: ScheduleOptions, table: NodeTable, position: (name: string) => number): CycleResult | undefined {
  if (o.snapshot !== table.cache) return undefined;
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
  const percentage = o.profile.percentageOfNodesToScore ?? o.percentageOfNodesToScore;
  const startIndex = o.scan.nextStartNodeIndex;
  const { feasible, processed } = findFeasible(table, filterSteps(plan, cycle, pod), cycle, pod, startIndex % n, numFeasibleNodesToFind(percentage, n));
  if (processed === BAIL || feasible.length === 0) return undefined;
  o.scan.nextStartNodeIndex = (startIndex + processed) % n;
  const k = feasible.length;
  if (k === 1) return { nodeName: table.infos[feasible[0]!]!.name, evaluatedNodes: processed, feasibleNodes: 1, cycle };
  // Filled by push: a pre-sized array is holey, and every plugin loop over it pays for that.
  const nodes: NodeInfo[] = [];
  for (let i = 0; i < k; i++) nodes.push(table.infos[feasible[i]!]!);
  const base = { evaluatedNodes: processed, feasibleNodes: k, cycle };
  let totals: number[];
  if (o.profile.score.length === 0) totals = filled(k, 1);
  else {
    const preScoreError = runPreScore(o, cycle, nodes);
    if (preScoreError !== undefined) return { nodeName: null, ...base, error: preScoreError };
    const scored = scoreFeasible(plan, table, cycle, pod, feasible);
    if (typeof scored === 'string') return { nodeName: null, ...base, error: scored };
    totals = scored;
  }
  return { nodeName: selectHost(nodes, totals, position, o.rng), ...base };
}

/** Score + NormalizeScore + weights over the feasible rows; a string is the framework's error. */
function scoreFeasible(plan: Plan, t: NodeTable, cycle: CycleState, pod: Pod, feasible: readonly number[]): number[] | string {
  const k = feasible.length;
  const scores: NodeScore[] = [];
  for (let i = 0; i < k; i++) scores.push(t.scoreSlots[feasible[i]!]!);
  const totals = filled(k, 0);
  for (const { plugin, weight, hint } of plan.score) {
    if (cycle.skipScorePlugins.has(plugin.name)) continue;
    rawScores(plugin, hint, t, cycle, pod, feasible, scores);
    plugin.normalizeScore?.(cycle, pod, scores);
    for (let i = 0; i < k; i++) {
      const s = scores[i]!.score;
      if (s > MAX_NODE_SCORE || s < MIN_NODE_SCORE) return invalidScoreError(plugin.name, s);
      totals[i] = totals[i]! + s * weight;
    }
  }
  return totals;
}

function filled(k: number, v: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < k; i++) out.push(v);
  return out;
}

/** Writes each feasible node's raw score of `plugin` into `scores`, as plugin.score would. */
function rawScores(plugin: ScorePlugin, hint: FastHint, t: NodeTable, cycle: CycleState, pod: Pod, feasible: readonly number[], scores: NodeScore[]): void {
  const k = feasible.length;
  const infos = t.infos;
  if ((hint.groupLevel && !hint.groupLevel.nodeSpecific(pod)) || hint.imageLocality) {
    // Equal for every node of a group (image group): asked of the first one met.
    const ids = hint.imageLocality ? t.imageGroup : t.group;
    const memo = new Float64Array(hint.imageLocality ? t.imageGroupCount : t.groupCount).fill(NaN);
    for (let i = 0; i < k; i++) {
      const j = feasible[i]!;
      const g = ids[j]!;
      let v = memo[g]!;
      if (v !== v) memo[g] = v = plugin.score(cycle, pod, infos[j]!);
      scores[i]!.score = v;
    }
    return;
  }
  if (hint.allocation && allocationScores(hint, t, pod, feasible, scores)) return;
  if (hint.topologySpread && scoreTopologySpread(plugin, t, cycle, pod, feasible, scores)) return;
  for (let i = 0; i < k; i++) scores[i]!.score = plugin.score(cycle, pod, infos[feasible[i]!]!);
}

/**
 * resourceAllocationScore from the table: for cpu and memory, allocatable and the node's
 * (non-zero or plain) requested plus the pod's request, handed to the plugin's own scorer.
 * False (nothing written) when the plugin scores other resources.
 */
function allocationScores(hint: FastHint, t: NodeTable, pod: Pod, feasible: readonly number[], scores: NodeScore[]): boolean {
  const s = hint.allocation!;
  const res = s.resources;
  const m = res.length;
  const isCpu: boolean[] = [];
  for (let r = 0; r < m; r++) {
    const name = res[r]!.name;
    if (name !== 'cpu' && name !== 'memory') return false;
    isCpu.push(name === 'cpu');
  }
  const podReq = calculatePodResourceRequestList(pod, res, s.useRequested);
  const usedCpu = s.useRequested ? t.reqCpu : t.nzCpu;
  const usedMem = s.useRequested ? t.reqMem : t.nzMem;
  const requested = new Array<number>(m).fill(0);
  const allocatable = new Array<number>(m).fill(0);
  const scorer = s.scorer;
  for (let i = 0; i < feasible.length; i++) {
    const row = feasible[i]!;
    for (let r = 0; r < m; r++) {
      if (isCpu[r]) {
        allocatable[r] = t.allocCpu[row]!;
        requested[r] = usedCpu[row]! + podReq[r]!;
      } else {
        allocatable[r] = t.allocMem[row]!;
        requested[r] = usedMem[row]! + podReq[r]!;
      }
    }
    scores[i]!.score = scorer(requested, allocatable);
  }
  return true;
}

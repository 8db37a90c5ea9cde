/**
 * One scheduling cycle, the plain algorithm (upstream schedulePod): PreFilter, Filter over the
 * nodes starting where the previous cycle stopped until enough feasible nodes are found
 * (percentageOfNodesToScore), PreScore, Score, NormalizeScore, weights, then the host.
 *
 * Tie-break (a documented departure): upstream picks among the top-scoring nodes by reservoir
 * sampling in the order the nodes were scored, drawing once per tie seen. kubesim orders the
 * tied nodes by their position in the node list (nodeTree order, independent of where the
 * scan started) and makes ONE draw, `rng.int(tied.length)`, only when there are two or more.
 * Every node has the same chance as upstream; the rule is what lets the indexed hot loop
 * reproduce the plain algorithm's choice draw for draw.
 *
 * A pod with status.nominatedNodeName (set by an earlier preemption) first tries that node
 * alone (evaluateNominatedNode): if it passes every Filter it is the only feasible node, so
 * the pod goes there with no scan, no scoring, no draw, and nextStartNodeIndex stays put.
 * Otherwise the normal scan runs, and the nominated node's failure stays in the diagnosis,
 * where upstream counts it among the processed nodes even when the scan stops before it.
 *
 * @see kubernetes/kubernetes pkg/scheduler/schedule_one.go
 */
import type { Pod } from '../model/types.js';
import type { RandomSource } from '../model/reconcile.js';
import {
  CycleState,
  MAX_NODE_SCORE,
  type FilterPlugin,
  MIN_NODE_SCORE,
  type NodeInfo,
  type NodeScore,
  type PodInfo,
  type SchedulerSnapshot,
  type Status,
} from './framework.js';
import type { Profile } from './profile.js';
import { newNodeInfo, podInfoFor } from './node-info.js';

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** Why a pod did not fit: the upstream FitError's Diagnosis. */
export interface FitError {
  readonly numAllNodes: number;
  /** Per node, the first failing Filter's status (or the PreFilter's, for every node). */
  readonly nodeToStatus: ReadonlyMap<string, Status>;
  readonly preFilterMsg?: string;
  postFilterMsg?: string;
}

export interface CycleResult {
  /** The chosen node, or null. */
  readonly nodeName: string | null;
  readonly evaluatedNodes: number;
  readonly feasibleNodes: number;
  readonly fitError?: FitError;
  /** A plugin returned Error: the pod goes to backoff, not to the unschedulable pool. */
  readonly error?: string;
  readonly cycle: CycleState;
}

/**
 * A successful cycle's result: `base`'s figures with the node, as a literal (a spread copy is
 * a slow generic copy in V8, and this runs once per scheduled pod).
 */
export function decided(nodeName: string, base: { readonly evaluatedNodes: number; readonly feasibleNodes: number; readonly cycle: CycleState }): CycleResult {
  return { nodeName, evaluatedNodes: base.evaluatedNodes, feasibleNodes: base.feasibleNodes, cycle: base.cycle };
}

/** Where the round-robin scan starts next time (upstream Scheduler.nextStartNodeIndex). */
export interface ScanState {
  nextStartNodeIndex: number;
}

/**
 * numFeasibleNodesToFind: all nodes below 100; otherwise the percentage (adaptive default
 * 50 - n/125, at least 5) of them, but at least 100. E.g. 5000 nodes → 10% → 500.
 */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let p = percentage;
  if (p === 0) {
    p = 50 - Math.trunc(numAllNodes / 125);
    if (p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * p) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/** FitError.Error(): `0/5 nodes are available: 2 Insufficient cpu, 3 .... preemption: ...` */
export function formatFitError(e: FitError): string {
  let msg = `0/${e.numAllNodes} nodes are available:`;
  if (e.preFilterMsg) msg += ` ${e.preFilterMsg}.`;
  else {
    const histogram = new Map<string, number>();
    for (const status of e.nodeToStatus.values()) {
      for (const reason of status.reasons) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
    }
    const parts = [...histogram].map(([reason, n]) => `${n} ${reason}`);
    // Go's sort.Strings: byte order over the whole "count reason" string.
    parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  if (e.postFilterMsg) msg += ` ${e.postFilterMsg}`;
  return msg;
}

/** The first failing Filter's status on `node`, or undefined when every plugin passes. */
function runFilters(filters: readonly FilterPlugin[], cycle: CycleState, pod: Pod, node: NodeInfo): Status | undefined {
  for (let i = 0; i < filters.length; i++) {
    const pl = filters[i]!;
    const s = pl.filter(cycle, pod, node);
    if (s.code !== 'Success') return s.plugin === undefined ? { ...s, plugin: pl.name } : s;
  }
  return undefined;
}

/**
 * RunFilterPluginsWithNominatedPods: when pods of equal or higher priority are nominated to
 * the node, the pod must fit with them there (they will come back for the room they made)
 * and, if it does, also without them (their own affinity might be what lets it in). The
 * nominated pods enter the PreFilter state through the plugins' addPod and leave through
 * removePod afterwards (upstream clones the state instead; the result is the same).
 */
function runFiltersWithNominatedPods(o: ScheduleOptions, filters: readonly FilterPlugin[], cycle: CycleState, node: NodeInfo): Status | undefined {
  const prio = o.pod.spec?.priority ?? 0;
  const uid = o.pod.metadata?.uid;
  const nominated = o.nominatedPodsForNode!(node.name).filter(
    (p) => (p.spec?.priority ?? 0) >= prio && p !== o.pod && !(uid !== undefined && p.metadata?.uid === uid),
  );
  if (nominated.length > 0) {
    const extensions = o.profile.preFilter.filter((pl) => !cycle.skipFilterPlugins.has(pl.name) && hasAddRemovePod(pl)) as unknown as AddRemovePod[];
    // Exactly the addPod calls that succeeded are undone afterwards.
    const added: { pl: AddRemovePod; pi: PodInfo }[] = [];
    let s: Status | undefined;
    for (let i = 0; i < nominated.length && s === undefined; i++) {
      const pi = podInfoFor(nominated[i]!);
      for (const pl of extensions) {
        const st = pl.addPod(cycle, o.pod, pi, node.node);
        if (st.code !== 'Success') {
          s = { code: 'Error', reasons: [`running AddPod on PreFilter plugin "${pl.name}": ${st.reasons.join(', ')}`], plugin: pl.name };
          break;
        }
        added.push({ pl, pi });
      }
    }
    if (s === undefined) s = runFilters(filters, cycle, o.pod, newNodeInfo(node.node, [...node.pods.map((pi) => pi.pod), ...nominated], node.imageStates));
    for (let i = added.length - 1; i >= 0; i--) added[i]!.pl.removePod(cycle, o.pod, added[i]!.pi, node.node);
    if (s !== undefined) return s;
  }
  return runFilters(filters, cycle, o.pod, node);
}

interface AddRemovePod {
  readonly name: string;
  addPod(cycle: CycleState, podToSchedule: Pod, podInfo: PodInfo, node: NodeInfo['node']): Status;
  removePod(cycle: CycleState, podToSchedule: Pod, podInfo: PodInfo, node: NodeInfo['node']): Status;
}

/** PreFilter plugins with upstream's PreFilterExtensions (PodTopologySpread, InterPodAffinity). */
function hasAddRemovePod(pl: object): boolean {
  const x = pl as Partial<AddRemovePod>;
  return typeof x.addPod === 'function' && typeof x.removePod === 'function';
}

/** The Filter plugins PreFilter did not skip, resolved once per cycle rather than per node. */
export function activeFilters(profile: Profile, cycle: CycleState): FilterPlugin[] {
  return profile.filter.filter((pl) => !cycle.skipFilterPlugins.has(pl.name));
}

/**
 * How the pod's nominated node fared (upstream evaluateNominatedNode): `status` undefined when
 * it passed every Filter, else its first failing status.
 */
export interface NominatedVerdict {
  readonly node: NodeInfo;
  readonly status?: Status;
}

/**
 * evaluateNominatedNode, run after PreFilter succeeded: the pod's status.nominatedNodeName
 * filtered alone (with the pods nominated there, as the scan would). undefined when the pod
 * has no nomination, the node is gone, or a plugin answered Error: upstream only logs those
 * and goes on with the full scan, recording nothing for the node.
 */
export function evaluateNominatedNode(o: ScheduleOptions, cycle: CycleState, filters: readonly FilterPlugin[]): NominatedVerdict | undefined {
  const name = o.pod.status?.nominatedNodeName;
  if (!name) return undefined;
  const node = o.snapshot.get(name);
  if (node === undefined) return undefined;
  const s = o.nominatedPodsForNode ? runFiltersWithNominatedPods(o, filters, cycle, node) : runFilters(filters, cycle, o.pod, node);
  if (s === undefined) return { node };
  return s.code === 'Error' ? undefined : { node, status: s };
}

/**
 * Upstream advances nextStartNodeIndex by feasible + recorded statuses: a failed nominated
 * node adds one unless the scan (`processed` nodes of `nodes` from `start`) looked at it again.
 */
function nominatedExtra(failed: NodeInfo | undefined, nodes: readonly NodeInfo[], start: number, processed: number): number {
  if (failed === undefined) return 0;
  const k = nodes.findIndex((n) => n.name === failed.name);
  return k >= 0 && (k - start + nodes.length) % nodes.length < processed ? 0 : 1;
}

export interface PreFilterOutcome {
  readonly nodes?: readonly NodeInfo[];
  /** The plugins whose node sets narrowed `nodes`, for the absent nodes' reason. */
  readonly narrowedBy?: readonly string[];
  readonly status?: Status;
}

export function runPreFilters(profile: Profile, cycle: CycleState, pod: Pod, snapshot: SchedulerSnapshot): PreFilterOutcome {
  let allowed: Set<string> | undefined;
  const narrowedBy: string[] = [];
  for (const pl of profile.preFilter) {
    const { status: s, result } = pl.preFilter(cycle, pod, snapshot);
    if (s.code === 'Skip') {
      cycle.skipFilterPlugins.add(pl.name);
      continue;
    }
    if (s.code !== 'Success') return { status: { ...s, plugin: pl.name } };
    if (result?.nodeNames) {
      narrowedBy.push(pl.name);
      allowed = allowed === undefined ? new Set(result.nodeNames) : new Set([...allowed].filter((n) => result.nodeNames!.has(n)));
    }
  }
  if (allowed === undefined) return {};
  return { nodes: snapshot.nodes.filter((n) => allowed!.has(n.name)), narrowedBy };
}

export interface ScheduleOptions {
  readonly profile: Profile;
  readonly snapshot: SchedulerSnapshot;
  readonly pod: Pod;
  readonly rng: RandomSource;
  readonly scan: ScanState;
  /** The configuration-wide percentageOfNodesToScore (0 = adaptive). */
  readonly percentageOfNodesToScore: number;
  /** Pods nominated to a node (the nominator); without it none are counted. */
  readonly nominatedPodsForNode?: (nodeName: string) => readonly Pod[];
}

/**
 * Runs PreFilter and Filter; returns feasible nodes and the diagnosis. `preferNominated`
 * false skips evaluateNominatedNode (explain filters every node and judges the nominated
 * node itself).
 */
export function findNodesThatFit(o: ScheduleOptions, cycle: CycleState, preferNominated = true): {
  feasible: NodeInfo[];
  nodeToStatus: Map<string, Status>;
  preFilterMsg?: string;
  error?: string;
} {
  const all = o.snapshot.nodes;
  const nodeToStatus = new Map<string, Status>();
  const pre = runPreFilters(o.profile, cycle, o.pod, o.snapshot);
  if (pre.status) {
    if (pre.status.code === 'Error') return { feasible: [], nodeToStatus, error: pre.status.reasons.join(', ') };
    for (const n of all) nodeToStatus.set(n.name, pre.status);
    return { feasible: [], nodeToStatus, preFilterMsg: pre.status.reasons.join(', ') };
  }
  const filters = activeFilters(o.profile, cycle);
  // The nominated node first, whatever PreFilter's node set says (as upstream).
  let nominatedFailed: NodeInfo | undefined;
  const verdict = preferNominated ? evaluateNominatedNode(o, cycle, filters) : undefined;
  if (verdict !== undefined) {
    if (verdict.status === undefined) return { feasible: [verdict.node], nodeToStatus };
    nodeToStatus.set(verdict.node.name, verdict.status);
    nominatedFailed = verdict.node;
  }
  const nodes = pre.nodes ?? all;
  if (pre.nodes) {
    // Nodes ruled out by a PreFilter's node set (SetAbsentNodesStatus: the default for nodes
    // without a status of their own, so not for a nominated node already judged).
    const inSet = new Set(pre.nodes.map((n) => n.name));
    const absent: Status = {
      code: 'UnschedulableAndUnresolvable',
      reasons: [`node(s) didn't satisfy plugin(s) [${pre.narrowedBy!.join(' ')}]`],
    };
    for (const n of all) if (!inSet.has(n.name) && !nodeToStatus.has(n.name)) nodeToStatus.set(n.name, absent);
  }
  const feasible: NodeInfo[] = [];
  if (nodes.length === 0) {
    if (nominatedFailed !== undefined) o.scan.nextStartNodeIndex = (o.scan.nextStartNodeIndex + 1) % all.length;
    return { feasible, nodeToStatus };
  }
  const percentage = o.profile.percentageOfNodesToScore ?? o.percentageOfNodesToScore;
  const want = numFeasibleNodesToFind(percentage, nodes.length);
  const start = o.scan.nextStartNodeIndex % nodes.length;
  let processed = 0;
  for (let i = 0, j = start; i < nodes.length && feasible.length < want; i++, j = j + 1 === nodes.length ? 0 : j + 1) {
    const node = nodes[j]!;
    processed++;
    const s = o.nominatedPodsForNode ? runFiltersWithNominatedPods(o, filters, cycle, node) : runFilters(filters, cycle, o.pod, node);
    if (s === undefined) feasible.push(node);
    else if (s.code === 'Error') return { feasible: [], nodeToStatus, error: s.reasons.join(', ') };
    else nodeToStatus.set(node.name, s);
  }
  const extra = nominatedExtra(nominatedFailed, nodes, start, processed);
  o.scan.nextStartNodeIndex = (o.scan.nextStartNodeIndex + processed + extra) % all.length;
  return { feasible, nodeToStatus };
}

export interface PluginScores {
  readonly plugin: string;
  readonly weight: number;
  readonly raw: number[];
  readonly normalized: number[];
}

/**
 * PreScore + Score + NormalizeScore + weights over `nodes`. With `detail` false (the hot
 * loop), `perPlugin` stays empty and one NodeScore list is reused across plugins.
 */
export function prioritizeNodes(
  o: ScheduleOptions,
  cycle: CycleState,
  nodes: readonly NodeInfo[],
  detail = true,
): {
  totals: number[];
  perPlugin: PluginScores[];
  error?: string;
} {
  const n = nodes.length;
  const totals = new Array<number>(n).fill(0);
  const perPlugin: PluginScores[] = [];
  if (o.profile.score.length === 0) return { totals: totals.fill(1), perPlugin };
  const preScoreError = runPreScore(o, cycle, nodes);
  if (preScoreError !== undefined) return { totals, perPlugin, error: preScoreError };
  const scores: NodeScore[] = new Array<NodeScore>(n);
  for (let i = 0; i < n; i++) scores[i] = { name: nodes[i]!.name, score: 0 };
  for (const { plugin, weight } of o.profile.score) {
    if (cycle.skipScorePlugins.has(plugin.name)) continue;
    for (let i = 0; i < n; i++) scores[i]!.score = plugin.score(cycle, o.pod, nodes[i]!);
    const raw = detail ? scores.map((s) => s.score) : [];
    plugin.normalizeScore?.(cycle, o.pod, scores);
    for (let i = 0; i < n; i++) {
      const s = scores[i]!.score;
      if (s > MAX_NODE_SCORE || s < MIN_NODE_SCORE) {
        return { totals, perPlugin, error: invalidScoreError(plugin.name, s) };
      }
      totals[i] = totals[i]! + s * weight;
    }
    if (detail) perPlugin.push({ plugin: plugin.name, weight, raw, normalized: scores.map((s) => s.score) });
  }
  return { totals, perPlugin };
}

/** RunPreScorePlugins: Skip marks the plugin's Score skipped; returns the error, if any. */
export function runPreScore(o: ScheduleOptions, cycle: CycleState, nodes: readonly NodeInfo[]): string | undefined {
  for (const pl of o.profile.preScore) {
    const s = pl.preScore(cycle, o.pod, nodes, o.snapshot);
    if (s.code === 'Skip') cycle.skipScorePlugins.add(pl.name);
    else if (s.code !== 'Success') return `${pl.name}: ${s.reasons.join(', ')}`;
  }
  return undefined;
}

/** NormalizeScore's contract, as the framework checks it after each plugin. */
export function invalidScoreError(plugin: string, score: number): string {
  return `plugin "${plugin}" returns an invalid score ${score}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`;
}

/** The tie rule described in the header: top-scoring nodes in node-list order, one draw. */
export function selectHost(
  nodes: readonly NodeInfo[],
  totals: readonly number[],
  position: (name: string) => number,
  rng: RandomSource,
): string {
  let max = -Infinity;
  for (const t of totals) if (t > max) max = t;
  const tied: NodeInfo[] = [];
  for (let i = 0; i < nodes.length; i++) if (totals[i] === max) tied.push(nodes[i]!);
  if (tied.length === 1) return tied[0]!.name;
  tied.sort((a, b) => position(a.name) - position(b.name));
  return tied[rng.int(tied.length)]!.name;
}

/** schedulePod: the whole cycle up to choosing a host. */
export function schedulePod(o: ScheduleOptions, position: (name: string) => number): CycleResult {
  const cycle = new CycleState();
  const numAllNodes = o.snapshot.nodes.length;
  if (numAllNodes === 0) {
    return { nodeName: null, evaluatedNodes: 0, feasibleNodes: 0, cycle, fitError: { numAllNodes: 0, nodeToStatus: new Map() } };
  }
  const fit = findNodesThatFit(o, cycle);
  if (fit.error) return { nodeName: null, evaluatedNodes: 0, feasibleNodes: 0, cycle, error: fit.error };
  const evaluated = fit.feasible.length + fit.nodeToStatus.size;
  if (fit.feasible.length === 0) {
    const fitError: FitError =
      fit.preFilterMsg === undefined
        ? { numAllNodes, nodeToStatus: fit.nodeToStatus }
        : { numAllNodes, nodeToStatus: fit.nodeToStatus, preFilterMsg: fit.preFilterMsg };
    return { nodeName: null, evaluatedNodes: evaluated, feasibleNodes: 0, cycle, fitError };
  }
  if (fit.feasible.length === 1) {
    return { nodeName: fit.feasible[0]!.name, evaluatedNodes: evaluated, feasibleNodes: 1, cycle };
  }
  const prio = prioritizeNodes(o, cycle, fit.feasible, false);
  if (prio.error) return { nodeName: null, evaluatedNodes: evaluated, feasibleNodes: fit.feasible.length, cycle, error: prio.error };
  const host = selectHost(fit.feasible, prio.totals, position, o.rng);
  return { nodeName: host, evaluatedNodes: evaluated, feasibleNodes: fit.feasible.length, cycle };
}

/**
 * PodTopologySpread PreScore/Score/NormalizeScore (whenUnsatisfiable: ScheduleAnyway, and the
 * system defaults). A node's raw score sums, per constraint, the matching pods in its domain
 * times the constraint's weight log(domains + 2), plus maxSkew - 1; fewer pods is better, so
 * normalization reverses: MAX_NODE_SCORE * (max + min - s) / max, integer division.
 *
 * Example (hostname, maxSkew 1, pods 2/1/0/3 on 4 nodes): weight ln 6 ≈ 1.79, raw 4/2/0/5,
 * normalized 100*(5+0-4)/5 = 20, 60, 100, 0.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/scoring.go
 */
import type { Pod } from '../../../model/types.js';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import {
  MAX_NODE_SCORE,
  SKIP,
  SUCCESS,
  status,
  type CycleState,
  type NodeInfo,
  nodeLabels,
  type NodeScore,
  type SchedulerSnapshot,
  type Status,
} from '../../framework.js';
import {
  countPodsMatchSelector,
  getConstraints,
  LABEL_HOSTNAME,
  matchNodeInclusionPolicies,
  NAME,
  nodeLabelsMatchSpreadConstraints,
  type Constraint,
  type PodTopologySpreadListers,
} from './common.js';
import { matchesEveryNode, requiredNodeAffinity } from './node-inclusion.js';
import { podLabelIndexOf } from '../../index/pod-label-index.js';

export const PRE_SCORE_STATE_KEY = `PreScore${NAME}`;
const INVALID_SCORE = -1;

export interface PreScoreState {
  readonly constraints: readonly Constraint[];
  /** Filtered nodes missing some topology key (when all keys are required): scored 0. */
  readonly ignoredNodes: ReadonlySet<string>;
  /** Per constraint: topology value → matching pods (hostname constraints count in Score). */
  readonly topologyValueToPodCounts: readonly Map<string, number>[];
  /** Per constraint: log(number of domains among the filtered nodes + 2). */
  readonly topologyNormalizingWeight: readonly number[];
  /**
   * Per hostname constraint, matching pods by node name when PreScore could count them from
   * the cache's label index (nodes absent have none); undefined entries count in Score. The
   * index's live map: valid for this cycle (the cache changes only after it, on assume).
   */
  readonly hostnameCounts?: readonly (ReadonlyMap<string, number> | undefined)[];
}

/** topologyNormalizingWeight: ln(size + 2), in [1.09, 8.52] for 1..5000 domains. */
export function topologyNormalizingWeight(size: number): number {
  return Math.log(size + 2);
}

/** scoreForCount: cnt * weight + (maxSkew - 1); the maxSkew term dampens small skews. */
export function scoreForCount(cnt: number, maxSkew: number, tpWeight: number): number {
  return cnt * tpWeight + (maxSkew - 1);
}

export interface ScoringConfig {
  readonly defaults: readonly TopologySpreadConstraint[];
  readonly listers: PodTopologySpreadListers | undefined;
  readonly systemDefaulted: boolean;
}

/**
 * The filtered nodes as PreScore reads them: sets of nodes whose labels agree on everything
 * but the kubernetes.io/hostname value (which PreScore only tests for presence). The plain
 * cycle hands one set per node; the indexed cycle one per node-table group, so PreScore costs
 * the number of distinct label sets rather than of nodes.
 */
export interface FilteredLabelSets {
  /** How many filtered nodes there are in all. */
  readonly nodeCount: number;
  /**
   * `fn(labels, names)` once per set: the set's labels and its nodes' names (called lazily,
   * and only during that call of `fn`: the thunk may be reused for the next set).
   */
  forEachSet(fn: (labels: Readonly<Record<string, string>> | undefined, names: () => Iterable<string>) => void): void;
}

/** One set per node: the plain cycle's view. */
export function labelSetsOfNodes(nodes: readonly NodeInfo[]): FilteredLabelSets {
  return {
    nodeCount: nodes.length,
    forEachSet(fn) {
      for (const ni of nodes) fn(nodeLabels(ni), () => [ni.name]);
    },
  };
}

function initPreScoreState(
  pod: Pod,
  filtered: FilteredLabelSets,
  requireAllTopologies: boolean,
  cfg: ScoringConfig,
): PreScoreState {
  const constraints = getConstraints(pod, 'ScheduleAnyway', cfg.defaults, cfg.listers);
  // Allocated on the first ignored node (usually none is).
  let ignoredNodes: Set<string> | undefined;
  // Hostname constraints count in Score: they share one empty map, never written.
  const counts: Map<string, number>[] = constraints.map((c) => (c.topologyKey === LABEL_HOSTNAME ? NO_COUNTS : new Map<string, number>()));
  if (constraints.length > 0) {
    filtered.forEachSet((labels, names) => {
      if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(labels, constraints)) {
        ignoredNodes ??= new Set<string>();
        for (const name of names()) ignoredNodes.add(name);
        return;
      }
      for (let i = 0; i < constraints.length; i++) {
        const c = constraints[i]!;
        if (c.topologyKey === LABEL_HOSTNAME) continue; // counted per node in Score
        // Go reads a missing label as "", which then is a domain of its own.
        const value = labels?.[c.topologyKey] ?? '';
        const m = counts[i]!;
        // A domain is counted once: its map's size is the number of domains.
        if (!m.has(value)) m.set(value, 0);
      }
    });
  }
  const ignored: ReadonlySet<string> = ignoredNodes ?? NO_NODES;
  const weights = constraints.map((c, i) =>
    topologyNormalizingWeight(c.topologyKey === LABEL_HOSTNAME ? filtered.nodeCount - ignored.size : counts[i]!.size),
  );
  return { constraints, ignoredNodes: ignored, topologyValueToPodCounts: counts, topologyNormalizingWeight: weights };
}

/** preScoreLabelSets' per-constraint "counted from the index" flags. */
const indexedScratch: boolean[] = [];

/** The shared empties of initPreScoreState (read only: nothing adds to them). */
const NO_NODES: ReadonlySet<string> = new Set<string>();
const NO_COUNTS: Map<string, number> = new Map<string, number>();

export function preScore(
  cycle: CycleState,
  pod: Pod,
  filteredNodes: readonly NodeInfo[],
  snapshot: SchedulerSnapshot,
  cfg: ScoringConfig,
): Status {
  return preScoreLabelSets(cycle, pod, labelSetsOfNodes(filteredNodes), snapshot, cfg);
}

/** PreScore over the filtered nodes given as label sets (see FilteredLabelSets). */
export function preScoreLabelSets(
  cycle: CycleState,
  pod: Pod,
  filteredNodes: FilteredLabelSets,
  snapshot: SchedulerSnapshot,
  cfg: ScoringConfig,
): Status {
  const allNodes = snapshot.nodes;
  if (allNodes.length === 0) return SKIP;
  // Only non-default constraints require every topology key: a node without a zone label
  // still takes part in the default hostname spreading.
  const requireAllTopologies = (pod.spec?.topologySpreadConstraints?.length ?? 0) > 0 || !cfg.systemDefaulted;
  let state: PreScoreState;
  try {
    state = initPreScoreState(pod, filteredNodes, requireAllTopologies, cfg);
  } catch (e) {
    return status('Error', `calculating preScoreState: ${(e as Error).message}`);
  }
  const constraints = state.constraints;
  if (constraints.length === 0) return SKIP;
  const ns = pod.metadata?.namespace ?? '';
  const affinity = requiredNodeAffinity(pod);
  const index = podLabelIndexOf(snapshot);
  // Constraints the label index counted (their pods need no scan of every node).
  // Scratch, not an array per pod (PreScore runs once per cycle, never re-entered).
  // Only its first constraints.length flags are this call's.
  const indexed = indexedScratch;
  for (let i = 0; i < constraints.length; i++) indexed[i] = false;
  const hostnameCounts: (ReadonlyMap<string, number> | undefined)[] = constraints.map(() => undefined);
  if (index !== undefined) {
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i]!;
      // Matching pods per node, kept by the index as pods come and go (selector-counts.ts):
      // the same sums as walking the pods, node by node instead of pod by pod.
      const counter = index.counter(ns, c.selector);
      if (c.topologyKey === LABEL_HOSTNAME) {
        indexed[i] = true; // hostname constraints have no PreScore entries either way
        // The index's own map, not a copy: it changes only once this cycle is over.
        if (counter !== undefined) hostnameCounts[i] = counter.byName;
        continue;
      }
      if (counter === undefined) continue;
      indexed[i] = true;
      const m = state.topologyValueToPodCounts[i]!;
      if (!requireAllTopologies && c.nodeTaintsPolicy !== 'Honor' && (c.nodeAffinityPolicy !== 'Honor' || matchesEveryNode(affinity))) {
        // Every node counts (the system defaults, for a pod without nodeSelector): the
        // counter's per-value totals are the sums, read for the filtered domains only.
        const totals = counter.totalsBy(c.topologyKey);
        // Keys and a get, not entries: no [value, count] pair allocated per domain and pod.
        for (const value of m.keys()) {
          const n = totals.get(value);
          if (n !== undefined) m.set(value, m.get(value)! + n);
        }
        continue;
      }
      for (const [ni, n] of counter.counts) {
        // NodeInfo's own copy: the Node object is large and frozen, its labels a cache miss.
        const labels = nodeLabels(ni);
        if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(labels, constraints)) continue;
        if (!matchNodeInclusionPolicies(c, pod, ni.node, affinity)) continue;
        const value = labels?.[c.topologyKey] ?? '';
        const cur = m.get(value);
        if (cur !== undefined) m.set(value, cur + n);
      }
    }
  }
  let unindexed = false;
  for (let i = 0; i < constraints.length; i++) if (!indexed[i]) unindexed = true;
  if (unindexed) {
    for (const ni of allNodes) {
      const node = ni.node;
      const labels = node.metadata?.labels;
      if (requireAllTopologies && !nodeLabelsMatchSpreadConstraints(labels, constraints)) continue;
      for (let i = 0; i < constraints.length; i++) {
        if (indexed[i]) continue;
        const c = constraints[i]!;
        if (!matchNodeInclusionPolicies(c, pod, node, affinity)) continue;
        const value = labels?.[c.topologyKey] ?? '';
        const m = state.topologyValueToPodCounts[i]!;
        const cur = m.get(value);
        // Domains without a candidate node are not scored; hostname has no entries here.
        if (cur === undefined) continue;
        m.set(value, cur + countPodsMatchSelector(ni.pods, c.selector, ns));
      }
    }
  }
  // Listed field by field: a spread of `state` here cost more than the rest of PreScore.
  const out: PreScoreState = {
    constraints,
    ignoredNodes: state.ignoredNodes,
    topologyValueToPodCounts: state.topologyValueToPodCounts,
    topologyNormalizingWeight: state.topologyNormalizingWeight,
    hostnameCounts,
  };
  cycle.write(PRE_SCORE_STATE_KEY, out);
  return SUCCESS;
}

export function score(cycle: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
  const s = cycle.read<PreScoreState>(PRE_SCORE_STATE_KEY);
  if (s === undefined || s.ignoredNodes.has(nodeInfo.name)) return 0;
  const labels = nodeLabels(nodeInfo);
  if (labels == null) return 0;
  const ns = pod.metadata?.namespace ?? '';
  let total = 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i]!;
    const tpVal = labels[c.topologyKey];
    if (tpVal === undefined) continue;
    let cnt: number;
    if (c.topologyKey === LABEL_HOSTNAME) {
      const byNode = s.hostnameCounts?.[i];
      cnt = byNode !== undefined ? (byNode.get(nodeInfo.name) ?? 0) : countPodsMatchSelector(nodeInfo.pods, c.selector, ns);
    } else cnt = s.topologyValueToPodCounts[i]!.get(tpVal) ?? 0;
    total += scoreForCount(cnt, c.maxSkew, s.topologyNormalizingWeight[i]!);
  }
  // Go's math.Round (half away from zero); scores are never negative, so Math.round agrees.
  return Math.round(total);
}

export function normalizeScore(cycle: CycleState, _pod: Pod, scores: NodeScore[]): void {
  const s = cycle.read<PreScoreState>(PRE_SCORE_STATE_KEY);
  if (s === undefined) return;
  let minScore = Number.MAX_SAFE_INTEGER;
  let maxScore = 0;
  // Usually no node is ignored: skip the per-node name lookup then.
  const anyIgnored = s.ignoredNodes.size > 0;
  for (const ns of scores) {
    if (anyIgnored && s.ignoredNodes.has(ns.name)) {
      ns.score = INVALID_SCORE;
      continue;
    }
    if (ns.score < minScore) minScore = ns.score;
    if (ns.score > maxScore) maxScore = ns.score;
  }
  for (const ns of scores) {
    if (ns.score === INVALID_SCORE) {
      ns.score = 0;
      continue;
    }
    if (maxScore === 0) {
      ns.score = MAX_NODE_SCORE;
      continue;
    }
    ns.score = Math.trunc((MAX_NODE_SCORE * (maxScore + minScore - ns.score)) / maxScore);
  }
}

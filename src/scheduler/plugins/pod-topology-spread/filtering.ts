/**
 * PodTopologySpread PreFilter/Filter (whenUnsatisfiable: DoNotSchedule). PreFilter counts, per
 * constraint, matching pods per topology value over all nodes that carry every topology key and
 * pass the inclusion policies, and keeps the two smallest domains (critical paths). Filter is
 * then a lookup: skew = matchNum(node's domain) + selfMatch - globalMin must be <= maxSkew,
 * where globalMin is 0 while fewer than minDomains domains exist.
 *
 * Counts are kept per constraint (as current upstream does), so two constraints on the same
 * topology key with different selectors do not share counts.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/filtering.go
 */
import type { Node, Pod } from '../../../model/types.js';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import {
  SKIP,
  SUCCESS,
  nodeLabels,
  status,
  type CycleState,
  type NodeInfo,
  type PodInfo,
  type PreFilterResult,
  type SchedulerSnapshot,
  type Status,
} from '../../framework.js';
import {
  countPodsMatchSelector,
  ERR_REASON_CONSTRAINTS_NOT_MATCH,
  ERR_REASON_NODE_LABEL_NOT_MATCH,
  getConstraints,
  matchNodeInclusionPolicies,
  NAME,
  nodeLabelsMatchSpreadConstraints,
  type Constraint,
  type PodTopologySpreadListers,
} from './common.js';
import { requiredNodeAffinity } from './node-inclusion.js';
import type { PodLabelIndex } from '../../index/pod-label-index.js';
import { podLabelIndexOf } from '../../index/pod-label-index.js';

export const PRE_FILTER_STATE_KEY = `PreFilter${NAME}`;
const MAX_INT32 = 2147483647;

/**
 * The two domains with the fewest matching pods: [0] always holds the minimum, [1] is >= [0]
 * but not necessarily the second minimum (enough for preemption's single-node updates).
 */
export interface CriticalPaths {
  value0: string;
  num0: number;
  value1: string;
  num1: number;
}

export interface PreFilterState {
  readonly constraints: readonly Constraint[];
  /** 1 when the incoming pod matches constraint i's selector, else 0. */
  readonly selfMatch: readonly number[];
  /** Per constraint: topology value → matching pods. */
  readonly tpValueToMatchNum: readonly Map<string, number>[];
  readonly criticalPaths: readonly CriticalPaths[];
}

function newCriticalPaths(): CriticalPaths {
  return { value0: '', num0: MAX_INT32, value1: '', num1: MAX_INT32 };
}

/** criticalPaths.update: records `num` for `value`, keeping [0] the minimum. */
export function updateCriticalPaths(p: CriticalPaths, value: string, num: number): void {
  if (value === p.value0 || value === p.value1) {
    if (value === p.value0) p.num0 = num;
    else p.num1 = num;
    if (p.num0 > p.num1) {
      const v = p.value0;
      const n = p.num0;
      p.value0 = p.value1;
      p.num0 = p.num1;
      p.value1 = v;
      p.num1 = n;
    }
  } else if (num < p.num0) {
    p.value1 = p.value0;
    p.num1 = p.num0;
    p.value0 = value;
    p.num0 = num;
  } else if (num < p.num1) {
    p.value1 = value;
    p.num1 = num;
  }
}

/** calPreFilterState. Throws SelectorParseError when a constraint's selector is invalid. */
export function calPreFilterState(
  pod: Pod,
  allNodes: readonly NodeInfo[],
  defaults: readonly TopologySpreadConstraint[],
  listers: PodTopologySpreadListers | undefined,
  index?: PodLabelIndex,
): PreFilterState {
  const constraints = getConstraints(pod, 'DoNotSchedule', defaults, listers);
  const n = constraints.length;
  const tpValueToMatchNum: Map<string, number>[] = [];
  const criticalPaths: CriticalPaths[] = [];
  const selfMatch: number[] = [];
  const podLabels = pod.metadata?.labels;
  for (const c of constraints) {
    tpValueToMatchNum.push(new Map());
    selfMatch.push(c.selector.matches(podLabels) ? 1 : 0);
  }
  if (n === 0) return { constraints, selfMatch, tpValueToMatchNum, criticalPaths };
  const ns = pod.metadata?.namespace ?? '';
  const affinity = requiredNodeAffinity(pod);
  // With the label index, the node pass only records domains (count 0) and the matching pods
  // are then counted from the index; without it, each node's pods are counted in place.
  const indexed = constraints.map((c) => index !== undefined && index.canNarrow(c.selector));
  for (const nodeInfo of allNodes) {
    const node = nodeInfo.node;
    const labels = node.metadata?.labels;
    if (!nodeLabelsMatchSpreadConstraints(labels, constraints)) continue;
    for (let i = 0; i < n; i++) {
      const c = constraints[i]!;
      if (!matchNodeInclusionPolicies(c, pod, node, affinity)) continue;
      const value = labels![c.topologyKey]!;
      const m = tpValueToMatchNum[i]!;
      const add = indexed[i] ? 0 : countPodsMatchSelector(nodeInfo.pods, c.selector, ns);
      m.set(value, (m.get(value) ?? 0) + add);
    }
  }
  if (index !== undefined) {
    for (let i = 0; i < n; i++) {
      if (!indexed[i]) continue;
      const c = constraints[i]!;
      const m = tpValueToMatchNum[i]!;
      index.forEachCandidate(ns, c.selector, (pi, ni) => {
        const md = pi.pod.metadata;
        if (md?.deletionTimestamp != null || (md?.namespace ?? '') !== ns || !c.selector.matches(md?.labels)) return;
        const node = ni.node;
        const labels = node.metadata?.labels;
        if (!nodeLabelsMatchSpreadConstraints(labels, constraints)) return;
        if (!matchNodeInclusionPolicies(c, pod, node, affinity)) return;
        const value = labels![c.topologyKey]!;
        m.set(value, m.get(value)! + 1);
      });
    }
  }
  for (let i = 0; i < n; i++) {
    const p = newCriticalPaths();
    for (const [value, num] of tpValueToMatchNum[i]!) updateCriticalPaths(p, value, num);
    criticalPaths.push(p);
  }
  return { constraints, selfMatch, tpValueToMatchNum, criticalPaths };
}

/** PreFilter: Skip when the pod has no hard constraints, else writes the state. */
export function preFilter(
  cycle: CycleState,
  pod: Pod,
  snapshot: SchedulerSnapshot,
  defaults: readonly TopologySpreadConstraint[],
  listers: PodTopologySpreadListers | undefined,
): { status: Status; result?: PreFilterResult } {
  let s: PreFilterState;
  try {
    s = calPreFilterState(pod, snapshot.nodes, defaults, listers, podLabelIndexOf(snapshot));
  } catch (e) {
    return { status: status('Error', `get constraints from pod: ${(e as Error).message}`) };
  }
  if (s.constraints.length === 0) return { status: SKIP };
  cycle.write(PRE_FILTER_STATE_KEY, s);
  return { status: SUCCESS };
}

/** The global minimum for constraint i, 0 while there are fewer than minDomains domains. */
function minMatchNum(s: PreFilterState, i: number, minDomains: number): number {
  if (s.tpValueToMatchNum[i]!.size < minDomains) return 0;
  return s.criticalPaths[i]!.num0;
}

const NODE_LABEL_NOT_MATCH: Status = Object.freeze(status('UnschedulableAndUnresolvable', ERR_REASON_NODE_LABEL_NOT_MATCH));
const CONSTRAINTS_NOT_MATCH: Status = Object.freeze(status('Unschedulable', ERR_REASON_CONSTRAINTS_NOT_MATCH));

export function filter(cycle: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status {
  const s = cycle.read<PreFilterState>(PRE_FILTER_STATE_KEY);
  if (s === undefined) return status('Error', `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
  const constraints = s.constraints;
  if (constraints.length === 0) return SUCCESS;
  const labels = nodeLabels(nodeInfo);
  for (let i = 0; i < constraints.length; i++) {
    const c = constraints[i]!;
    const tpVal = labels?.[c.topologyKey];
    if (tpVal === undefined) return NODE_LABEL_NOT_MATCH;
    const matchNum = s.tpValueToMatchNum[i]!.get(tpVal) ?? 0;
    const skew = matchNum + s.selfMatch[i]! - minMatchNum(s, i, c.minDomains);
    if (skew > c.maxSkew) return CONSTRAINTS_NOT_MATCH;
  }
  return SUCCESS;
}

/**
 * PreFilterExtensions AddPod/RemovePod (for preemption dry runs): adjusts the counts as if
 * `other` were added to (delta 1) or removed from (delta -1) `node`.
 */
export function updateWithPod(cycle: CycleState, preemptor: Pod, other: PodInfo, node: Node, delta: 1 | -1): Status {
  const s = cycle.read<PreFilterState>(PRE_FILTER_STATE_KEY);
  if (s === undefined) return status('Error', `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
  if ((other.pod.metadata?.namespace ?? '') !== (preemptor.metadata?.namespace ?? '')) return SUCCESS;
  const labels = node.metadata?.labels;
  if (!nodeLabelsMatchSpreadConstraints(labels, s.constraints)) return SUCCESS;
  const affinity = requiredNodeAffinity(preemptor);
  const otherLabels = other.pod.metadata?.labels;
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i]!;
    if (!c.selector.matches(otherLabels)) continue;
    if (!matchNodeInclusionPolicies(c, preemptor, node, affinity)) continue;
    const v = labels![c.topologyKey]!;
    const m = s.tpValueToMatchNum[i]!;
    const num = (m.get(v) ?? 0) + delta;
    m.set(v, num);
    updateCriticalPaths(s.criticalPaths[i]!, v, num);
  }
  return SUCCESS;
}

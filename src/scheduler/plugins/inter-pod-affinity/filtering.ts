/**
 * InterPodAffinity PreFilter/Filter: required pod affinity and anti-affinity of the incoming
 * pod, and the symmetric check against existing pods' required anti-affinity. PreFilter counts
 * matches per topology pair (key → value → count); Filter only looks the node's labels up.
 * With the scheduler cache as snapshot, existing pods' anti-affinity and the incoming pod's
 * anti-affinity terms are read from its per-value counts (index/affinity-aggregates.ts).
 *
 * An affinity term is satisfied on a node when some pod matching ALL required affinity terms
 * sits in the node's domain for each term's key. The first pod of a group whose affinity
 * selects itself is let through when no pod matches yet anywhere.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/filtering.go
 */
import type { Node, Pod } from '../../../model/types.js';
import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
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
  addCount,
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
  existingPodTerms,
  getCount,
  incomingNamespaceLabels,
  memoNamespaceLabels,
  NAME,
  parsePodAffinityTerms,
  termMatches,
  type AffinityTerm,
  type NamespaceLabels,
  type PodAffinityTerms,
  type TopologyCounts,
} from './common.js';
import { podLabelIndexOf, type PodLabelIndex } from '../../index/pod-label-index.js';
import { affinityAggregatesOf, type AffinityAggregates, type ValueCounts } from '../../index/affinity-aggregates.js';

export const PRE_FILTER_STATE_KEY = `PreFilter${NAME}`;

export interface PreFilterState {
  /** Pairs where existing pods have required anti-affinity terms matching the incoming pod. */
  readonly existingAntiAffinityCounts: TopologyCounts;
  /** Pairs with existing pods matching all the incoming pod's required affinity terms. */
  readonly affinityCounts: TopologyCounts;
  /** Pairs with existing pods matching one of the incoming pod's required anti-affinity terms. */
  readonly antiAffinityCounts: TopologyCounts;
  readonly pod: Pod;
  readonly terms: PodAffinityTerms;
  /** For the incoming pod's terms against other pods' namespaces. */
  readonly nsLabels: NamespaceLabels;
  /** The incoming pod's namespace labels, for existing pods' terms. */
  readonly incomingNsLabels: NamespaceLabels;
}

function updateForTerm(m: TopologyCounts, node: Node, key: string, delta: number): void {
  const v = node.metadata?.labels?.[key];
  if (v !== undefined) addCount(m, key, v, delta);
}

/** podMatchesAllAffinityTerms: false for no terms. */
export function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: Pod, nsLabels: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod, nsLabels)) return false;
  return true;
}

function updateWithAffinityTerms(m: TopologyCounts, terms: readonly AffinityTerm[], pod: Pod, node: Node, ns: NamespaceLabels, delta: number): void {
  if (!podMatchesAllAffinityTerms(terms, pod, ns)) return;
  for (const t of terms) updateForTerm(m, node, t.topologyKey, delta);
}

function updateWithAntiAffinityTerms(m: TopologyCounts, terms: readonly AffinityTerm[], pod: Pod, node: Node, ns: NamespaceLabels, delta: number): void {
  for (const t of terms) if (termMatches(t, pod, ns)) updateForTerm(m, node, t.topologyKey, delta);
}

export function preFilter(
  cycle: CycleState,
  pod: Pod,
  snapshot: SchedulerSnapshot,
  namespaceLabels: NamespaceLabels | undefined,
): { status: Status; result?: PreFilterResult } {
  let terms: PodAffinityTerms;
  try {
    terms = parsePodAffinityTerms(pod);
  } catch (e) {
    return { status: status('UnschedulableAndUnresolvable', `parsing pod: ${(e as Error).message}`) };
  }
  const aggregates = affinityAggregatesOf(snapshot);
  // No required term of its own and no existing pod with required anti-affinity: every count
  // stays empty, so Skip without building them (most pods of most workloads).
  if (aggregates !== undefined && aggregates.antiAffinityGroupCount === 0 && terms.requiredAffinity.length === 0 && terms.requiredAntiAffinity.length === 0) {
    return { status: SKIP };
  }
  const nsLabels = memoNamespaceLabels(namespaceLabels);
  const incomingNsLabels = incomingNamespaceLabels(namespaceLabels, pod.metadata?.namespace ?? '');
  const existingAntiAffinityCounts: TopologyCounts = new Map();
  if (aggregates !== undefined) {
    // Pods with identical terms in one namespace match alike: one check per group.
    for (const g of aggregates.antiAffinityGroups) {
      g.terms.forEach((t, i) => {
        if (termMatches(t, pod, incomingNsLabels)) addCounts(existingAntiAffinityCounts, t.topologyKey, g.counts[i]!);
      });
    }
  } else {
    for (const ni of snapshot.havePodsWithRequiredAntiAffinity) {
      for (const existing of ni.podsWithRequiredAntiAffinity) {
        updateWithAntiAffinityTerms(existingAntiAffinityCounts, existingPodTerms(existing.pod).requiredAntiAffinity, pod, ni.node, incomingNsLabels, 1);
      }
    }
  }
  const affinityCounts: TopologyCounts = new Map();
  const antiAffinityCounts: TopologyCounts = new Map();
  const aff = terms.requiredAffinity;
  const anti = terms.requiredAntiAffinity;
  if (aff.length > 0 || anti.length > 0) {
    const index = podLabelIndexOf(snapshot);
    // With the label index, the pods a term can match are found through its selector; a pod
    // must match every affinity term, so the first term's candidates are enough.
    const affIndexed = aff.length === 0 || (index !== undefined && narrowable(index, aff[0]!));
    const antiIndexed = anti.map((t) => index !== undefined && narrowable(index, t));
    if (aff.length > 0 && affIndexed) {
      forEachTermCandidate(index!, aff[0]!, (p, node) => updateWithAffinityTerms(affinityCounts, aff, p, node, nsLabels, 1));
    }
    const rawAnti = pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    anti.forEach((t, i) => {
      const counts = aggregateCounts(aggregates, rawAnti?.[i], t, pod);
      if (counts !== undefined) {
        addCounts(antiAffinityCounts, t.topologyKey, counts);
        antiIndexed[i] = true;
      } else if (antiIndexed[i]) forEachTermCandidate(index!, t, (p, node) => updateWithAntiAffinityTerms(antiAffinityCounts, [t], p, node, nsLabels, 1));
    });
    const antiRest = anti.filter((_, i) => !antiIndexed[i]);
    if (!affIndexed || antiRest.length > 0) {
      for (const ni of snapshot.nodes) {
        for (const existing of ni.pods) {
          if (!affIndexed) updateWithAffinityTerms(affinityCounts, aff, existing.pod, ni.node, nsLabels, 1);
          if (antiRest.length > 0) updateWithAntiAffinityTerms(antiAffinityCounts, antiRest, existing.pod, ni.node, nsLabels, 1);
        }
      }
    }
  }
  if (existingAntiAffinityCounts.size === 0 && aff.length === 0 && anti.length === 0) return { status: SKIP };
  const s: PreFilterState = { existingAntiAffinityCounts, affinityCounts, antiAffinityCounts, pod, terms, nsLabels, incomingNsLabels };
  cycle.write(PRE_FILTER_STATE_KEY, s);
  return { status: SUCCESS };
}

/** The aggregates' count of pods matching the incoming pod's term `t`, when they keep one. */
function aggregateCounts(agg: AffinityAggregates | undefined, raw: PodAffinityTerm | undefined, t: AffinityTerm, pod: Pod): ValueCounts | undefined {
  if (agg === undefined || raw === undefined) return undefined;
  return agg.termCounts(raw, t, pod.metadata?.namespace ?? '');
}

/** Adds every (value, count) of `counts` under `key`; counts hold no zeros, as addCount keeps. */
function addCounts(m: TopologyCounts, key: string, counts: ValueCounts): void {
  for (const [v, c] of counts) addCount(m, key, v, c);
}

/**
 * A term whose namespaces are listed (no namespaceSelector) and whose selector has an equality
 * requirement: its matching pods can be found through the label index.
 */
export function narrowable(index: PodLabelIndex, t: AffinityTerm): boolean {
  return !t.needsNamespaceLabels && !t.namespaceSelector.empty() && index.canNarrow(t.selector);
}

/** Every assigned pod that might match `t` (a superset; callers match), each once. */
export function forEachTermCandidate(index: PodLabelIndex, t: AffinityTerm, fn: (pod: Pod, node: Node) => void): void {
  // Iterated in a fixed order: the namespaces as the term lists them (a Set keeps insertion order).
  for (const ns of t.namespaces) index.forEachCandidate(ns, t.selector, (pi, ni) => fn(pi.pod, ni.node));
}

function satisfyExistingPodsAntiAffinity(s: PreFilterState, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (s.existingAntiAffinityCounts.size === 0 || labels == null) return true;
  for (const key in labels) {
    if (getCount(s.existingAntiAffinityCounts, key, labels[key]!) > 0) return false;
  }
  return true;
}

function satisfyPodAntiAffinity(s: PreFilterState, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.terms.requiredAntiAffinity) {
    const v = labels?.[t.topologyKey];
    if (v !== undefined && getCount(s.antiAffinityCounts, t.topologyKey, v) > 0) return false;
  }
  return true;
}

function satisfyPodAffinity(s: PreFilterState, labels: Readonly<Record<string, string>> | undefined): boolean {
  let podsExist = true;
  for (const t of s.terms.requiredAffinity) {
    const v = labels?.[t.topologyKey];
    // every topology key of the terms must be a label of the node
    if (v === undefined) return false;
    if (getCount(s.affinityCounts, t.topologyKey, v) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: no pod matches anywhere yet.
  return s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.terms.requiredAffinity, s.pod, s.nsLabels);
}

const AFFINITY_NOT_MATCH: Status = Object.freeze(status('UnschedulableAndUnresolvable', ERR_REASON_AFFINITY_RULES_NOT_MATCH));
const ANTI_AFFINITY_NOT_MATCH: Status = Object.freeze(status('Unschedulable', ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH));
const EXISTING_ANTI_NOT_MATCH: Status = Object.freeze(status('Unschedulable', ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH));

export function filter(cycle: CycleState, _pod: Pod, nodeInfo: NodeInfo): Status {
  const s = cycle.read<PreFilterState>(PRE_FILTER_STATE_KEY);
  if (s === undefined) return status('Error', `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
  const labels = nodeLabels(nodeInfo);
  if (!satisfyPodAffinity(s, labels)) return AFFINITY_NOT_MATCH;
  if (!satisfyPodAntiAffinity(s, labels)) return ANTI_AFFINITY_NOT_MATCH;
  if (!satisfyExistingPodsAntiAffinity(s, labels)) return EXISTING_ANTI_NOT_MATCH;
  return SUCCESS;
}

/** PreFilterExtensions AddPod (delta 1) / RemovePod (delta -1) for preemption dry runs. */
export function updateWithPod(cycle: CycleState, _podToSchedule: Pod, other: PodInfo, node: Node, delta: 1 | -1): Status {
  const s = cycle.read<PreFilterState>(PRE_FILTER_STATE_KEY);
  if (s === undefined) return status('Error', `reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
  updateWithAntiAffinityTerms(s.existingAntiAffinityCounts, existingPodTerms(other.pod).requiredAntiAffinity, s.pod, node, s.incomingNsLabels, delta);
  updateWithAffinityTerms(s.affinityCounts, s.terms.requiredAffinity, other.pod, node, s.nsLabels, delta);
  updateWithAntiAffinityTerms(s.antiAffinityCounts, s.terms.requiredAntiAffinity, other.pod, node, s.nsLabels, delta);
  return SUCCESS;
}

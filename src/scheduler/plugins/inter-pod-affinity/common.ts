/**
 * InterPodAffinity's parsed affinity terms (framework.AffinityTerm / WeightedAffinityTerm) and
 * topology-pair counters. Terms are parsed once per pod object (stored pods are frozen).
 *
 * A term selects pods in its namespaces (the pod's own when both namespaces and
 * namespaceSelector are unset) or in namespaces whose labels match namespaceSelector. Upstream
 * unrolls the incoming pod's namespaceSelector into names via the namespace lister; we evaluate
 * it against `namespaceLabels(ns)` of the other pod instead, which selects the same pods
 * (an unknown namespace, i.e. undefined labels, matches no selector).
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/types.go (AffinityTerm, NewPodInfo)
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/plugin.go
 */
import type { Pod } from '../../../model/types.js';
import type { PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { labelSelectorAsSelector } from '../../../model/labels/label-selector.js';
import type { Selector } from '../../../model/labels/selector.js';

export const NAME = 'InterPodAffinity';
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

export type NamespaceLabels = (ns: string) => Readonly<Record<string, string>> | undefined;

export interface AffinityTerm {
  readonly namespaces: ReadonlySet<string>;
  readonly selector: Selector;
  readonly topologyKey: string;
  /** Nothing when unset; Everything for `{}`. */
  readonly namespaceSelector: Selector;
  /** namespaceSelector is set and not `{}`: namespace labels must be looked up. */
  readonly needsNamespaceLabels: boolean;
}

export interface WeightedAffinityTerm {
  readonly term: AffinityTerm;
  readonly weight: number;
}

export interface PodAffinityTerms {
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinity: readonly WeightedAffinityTerm[];
}

/** Throws SelectorParseError for an invalid selector (upstream: NewPodInfo fails). */
function newAffinityTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  const selector = labelSelectorAsSelector(t.labelSelector);
  const namespaceSelector = labelSelectorAsSelector(t.namespaceSelector);
  const names = t.namespaces ?? [];
  const namespaces = new Set<string>(names.length === 0 && t.namespaceSelector == null ? [pod.metadata?.namespace ?? ''] : names);
  return {
    namespaces,
    selector,
    topologyKey: t.topologyKey,
    namespaceSelector,
    needsNamespaceLabels: t.namespaceSelector != null && !namespaceSelector.empty(),
  };
}

function weighted(pod: Pod, ts: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  return (ts ?? []).map((w) => ({ term: newAffinityTerm(pod, w.podAffinityTerm), weight: w.weight }));
}

/** The terms of a pod without any: shared, never written. */
const EMPTY: PodAffinityTerms = Object.freeze({ requiredAffinity: [], requiredAntiAffinity: [], preferredAffinity: [], preferredAntiAffinity: [] });

/** All four term lists of `pod`; throws when a selector is invalid. */
export function parsePodAffinityTerms(pod: Pod): PodAffinityTerms {
  const a = pod.spec?.affinity;
  // Most pods have no pod (anti-)affinity: share one empty answer instead of four arrays a call.
  if (a == null || (a.podAffinity == null && a.podAntiAffinity == null)) return EMPTY;
  return {
    requiredAffinity: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t)),
    requiredAntiAffinity: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t)),
    preferredAffinity: weighted(pod, a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(pod, a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
}

const cache = new WeakMap<Pod, PodAffinityTerms>();

/**
 * Terms of an existing (already bound) pod. A pod whose terms do not parse contributes none
 * (the API server rejects such pods, so this only guards hand-built state).
 */
export function existingPodTerms(pod: Pod): PodAffinityTerms {
  const a = pod.spec?.affinity;
  if (a == null || (a.podAffinity == null && a.podAntiAffinity == null)) return EMPTY;
  const hit = cache.get(pod);
  if (hit !== undefined) return hit;
  let terms: PodAffinityTerms;
  try {
    terms = parsePodAffinityTerms(pod);
  } catch {
    terms = EMPTY;
  }
  if (Object.isFrozen(pod)) cache.set(pod, terms);
  return terms;
}

/**
 * AffinityTerm.Matches: `pod` is in one of the term's namespaces (or its namespace's labels
 * match namespaceSelector) and its labels match the selector.
 */
export function termMatches(t: AffinityTerm, pod: Pod, nsLabels: NamespaceLabels): boolean {
  const md = pod.metadata;
  const ns = md?.namespace ?? '';
  if (!t.namespaces.has(ns)) {
    if (!t.needsNamespaceLabels) {
      // unset selects no namespace, `{}` selects every namespace
      if (!t.namespaceSelector.empty()) return false;
    } else {
      const labels = nsLabels(ns);
      if (labels === undefined || !t.namespaceSelector.matches(labels)) return false;
    }
  }
  return t.selector.matches(md?.labels);
}

/** Topology key → value → count; zero entries are removed so emptiness is meaningful. */
export type TopologyCounts = Map<string, Map<string, number>>;

export function addCount(m: TopologyCounts, key: string, value: string, delta: number): void {
  let inner = m.get(key);
  if (inner === undefined) {
    inner = new Map();
    m.set(key, inner);
  }
  const n = (inner.get(value) ?? 0) + delta;
  if (n === 0) {
    inner.delete(value);
    if (inner.size === 0) m.delete(key);
  } else inner.set(value, n);
}

export function getCount(m: TopologyCounts, key: string, value: string): number {
  return m.get(key)?.get(value) ?? 0;
}

/**
 * A per-cycle memo of namespace labels around the user's lookup, for matching the incoming
 * pod's terms: an unknown namespace (undefined) is not selected, as upstream's namespace lister
 * would not list it.
 */
export function memoNamespaceLabels(lookup: NamespaceLabels | undefined): NamespaceLabels {
  if (lookup === undefined) return () => undefined;
  const memo = new Map<string, Readonly<Record<string, string>> | undefined>();
  return (ns) => {
    if (memo.has(ns)) return memo.get(ns);
    const v = lookup(ns);
    memo.set(ns, v);
    return v;
  };
}

const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The incoming pod's namespace labels for matching existing pods' terms
 * (GetNamespaceLabelsSnapshot): an unknown namespace has an empty label set.
 */
export function incomingNamespaceLabels(lookup: NamespaceLabels | undefined, ns: string): NamespaceLabels {
  const labels = lookup?.(ns) ?? NO_LABELS;
  return () => labels;
}

/**
 * Per-topology-value pod counts that InterPodAffinity scoring reads instead of walking every
 * assigned pod each cycle. Kept by the scheduler cache as pods are placed on and removed from
 * nodes, and re-counted for a node's pods when that node's labels change.
 *
 * 1. Existing pods with affinity, grouped by (namespace, scoring terms as written): per group
 *    and term, topology value → number of the group's pods on nodes carrying that value. A
 *    term's parse (namespaces defaulting to the pod's own) depends only on those, so every pod
 *    of a group matches an incoming pod alike, and scoring adds weight × count per value.
 *    Existing pods' required anti-affinity terms are grouped the same way for the filter.
 * 2. Terms of incoming pods (tracked on first use, at most MAX_TRACKED, least recently used
 *    dropped): topology value → number of assigned pods the term matches. Terms with a
 *    non-empty namespaceSelector are not tracked: namespace labels can change without the
 *    cache hearing of it, so those are scanned per cycle.
 *
 * Counts never hold zeros, so "value present" means "some pod contributed", which is what
 * scoring's SKIP decision needs. Results equal the per-pod scan: integer sums in another order.
 */
import type { PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../../model/types.js';
import type { NodeInfo, PodInfo, SchedulerSnapshot } from '../framework.js';
import { existingPodTerms, termMatches, type AffinityTerm, type PodAffinityTerms } from '../plugins/inter-pod-affinity/common.js';
import { isAffinityPod, isRequiredAntiAffinityPod } from '../cache-helpers.js';
import type { PodLabelIndex } from './pod-label-index.js';

type Labels = Readonly<Record<string, string>> | undefined;

/** value → count, never holding a zero. */
export type ValueCounts = Map<string, number>;

/** Existing pods sharing a namespace and scoring terms; counts in term order (see termsOf). */
export interface AffinityGroup {
  readonly terms: PodAffinityTerms;
  /** The scoring terms in count order (see termsOf). */
  readonly flat: readonly AffinityTerm[];
  pods: number;
  /** requiredAffinity, then preferredAffinity, then preferredAntiAffinity. */
  readonly counts: readonly ValueCounts[];
}

/** Existing pods sharing a namespace and required anti-affinity terms; counts in term order. */
export interface AntiAffinityGroup {
  readonly terms: readonly AffinityTerm[];
  pods: number;
  readonly counts: readonly ValueCounts[];
}

interface Tracked {
  readonly term: AffinityTerm;
  readonly counts: ValueCounts;
  lastUse: number;
}

/** Enough for a few workloads' distinct terms; each one costs a selector match per pod change. */
const MAX_TRACKED = 16;

const noNamespaceLabels = (): undefined => undefined;

function bump(m: ValueCounts, v: string, delta: number): void {
  const n = (m.get(v) ?? 0) + delta;
  if (n === 0) m.delete(v);
  else m.set(v, n);
}

function termsOf(t: PodAffinityTerms): AffinityTerm[] {
  return [...t.requiredAffinity, ...t.preferredAffinity.map((w) => w.term), ...t.preferredAntiAffinity.map((w) => w.term)];
}

const groupKeys = new WeakMap<Pod, string>();

/** Namespace plus the scoring terms exactly as written (required anti-affinity does not score). */
function groupKey(pod: Pod): string {
  const hit = groupKeys.get(pod);
  if (hit !== undefined) return hit;
  const a = pod.spec?.affinity;
  const key = `${pod.metadata?.namespace ?? ''}\u0000${JSON.stringify([
    a?.podAffinity ?? null,
    a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? null,
  ])}`;
  if (Object.isFrozen(pod)) groupKeys.set(pod, key);
  return key;
}

const antiGroupKeys = new WeakMap<Pod, string>();

function antiGroupKey(pod: Pod): string {
  const hit = antiGroupKeys.get(pod);
  if (hit !== undefined) return hit;
  const terms = pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const key = `${pod.metadata?.namespace ?? ''}\u0000${JSON.stringify(terms)}`;
  if (Object.isFrozen(pod)) antiGroupKeys.set(pod, key);
  return key;
}

function countTerms(terms: readonly AffinityTerm[], counts: readonly ValueCounts[], labels: Labels, delta: number): void {
  for (let i = 0; i < terms.length; i++) {
    const v = labels?.[terms[i]!.topologyKey];
    if (v !== undefined) bump(counts[i]!, v, delta);
  }
}

/** What the aggregates need to (re)count a term: the cache's nodes and label index. */
export interface AggregateSource {
  readonly nodes: readonly NodeInfo[];
  readonly podLabelIndex: PodLabelIndex;
}

export class AffinityAggregates {
  private readonly groups = new Map<string, AffinityGroup>();
  private readonly antiGroups = new Map<string, AntiAffinityGroup>();
  private readonly tracked = new Map<string, Tracked>();
  private uses = 0;

  constructor(private readonly source: AggregateSource) {}

  /** Groups of existing pods with affinity, each with at least one pod. */
  get affinityGroups(): Iterable<AffinityGroup> {
    return this.groups.values();
  }

  /** Groups of existing pods with required anti-affinity, each with at least one pod. */
  get antiAffinityGroups(): Iterable<AntiAffinityGroup> {
    return this.antiGroups.values();
  }

  /** How many affinityGroups / antiAffinityGroups there are (0: no existing pod has such terms). */
  get affinityGroupCount(): number {
    return this.groups.size;
  }

  get antiAffinityGroupCount(): number {
    return this.antiGroups.size;
  }

  /** `pi` now counts on a node with `labels`. */
  add(pi: PodInfo, labels: Labels): void {
    this.update(pi.pod, labels, 1);
  }

  /** `pi` no longer counts on a node with `labels` (the labels it was added with). */
  remove(pi: PodInfo, labels: Labels): void {
    this.update(pi.pod, labels, -1);
  }

  private update(pod: Pod, labels: Labels, delta: 1 | -1): void {
    if (isAffinityPod(pod)) {
      const key = groupKey(pod);
      let g = this.groups.get(key);
      if (g === undefined) {
        const terms = existingPodTerms(pod);
        const flat = termsOf(terms);
        g = { terms, flat, pods: 0, counts: flat.map(() => new Map()) };
        this.groups.set(key, g);
      }
      countTerms(g.flat, g.counts, labels, delta);
      g.pods += delta;
      if (g.pods === 0) this.groups.delete(key);
    }
    if (isRequiredAntiAffinityPod(pod)) {
      const key = antiGroupKey(pod);
      let g = this.antiGroups.get(key);
      if (g === undefined) {
        const terms = existingPodTerms(pod).requiredAntiAffinity;
        g = { terms, pods: 0, counts: terms.map(() => new Map()) };
        this.antiGroups.set(key, g);
      }
      countTerms(g.terms, g.counts, labels, delta);
      g.pods += delta;
      if (g.pods === 0) this.antiGroups.delete(key);
    }
    for (const t of this.tracked.values()) {
      const v = labels?.[t.term.topologyKey];
      if (v !== undefined && termMatches(t.term, pod, noNamespaceLabels)) bump(t.counts, v, delta);
    }
  }

  /**
   * Topology value → number of assigned pods matching `term` (an incoming pod's term, parsed
   * for `incomingNs`), or undefined when the term reads namespace labels and must be scanned.
   */
  termCounts(raw: PodAffinityTerm, term: AffinityTerm, incomingNs: string): ValueCounts | undefined {
    if (term.needsNamespaceLabels) return undefined;
    // The parse depends on the raw term and, when it lists no namespaces, the pod's namespace.
    const key = `${incomingNs}\u0000${JSON.stringify(raw)}`;
    let t = this.tracked.get(key);
    if (t === undefined) {
      if (this.tracked.size >= MAX_TRACKED) this.evictLeastRecent();
      t = { term, counts: this.count(term), lastUse: 0 };
      this.tracked.set(key, t);
    }
    t.lastUse = ++this.uses;
    return t.counts;
  }

  private count(term: AffinityTerm): ValueCounts {
    const counts: ValueCounts = new Map();
    const visit = (pod: Pod, ni: NodeInfo): void => {
      const v = ni.node.metadata?.labels?.[term.topologyKey];
      if (v !== undefined && termMatches(term, pod, noNamespaceLabels)) bump(counts, v, 1);
    };
    const index = this.source.podLabelIndex;
    // Listed namespaces with an equality requirement: only the index's candidates can match.
    if (!term.namespaceSelector.empty() && index.canNarrow(term.selector)) {
      for (const ns of term.namespaces) index.forEachCandidate(ns, term.selector, (pi, ni) => visit(pi.pod, ni));
    } else {
      for (const ni of this.source.nodes) for (const pi of ni.pods) visit(pi.pod, ni);
    }
    return counts;
  }

  private evictLeastRecent(): void {
    let oldest: string | undefined;
    let min = Infinity;
    for (const [k, t] of this.tracked) {
      if (t.lastUse < min) {
        min = t.lastUse;
        oldest = k;
      }
    }
    if (oldest !== undefined) this.tracked.delete(oldest);
  }
}

/** What a snapshot offers when it keeps affinity aggregates (the scheduler cache does). */
export interface AffinityAggregatesSource {
  readonly affinityAggregates: AffinityAggregates;
}

/** The snapshot's aggregates, if it keeps them (test snapshots and plain views do not). */
export function affinityAggregatesOf(snapshot: SchedulerSnapshot): AffinityAggregates | undefined {
  return (snapshot as Partial<AffinityAggregatesSource>).affinityAggregates;
}

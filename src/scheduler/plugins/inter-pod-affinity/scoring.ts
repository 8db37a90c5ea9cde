/**
 * InterPodAffinity PreScore/Score/NormalizeScore. PreScore sums, per topology pair, the
 * weights of preferred terms that hold between the incoming pod and existing pods, both ways:
 * the incoming pod's preferred (anti-)affinity matched by existing pods (+/- weight), existing
 * pods' required affinity matched by the incoming pod (+hardPodAffinityWeight) and existing
 * pods' preferred (anti-)affinity matched by it (+/- weight). A node scores the sum over its
 * labels; normalization maps [min, max] to [0, 100] in float64 and truncates.
 *
 * With the scheduler cache as snapshot the sums come from its per-value counts
 * (index/affinity-aggregates.ts) in O(groups × domains); other snapshots scan every pod.
 *
 * Example: raw scores 8, -5, 0 → 100*(8+5)/13 = 100, 0, 100*5/13 = 38.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/scoring.go
 */
import type { Node, Pod } from '../../../model/types.js';
import {
  MAX_NODE_SCORE,
  SKIP,
  SUCCESS,
  nodeLabels,
  status,
  type CycleState,
  type NodeInfo,
  type NodeScore,
  type SchedulerSnapshot,
  type Status,
} from '../../framework.js';
import {
  addCount,
  existingPodTerms,
  incomingNamespaceLabels,
  memoNamespaceLabels,
  NAME,
  parsePodAffinityTerms,
  termMatches,
  type AffinityTerm,
  type NamespaceLabels,
  type PodAffinityTerms,
  type TopologyCounts,
  type WeightedAffinityTerm,
} from './common.js';
import { forEachTermCandidate, narrowable } from './filtering.js';
import { podLabelIndexOf } from '../../index/pod-label-index.js';
import { affinityAggregatesOf, type AffinityAggregates, type ValueCounts } from '../../index/affinity-aggregates.js';
import type { WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';

export const PRE_SCORE_STATE_KEY = `PreScore${NAME}`;

export interface PreScoreState {
  /** topology key → value → summed weight. */
  readonly topologyScore: TopologyCounts;
}

export interface ScoringArgs {
  readonly hardPodAffinityWeight: number;
  readonly ignorePreferredTermsOfExistingPods: boolean;
  readonly namespaceLabels: NamespaceLabels | undefined;
}

function processTerm(m: TopologyCounts, t: AffinityTerm, weight: number, pod: Pod, ns: NamespaceLabels, node: Node, multiplier: number): void {
  if (!termMatches(t, pod, ns)) return;
  const v = node.metadata?.labels?.[t.topologyKey];
  if (v === undefined) return;
  // Go: int64(weight * multiplier) in int32; weights are 1..100, so no overflow.
  const w = weight * multiplier;
  // Unlike the filter's counters, a zero sum keeps its entry (upstream never deletes).
  let inner = m.get(t.topologyKey);
  if (inner === undefined) {
    inner = new Map();
    m.set(t.topologyKey, inner);
  }
  inner.set(v, (inner.get(v) ?? 0) + w);
}

function processTerms(m: TopologyCounts, terms: readonly WeightedAffinityTerm[], pod: Pod, ns: NamespaceLabels, node: Node, multiplier: number): void {
  for (const wt of terms) processTerm(m, wt.term, wt.weight, pod, ns, node, multiplier);
}

interface Ctx {
  readonly incoming: Pod;
  readonly terms: PodAffinityTerms;
  readonly nsLabels: NamespaceLabels;
  readonly incomingNsLabels: NamespaceLabels;
  readonly hardPodAffinityWeight: number;
}

function hasLabels(node: Node): boolean {
  const labels = node.metadata?.labels;
  return labels != null && Object.keys(labels).length > 0;
}

function processExistingPod(m: TopologyCounts, ctx: Ctx, existing: Pod, node: Node): void {
  if (!hasLabels(node)) return;
  processTerms(m, ctx.terms.preferredAffinity, existing, ctx.nsLabels, node, 1);
  processTerms(m, ctx.terms.preferredAntiAffinity, existing, ctx.nsLabels, node, -1);
  processExistingPodTerms(m, ctx, existing, node);
}

/** The existing pod's own terms matched by the incoming pod (only pods with affinity have any). */
function processExistingPodTerms(m: TopologyCounts, ctx: Ctx, existing: Pod, node: Node): void {
  const et = existingPodTerms(existing);
  if (ctx.hardPodAffinityWeight > 0) {
    for (const t of et.requiredAffinity) processTerm(m, t, ctx.hardPodAffinityWeight, ctx.incoming, ctx.incomingNsLabels, node, 1);
  }
  processTerms(m, et.preferredAffinity, ctx.incoming, ctx.incomingNsLabels, node, 1);
  processTerms(m, et.preferredAntiAffinity, ctx.incoming, ctx.incomingNsLabels, node, -1);
}

export function preScore(
  cycle: CycleState,
  pod: Pod,
  nodes: readonly NodeInfo[],
  snapshot: SchedulerSnapshot,
  args: ScoringArgs,
): Status {
  if (nodes.length === 0) return SKIP;
  const a = pod.spec?.affinity;
  const hasPreferredAffinity = (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
  const hasPreferredAnti = (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
  const hasConstraints = hasPreferredAffinity || hasPreferredAnti;
  if (args.ignorePreferredTermsOfExistingPods && !hasConstraints) return SKIP;
  let terms: PodAffinityTerms;
  try {
    terms = parsePodAffinityTerms(pod);
  } catch (e) {
    return status('Error', `failed to parse pod: ${(e as Error).message}`);
  }
  const aggregates = affinityAggregatesOf(snapshot);
  // Without preferred terms of its own and no existing pod with affinity, nothing contributes.
  if (!hasConstraints && aggregates !== undefined && aggregates.affinityGroupCount === 0) return SKIP;
  const ctx: Ctx = {
    incoming: pod,
    terms,
    nsLabels: memoNamespaceLabels(args.namespaceLabels),
    incomingNsLabels: incomingNamespaceLabels(args.namespaceLabels, pod.metadata?.namespace ?? ''),
    hardPodAffinityWeight: args.hardPodAffinityWeight,
  };
  // Without preferred terms of its own, only pods that have (anti-)affinity can contribute.
  const topologyScore: TopologyCounts = new Map();
  if (aggregates !== undefined) {
    aggregatedPreScore(topologyScore, ctx, aggregates, snapshot, hasConstraints);
  } else {
    scanPreScore(topologyScore, ctx, snapshot, hasConstraints);
  }
  // Entries are never removed, so empty means no pod contributed anywhere.
  if (topologyScore.size === 0) return SKIP;
  cycle.write(PRE_SCORE_STATE_KEY, { topologyScore } satisfies PreScoreState);
  return SUCCESS;
}

/** Adds weight × count for every value of `counts` (a zero sum keeps its entry, as processTerm). */
function addCounts(m: TopologyCounts, key: string, counts: ValueCounts, w: number): void {
  if (counts.size === 0) return;
  let inner = m.get(key);
  if (inner === undefined) {
    inner = new Map();
    m.set(key, inner);
  }
  for (const [v, c] of counts) inner.set(v, (inner.get(v) ?? 0) + w * c);
}

/**
 * The same sums from the cache's per-topology-value counts (index/affinity-aggregates.ts):
 * each group of existing pods with identical terms is matched against the incoming pod once,
 * and the incoming pod's own terms read counts kept across cycles. A term that reads
 * namespace labels is scanned over every pod instead.
 */
function aggregatedPreScore(m: TopologyCounts, ctx: Ctx, agg: AffinityAggregates, snapshot: SchedulerSnapshot, hasConstraints: boolean): void {
  if (hasConstraints) {
    const a = ctx.incoming.spec?.affinity;
    const ns = ctx.incoming.metadata?.namespace ?? '';
    const own = (raws: readonly WeightedPodAffinityTerm[] | undefined, wts: readonly WeightedAffinityTerm[], multiplier: number): void => {
      wts.forEach((wt, i) => {
        const counts = agg.termCounts(raws![i]!.podAffinityTerm, wt.term, ns);
        if (counts !== undefined) {
          addCounts(m, wt.term.topologyKey, counts, wt.weight * multiplier);
          return;
        }
        for (const ni of snapshot.nodes) {
          if (!hasLabels(ni.node)) continue;
          for (const pi of ni.pods) processTerm(m, wt.term, wt.weight, pi.pod, ctx.nsLabels, ni.node, multiplier);
        }
      });
    };
    own(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, ctx.terms.preferredAffinity, 1);
    own(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, ctx.terms.preferredAntiAffinity, -1);
  }
  const hard = ctx.hardPodAffinityWeight;
  for (const g of agg.affinityGroups) {
    const { requiredAffinity, preferredAffinity, preferredAntiAffinity } = g.terms;
    let i = 0;
    for (const t of requiredAffinity) {
      const counts = g.counts[i++]!;
      if (hard > 0 && termMatches(t, ctx.incoming, ctx.incomingNsLabels)) addCounts(m, t.topologyKey, counts, hard);
    }
    for (const wt of preferredAffinity) {
      const counts = g.counts[i++]!;
      if (termMatches(wt.term, ctx.incoming, ctx.incomingNsLabels)) addCounts(m, wt.term.topologyKey, counts, wt.weight);
    }
    for (const wt of preferredAntiAffinity) {
      const counts = g.counts[i++]!;
      if (termMatches(wt.term, ctx.incoming, ctx.incomingNsLabels)) addCounts(m, wt.term.topologyKey, counts, -wt.weight);
    }
  }
}

/** The per-pod scan (the reference the aggregates must equal). */
function scanPreScore(topologyScore: TopologyCounts, ctx: Ctx, snapshot: SchedulerSnapshot, hasConstraints: boolean): void {
  const { terms } = ctx;
  const index = podLabelIndexOf(snapshot);
  const own = [...terms.preferredAffinity.map((wt) => ({ wt, multiplier: 1 })), ...terms.preferredAntiAffinity.map((wt) => ({ wt, multiplier: -1 }))];
  if (hasConstraints && index !== undefined && own.every(({ wt }) => narrowable(index, wt.term))) {
    // The same sums in another order (integer additions): the incoming pod's terms over the
    // pods the label index offers, then existing pods' terms over pods that have any.
    for (const { wt, multiplier } of own) {
      forEachTermCandidate(index, wt.term, (existing, node) => {
        if (hasLabels(node)) processTerm(topologyScore, wt.term, wt.weight, existing, ctx.nsLabels, node, multiplier);
      });
    }
    for (const ni of snapshot.havePodsWithAffinity) {
      if (!hasLabels(ni.node)) continue;
      for (const pi of ni.podsWithAffinity) processExistingPodTerms(topologyScore, ctx, pi.pod, ni.node);
    }
  } else {
    const allNodes = hasConstraints ? snapshot.nodes : snapshot.havePodsWithAffinity;
    for (const ni of allNodes) {
      const podsToProcess = hasConstraints ? ni.pods : ni.podsWithAffinity;
      for (const pi of podsToProcess) processExistingPod(topologyScore, ctx, pi.pod, ni.node);
    }
  }
}

export function score(cycle: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
  const s = cycle.read<PreScoreState>(PRE_SCORE_STATE_KEY);
  if (s === undefined) return 0;
  const labels = nodeLabels(nodeInfo);
  if (labels == null) return 0;
  let total = 0;
  for (const [key, values] of s.topologyScore) {
    const v = labels[key];
    if (v !== undefined) total += values.get(v) ?? 0;
  }
  return total;
}

export function normalizeScore(cycle: CycleState, _pod: Pod, scores: NodeScore[]): void {
  const s = cycle.read<PreScoreState>(PRE_SCORE_STATE_KEY);
  if (s === undefined || s.topologyScore.size === 0) return;
  let minCount = Number.MAX_SAFE_INTEGER;
  let maxCount = Number.MIN_SAFE_INTEGER;
  for (const ns of scores) {
    if (ns.score > maxCount) maxCount = ns.score;
    if (ns.score < minCount) minCount = ns.score;
  }
  const maxMinDiff = maxCount - minCount;
  for (const ns of scores) {
    let f = 0;
    // float64(MaxNodeScore) * (float64(score-min) / float64(diff)), then int64() truncation
    if (maxMinDiff > 0) f = MAX_NODE_SCORE * ((ns.score - minCount) / maxMinDiff);
    ns.score = Math.trunc(f);
  }
}

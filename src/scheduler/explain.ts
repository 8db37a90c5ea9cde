/**
 * `scheduler.explain(pod)`: one scheduling cycle in the open, without binding. Every node is
 * filtered (as if percentageOfNodesToScore were 100), and for the feasible ones each score
 * plugin's raw, normalized and weighted score is reported with the total, plus the node the
 * scheduler would pick.
 *
 * Filters count the pods nominated to each node as the scheduler does (those of at least the
 * pod's priority hold their room). A pod with status.nominatedNodeName has that node judged
 * first, as the scheduler's evaluateNominatedNode does: when it still passes every filter it
 * is the selected node, whatever the scores say (the scheduler neither scans nor scores then);
 * `nominated` reports the verdict.
 */
import type { RandomSource } from '../model/reconcile.js';
import type { Pod } from '../model/types.js';
import { CycleState, type Code, type SchedulerSnapshot } from './framework.js';
import type { Profile } from './profile.js';
import { activeFilters, evaluateNominatedNode, findNodesThatFit, formatFitError, prioritizeNodes, selectHost } from './schedule-one.js';

export interface NodeExplanation {
  /** null when the node passed every filter. */
  readonly filter: null | { readonly plugin: string; readonly code: Code; readonly reasons: readonly string[] };
  readonly scores?: Readonly<Record<string, { readonly raw: number; readonly normalized: number; readonly weighted: number }>>;
  readonly total?: number;
}

export interface SchedulingExplanation {
  readonly pod: string;
  readonly profile: string;
  readonly selected: string | null;
  /** Nodes sharing the top score; the scheduler draws one of them. */
  readonly tied: readonly string[];
  /** The FailedScheduling message when no node fits. */
  readonly message?: string;
  /**
   * The pod's status.nominatedNodeName (left by a preemption) and whether it still passes
   * every filter; when it does, it is `selected` without scoring.
   */
  readonly nominated?: { readonly node: string; readonly feasible: boolean };
  readonly nodes: Readonly<Record<string, NodeExplanation>>;
}

export function explainPod(
  profile: Profile,
  snapshot: SchedulerSnapshot,
  pod: Pod,
  rng: RandomSource,
  position: (name: string) => number,
  nominatedPodsForNode?: (nodeName: string) => readonly Pod[],
): SchedulingExplanation {
  const cycle = new CycleState();
  const key = `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
  const o =
    nominatedPodsForNode === undefined
      ? { profile, snapshot, pod, rng, scan: { nextStartNodeIndex: 0 }, percentageOfNodesToScore: 100 }
      : { profile, snapshot, pod, rng, scan: { nextStartNodeIndex: 0 }, percentageOfNodesToScore: 100, nominatedPodsForNode };
  const fit = findNodesThatFit(o, cycle, false);
  const nodes: Record<string, NodeExplanation> = {};
  for (const n of snapshot.nodes) {
    const s = fit.nodeToStatus.get(n.name);
    if (s) nodes[n.name] = { filter: { plugin: s.plugin ?? '', code: s.code, reasons: s.reasons } };
  }
  const nominatedName = pod.status?.nominatedNodeName;
  // Judged after PreFilter, as the scheduler does; a gone node or a plugin Error counts as not feasible.
  const verdict = nominatedName && fit.error === undefined && fit.preFilterMsg === undefined ? evaluateNominatedNode(o, cycle, activeFilters(profile, cycle)) : undefined;
  const viaNominated = verdict !== undefined && verdict.status === undefined;
  const base = nominatedName
    ? { pod: key, profile: profile.schedulerName, nominated: { node: nominatedName, feasible: viaNominated } }
    : { pod: key, profile: profile.schedulerName };
  if (fit.error) return { ...base, selected: null, tied: [], message: fit.error, nodes };
  if (fit.feasible.length === 0 && !viaNominated) {
    const message = formatFitError(
      fit.preFilterMsg === undefined
        ? { numAllNodes: snapshot.nodes.length, nodeToStatus: fit.nodeToStatus }
        : { numAllNodes: snapshot.nodes.length, nodeToStatus: fit.nodeToStatus, preFilterMsg: fit.preFilterMsg },
    );
    return { ...base, selected: null, tied: [], message, nodes };
  }
  const prio = fit.feasible.length > 0 ? prioritizeNodes(o, cycle, fit.feasible) : { totals: [], perPlugin: [] as ReturnType<typeof prioritizeNodes>['perPlugin'] };
  fit.feasible.forEach((n, i) => {
    const scores: Record<string, { raw: number; normalized: number; weighted: number }> = {};
    for (const p of prio.perPlugin) {
      scores[p.plugin] = { raw: p.raw[i]!, normalized: p.normalized[i]!, weighted: p.normalized[i]! * p.weight };
    }
    nodes[n.name] = { filter: null, scores, total: prio.totals[i]! };
  });
  if (viaNominated) {
    // The scheduler stops at the nominated node: the scores above are for information only.
    // (It passed the filters even if a PreFilter's node set left it out of the scan.)
    if (nodes[nominatedName!]?.filter !== null) nodes[nominatedName!] = { filter: null };
    return { ...base, selected: nominatedName!, tied: [nominatedName!], nodes };
  }
  if (prio.error) return { ...base, selected: null, tied: [], message: prio.error, nodes };
  const max = Math.max(...prio.totals);
  const tied = fit.feasible.filter((_, i) => prio.totals[i] === max).map((n) => n.name).sort((a, b) => position(a) - position(b));
  const selected = selectHost(fit.feasible, prio.totals, position, rng);
  return { ...base, selected, tied, nodes };
}

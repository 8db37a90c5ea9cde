/**
 * `scheduler.explain(pod)`: one scheduling cycle in the open, without binding. Every node is
 * filtered (as if percentageOfNodesToScore were 100), and for the feasible ones each score
 * plugin's raw, normalized and weighted score is reported with the total, plus the node the
 * scheduler would pick.
 */
import type { RandomSource } from '../model/reconcile.js';
import type { Pod } from '../model/types.js';
import { CycleState, type Code, type SchedulerSnapshot } from './framework.js';
import type { Profile } from './profile.js';
import { findNodesThatFit, formatFitError, prioritizeNodes, selectHost } from './schedule-one.js';

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
  readonly nodes: Readonly<Record<string, NodeExplanation>>;
}

export function explainPod(
  profile: Profile,
  snapshot: SchedulerSnapshot,
  pod: Pod,
  rng: RandomSource,
  position: (name: string) => number,
): SchedulingExplanation {
  const cycle = new CycleState();
  const key = `${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''}`;
  const o = { profile, snapshot, pod, rng, scan: { nextStartNodeIndex: 0 }, percentageOfNodesToScore: 100 };
  const fit = findNodesThatFit(o, cycle);
  const nodes: Record<string, NodeExplanation> = {};
  for (const n of snapshot.nodes) {
    const s = fit.nodeToStatus.get(n.name);
    if (s) nodes[n.name] = { filter: { plugin: s.plugin ?? '', code: s.code, reasons: s.reasons } };
  }
  const base = { pod: key, profile: profile.schedulerName };
  if (fit.error) return { ...base, selected: null, tied: [], message: fit.error, nodes };
  if (fit.feasible.length === 0) {
    const message = formatFitError(
      fit.preFilterMsg === undefined
        ? { numAllNodes: snapshot.nodes.length, nodeToStatus: fit.nodeToStatus }
        : { numAllNodes: snapshot.nodes.length, nodeToStatus: fit.nodeToStatus, preFilterMsg: fit.preFilterMsg },
    );
    return { ...base, selected: null, tied: [], message, nodes };
  }
  const prio = prioritizeNodes(o, cycle, fit.feasible);
  fit.feasible.forEach((n, i) => {
    const scores: Record<string, { raw: number; normalized: number; weighted: number }> = {};
    for (const p of prio.perPlugin) {
      scores[p.plugin] = { raw: p.raw[i]!, normalized: p.normalized[i]!, weighted: p.normalized[i]! * p.weight };
    }
    nodes[n.name] = { filter: null, scores, total: prio.totals[i]! };
  });
  if (prio.error) return { ...base, selected: null, tied: [], message: prio.error, nodes };
  const max = Math.max(...prio.totals);
  const tied = fit.feasible.filter((_, i) => prio.totals[i] === max).map((n) => n.name).sort((a, b) => position(a) - position(b));
  const selected = selectHost(fit.feasible, prio.totals, position, rng);
  return { ...base, selected, tied, nodes };
}

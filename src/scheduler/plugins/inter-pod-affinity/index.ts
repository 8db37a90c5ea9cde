/**
 * The InterPodAffinity plugin: required pod affinity/anti-affinity as a filter (including
 * existing pods' anti-affinity against the incoming pod) and preferred terms as a score.
 * namespaceSelector needs namespace labels: pass `namespaceLabels`; without it a term's
 * non-empty namespaceSelector selects no namespace.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/plugin.go
 */
import type { Node, Pod } from '../../../model/types.js';
import type {
  CycleState,
  FilterPlugin,
  NodeInfo,
  NodeScore,
  PodInfo,
  PreFilterPlugin,
  PreScorePlugin,
  SchedulerSnapshot,
  ScorePlugin,
  Status,
} from '../../framework.js';
import { NAME, type NamespaceLabels } from './common.js';
import { filter, preFilter, updateWithPod } from './filtering.js';
import { normalizeScore, preScore, score, type ScoringArgs } from './scoring.js';
import { registerFastHint } from '../../fast-hints.js';

export {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
  type NamespaceLabels,
} from './common.js';
export { PRE_FILTER_STATE_KEY, type PreFilterState } from './filtering.js';
export { PRE_SCORE_STATE_KEY, type PreScoreState } from './scoring.js';

export interface InterPodAffinityArgs {
  /** Weight of an existing pod's required affinity term matched by the incoming pod (default 1, 0 disables). */
  readonly hardPodAffinityWeight?: number;
  /** Skip scoring existing pods' preferred terms when the incoming pod has none of its own. */
  readonly ignorePreferredTermsOfExistingPods?: boolean;
  /** Labels of a namespace, for namespaceSelector; undefined for an unknown namespace. */
  readonly namespaceLabels?: NamespaceLabels;
}

export type InterPodAffinityPlugin = PreFilterPlugin &
  FilterPlugin &
  PreScorePlugin &
  ScorePlugin & {
    addPod(cycle: CycleState, podToSchedule: Pod, podInfo: PodInfo, node: Node): Status;
    removePod(cycle: CycleState, podToSchedule: Pod, podInfo: PodInfo, node: Node): Status;
  };

export function interPodAffinity(args: InterPodAffinityArgs = {}, namespaceLabelsArg?: NamespaceLabels): InterPodAffinityPlugin {
  const namespaceLabels = namespaceLabelsArg ?? args.namespaceLabels;
  const scoring: ScoringArgs = {
    hardPodAffinityWeight: args.hardPodAffinityWeight ?? 1,
    ignorePreferredTermsOfExistingPods: args.ignorePreferredTermsOfExistingPods ?? false,
    namespaceLabels,
  };
  const plugin: InterPodAffinityPlugin = {
    name: NAME,
    preFilter: (cycle: CycleState, pod: Pod, snapshot: SchedulerSnapshot) => preFilter(cycle, pod, snapshot, namespaceLabels),
    filter,
    preScore: (cycle: CycleState, pod: Pod, nodes: readonly NodeInfo[], snapshot: SchedulerSnapshot) =>
      preScore(cycle, pod, nodes, snapshot, scoring),
    score,
    normalizeScore: (cycle: CycleState, pod: Pod, scores: NodeScore[]) => normalizeScore(cycle, pod, scores),
    addPod: (cycle, podToSchedule, podInfo, node) => updateWithPod(cycle, podToSchedule, podInfo, node, 1),
    removePod: (cycle, podToSchedule, podInfo, node) => updateWithPod(cycle, podToSchedule, podInfo, node, -1),
  };
  return registerFastHint(plugin, { perNode: true, preScoreNodesUnread: true });
}

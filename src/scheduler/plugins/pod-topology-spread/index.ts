/**
 * The PodTopologySpread plugin: spreads pods matching a selector across topology domains,
 * as a hard filter (DoNotSchedule) and a soft score (ScheduleAnyway). With defaultingType
 * 'System' (the default), pods without constraints that belong to a Service, ReplicaSet or
 * ReplicationController get the system defaults (hostname maxSkew 3, zone maxSkew 5,
 * ScheduleAnyway); the selector comes from `listers`, and without listers no defaults apply.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/plugin.go
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
import { NAME, SYSTEM_DEFAULT_CONSTRAINTS, type PodTopologySpreadArgs, type PodTopologySpreadListers } from './common.js';
import { filter, preFilter, updateWithPod } from './filtering.js';
import { normalizeScore, preScore, preScoreLabelSets, score, type ScoringConfig } from './scoring.js';
import { registerFastHint } from '../../fast-hints.js';

export {
  ERR_REASON_CONSTRAINTS_NOT_MATCH,
  ERR_REASON_NODE_LABEL_NOT_MATCH,
  SYSTEM_DEFAULT_CONSTRAINTS,
  type PodTopologySpreadArgs,
  type PodTopologySpreadListers,
} from './common.js';
export { PRE_FILTER_STATE_KEY, type PreFilterState } from './filtering.js';
export { PRE_SCORE_STATE_KEY, type PreScoreState } from './scoring.js';

export type PodTopologySpreadPlugin = PreFilterPlugin &
  FilterPlugin &
  PreScorePlugin &
  ScorePlugin & {
    /** PreFilterExtensions.AddPod: counts `podInfo` as if it ran on `node` (preemption). */
    addPod(cycle: CycleState, podToSchedule: Pod, podInfo: PodInfo, node: Node): Status;
    /** PreFilterExtensions.RemovePod: the reverse of addPod. */
    removePod(cycle: CycleState, podToSchedule: Pod, podInfo: PodInfo, node: Node): Status;
  };

export function podTopologySpread(args: PodTopologySpreadArgs = {}, listersArg?: PodTopologySpreadListers): PodTopologySpreadPlugin {
  const listers = listersArg ?? args.listers;
  const systemDefaulted = (args.defaultingType ?? 'System') === 'System';
  const defaults = systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : (args.defaultConstraints ?? []);
  const cfg: ScoringConfig = { defaults, listers, systemDefaulted };
  const plugin: PodTopologySpreadPlugin = {
    name: NAME,
    preFilter: (cycle: CycleState, pod: Pod, snapshot: SchedulerSnapshot) => preFilter(cycle, pod, snapshot, defaults, listers),
    filter,
    preScore: (cycle: CycleState, pod: Pod, nodes: readonly NodeInfo[], snapshot: SchedulerSnapshot) =>
      preScore(cycle, pod, nodes, snapshot, cfg),
    score,
    normalizeScore: (cycle: CycleState, pod: Pod, scores: NodeScore[]) => normalizeScore(cycle, pod, scores),
    addPod: (cycle, podToSchedule, podInfo, node) => updateWithPod(cycle, podToSchedule, podInfo, node, 1),
    removePod: (cycle, podToSchedule, podInfo, node) => updateWithPod(cycle, podToSchedule, podInfo, node, -1),
  };
  return registerFastHint(plugin, {
    perNode: true,
    topologySpread: { preScoreLabelSets: (cycle, pod, sets, snapshot) => preScoreLabelSets(cycle, pod, sets, snapshot, cfg) },
  });
}

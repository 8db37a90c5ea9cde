/**
 * The DefaultPreemption PostFilter plugin: when no node fits, find a node where evicting
 * lower-priority pods lets the pod fit, pick the cheapest such node, and name it and the
 * victims (Evaluator.Preempt). The plugin only decides; the scheduler carries it out (marks
 * the victims DisruptionTarget, deletes them, sets the pod's status.nominatedNodeName).
 *
 * Failure messages follow upstream, prefixed "preemption: ", e.g.
 * `preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.`
 * (reasons counted per node and sorted like FitError; nodes that were not dry-run count as
 * "Preemption is not helpful for scheduling").
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go
 * @see kubernetes/kubernetes pkg/scheduler/framework/preemption/preemption.go
 */
import { BadRequestError } from '../../../model/errors.js';
import type { RandomSource } from '../../../model/reconcile.js';
import type { Pod, PodDisruptionBudget } from '../../../model/types.js';
import {
  CycleState,
  SUCCESS,
  status,
  type NodeInfo,
  type PostFilterPlugin,
  type PostFilterResult,
  type SchedulerSnapshot,
  type Status,
} from '../../framework.js';
import type { Profile } from '../../profile.js';
import { formatFitError } from '../../schedule-one.js';
import {
  aggregateErrors,
  calculateNumCandidates,
  DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE,
  DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE,
  dryRunPreemption,
  nodesWherePreemptionMightHelp,
} from './candidates.js';
import { selectCandidate, type Candidate } from './pick.js';
import {
  hasPreFilterExtensions,
  NO_VICTIMS_REASON,
  podPriority,
  potentialVictims,
  selectVictimsOnNode,
  type NodeVictims,
  type VictimSearch,
} from './victims.js';

export { calculateNumCandidates, dryRunPreemption, nodesWherePreemptionMightHelp, aggregateErrors } from './candidates.js';
export { pickOneNodeForPreemption, selectCandidate, earliestStartOfHighestPriority, type Candidate } from './pick.js';
export {
  filterPodsWithPDBViolation,
  moreImportantPod,
  podPriority,
  podStartTimeMs,
  selectVictimsOnNode,
  runFilterPlugins,
  NO_VICTIMS_REASON,
  type NodeVictims,
  type VictimSearch,
  type PreFilterExtensions,
} from './victims.js';

export const NAME = 'DefaultPreemption';
export const NOT_HELPFUL_REASON = 'Preemption is not helpful for scheduling';

/** DefaultPreemptionArgs (kubescheduler.config.k8s.io/v1). */
export interface DefaultPreemptionArgs {
  /** Candidates to find, as a percentage of the potential nodes; default 10, range [0, 100]. */
  readonly minCandidateNodesPercentage?: number;
  /** ... but at least this many; default 100, at least 0; not both 0. */
  readonly minCandidateNodesAbsolute?: number;
}

/** What the scheduler gives the plugin beyond its args. */
export interface DefaultPreemptionDeps {
  /** The profile the plugin runs in, for its PreFilter and Filter plugins (lazy: built after the plugin). */
  profile(): Pick<Profile, 'preFilter' | 'filter'>;
  /** Where the candidate search starts: one rng.int(potentialNodes) per preemption attempt. */
  readonly rng: RandomSource;
  /** All PodDisruptionBudgets (upstream lists them all; namespace and selector are matched here). */
  podDisruptionBudgets(): readonly PodDisruptionBudget[];
  /** Pods nominated to a node (the queue's nominator); without it, none are considered. */
  nominatedPodsForNode?(nodeName: string): readonly Pod[];
}

/** ValidateDefaultPreemptionArgs + v1 defaults. Throws BadRequestError with upstream's field messages. */
export function resolveDefaultPreemptionArgs(args: DefaultPreemptionArgs | Record<string, unknown> = {}): Required<DefaultPreemptionArgs> {
  const a = args as DefaultPreemptionArgs;
  const percentage = a.minCandidateNodesPercentage ?? DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE;
  const absolute = a.minCandidateNodesAbsolute ?? DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE;
  const errs: string[] = [];
  const intOk = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  if (!intOk(percentage) || percentage < 0 || percentage > 100) {
    errs.push(`minCandidateNodesPercentage: Invalid value: ${String(percentage)}: not in valid range [0, 100]`);
  }
  if (!intOk(absolute) || absolute < 0) {
    errs.push(`minCandidateNodesAbsolute: Invalid value: ${String(absolute)}: not in valid range [0, inf)`);
  }
  if (percentage === 0 && absolute === 0) {
    errs.push(
      'minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute',
      'minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage',
    );
  }
  if (errs.length > 0) throw new BadRequestError(`DefaultPreemptionArgs: ${aggregateErrors(errs)}`);
  return { minCandidateNodesPercentage: percentage, minCandidateNodesAbsolute: absolute };
}

/** podTerminatingByPreemption: being deleted, with DisruptionTarget=True reason PreemptionByScheduler. */
export function podTerminatingByPreemption(p: Pod): boolean {
  if (!p.metadata?.deletionTimestamp) return false;
  const c = p.status?.conditions?.find((x) => x.type === 'DisruptionTarget');
  return c !== undefined && c.status === 'True' && c.reason === 'PreemptionByScheduler';
}

/**
 * PodEligibleToPreemptOthers. Not eligible: preemptionPolicy Never; or the pod already preempted
 * on its nominated node and a lower-priority victim there is still terminating (unless that node
 * is now UnschedulableAndUnresolvable, when it may look elsewhere). `nominatedNodeStatus`
 * undefined means Success (Go's nil status).
 */
export function podEligibleToPreemptOthers(
  pod: Pod,
  snapshot: SchedulerSnapshot,
  nominatedNodeStatus: Status | undefined,
): { eligible: boolean; reason: string } {
  if (pod.spec?.preemptionPolicy === 'Never') return { eligible: false, reason: 'not eligible due to preemptionPolicy=Never.' };
  const nominated = pod.status?.nominatedNodeName;
  if (nominated) {
    if (nominatedNodeStatus?.code === 'UnschedulableAndUnresolvable') return { eligible: true, reason: '' };
    const node = snapshot.get(nominated);
    if (node) {
      const prio = podPriority(pod);
      for (const pi of node.pods) {
        if (podPriority(pi.pod) < prio && podTerminatingByPreemption(pi.pod)) {
          return { eligible: false, reason: 'not eligible due to a terminating pod on the nominated node.' };
        }
      }
    }
  }
  return { eligible: true, reason: '' };
}

const ABSENT: Status = Object.freeze(status('UnschedulableAndUnresolvable'));

/** The preemptor's PreFilter state on the unchanged snapshot, in a fresh CycleState. */
function freshPreFilterState(profile: Pick<Profile, 'preFilter'>, pod: Pod, snapshot: SchedulerSnapshot): CycleState | Status {
  const cycle = new CycleState();
  for (const pl of profile.preFilter) {
    const st = pl.preFilter(cycle, pod, snapshot).status;
    if (st.code === 'Skip') cycle.skipFilterPlugins.add(pl.name);
    else if (st.code !== 'Success') return { ...st, plugin: pl.name };
  }
  return cycle;
}

/**
 * SelectVictimsOnNode for each node of one preemption attempt. Upstream clones the cycle per
 * node because addPod/removePod change it. Without such plugins active the state never changes
 * and the cycle is shared; otherwise each node gets a fresh PreFilter run on the same snapshot,
 * which is what a clone would hold. Nodes without lower-priority pods are answered first.
 */
export function victimSelector(
  profile: Pick<Profile, 'preFilter' | 'filter'>,
  cycle: CycleState,
  pod: Pod,
  snapshot: SchedulerSnapshot,
  nominatedPodsForNode?: (nodeName: string) => readonly Pod[],
): (node: NodeInfo, pdbs: readonly PodDisruptionBudget[]) => NodeVictims {
  const search: VictimSearch = {
    pod,
    preFilter: profile.preFilter,
    filter: profile.filter,
    ...(nominatedPodsForNode ? { nominatedPodsForNode } : {}),
  };
  const stateful = profile.preFilter.some((pl) => hasPreFilterExtensions(pl) && !cycle.skipFilterPlugins.has(pl.name));
  return (node, pdbs) => {
    if (potentialVictims(pod, node).length === 0) {
      return { victims: [], numPDBViolations: 0, status: status('UnschedulableAndUnresolvable', NO_VICTIMS_REASON) };
    }
    const state = stateful ? freshPreFilterState(profile, pod, snapshot) : cycle;
    if (!(state instanceof CycleState)) return { victims: [], numPDBViolations: 0, status: state };
    return selectVictimsOnNode(search, state, node, pdbs);
  };
}

export interface PreemptOutcome {
  readonly status: Status;
  /** '' clears the pod's nomination; undefined leaves it as it is. */
  readonly nominatedNodeName?: string;
  readonly candidate?: Candidate;
}

/** Evaluator.Preempt, without the API calls (see the module header). */
export function preempt(
  args: Required<DefaultPreemptionArgs>,
  deps: DefaultPreemptionDeps,
  cycle: CycleState,
  pod: Pod,
  statuses: ReadonlyMap<string, Status>,
  snapshot: SchedulerSnapshot,
): PreemptOutcome {
  const nominatedStatus = statuses.get(pod.status?.nominatedNodeName ?? '') ?? ABSENT;
  const elig = podEligibleToPreemptOthers(pod, snapshot, nominatedStatus);
  if (!elig.eligible) return { status: status('Unschedulable', elig.reason) };

  const all = snapshot.nodes;
  if (all.length === 0) return { status: status('Error', 'no nodes available') };
  const potential = nodesWherePreemptionMightHelp(snapshot, statuses);
  let candidates: Candidate[] = [];
  let nodeStatuses = new Map<string, Status>();
  if (potential.length > 0) {
    const selectVictims = victimSelector(deps.profile(), cycle, pod, snapshot, deps.nominatedPodsForNode?.bind(deps));
    const offset = deps.rng.int(potential.length);
    const num = calculateNumCandidates(potential.length, args.minCandidateNodesPercentage, args.minCandidateNodesAbsolute);
    const run = dryRunPreemption(potential, offset, num, selectVictims, deps.podDisruptionBudgets());
    if (run.errors.length > 0 && run.candidates.length === 0) return { status: status('Error', aggregateErrors(run.errors)) };
    candidates = run.candidates;
    nodeStatuses = run.nodeStatuses;
  }
  if (candidates.length === 0) {
    const nodeToStatus = new Map<string, Status>();
    const notHelpful = status('UnschedulableAndUnresolvable', NOT_HELPFUL_REASON);
    for (const n of all) nodeToStatus.set(n.name, nodeStatuses.get(n.name) ?? notHelpful);
    const msg = formatFitError({ numAllNodes: all.length, nodeToStatus });
    return { status: status('Unschedulable', msg), nominatedNodeName: '' };
  }
  const best = selectCandidate(candidates);
  if (!best || best.name === '') return { status: status('Unschedulable', 'no candidate node for preemption') };
  return { status: SUCCESS, nominatedNodeName: best.name, candidate: best };
}

export type DefaultPreemptionPlugin = PostFilterPlugin & {
  readonly args: Required<DefaultPreemptionArgs>;
};

/** The plugin; args are validated and defaulted (10%, 100) here. */
export function defaultPreemption(args: DefaultPreemptionArgs, deps: DefaultPreemptionDeps): DefaultPreemptionPlugin {
  const resolved = resolveDefaultPreemptionArgs(args);
  return {
    name: NAME,
    args: resolved,
    postFilter(cycle: CycleState, pod: Pod, statuses: ReadonlyMap<string, Status>, snapshot: SchedulerSnapshot): PostFilterResult {
      const r = preempt(resolved, deps, cycle, pod, statuses, snapshot);
      const msg = r.status.reasons.join(', ');
      const st = msg.length > 0 ? status(r.status.code, `preemption: ${msg}`) : r.status;
      if (r.candidate) return { status: st, nominatedNodeName: r.candidate.name, victims: r.candidate.victims };
      return r.nominatedNodeName !== undefined ? { status: st, nominatedNodeName: r.nominatedNodeName } : { status: st };
    },
  };
}

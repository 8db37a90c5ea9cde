/**
 * TaintToleration: Filter rejects nodes with a NoSchedule/NoExecute taint the pod does not
 * tolerate; Score counts the PreferNoSchedule taints it does not tolerate, and NormalizeScore
 * reverses the counts so the node with fewest such taints scores 100.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/tainttoleration/taint_toleration.go
 * @see kubernetes/kubernetes pkg/apis/core/v1/helper/helpers.go (FindMatchingUntoleratedTaint)
 */
import type { Pod, Taint, Toleration } from '../../model/types.js';
import {
  MAX_NODE_SCORE,
  status,
  SUCCESS,
  type CycleState,
  type FilterPlugin,
  type NodeInfo,
  type NodeScore,
  type PreScorePlugin,
  type ScorePlugin,
  type Status,
} from '../framework.js';
import { registerFastHint, TOLERATIONS_GROUP_LEVEL } from '../fast-hints.js';

/** upstream Toleration.ToleratesTaint: effect and key match when set; Equal compares values. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const op = t.operator ?? '';
  if (op === '' || op === 'Equal') return (t.value ?? '') === (taint.value ?? '');
  return op === 'Exists';
}

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  if (tolerations == null) return false;
  for (let i = 0; i < tolerations.length; i++) if (toleratesTaint(tolerations[i]!, taint)) return true;
  return false;
}

/** The first NoSchedule/NoExecute taint not tolerated, in the node's taint order. */
export function findMatchingUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
): Taint | undefined {
  if (taints == null) return undefined;
  for (let i = 0; i < taints.length; i++) {
    const taint = taints[i]!;
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

/**
 * helper.DefaultNormalizeScore: scales scores to [0, maxPriority] by the highest one
 * (integer division), reversed when `reverse` (fewest bad things best). All zero: everything
 * gets 0, or maxPriority when reversed.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, maxPriority = MAX_NODE_SCORE): void {
  let max = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]!.score > max) max = scores[i]!.score;
  if (max === 0) {
    if (reverse) for (let i = 0; i < scores.length; i++) scores[i]!.score = maxPriority;
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    let v = Math.trunc((maxPriority * s.score) / max);
    if (reverse) v = maxPriority - v;
    s.score = v;
  }
}

const PRE_SCORE_KEY = 'PreScoreTaintToleration';

function filter(_cycle: CycleState, pod: Pod, node: NodeInfo): Status {
  const taints = node.node.spec?.taints;
  if (taints == null || taints.length === 0) return SUCCESS;
  const taint = findMatchingUntoleratedTaint(taints, pod.spec?.tolerations);
  if (taint === undefined) return SUCCESS;
  return status('UnschedulableAndUnresolvable', `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
}

/** Tolerations that can tolerate a PreferNoSchedule taint: effect empty or PreferNoSchedule. */
function preferNoScheduleTolerations(tolerations: readonly Toleration[] | undefined): Toleration[] {
  const out: Toleration[] = [];
  for (const t of tolerations ?? []) if (!t.effect || t.effect === 'PreferNoSchedule') out.push(t);
  return out;
}

/**
 * preScore's last answer: pods of one ReplicaSet share their frozen tolerations (kept only when
 * every one is frozen too), so the next pod's list is usually the last one (read only by
 * Score, never changed).
 */
let lastTolerations: readonly Toleration[] | undefined;
let lastPreferred: Toleration[] = [];

function preScore(cycle: CycleState, pod: Pod): Status {
  const tolerations = pod.spec?.tolerations;
  if (tolerations === undefined || tolerations !== lastTolerations) {
    lastPreferred = preferNoScheduleTolerations(tolerations);
    lastTolerations = tolerations !== undefined && Object.isFrozen(tolerations) && tolerations.every(Object.isFrozen) ? tolerations : undefined;
  }
  cycle.write(PRE_SCORE_KEY, lastPreferred);
  return SUCCESS;
}

/** Raw score: how many PreferNoSchedule taints of the node the pod does not tolerate. */
function score(cycle: CycleState, pod: Pod, node: NodeInfo): number {
  const taints = node.node.spec?.taints;
  if (taints == null || taints.length === 0) return 0;
  const tolerations = cycle.read<Toleration[]>(PRE_SCORE_KEY) ?? preferNoScheduleTolerations(pod.spec?.tolerations);
  let count = 0;
  for (let i = 0; i < taints.length; i++) {
    const taint = taints[i]!;
    if (taint.effect !== 'PreferNoSchedule') continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) count++;
  }
  return count;
}

function normalizeScore(_cycle: CycleState, _pod: Pod, scores: NodeScore[]): void {
  defaultNormalizeScore(scores, true);
}

export const taintToleration = registerFastHint(
  { name: 'TaintToleration', filter, preScore, score, normalizeScore } satisfies FilterPlugin & PreScorePlugin & ScorePlugin,
  { ...TOLERATIONS_GROUP_LEVEL, preScoreNodesUnread: true },
);

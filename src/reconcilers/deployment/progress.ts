/**
 * Rollout progress: the Progressing condition (NewReplicaSetAvailable, ReplicaSetUpdated,
 * ProgressDeadlineExceeded), ReplicaFailure conditions promoted from the ReplicaSets, and when to
 * look again at a rollout that makes no progress (requeueStuckDeployment).
 *
 * @see kubernetes/kubernetes pkg/controller/deployment/progress.go
 */
import { jsonEqual } from '../../model/json.js';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getDeploymentCondition,
  lastUpdateMs,
  NEW_RS_AVAILABLE_REASON,
  newDeploymentCondition,
  removeDeploymentCondition,
  REPLICA_SET_UPDATED_REASON,
  setDeploymentCondition,
  TIMED_OUT_REASON,
  type DeploymentCondition,
  type DeploymentStatus,
} from './conditions.js';
import type { SyncContext, WorkingRS } from './context.js';
import { calculateStatus } from './sync.js';
import { hasProgressDeadline } from './util.js';

/** syncRolloutStatus: the status of a rollout step, with its progress estimate. */
export function syncRolloutStatus(ctx: SyncContext, allRSs: (WorkingRS | undefined)[], newRS: WorkingRS | undefined): void {
  const { d } = ctx;
  const status = calculateStatus(ctx, allRSs, newRS);
  if (!hasProgressDeadline(d)) removeDeploymentCondition(status, 'Progressing');
  const current = getDeploymentCondition(d.status, 'Progressing');
  const isComplete = status.replicas === status.updatedReplicas && current?.reason === NEW_RS_AVAILABLE_REASON;
  if (hasProgressDeadline(d) && !isComplete) estimateProgress(ctx, status, newRS, current);
  const failure = replicaFailures(allRSs, newRS)[0];
  if (failure) setDeploymentCondition(status, failure);
  else if (status.conditions?.some((c) => c.type === 'ReplicaFailure')) removeDeploymentCondition(status, 'ReplicaFailure');
  if (jsonEqual(d.status, status)) {
    // Only a Progressing condition that can still time out needs a later look. One that says
    // NewReplicaSetAvailable never times out (deploymentTimedOut), so a sync of this same state
    // at a later instant computes this same status again: nothing else here reads the clock.
    // That is the case of a finished rollout that lost availability (pods on a failed node):
    // upstream requeues it rate-limited, its deadline long past, until the pods come back; the
    // loop can never write, and the ReplicaSet changes that end it wake the deployment anyway.
    const canTimeOut = current?.reason !== NEW_RS_AVAILABLE_REASON;
    ctx.requeueAfterMs = canTimeOut ? requeueStuckDeployment(ctx, status) : undefined;
    return;
  }
  d.status = status;
}

function estimateProgress(
  ctx: SyncContext,
  status: DeploymentStatus,
  newRS: WorkingRS | undefined,
  current: DeploymentCondition | undefined,
): void {
  const { d } = ctx;
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (deploymentComplete(d, status)) {
    const c = newDeploymentCondition('Progressing', 'True', NEW_RS_AVAILABLE_REASON, `${subject} has successfully progressed.`, ctx.now);
    setDeploymentCondition(status, c);
  } else if (deploymentProgressing(d, status)) {
    // Progress refreshes lastUpdateTime even when the reason stays ReplicaSetUpdated, which
    // SetDeploymentCondition alone would not do; lastTransitionTime stays while status is True.
    const c = newDeploymentCondition('Progressing', 'True', REPLICA_SET_UPDATED_REASON, `${subject} is progressing.`, ctx.now);
    if (current) {
      if (current.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
      removeDeploymentCondition(status, 'Progressing');
    }
    setDeploymentCondition(status, c);
  } else if (deploymentTimedOut(d, status, ctx.nowEpochMs)) {
    const c = newDeploymentCondition('Progressing', 'False', TIMED_OUT_REASON, `${subject} has timed out progressing.`, ctx.now);
    setDeploymentCondition(status, c);
  }
}

/** getReplicaFailures: the new RS's ReplicaFailure conditions, else the old ones'. */
function replicaFailures(allRSs: (WorkingRS | undefined)[], newRS: WorkingRS | undefined): DeploymentCondition[] {
  const fromNew = failuresOf(newRS, []);
  if (fromNew.length > 0) return fromNew;
  const out: DeploymentCondition[] = [];
  for (const rs of allRSs) failuresOf(rs, out);
  return out;
}

/**
 * Appends an RS's ReplicaFailure conditions to `out` as Deployment conditions. A loop rather
 * than filter/map: every rollout sync asks, and almost every RS has no such condition.
 */
function failuresOf(rs: WorkingRS | undefined, out: DeploymentCondition[]): DeploymentCondition[] {
  const conditions = rs?.status?.conditions;
  if (!conditions) return out;
  for (const c of conditions) {
    if (c.type !== 'ReplicaFailure') continue;
    out.push({
      type: c.type,
      status: c.status,
      lastTransitionTime: c.lastTransitionTime,
      lastUpdateTime: c.lastTransitionTime,
      reason: c.reason,
      message: c.message,
    });
  }
  return out;
}

/**
 * requeueStuckDeployment: when a rollout with a deadline shows no progress, look again when the
 * deadline passes: lastUpdateTime + progressDeadlineSeconds - now, plus a second against skew.
 * Example: updated at 00:00:00, now 00:03:00, deadline 600 s → look again in 7 min + 1 s.
 * Upstream requeues rate-limited (5 ms) when less than a second is left; condition times have
 * whole seconds, so we wait 1 s instead of spinning on 5 ms requeues.
 */
export function requeueStuckDeployment(ctx: SyncContext, status: DeploymentStatus): number | undefined {
  const { d } = ctx;
  const current = getDeploymentCondition(d.status, 'Progressing');
  if (!hasProgressDeadline(d) || !current) return undefined;
  if (deploymentComplete(d, status) || current.reason === TIMED_OUT_REASON) return undefined;
  const from = lastUpdateMs(current);
  if (from === undefined) return undefined;
  const after = from + d.spec!.progressDeadlineSeconds! * 1000 - ctx.nowEpochMs;
  return after < 1000 ? 1000 : after + 1000;
}

/**
 * Deployment conditions (Progressing, Available, ReplicaFailure) and the three judgements the
 * rollout makes about them: complete, progressing, timed out.
 *
 * Timestamps are metav1.Time strings (whole seconds). "Now" is passed in as epoch ms, obtained
 * from the reconcile context's RFC 3339 `now`, never from a clock.
 *
 * @see kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go
 */
import { parseRFC3339 } from '../../model/time.js';
import type { Deployment } from '../../model/types.js';
import type { DeploymentCondition, DeploymentStatus } from 'kubernetes-types/apps/v1.js';
import { hasProgressDeadline, specReplicas } from './util.js';

export type { DeploymentCondition, DeploymentStatus };

// Progressing reasons.
export const REPLICA_SET_UPDATED_REASON = 'ReplicaSetUpdated';
export const FAILED_RS_CREATE_REASON = 'ReplicaSetCreateError';
export const NEW_REPLICA_SET_REASON = 'NewReplicaSetCreated';
export const FOUND_NEW_RS_REASON = 'FoundNewReplicaSet';
export const NEW_RS_AVAILABLE_REASON = 'NewReplicaSetAvailable';
export const TIMED_OUT_REASON = 'ProgressDeadlineExceeded';
export const PAUSED_DEPLOY_REASON = 'DeploymentPaused';
export const RESUMED_DEPLOY_REASON = 'DeploymentResumed';
// Available reasons.
export const MINIMUM_REPLICAS_AVAILABLE = 'MinimumReplicasAvailable';
export const MINIMUM_REPLICAS_UNAVAILABLE = 'MinimumReplicasUnavailable';

/** NewDeploymentCondition: both timestamps are now. */
export function newDeploymentCondition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: string,
): DeploymentCondition {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export function getDeploymentCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: no-op when a condition of the type has the same status and reason;
 * keeps lastTransitionTime when only the reason changes; the new one goes last.
 */
export function setDeploymentCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getDeploymentCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = current && current.status === condition.status
    ? { ...condition, lastTransitionTime: current.lastTransitionTime }
    : condition;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeDeploymentCondition(status: DeploymentStatus, type: string): void {
  const kept = (status.conditions ?? []).filter((c) => c.type !== type);
  status.conditions = kept.length > 0 ? kept : undefined;
}

/** DeploymentComplete: every desired replica updated and available, no old ones, generation seen. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const replicas = specReplicas(d);
  return (
    (s.updatedReplicas ?? 0) === replicas &&
    (s.replicas ?? 0) === replicas &&
    (s.availableReplicas ?? 0) === replicas &&
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/**
 * DeploymentProgressing: compared with the deployment's current status, more updated pods,
 * fewer old pods, or more ready or available pods.
 */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** Epoch ms of a condition's lastUpdateTime, or undefined when absent or malformed. */
export function lastUpdateMs(c: DeploymentCondition): number | undefined {
  if (!c.lastUpdateTime) return undefined;
  try {
    return parseRFC3339(c.lastUpdateTime);
  } catch {
    return undefined;
  }
}

/**
 * DeploymentTimedOut: the Progressing condition has not been updated for more than
 * progressDeadlineSeconds (strictly: lastUpdate + deadline before now), or already says so. A
 * condition saying the last rollout completed never times out.
 */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, nowEpochMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getDeploymentCondition(s, 'Progressing');
  if (!condition) return false;
  if (condition.reason === NEW_RS_AVAILABLE_REASON) return false;
  if (condition.reason === TIMED_OUT_REASON) return true;
  const from = lastUpdateMs(condition);
  if (from === undefined) return false;
  return from + d.spec!.progressDeadlineSeconds! * 1000 < nowEpochMs;
}

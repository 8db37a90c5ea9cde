/**
 * The parts of a Deployment sync shared by every path: finding (or creating) the new ReplicaSet
 * and syncing revisions, scaling a ReplicaSet with its ScalingReplicaSet event, proportional
 * scaling when the deployment's size changes mid-rollout or while paused, pausing, cleaning up
 * old revisions, and the status the deployment reports.
 *
 * @see kubernetes/kubernetes pkg/controller/deployment/sync.go
 */
import { copyJson } from '../../model/json.js';
import type { DeploymentStatus } from './conditions.js';
import {
  FOUND_NEW_RS_REASON,
  getDeploymentCondition,
  MINIMUM_REPLICAS_AVAILABLE,
  MINIMUM_REPLICAS_UNAVAILABLE,
  NEW_REPLICA_SET_REASON,
  newDeploymentCondition,
  PAUSED_DEPLOY_REASON,
  RESUMED_DEPLOY_REASON,
  setDeploymentCondition,
  TIMED_OUT_REASON,
} from './conditions.js';
import { created, recordEvent, rsKey, touch, type SyncContext, type WorkingRS } from './context.js';
import { scale } from './scale.js';
import { computeHash, POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
import { filterActive, sortByRevision } from './replica-sets.js';
import {
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getDesiredReplicasAnnotation,
  getReadyReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  maxRevision,
  maxUnavailable,
  newRSNewReplicas,
  REVISION_ANNOTATION,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  specReplicas,
} from './util.js';

/**
 * getAllReplicaSetsAndSyncRevision: the new RS (created when asked and missing) with its
 * revision synced to max(old) + 1, and all old RSs. Idempotent on the working copies, so the
 * sync may call it more than once, as upstream does.
 */
export function getAllReplicaSetsAndSyncRevision(
  ctx: SyncContext,
  createIfNotExisted: boolean,
): { newRS: WorkingRS | undefined; oldRSs: WorkingRS[] } {
  // A second call of the same sync (isScalingEvent, then the rollout) over the same ReplicaSets
  // finds the same new RS, whose annotations, revision and condition the first call already
  // synced: the repeat would change nothing, so the first call's answer stands. Only the
  // creation of an RS (never undone) changes ctx.rsList, and its length then.
  const found = ctx.found;
  if (found !== undefined && found.rsCount === ctx.rsList.length) return { newRS: found.newRS, oldRSs: [...found.oldRSs] };
  const { allOldRSs } = findOldReplicaSets(ctx.d, ctx.rsList);
  const newRS = getNewReplicaSet(ctx, allOldRSs, createIfNotExisted);
  if (newRS !== undefined) ctx.found = { newRS, oldRSs: [...allOldRSs], rsCount: ctx.rsList.length };
  return { newRS, oldRSs: allOldRSs };
}

function getNewReplicaSet(ctx: SyncContext, oldRSs: WorkingRS[], createIfNotExisted: boolean): WorkingRS | undefined {
  const { d } = ctx;
  const existing = findNewReplicaSet(d, ctx.rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);
  if (existing) {
    const annotationsUpdated = setNewReplicaSetAnnotations(d, existing, newRevision, true);
    const minReady = d.spec?.minReadySeconds;
    if (annotationsUpdated || existing.spec!.minReadySeconds !== minReady) {
      existing.spec!.minReadySeconds = minReady;
      touch(ctx, existing);
    }
    // The deployment takes the RS's revision, which may be higher than newRevision.
    setDeploymentRevision(d, existing.metadata.annotations?.[REVISION_ANNOTATION] ?? newRevision);
    if (hasProgressDeadline(d) && !getDeploymentCondition(d.status, 'Progressing')) {
      const msg = `Found new replica set "${existing.metadata.name}"`;
      setDeploymentCondition((d.status ??= {}), newDeploymentCondition('Progressing', 'True', FOUND_NEW_RS_REASON, msg, ctx.now));
    }
    return existing;
  }
  if (!createIfNotExisted || ctx.aborted) return undefined;
  return createNewReplicaSet(ctx, oldRSs, newRevision);
}

/**
 * Creates `<deployment>-<hash>` with the hash label on its labels, selector and template. A
 * same-named RS that is not ours or has another template is a hash collision: upstream bumps
 * status.collisionCount (which changes the hash) and retries on the next sync.
 */
function createNewReplicaSet(ctx: SyncContext, oldRSs: WorkingRS[], newRevision: string): WorkingRS | undefined {
  const { d } = ctx;
  const template = copyJson(d.spec!.template);
  const hash = computeHash(template, d.status?.collisionCount);
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  template.metadata = { ...template.metadata, labels };
  const name = `${d.metadata.name}-${hash}`;
  const clash = ctx.lookup(name);
  if (clash) {
    const ours = clash.metadata.ownerReferences?.some((r) => r.controller === true && r.uid === d.metadata.uid);
    if (!(ours && equalIgnoreHash(d.spec!.template, (clash as WorkingRS).spec?.template))) {
      const status = (d.status ??= {});
      status.collisionCount = (status.collisionCount ?? 0) + 1;
      ctx.aborted = `hash collision on replica set "${name}"`;
    }
    return undefined;
  }
  const selector = copyJson(d.spec!.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const rs: WorkingRS = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      namespace: d.metadata.namespace,
      labels: { ...labels },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds, selector, template },
  };
  const replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  rs.spec!.replicas = replicas;
  setNewReplicaSetAnnotations(d, rs, newRevision, false);
  created(ctx, rs);
  if (replicas > 0) recordEvent(ctx, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name} from 0 to ${replicas}`);
  setDeploymentRevision(d, newRevision);
  if (hasProgressDeadline(d)) {
    const msg = `Created new replica set "${name}"`;
    setDeploymentCondition((d.status ??= {}), newDeploymentCondition('Progressing', 'True', NEW_REPLICA_SET_REASON, msg, ctx.now));
  }
  return rs;
}

/** cleanupDeployment: delete the oldest scaled-down RSs beyond revisionHistoryLimit. */
export function cleanupDeployment(ctx: SyncContext, oldRSs: WorkingRS[]): void {
  const { d } = ctx;
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - d.spec!.revisionHistoryLimit!;
  if (diff <= 0) return;
  const sorted = sortByRevision(cleanable);
  for (let i = 0; i < diff; i++) {
    const rs = sorted[i]!;
    // Only RSs that are scaled down, have no pods left and whose scale-down was observed.
    const observed = rs.status?.observedGeneration ?? 0;
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > observed) continue;
    if (!ctx.deletes.includes(rsKey(rs))) ctx.deletes.push(rsKey(rs));
  }
}

/** calculateStatus: counts from the RSs, and the Available condition against maxUnavailable. */
export function calculateStatus(ctx: SyncContext, allRSs: (WorkingRS | undefined)[], newRS: WorkingRS | undefined): DeploymentStatus {
  const { d } = ctx;
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  const unavailable = Math.max(0, getReplicaCountForReplicaSets(allRSs) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: getActualReplicaCountForReplicaSets(allRSs),
    updatedReplicas: getActualReplicaCountForReplicaSets([newRS]),
    readyReplicas: getReadyReplicaCountForReplicaSets(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
    collisionCount: d.status?.collisionCount,
    conditions: d.status?.conditions ? [...d.status.conditions] : undefined,
  };
  if (available >= specReplicas(d) - maxUnavailable(d)) {
    const c = newDeploymentCondition('Available', 'True', MINIMUM_REPLICAS_AVAILABLE, 'Deployment has minimum availability.', ctx.now);
    setDeploymentCondition(status, c);
  } else {
    const c = newDeploymentCondition('Available', 'False', MINIMUM_REPLICAS_UNAVAILABLE, 'Deployment does not have minimum availability.', ctx.now);
    setDeploymentCondition(status, c);
  }
  return stripUndefined(status);
}

/**
 * `o` without its undefined fields, as a new object with the same key order (the written JSON
 * depends on it). Copied rather than `delete`d in place: deleting turns an object into a slow
 * dictionary-mode one, and this status goes on to be compared, copied and stored.
 */
export function stripUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

/** syncDeploymentStatus: the status for a scaling or paused sync (no progress estimate). */
export function syncDeploymentStatus(ctx: SyncContext, allRSs: (WorkingRS | undefined)[], newRS: WorkingRS | undefined): void {
  ctx.d.status = calculateStatus(ctx, allRSs, newRS);
}

/** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
export function checkPausedConditions(ctx: SyncContext): void {
  const { d } = ctx;
  if (!hasProgressDeadline(d)) return;
  const cond = getDeploymentCondition(d.status, 'Progressing');
  if (cond?.reason === TIMED_OUT_REASON) return; // a reported timeout is not overwritten
  const pausedCondExists = cond?.reason === PAUSED_DEPLOY_REASON;
  if (d.spec?.paused && !pausedCondExists) {
    const c = newDeploymentCondition('Progressing', 'Unknown', PAUSED_DEPLOY_REASON, 'Deployment is paused', ctx.now);
    setDeploymentCondition((d.status ??= {}), c);
  } else if (!d.spec?.paused && pausedCondExists) {
    const c = newDeploymentCondition('Progressing', 'Unknown', RESUMED_DEPLOY_REASON, 'Deployment is resumed', ctx.now);
    setDeploymentCondition((d.status ??= {}), c);
  }
}

/** isScalingEvent: an active RS was last sized for another spec.replicas. */
export function isScalingEvent(ctx: SyncContext): boolean {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, false);
  return filterActive([...oldRSs, newRS]).some((rs) => {
    const desired = getDesiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== specReplicas(ctx.d);
  });
}

/** sync: scaling events and paused deployments — scale, clean up when paused, report status. */
export function sync(ctx: SyncContext): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, false);
  scale(ctx, newRS, oldRSs);
  if (ctx.d.spec?.paused) cleanupDeployment(ctx, oldRSs);
  syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS);
}

/** syncStatusOnly: a deployment being deleted only reports status. */
export function syncStatusOnly(ctx: SyncContext): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, false);
  syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS);
}

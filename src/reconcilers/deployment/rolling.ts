/**
 * RollingUpdate: grow the new ReplicaSet within maxSurge, shrink the old ones within
 * maxUnavailable, one step per sync, so that at every step
 *   total pods (spec)  <= replicas + maxSurge        and
 *   available pods     >= replicas - maxUnavailable  (once reached).
 *
 * @see kubernetes/kubernetes pkg/controller/deployment/rolling.go
 */
import { deploymentComplete } from './conditions.js';
import type { SyncContext, WorkingRS } from './context.js';
import { syncRolloutStatus } from './progress.js';
import { filterActive, sortByCreationTimestamp } from './replica-sets.js';
import { scaleReplicaSetAndRecordEvent } from './scale.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision } from './sync.js';
import {
  getAvailableReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  maxUnavailable,
  newRSNewReplicas,
  specReplicas,
} from './util.js';

/** rolloutRolling: scale up if we can, else scale down if we can, else clean up; then status. */
export function rolloutRolling(ctx: SyncContext): void {
  const { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, true);
  if (!newRS) return; // hash collision: the bumped collisionCount is written, the next sync retries
  const allRSs = [...oldRSs, newRS];
  if (reconcileNewReplicaSet(ctx, allRSs, newRS)) return syncRolloutStatus(ctx, allRSs, newRS);
  if (reconcileOldReplicaSets(ctx, allRSs, filterActive(oldRSs), newRS)) return syncRolloutStatus(ctx, allRSs, newRS);
  if (deploymentComplete(ctx.d, ctx.d.status ?? {})) cleanupDeployment(ctx, oldRSs);
  syncRolloutStatus(ctx, allRSs, newRS);
}

/** reconcileNewReplicaSet: shrink a too-large new RS, or grow it by what NewRSNewReplicas allows. */
export function reconcileNewReplicaSet(ctx: SyncContext, allRSs: WorkingRS[], newRS: WorkingRS): boolean {
  const replicas = specReplicas(ctx.d);
  if (specReplicas(newRS) === replicas) return false;
  if (specReplicas(newRS) > replicas) return scaleReplicaSetAndRecordEvent(ctx, newRS, replicas);
  return scaleReplicaSetAndRecordEvent(ctx, newRS, newRSNewReplicas(ctx.d, allRSs, newRS));
}

/**
 * reconcileOldReplicaSets. How far old RSs may shrink:
 *   maxScaledDown = allPods - minAvailable - newRSUnavailable
 * counting the new RS's unavailable pods, so that a new RS that never becomes available does not
 * let the old ones shrink any further. Example: 10 replicas, maxUnavailable 2, maxSurge 3; old 8,
 * new 5 all crash-looping: 13 - 8 - 5 = 0, nothing more is scaled down. After `rollout undo`
 * the old RS is the new one (1 unavailable): 13 - 8 - 1 = 4 crash-looping pods go.
 * Unhealthy old replicas go first (cleanupUnhealthyReplicas), then old ones by availability.
 */
export function reconcileOldReplicaSets(ctx: SyncContext, allRSs: WorkingRS[], oldRSs: WorkingRS[], newRS: WorkingRS): boolean {
  if (getReplicaCountForReplicaSets(oldRSs) === 0) return false;
  const allPods = getReplicaCountForReplicaSets(allRSs);
  const minAvailable = specReplicas(ctx.d) - maxUnavailable(ctx.d);
  const newRSUnavailable = specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  const { oldRSs: cleaned, cleanupCount } = cleanupUnhealthyReplicas(ctx, oldRSs, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(ctx, [...cleaned, newRS], cleaned);
  return cleanupCount + scaledDown > 0;
}

/**
 * cleanupUnhealthyReplicas: oldest first, remove each old RS's unavailable replicas, up to
 * `maxCleanupCount` in all. The ReplicaSet controller deletes not-ready pods first, so this never
 * lowers availability.
 */
export function cleanupUnhealthyReplicas(
  ctx: SyncContext,
  oldRSs: WorkingRS[],
  maxCleanupCount: number,
): { oldRSs: WorkingRS[]; cleanupCount: number } {
  const sorted = sortByCreationTimestamp(oldRSs);
  let total = 0;
  for (const rs of sorted) {
    if (total >= maxCleanupCount) break;
    const replicas = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanupCount - total, replicas - available);
    scaleReplicaSetAndRecordEvent(ctx, rs, replicas - count);
    total += count;
  }
  return { oldRSs: sorted, cleanupCount: total };
}

/**
 * scaleDownOldReplicaSetsForRollingUpdate: oldest first, remove as many old replicas as the
 * available pods above minAvailable allow. Example: 10 replicas, maxUnavailable 2, 11 available
 * → 11 - 8 = 3 old replicas may go.
 */
export function scaleDownOldReplicaSetsForRollingUpdate(ctx: SyncContext, allRSs: WorkingRS[], oldRSs: WorkingRS[]): number {
  const minAvailable = specReplicas(ctx.d) - maxUnavailable(ctx.d);
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  if (available <= minAvailable) return 0;
  const totalScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of sortByCreationTimestamp(oldRSs)) {
    if (total >= totalScaleDown) break;
    const replicas = specReplicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, totalScaleDown - total);
    scaleReplicaSetAndRecordEvent(ctx, rs, replicas - count);
    total += count;
  }
  return total;
}

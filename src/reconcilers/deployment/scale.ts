/**
 * Scaling ReplicaSets on a Deployment's behalf: one RS (with the ScalingReplicaSet event and the
 * desired/max replica annotations), and the proportional scaling of all active RSs when the
 * deployment's size changes mid-rollout or while paused.
 *
 * @see kubernetes/kubernetes pkg/controller/deployment/sync.go (scale, scaleReplicaSet)
 */
import { recordEvent, touch, type SyncContext, type WorkingRS } from './context.js';
import { compareByCreationTimestamp, filterActive, sortBySizeNewer, sortBySizeOlder } from './replica-sets.js';
import {
  getProportion,
  getReplicaCountForReplicaSets,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  replicasAnnotationsNeedUpdate,
  setReplicasAnnotations,
  specReplicas,
} from './util.js';

/** scaleReplicaSet: sets the size and the replica annotations; events only for size changes. */
export function scaleReplicaSet(ctx: SyncContext, rs: WorkingRS, newScale: number, operation: string): boolean {
  const { d } = ctx;
  const desired = specReplicas(d);
  const max = desired + maxSurge(d);
  const sizeNeedsUpdate = specReplicas(rs) !== newScale;
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return false;
  const oldScale = specReplicas(rs);
  rs.spec!.replicas = newScale;
  setReplicasAnnotations(rs, desired, max);
  touch(ctx, rs);
  if (!sizeNeedsUpdate) return false;
  recordEvent(ctx, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${rs.metadata.name} from ${oldScale} to ${newScale}`);
  return true;
}

/** scaleReplicaSetAndRecordEvent: nothing to do at the same size. */
export function scaleReplicaSetAndRecordEvent(ctx: SyncContext, rs: WorkingRS, newScale: number): boolean {
  if (specReplicas(rs) === newScale) return false;
  return scaleReplicaSet(ctx, rs, newScale, specReplicas(rs) < newScale ? 'up' : 'down');
}

/**
 * scale: one active RS (or none: the newest) takes the whole size; a saturated new RS means the
 * old ones go to 0; otherwise a RollingUpdate spreads the difference between the allowed size
 * (replicas + maxSurge) and the current total over the active RSs in proportion to their size,
 * the leftover going to the first (largest) one. Example: 10 → 15 replicas with maxSurge 3,
 * old RS 8 and new RS 5 (total 13, annotated max 13): allowed 18, 5 to add; old gets
 * round(8 × 18 / 13) - 8 = 3, new gets min(round(5 × 18 / 13) - 5, 2) = 2 → 11 and 7.
 */
export function scale(ctx: SyncContext, newRS: WorkingRS | undefined, oldRSs: WorkingRS[]): void {
  const { d } = ctx;
  const replicas = specReplicas(d);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (specReplicas(activeOrLatest) !== replicas) scaleReplicaSetAndRecordEvent(ctx, activeOrLatest, replicas);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) scaleReplicaSetAndRecordEvent(ctx, old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const active = filterActive([...oldRSs, newRS]);
  const allowed = replicas > 0 ? replicas + maxSurge(d) : 0;
  const toAdd = allowed - getReplicaCountForReplicaSets(active);
  const ordered = toAdd > 0 ? sortBySizeNewer(active) : toAdd < 0 ? sortBySizeOlder(active) : active;
  const operation = toAdd > 0 ? 'up' : toAdd < 0 ? 'down' : '';
  let added = 0;
  const sizes = ordered.map((rs) => {
    if (toAdd === 0) return specReplicas(rs);
    const proportion = getProportion(rs, d, toAdd, added);
    added += proportion;
    return specReplicas(rs) + proportion;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  ordered.forEach((rs, i) => scaleReplicaSet(ctx, rs, sizes[i]!, operation));
}

/** FindActiveOrLatest: the only active RS, or the newest when none is active; else undefined. */
export function findActiveOrLatest(newRS: WorkingRS | undefined, oldRSs: WorkingRS[]): WorkingRS | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const active = filterActive([...oldRSs, newRS]);
  if (active.length === 1) return active[0];
  if (active.length > 1) return undefined;
  return newRS ?? [...oldRSs].sort((a, b) => compareByCreationTimestamp(b, a))[0];
}

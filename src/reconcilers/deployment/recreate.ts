/**
 * Recreate: scale every old ReplicaSet to 0, wait until none of their pods is left (a pod still
 * terminating counts), and only then create and scale up the new ReplicaSet — so old and new
 * pods never run side by side.
 *
 * @see kubernetes/kubernetes pkg/controller/deployment/recreate.go
 */
import type { Pod } from '../../model/types.js';
import { deploymentComplete } from './conditions.js';
import type { SyncContext, WorkingRS } from './context.js';
import { syncRolloutStatus } from './progress.js';
import { filterActive } from './replica-sets.js';
import { scaleReplicaSetAndRecordEvent } from './scale.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision } from './sync.js';
import { getActualReplicaCountForReplicaSets, specReplicas } from './util.js';

/** Pods of the deployment grouped by the uid of their controlling ReplicaSet, in RS order. */
export type PodMap = readonly { readonly rsUid: string; readonly pods: readonly Pod[] }[];

export function rolloutRecreate(ctx: SyncContext, podMap: PodMap): void {
  // Do not create the new RS yet: that would scale up before the old ones are down.
  let { newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, false);
  let allRSs = [...oldRSs, newRS];
  if (scaleDownOldReplicaSetsForRecreate(ctx, filterActive(oldRSs))) return syncRolloutStatus(ctx, allRSs, newRS);
  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(ctx, allRSs, newRS);
  if (!newRS) {
    ({ newRS, oldRSs } = getAllReplicaSetsAndSyncRevision(ctx, true));
    allRSs = [...oldRSs, newRS];
    if (!newRS) return; // hash collision: retried on the next sync
  }
  scaleReplicaSetAndRecordEvent(ctx, newRS, specReplicas(ctx.d));
  if (deploymentComplete(ctx.d, ctx.d.status ?? {})) cleanupDeployment(ctx, oldRSs);
  syncRolloutStatus(ctx, allRSs, newRS);
}

function scaleDownOldReplicaSetsForRecreate(ctx: SyncContext, oldRSs: WorkingRS[]): boolean {
  let scaled = false;
  for (const rs of oldRSs) {
    if (specReplicas(rs) !== 0 && scaleReplicaSetAndRecordEvent(ctx, rs, 0)) scaled = true;
  }
  return scaled;
}

/**
 * oldPodsRunning: an old RS still reports pods, or a pod of an old RS is not Succeeded or Failed
 * (Unknown counts as running: the node may merely be unreachable).
 */
export function oldPodsRunning(newRS: WorkingRS | undefined, oldRSs: WorkingRS[], podMap: PodMap): boolean {
  if (getActualReplicaCountForReplicaSets(oldRSs) > 0) return true;
  for (const { rsUid, pods } of podMap) {
    if (newRS && newRS.metadata.uid === rsUid) continue;
    for (const pod of pods) {
      const phase = pod.status?.phase;
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}

/**
 * The Deployment controller (`deployment-controller`): owns ReplicaSets named
 * `<deployment>-<pod-template-hash>` and moves pods from old to new ones by the deployment's
 * strategy, reporting progress in the deployment's status and conditions.
 *
 * Upstream's expectations and informer caches are not needed: the sim applies a reconcile's
 * actions before any other reconcile runs, so every reconcile sees fresh state.
 *
 * @see kubernetes/kubernetes pkg/controller/deployment/deployment_controller.go
 */
import { labelSelectorAsSelector } from '../../model/labels/label-selector.js';
import type { Reconciler, ReconcileContext, ReconcileResult, WatchMapper } from '../../model/reconcile.js';
import { getObject, listObjects, objectKey, splitObjectKey, type ClusterState } from '../../model/store.js';
import { reconcileNowMs } from '../controller-utils.js';
import type { Deployment, OwnerReference, Pod, StoredObject } from '../../model/types.js';
import { copyJson } from '../../model/json.js';
import { finish, newSyncContext, touch, workingCopy, type SyncContext, type WorkingRS } from './context.js';
import { rolloutRecreate, type PodMap } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { checkPausedConditions, isScalingEvent, sync, syncStatusOnly } from './sync.js';

export { rollbackTemplate, rolloutHistory, RolloutHistoryError, CHANGE_CAUSE_ANNOTATION } from './history.js';
export type { RollbackResult, RolloutRevision } from './history.js';
export { computeHash, POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';

const NAME = 'deployment-controller';

const controllerOf = (o: StoredObject | undefined): OwnerReference | undefined =>
  o?.metadata.ownerReferences?.find((r) => r.controller === true);

/** The deployment a controllerRef points at, if it still exists with that uid. */
function resolveDeployment(state: ClusterState, namespace: string | undefined, ref: OwnerReference | undefined): string[] {
  if (!ref || ref.kind !== 'Deployment') return [];
  const d = getObject(state, 'Deployment', namespace, ref.name);
  return d && d.metadata.uid === ref.uid ? [objectKey(namespace, ref.name)] : [];
}

/** Deployments whose selector matches an orphan ReplicaSet's labels (adoption candidates). */
function deploymentsSelecting(state: ClusterState, rs: StoredObject): string[] {
  const out: string[] = [];
  for (const d of listObjects(state, 'Deployment', rs.metadata.namespace)) {
    try {
      const sel = labelSelectorAsSelector((d as Deployment).spec?.selector);
      if (!sel.empty() && sel.matches(rs.metadata.labels)) out.push(objectKey(d.metadata.namespace, d.metadata.name));
    } catch {
      // An invalid selector selects nothing.
    }
  }
  return out;
}

/** addReplicaSet / updateReplicaSet / deleteReplicaSet: old and new controller, or matching deployments for orphans. */
const replicaSetMapper: WatchMapper = (change, state) => {
  const obj = (change.object ?? change.oldObject)!;
  const ns = obj.metadata.namespace;
  const keys = new Set<string>();
  for (const o of [change.oldObject, change.object]) for (const k of resolveDeployment(state, ns, controllerOf(o))) keys.add(k);
  if (change.object && !controllerOf(change.object)) for (const k of deploymentsSelecting(state, change.object)) keys.add(k);
  return [...keys].sort();
};

/** deletePod: a Recreate rollout waits for old pods to be gone, so their deletion wakes it. */
const podMapper: WatchMapper = (change, state) => {
  if (change.object || !change.oldObject) return [];
  const pod = change.oldObject;
  const ref = controllerOf(pod);
  if (!ref || ref.kind !== 'ReplicaSet') return [];
  const rs = getObject(state, 'ReplicaSet', pod.metadata.namespace, ref.name);
  if (!rs || rs.metadata.uid !== ref.uid) return [];
  const dRef = controllerOf(rs);
  const keys = resolveDeployment(state, pod.metadata.namespace, dRef);
  if (keys.length === 0) return [];
  const d = getObject(state, 'Deployment', pod.metadata.namespace, dRef!.name) as Deployment | undefined;
  return d?.spec?.strategy?.type === 'Recreate' ? keys : [];
};

/**
 * getReplicaSetsForDeployment with ClaimReplicaSets: owned RSs whose labels still match are
 * kept and the others released; orphans that match are adopted (unless either side is being
 * deleted). Adoption and release are ownerReference updates.
 */
function claimReplicaSets(ctx: SyncContext, rctx: ReconcileContext): void {
  const { d } = ctx;
  let selector;
  try {
    selector = labelSelectorAsSelector(d.spec?.selector);
  } catch {
    return;
  }
  const deleting = Boolean(d.metadata.deletionTimestamp);
  const uid = d.metadata.uid!;
  for (const stored of rctx.index.list('ReplicaSet', 'controller', uid)) {
    if (stored.metadata.namespace !== d.metadata.namespace) continue;
    const rs = workingCopy<WorkingRS>(stored);
    if (selector.matches(rs.metadata.labels)) ctx.rsList.push(rs);
    else if (!deleting) {
      rs.metadata.ownerReferences = rs.metadata.ownerReferences!.filter((r) => r.uid !== uid);
      touch(ctx, rs);
    }
  }
  if (deleting) return;
  let adopted = false;
  for (const stored of rctx.index.list('ReplicaSet', 'orphan', d.metadata.namespace ?? 'default')) {
    if (stored.metadata.deletionTimestamp || !selector.matches(stored.metadata.labels)) continue;
    const rs = workingCopy<WorkingRS>(stored);
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid, controller: true, blockOwnerDeletion: true };
    rs.metadata.ownerReferences = [...(rs.metadata.ownerReferences ?? []), ref];
    touch(ctx, rs);
    ctx.rsList.push(rs);
    adopted = true;
  }
  // The index lists come sorted by key, which within the deployment's namespace is name order:
  // only adopted orphans, appended after the owned ones, can leave the list out of order.
  if (adopted) ctx.rsList.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/** getPodMapForDeployment: the deployment's pods by controlling RS (Recreate reads it). */
function podMapFor(ctx: SyncContext, rctx: ReconcileContext): PodMap {
  let selector;
  try {
    selector = labelSelectorAsSelector(ctx.d.spec?.selector);
  } catch {
    return [];
  }
  return ctx.rsList
    .filter((rs) => rs.metadata.uid)
    .map((rs) => ({
      rsUid: rs.metadata.uid!,
      pods: rctx.index.list('Pod', 'controller', rs.metadata.uid!).filter((p) => selector.matches(p.metadata.labels)) as Pod[],
    }));
}

/** syncDeployment: deleted → status only; paused → sync; scaling event → sync; else roll out. */
function reconcile(state: ClusterState, key: string, rctx: ReconcileContext): ReconcileResult {
  const { namespace, name } = splitObjectKey(key);
  const stored = getObject(state, 'Deployment', namespace, name);
  if (!stored) return { actions: [] };
  const lookup = (rsName: string) => getObject(state, 'ReplicaSet', namespace, rsName);
  const ctx = newSyncContext(stored, [], rctx.now, reconcileNowMs(rctx.now), lookup);
  claimReplicaSets(ctx, rctx);
  const d = ctx.d;
  if (d.metadata.deletionTimestamp) syncStatusOnly(ctx);
  else {
    checkPausedConditions(ctx);
    if (d.spec?.paused || isScalingEvent(ctx)) sync(ctx);
    else if (d.spec?.strategy?.type === 'Recreate') rolloutRecreate(ctx, podMapFor(ctx, rctx));
    else rolloutRolling(ctx);
  }
  const actions = finish(ctx);
  return ctx.requeueAfterMs === undefined ? { actions } : { actions, requeueAfterMs: ctx.requeueAfterMs };
}

/** The Deployment controller. Register it with the ReplicaSet controller to get pods. */
export function deploymentController(): Reconciler {
  return {
    name: NAME,
    watches: { Deployment: 'self', ReplicaSet: replicaSetMapper, Pod: podMapper },
    reconcile,
  };
}

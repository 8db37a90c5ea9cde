/**
 * The ReplicaSet controller (and, through `replicaSetKindController`, the ReplicationController
 * one, which upstream runs as the same code on converted objects): keeps spec.replicas active
 * pods matching the selector, adopting matching orphans and releasing pods whose labels
 * stopped matching, and reports the counts in status.
 *
 * A sync, as syncReplicaSet does it: list the active pods owned by the controller or orphaned
 * in its namespace; claim them (PodControllerRefManager); unless the controller is being
 * deleted, create the missing pods in slow-start batches (1, 2, 4, ...) or delete the surplus,
 * preferring pods early in their startup (getPodsToDelete), at most 500 either way per sync;
 * then write the status if it changed.
 *
 * Cost: a sync usually follows one pod's change (or the controller's own status write), so the
 * active candidates, the claim and the status counts are patched from the controller's previous
 * sync with the pods that changed since (replica-set-memo.ts; one memo per controller instance,
 * so per cluster).
 *
 * Not modelled: the FailedCreate / FailedDelete Events and the ReplicaFailure condition. A
 * reconcile returns its API calls as data and never sees whether they failed (the sim retries
 * the key with backoff instead), so only the successful path's Events are produced.
 *
 * Upstream's expectations (ExpectCreations / ExpectDeletions) exist because an informer may
 * not yet show the pods a previous sync created. Here a reconcile's actions are committed before
 * any other reconcile runs, so the state is always fresh and expectations are not needed.
 *
 * @see kubernetes/kubernetes pkg/controller/replicaset/replica_set.go
 */
import { labelSelectorAsSelector } from '../model/labels/label-selector.js';
import type { Selector } from '../model/labels/selector.js';
import {
  slowStartBatches,
  type Action,
  type ReconcileContext,
  type ReconcileResult,
  type Reconciler,
  type WatchMapper,
} from '../model/reconcile.js';
import { jsonEqual } from '../model/json.js';
import { getObject, listObjects, objectKey, splitObjectKey, type Change, type ClusterState } from '../model/store.js';
import type { LabelSelector, OwnerReference, Pod, PodTemplateSpec, StoredObject } from '../model/types.js';
import {
  activePodsWithRanksLess,
  BURST_REPLICAS,
  comparatorOf,
  generatePodName,
  getControllerOf,
  getPodFromTemplate,
  getPodReadyCondition,
  isPodActive,
  newControllerRef,
  reconcileNowMs,
  resolveControllerRef,
  type RankedPod,
} from './controller-utils.js';
import { activeIn, claimCandidates, ownedActive, ReplicaSetMemo, type ControllerMemo } from './replica-set-memo.js';
import { calculateStatus, nextAvailabilityCheckMs, statusToWrite } from './replica-set-status.js';
import { REPLICATION_CONTROLLER_KIND } from './replication-controller.js';

/** What differs between the ReplicaSet and ReplicationController instantiations. */
export interface ReplicaSetKind {
  readonly kind: 'ReplicaSet' | 'ReplicationController';
  /** apiVersion written into the pods' controllerRef. */
  readonly apiVersion: string;
  /** The reconciler's name. */
  readonly controllerName: string;
  /** The Events' source component. */
  readonly eventSource: string;
  /** The pod selector, or undefined when it does not compile (then the object is skipped). */
  selectorOf(obj: StoredObject): Selector | undefined;
}

interface Spec {
  replicas?: number;
  minReadySeconds?: number;
  template?: PodTemplateSpec;
}

const specOf = (obj: StoredObject): Spec => (obj.spec ?? {}) as Spec;

/**
 * getPodsToDelete: the `count` pods to delete first. Each pod is ranked by how many active
 * related pods (those of the sibling ReplicaSets under the same owner, e.g. a Deployment's)
 * share its node, then the ranked list is sorted by ActivePodsWithRanks. Sorting is stable, so
 * equal pods keep name order (upstream's unstable sort leaves that to chance).
 */
export function getPodsToDelete<P extends Pod>(
  pods: readonly P[],
  related: readonly Pod[],
  count: number,
  nowEpochMs: number | undefined,
): P[] {
  if (count >= pods.length) return pods.slice(0, count);
  const podsOnNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const node = p.spec?.nodeName ?? '';
    podsOnNode.set(node, (podsOnNode.get(node) ?? 0) + 1);
  }
  const ranked: RankedPod<P>[] = pods.map((pod) => ({ pod, rank: podsOnNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort(comparatorOf<RankedPod>((a, b) => activePodsWithRanksLess(a, b, nowEpochMs)));
  return ranked.slice(0, count).map((r) => r.pod);
}

/**
 * The pods of `namespace` that `selector` selects (upstream: podLister.Pods(ns).List(selector)).
 * The index's label lookup narrows them to the pods carrying the selector's key=value
 * requirements (all of the namespace when it has none); the full selector then filters.
 */
function podsSelectedBy(ctx: ReconcileContext, namespace: string, selector: Selector): StoredObject[] {
  const matchLabels: Record<string, string> = {};
  for (const r of selector.requirements()) {
    if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) matchLabels[r.key] = r.values[0]!;
  }
  const out: StoredObject[] = [];
  for (const pod of ctx.index.select('Pod', namespace, matchLabels)) if (selector.matches(pod.metadata.labels)) out.push(pod);
  return out;
}

/**
 * getIndirectlyRelatedPods: the pods selected by every controller of this kind that shares this
 * one's owner (deduplicated by uid). A controller without an owner has none, so its pods' ranks
 * are all 0 and co-location plays no part, exactly as upstream.
 */
function getIndirectlyRelatedPods(k: ReplicaSetKind, rs: StoredObject, ctx: ReconcileContext): Pod[] {
  const owner = getControllerOf(rs);
  if (!owner) return [];
  const seen = new Set<string>();
  const related: Pod[] = [];
  for (const sibling of ctx.index.list(k.kind, 'controller', owner.uid)) {
    const selector = k.selectorOf(sibling);
    if (!selector || !sibling.metadata.namespace) continue;
    for (const pod of podsSelectedBy(ctx, sibling.metadata.namespace, selector)) {
      if (seen.has(pod.metadata.uid)) continue;
      seen.add(pod.metadata.uid);
      related.push(pod as Pod);
    }
  }
  return related;
}

interface Managed {
  readonly creates: readonly Action[][];
  readonly deletes: readonly Action[];
}

function podEvent(k: ReplicaSetKind, rs: StoredObject, reason: string, message: string): Action {
  const { name, namespace, uid } = rs.metadata;
  return {
    verb: 'event',
    event: { involvedObject: { kind: k.kind, namespace, name, uid }, type: 'Normal', reason, message, source: k.eventSource },
  };
}

/**
 * manageReplicas: too few pods → create min(missing, 500), each with its SuccessfulCreate
 * Event; too many → delete min(surplus, 500) chosen by getPodsToDelete, each with its
 * SuccessfulDelete Event. Creates come back as [pod, event] pairs for the slow-start layout.
 */
function manageReplicas(
  k: ReplicaSetKind,
  state: ClusterState,
  rs: StoredObject,
  pods: readonly (StoredObject & Pod)[],
  ctx: ReconcileContext,
  nowEpochMs: number,
): Managed {
  const spec = specOf(rs);
  const diff = pods.length - (spec.replicas ?? 1);
  const namespace = rs.metadata.namespace ?? 'default';
  if (diff < 0) {
    const ref: OwnerReference = newControllerRef(rs, k.apiVersion, k.kind);
    const drawn = new Set<string>();
    const creates: Action[][] = [];
    for (let i = 0; i < Math.min(-diff, BURST_REPLICAS); i++) {
      const pod = getPodFromTemplate(spec.template, rs, ref);
      const name = generatePodName(pod.metadata!.generateName!, ctx.rng, (n) => drawn.has(n) || getObject(state, 'Pod', namespace, n) !== undefined);
      drawn.add(name);
      pod.metadata!.name = name;
      creates.push([{ verb: 'create', object: pod }, podEvent(k, rs, 'SuccessfulCreate', `Created pod: ${name}`)]);
    }
    return { creates, deletes: [] };
  }
  if (diff > 0) {
    const victims = getPodsToDelete(pods, getIndirectlyRelatedPods(k, rs, ctx), Math.min(diff, BURST_REPLICAS), nowEpochMs);
    const deletes: Action[] = [];
    for (const pod of victims) {
      deletes.push({ verb: 'delete', kind: 'Pod', key: `${namespace}/${pod.metadata.name}` });
      deletes.push(podEvent(k, rs, 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`));
    }
    return { creates: [], deletes };
  }
  return { creates: [], deletes: [] };
}

/**
 * Orders a sync's actions into groups for the sim's slow-start application:
 * [claims] [status] [creates of batch 1] [events of batch 1 + creates of batch 2] ... [events
 * of the last batch], then the deletes with their Events. A failed group stops every later one,
 * so a failed claim skips pod management and the status write (upstream returns early too), a
 * failed create skips the later batches, and an Event is never recorded for a create that was
 * not attempted or that failed in an earlier group.
 */
function layout(claims: readonly Action[], status: Action | undefined, m: Managed): { actions: Action[]; batches: number[] } {
  const actions: Action[] = [...claims];
  const batches: number[] = claims.length > 0 ? [claims.length] : [];
  if (status) {
    actions.push(status);
    batches.push(1);
  }
  let next = 0;
  let pendingEvents: Action[] = [];
  for (const size of slowStartBatches(m.creates.length)) {
    const group = m.creates.slice(next, next + size);
    next += size;
    actions.push(...pendingEvents, ...group.map((pair) => pair[0]!));
    batches.push(pendingEvents.length + size);
    pendingEvents = group.map((pair) => pair[1]!);
  }
  if (pendingEvents.length > 0) {
    actions.push(...pendingEvents);
    batches.push(pendingEvents.length);
  }
  actions.push(...m.deletes);
  return { actions, batches };
}

/**
 * The claim candidates, in name order: the active pods the controller owns and the active
 * orphans of its namespace. Both index lists come sorted by key, which within one namespace is
 * name order, so the two are merged rather than concatenated and sorted again.
 */
function activeCandidates(ctx: ReconcileContext, memo: ControllerMemo, uid: string, ns: string): readonly (StoredObject & Pod)[] {
  const owned = ownedActive(memo, ctx.index.list('Pod', 'controller', uid), ns);
  const orphans = activeIn(ctx.index.list('Pod', 'orphan', ns), ns);
  if (orphans.length === 0) return owned;
  if (owned.length === 0) return orphans;
  const out: (StoredObject & Pod)[] = [];
  let i = 0;
  let j = 0;
  while (i < owned.length && j < orphans.length) out.push(owned[i]!.metadata.name < orphans[j]!.metadata.name ? owned[i++]! : orphans[j++]!);
  while (i < owned.length) out.push(owned[i++]!);
  while (j < orphans.length) out.push(orphans[j++]!);
  return out;
}

/** syncReplicaSet for one key; `memo` is the controller instance's (see ReplicaSetMemo). */
export function syncReplicaSet(k: ReplicaSetKind, state: ClusterState, key: string, ctx: ReconcileContext, memo: ReplicaSetMemo = new ReplicaSetMemo()): ReconcileResult {
  const { namespace, name } = splitObjectKey(key);
  const rs = getObject(state, k.kind, namespace, name);
  if (!rs) {
    memo.forget(key);
    return { actions: [] };
  }
  const selector = k.selectorOf(rs);
  if (!selector) return { actions: [] };
  const ns = rs.metadata.namespace ?? 'default';
  const entry = memo.entry(key, rs.metadata.uid);
  const candidates = activeCandidates(ctx, entry, rs.metadata.uid, ns);
  const { claimed, actions: claims } = claimCandidates(entry, rs, selector, candidates, () => newControllerRef(rs, k.apiVersion, k.kind));
  const nowEpochMs = reconcileNowMs(ctx.now);
  const managed = rs.metadata.deletionTimestamp ? { creates: [], deletes: [] } : manageReplicas(k, state, rs, claimed, ctx, nowEpochMs);
  const status = statusToWrite(rs, calculateStatus(rs, claimed, nowEpochMs, memo.counts.countsFor(key, rs, claimed)));
  const statusAction: Action | undefined = status && { verb: 'updateStatus', object: { ...rs, status } };
  const { actions, batches } = layout(claims, statusAction, managed);
  const requeueAfterMs = nextAvailabilityCheckMs(claimed, specOf(rs).minReadySeconds ?? 0, nowEpochMs);
  const result: ReconcileResult = batches.length > 0 ? { actions, batches } : { actions };
  return requeueAfterMs === undefined ? result : { ...result, requeueAfterMs };
}

/**
 * getPodReplicaSets: the controllers in the pod's namespace whose selector matches its labels. A
 * pod without labels matches none, and an empty selector matches nothing here.
 */
function controllersSelecting(k: ReplicaSetKind, pod: StoredObject, state: ClusterState): string[] {
  const labels = pod.metadata.labels;
  if (!labels || Object.keys(labels).length === 0) return [];
  const keys: string[] = [];
  for (const rs of listObjects(state, k.kind, pod.metadata.namespace ?? 'default')) {
    const selector = k.selectorOf(rs);
    if (selector && !selector.empty() && selector.matches(labels)) keys.push(objectKey(rs.metadata.namespace, rs.metadata.name));
  }
  return keys;
}

/**
 * The pod event handlers (addPod / updatePod / deletePod) as a watch mapper: a pod with a
 * controllerRef wakes that controller only (if it is of this kind and still the same object);
 * an orphan that appears, or whose labels or controllerRef change, wakes every controller
 * selecting it, so one can adopt it; a changed controllerRef also wakes the previous owner.
 * Upstream's delayed re-sync after a pod turns ready is the reconcile's requeueAfterMs instead.
 */
export function podToControllerKeys(k: ReplicaSetKind, change: Change, state: ClusterState): string[] {
  const cur = change.object;
  const old = change.oldObject;
  const keys: string[] = [];
  if (!cur) {
    wakeOwner(k, state, old!, keys);
  } else if (!old) {
    if (cur.metadata.deletionTimestamp || getControllerOf(cur)) wakeOwner(k, state, cur, keys);
    else keys.push(...controllersSelecting(k, cur, state));
  } else if (old.metadata.resourceVersion !== cur.metadata.resourceVersion) {
    const labelChanged = !jsonEqual(cur.metadata.labels, old.metadata.labels);
    const curRef = getControllerOf(cur);
    const oldRef = getControllerOf(old);
    const refChanged = !jsonEqual(curRef, oldRef);
    if (cur.metadata.deletionTimestamp) {
      wakeOwner(k, state, cur, keys);
      if (labelChanged) wakeOwner(k, state, old, keys);
    } else {
      if (refChanged && oldRef) wakeOwner(k, state, old, keys);
      if (curRef) {
        if (labelChanged || refChanged || syncInputsChanged(old as Pod, cur as Pod)) wakeOwner(k, state, cur, keys);
      } else if (labelChanged || refChanged) keys.push(...controllersSelecting(k, cur, state));
    }
  }
  // Nearly every pod change wakes one owner or none: no duplicates to drop then.
  return keys.length < 2 ? keys : [...new Set(keys)];
}

/** Pushes the key of the pod's controller when it is a live object of this kind. */
function wakeOwner(k: ReplicaSetKind, state: ClusterState, pod: StoredObject, keys: string[]): void {
  const rs = resolveControllerRef(state, pod.metadata.namespace, getControllerOf(pod), k.kind);
  if (rs) keys.push(objectKey(rs.metadata?.namespace, rs.metadata?.name ?? ''));
}

/**
 * Whether a pod update (same labels, controllerRef and deletion state) changes anything a sync
 * of its owner reads: the phase (active or not, and the deletion ranking) or the Ready
 * condition (ready, available, and when). Upstream's updatePod queues the owner on every
 * update; with no expectations to wait for and every sync's writes applied before the next,
 * an owner that is not woken here would have found its pods as it left them and done nothing
 * (its status and its availability requeue depend on nothing else), so kubesim skips the pass.
 * Most pod updates are kubelet status steps (pulling, created, started but not ready).
 */
function syncInputsChanged(old: Pod, cur: Pod): boolean {
  if (old.status?.phase !== cur.status?.phase) return true;
  const a = getPodReadyCondition(old);
  const b = getPodReadyCondition(cur);
  return a?.status !== b?.status || a?.lastTransitionTime !== b?.lastTransitionTime;
}

/** Builds the reconciler for one kind: watches the kind itself and the pods. */
export function replicaSetKindController(k: ReplicaSetKind): Reconciler {
  const podMapper: WatchMapper = (change, state) => podToControllerKeys(k, change, state);
  const memo = new ReplicaSetMemo();
  return {
    name: k.controllerName,
    watches: { [k.kind]: 'self', Pod: podMapper },
    reconcile: (state, key, ctx) => syncReplicaSet(k, state, key, ctx, memo),
  };
}

export const REPLICA_SET_KIND: ReplicaSetKind = {
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  controllerName: 'replicaset-controller',
  eventSource: 'replicaset-controller',
  selectorOf(obj) {
    try {
      return labelSelectorAsSelector((obj.spec as { selector?: LabelSelector } | undefined)?.selector);
    } catch {
      return undefined; // upstream logs the bad selector and skips the object
    }
  },
};

/** The ReplicaSet controller ('replicaset-controller'). */
export function replicaSetController(): Reconciler {
  return replicaSetKindController(REPLICA_SET_KIND);
}

/**
 * The ReplicationController controller ('replicationcontroller-controller'): the same sync on an
 * RC, whose selector is a plain label map (pkg/controller/replication runs the ReplicaSet code on
 * converted objects).
 */
export function replicationControllerController(): Reconciler {
  return replicaSetKindController(REPLICATION_CONTROLLER_KIND);
}

/**
 * The garbage collector: deletes objects whose owners are gone, and carries out the
 * Foreground and Orphan propagation policies the API server records as the `foregroundDeletion`
 * and `orphan` finalizers.
 *
 * Upstream keeps a graph of every object (uidToNode) fed by informers; kubesim reads the
 * `owner` index instead (objects by the uid of any ownerReference), so each reconcile is a
 * pure function of the state. Because a reconcile's actions are applied before the next one
 * runs, the state is never stale and upstream's "virtual node" re-checks against the API
 * are not needed.
 *
 * Key space (this reconciler's own):
 * - `Kind/namespace/name`: look at one object — as a dependent (are its owners alive?) and as
 *   an owner being deleted (Foreground: delete dependents, then drop the finalizer; Orphan:
 *   strip dependents' references, then drop the finalizer);
 * - `<uid>` (no slash): an object with this uid was removed; re-check its dependents. The key
 *   carries the uid because the object is gone and its name no longer leads to it.
 *
 * Not modelled: the cycle breaker that makes references non-blocking when an owner and its
 * dependent both wait for dependents (unblockOwnerReferences), and owners of kinds kubesim
 * does not know (upstream retries until the kind resolves; kubesim treats them as alive).
 *
 * @see kubernetes/kubernetes pkg/controller/garbagecollector/garbagecollector.go
 *   (attemptToDeleteItem, classifyReferences, processDeletingDependentsItem, orphanDependents)
 */
import { copyJson } from '../model/json.js';
import { isKnownKind, kindInfo } from '../model/kinds.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler, WatchMapper } from '../model/reconcile.js';
import { getObject, type ClusterState } from '../model/store.js';
import type { KubeObject, OwnerReference, StoredObject } from '../model/types.js';
import type { PropagationPolicy } from '../model/writes.js';

/** The kinds whose objects the collector tracks as owners and dependents. */
export const GC_KINDS = ['Deployment', 'EndpointSlice', 'Endpoints', 'Pod', 'ReplicaSet', 'ReplicationController', 'Service'] as const;

const GC_KIND_SET: ReadonlySet<string> = new Set(GC_KINDS);

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

const NONE: ReconcileResult = { actions: [] };

export function gcKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function parseKey(key: string): { kind: string; namespace: string | undefined; name: string } | undefined {
  const a = key.indexOf('/');
  if (a < 0) return undefined;
  const b = key.indexOf('/', a + 1);
  if (b < 0) return undefined;
  const ns = key.slice(a + 1, b);
  return { kind: key.slice(0, a), namespace: ns === '' ? undefined : ns, name: key.slice(b + 1) };
}

const hasFinalizer = (o: StoredObject, f: string): boolean => o.metadata.finalizers?.includes(f) ?? false;
const deletingDependents = (o: StoredObject): boolean => !!o.metadata.deletionTimestamp && hasFinalizer(o, FOREGROUND);

/** The owner a reference names, if it exists with the same uid (isDangling's lookup). */
function resolveOwner(state: ClusterState, dep: StoredObject, ref: OwnerReference): StoredObject | 'unknown' | undefined {
  if (!isKnownKind(ref.kind)) return 'unknown';
  const namespace = kindInfo(ref.kind).namespaced ? dep.metadata.namespace : undefined;
  const owner = getObject(state, ref.kind, namespace, ref.name);
  return owner && owner.metadata.uid === ref.uid ? owner : undefined;
}

/** Every tracked object with an ownerReference to `uid`, in a stable order (kind, then key). */
function dependentsOf(ctx: ReconcileContext, uid: string): StoredObject[] {
  const out: StoredObject[] = [];
  for (const kind of GC_KINDS) out.push(...ctx.index.list(kind, 'owner', uid));
  return out;
}

function withoutOwnerRefs(obj: StoredObject, uids: ReadonlySet<string>): KubeObject {
  const next = copyJson(obj) as KubeObject & { metadata: { ownerReferences?: OwnerReference[] } };
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid));
  next.metadata.ownerReferences = refs.length > 0 ? copyJson(refs) : undefined;
  return next;
}

function deleteAction(obj: StoredObject, policy: PropagationPolicy): Action {
  const { namespace, name, uid } = obj.metadata;
  return {
    verb: 'delete',
    kind: obj.kind,
    key: namespace ? `${namespace}/${name}` : name,
    options: { propagationPolicy: policy, preconditions: { uid } },
  };
}

/**
 * attemptToDeleteItem: what to do with one object given its owners. Example: a Pod owned by
 * ReplicaSet uid r1 (gone) and Deployment uid d1 (alive) loses only its r1 reference; owned
 * only by r1, it is deleted; owned by r1 which is deleting dependents, it is deleted too.
 */
function attemptToDelete(state: ClusterState, ctx: ReconcileContext, item: StoredObject): Action[] {
  const refs = item.metadata.ownerReferences ?? [];
  if (refs.length === 0) return [];
  if (item.metadata.deletionTimestamp && !hasFinalizer(item, FOREGROUND)) return [];
  const solid: OwnerReference[] = [];
  const dangling: OwnerReference[] = [];
  const waiting: OwnerReference[] = [];
  for (const ref of refs) {
    const owner = resolveOwner(state, item, ref);
    if (owner === undefined) dangling.push(ref);
    else if (owner !== 'unknown' && deletingDependents(owner)) waiting.push(ref);
    else solid.push(ref);
  }
  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return [];
    const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
    return [{ verb: 'update', object: withoutOwnerRefs(item, drop) }];
  }
  if (item.metadata.deletionTimestamp) return []; // already deleting its own dependents
  if (waiting.length > 0 && dependentsOf(ctx, item.metadata.uid).length > 0) {
    return [deleteAction(item, 'Foreground')];
  }
  const policy: PropagationPolicy = hasFinalizer(item, ORPHAN) ? 'Orphan' : hasFinalizer(item, FOREGROUND) ? 'Foreground' : 'Background';
  return [deleteAction(item, policy)];
}

function withoutFinalizer(obj: StoredObject, finalizer: string): Action {
  const next = copyJson(obj) as KubeObject & { metadata: { finalizers?: string[] } };
  const rest = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  next.metadata.finalizers = rest.length > 0 ? rest : undefined;
  return { verb: 'update', object: next };
}

/**
 * orphanDependents then removeFinalizer: strip every dependent's reference to the owner; the
 * finalizer goes only if all of those writes succeed (a second batch the sim skips on failure).
 */
function orphan(owner: StoredObject, ctx: ReconcileContext): ReconcileResult {
  const uid = new Set([owner.metadata.uid]);
  const actions: Action[] = dependentsOf(ctx, owner.metadata.uid).map((d) => ({ verb: 'update', object: withoutOwnerRefs(d, uid) }));
  actions.push(withoutFinalizer(owner, ORPHAN));
  return { actions, batches: [actions.length - 1, 1].filter((n) => n > 0) };
}

/**
 * processDeletingDependentsItem: while a dependent that blocks the owner's deletion
 * (blockOwnerDeletion: true) exists, ask for dependents to be deleted; once none is left,
 * remove `foregroundDeletion` so the API server removes the owner.
 */
function foreground(state: ClusterState, owner: StoredObject, ctx: ReconcileContext): ReconcileResult {
  const uid = owner.metadata.uid;
  const deps = dependentsOf(ctx, uid);
  const blocking = deps.filter((d) => d.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion === true));
  if (blocking.length === 0) return { actions: [withoutFinalizer(owner, FOREGROUND)] };
  return { actions: deps.flatMap((d) => attemptToDelete(state, ctx, d)) };
}

function reconcile(state: ClusterState, key: string, ctx: ReconcileContext): ReconcileResult {
  const parsed = parseKey(key);
  if (!parsed) {
    // An object with uid `key` was removed: its dependents may now be garbage.
    return { actions: dependentsOf(ctx, key).flatMap((d) => attemptToDelete(state, ctx, d)) };
  }
  if (!isKnownKind(parsed.kind)) return NONE;
  const obj = getObject(state, parsed.kind, parsed.namespace, parsed.name);
  if (!obj) return NONE;
  if (obj.metadata.deletionTimestamp && hasFinalizer(obj, ORPHAN)) return orphan(obj, ctx);
  if (deletingDependents(obj)) {
    const fg = foreground(state, obj, ctx);
    return fg.actions.length > 0 ? fg : { actions: attemptToDelete(state, ctx, obj) };
  }
  return { actions: attemptToDelete(state, ctx, obj) };
}

/**
 * Whether a reconcile of `obj`'s own key could act on this state: it is being deleted under
 * the Orphan or Foreground policy, or one of its owners is gone (another uid, or no object)
 * or is deleting its dependents. Otherwise attemptToDelete finds only solid owners and does
 * nothing.
 */
function mayAct(state: ClusterState, obj: StoredObject): boolean {
  if (obj.metadata.deletionTimestamp && (hasFinalizer(obj, ORPHAN) || hasFinalizer(obj, FOREGROUND))) return true;
  for (const ref of obj.metadata.ownerReferences ?? []) {
    const owner = resolveOwner(state, obj, ref);
    if (owner === undefined || (owner !== 'unknown' && deletingDependents(owner))) return true;
  }
  return false;
}

/**
 * Which keys a change wakes — what upstream's graph builder queues for attemptToDelete, seen
 * from the state after the change (processGraphChanges):
 * - a removed object: its dependents (by its uid), and the owners it named that are waiting
 *   for their dependents to go (Foreground, or Orphan);
 * - an added or updated object: itself, when it could act now (mayAct: a dangling or
 *   deleting owner, or its own Orphan/Foreground deletion), and the owners it names, old and
 *   new, that are deleting (a dependent's references changing may unblock them).
 * An object with solid owners changing (a pod's status, a ReplicaSet's replicas) wakes
 * nothing: upstream updates its graph and queues no work for it. Waking every such change
 * made nearly every collector pass a no-op.
 */
const mapper: WatchMapper = (change, state) => {
  const obj = (change.object ?? change.oldObject)!;
  const { namespace } = obj.metadata;
  const keys = new Set<string>();
  if (change.object) {
    if (mayAct(state, change.object)) keys.add(gcKey(change.kind, namespace, obj.metadata.name));
  } else {
    keys.add(obj.metadata.uid);
  }
  // Old and new versions usually share one ownerReferences array (writes share unchanged
  // parts): then the new version's owners are the old one's, looked up once.
  const sameRefs = change.oldObject !== undefined && change.object !== undefined && change.oldObject.metadata.ownerReferences === change.object.metadata.ownerReferences;
  for (const o of sameRefs ? [change.object] : [change.oldObject, change.object]) {
    for (const ref of o?.metadata.ownerReferences ?? []) {
      if (!GC_KIND_SET.has(ref.kind)) continue;
      const owner = resolveOwner(state, o!, ref);
      if (owner === undefined || owner === 'unknown' || !owner.metadata.deletionTimestamp) continue;
      if (hasFinalizer(owner, FOREGROUND) || hasFinalizer(owner, ORPHAN)) keys.add(gcKey(ref.kind, namespace, ref.name));
    }
  }
  return [...keys];
};

export function garbageCollector(): Reconciler {
  const watches: Record<string, WatchMapper> = {};
  for (const kind of GC_KINDS) watches[kind] = mapper;
  return { name: 'garbage-collector', watches, reconcile };
}

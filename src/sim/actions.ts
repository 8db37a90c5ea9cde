/**
 * Carrying out a reconciler's (or the scheduler's) actions: each API call through the same
 * write path users take, all into one StoreBatch. A call that fails is reported, not thrown,
 * so the others still land (as a controller's separate API calls would); slow-start groups
 * skip the groups after a failed one, as controller_utils' slowStartBatch does.
 */
import { KubesimError } from '../model/errors.js';
import { evictPod } from '../model/eviction.js';
import { cloneJson, cloneJsonSharing, hasOwn } from '../model/json.js';
import { isKnownKind, kindInfo } from '../model/kinds.js';
import type { Action } from '../model/reconcile.js';
import { splitObjectKey, type StoreBatch } from '../model/store.js';
import type { KubeObject, StoredObject } from '../model/types.js';
import { bindPod, createObject, deleteObject, updateObject, type WriteContext } from '../model/writes.js';
import type { EventRecorder } from './events.js';

/** One API call into the batch; throws the call's typed error. */
export function applyAction(batch: StoreBatch, action: Action, ctx: WriteContext, recorder: EventRecorder): void {
  switch (action.verb) {
    case 'create':
      createObject(batch, cloneJson(action.object) as KubeObject, ctx);
      return;
    case 'update':
      updateObject(batch, updateInput(batch, action.object), ctx);
      return;
    case 'updateStatus':
      updateObject(batch, statusInput(batch, action.object), ctx, { subresource: 'status' });
      return;
    case 'delete': {
      const { namespace, name } = splitObjectKey(action.key);
      deleteObject(batch, action.kind, namespace, name, ctx, action.options);
      return;
    }
    case 'bind':
      applyBind(batch, action, ctx);
      return;
    case 'evict': {
      const { namespace, name } = splitObjectKey(action.podKey);
      evictPod(batch, namespace ?? 'default', name, ctx, action.options);
      return;
    }
    case 'event':
      recorder.record(batch, action.event, ctx);
      return;
  }
}

/**
 * A bind action. `seen`, `seenNode`: the pod and the node as the batch's base state stores
 * them, when the caller holds those versions (the sim's own scheduler: see
 * StoreBatch.getSeen), spare looking them up.
 */
export function applyBind(batch: StoreBatch, action: BindAction, ctx: WriteContext, seen?: StoredObject, seenNode?: StoredObject): void {
  if (seen !== undefined) {
    // The pod named by podKey: its own metadata names it without splitting the key.
    bindPod(batch, seen.metadata.namespace ?? 'default', seen.metadata.name, action.nodeName, ctx, seen, seenNode);
    return;
  }
  const { namespace, name } = splitObjectKey(action.podKey);
  bindPod(batch, namespace ?? 'default', name, action.nodeName, ctx, undefined, seenNode);
}

type BindAction = Extract<Action, { verb: 'bind' }>;

/**
 * The copy of a status write's object the write path takes. A status write reads kind,
 * apiVersion, metadata and status only (writes.ts keeps everything else from the stored
 * version). The usual `{ ...stored, status }` of a reconciler carries the stored spec: frozen,
 * valid, and not written, yet copying it was most of the cost of a pod status update. Fields
 * that are the very values stored now are left out of the copy; of the rest, parts that are
 * still the stored ones (the metadata's labels and ownerReferences, an unchanged condition or
 * container status) are shared rather than copied (cloneJsonSharing). Anything else is copied
 * and checked as before.
 */
function statusInput(batch: StoreBatch, o: KubeObject): KubeObject {
  const meta = o?.metadata as { name?: unknown; namespace?: unknown } | undefined;
  if (typeof o?.kind !== 'string' || !isKnownKind(o.kind) || typeof meta?.name !== 'string') return cloneJson(o) as KubeObject;
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : 'default';
  const stored = batch.get(o.kind, kindInfo(o.kind).namespaced ? namespace : undefined, meta.name) as
    | Record<string, unknown>
    | undefined;
  // Anything cloneJson would reject (a class instance, a `__proto__` key) goes to it whole.
  if (stored === undefined || Object.getPrototypeOf(o) !== Object.prototype || Object.hasOwn(o, '__proto__')) return cloneJson(o) as KubeObject;
  const out: Record<string, unknown> = {};
  // The stored metadata itself (a reconciler's `{ ...stored, status }`): the status write reads
  // only its name, namespace and resourceVersion and writes nothing into it, and stored JSON is
  // valid, so it is handed over as it is rather than copied.
  const storedMeta = o.metadata === stored.metadata;
  for (const key in o) {
    if (!hasOwn.call(o, key)) continue; // hasOwn.call: see json.ts
    const v = (o as Record<string, unknown>)[key];
    if (storedMeta && key === 'metadata') continue;
    if (KEPT_FOR_STATUS.has(key) || v !== stored[key] || v === null || typeof v !== 'object') out[key] = v;
  }
  const copy = cloneJsonSharing(out, stored) as Record<string, unknown>;
  if (storedMeta) copy.metadata = stored.metadata;
  return copy as unknown as KubeObject;
}

const KEPT_FOR_STATUS = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/**
 * Kinds whose controller updates are copied sharing what is still stored (cloneJsonSharing):
 * the Endpoints and EndpointSlice controllers rewrite whole lists of which most items are the
 * stored, frozen ones, and their labels and owner references are the stored ones; shared, they
 * are neither copied, nor frozen and interned again, and validation recognizes them. Only kinds
 * whose write path writes into nothing below the top-level fields of a stored-looking value
 * (their defaulting fills in missing fields only, which a stored part has); not a Service, whose
 * port objects allocation may fill in.
 */
const SHARED_UPDATE_KINDS = new Set(['Endpoints', 'EndpointSlice']);

/** The copy of an update's object the write path takes (see SHARED_UPDATE_KINDS). */
function updateInput(batch: StoreBatch, o: KubeObject): KubeObject {
  const meta = o?.metadata as { name?: unknown; namespace?: unknown } | undefined;
  if (typeof o?.kind !== 'string' || !SHARED_UPDATE_KINDS.has(o.kind) || typeof meta?.name !== 'string') return cloneJson(o) as KubeObject;
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : 'default';
  const stored = batch.get(o.kind, namespace, meta.name);
  return (stored === undefined ? cloneJson(o) : cloneJsonSharing(o, stored)) as KubeObject;
}

/**
 * Applies `actions` in order. With `groups` (slow-start batch sizes), once a listed group has
 * a failure the listed groups after it are skipped; actions past the listed groups always run.
 * Returns whether any call failed; each failure goes to `onError`.
 */
export function applyActions(
  batch: StoreBatch,
  actions: readonly Action[],
  groups: readonly number[],
  ctx: WriteContext,
  recorder: EventRecorder,
  onError: (action: Action, error: KubesimError) => void,
): boolean {
  let failed = false;
  let listed = 0;
  for (const size of groups) listed += size;
  let groupEnd = groups[0] ?? 0;
  let group = 0;
  let skipping = false;
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i]!;
    if (i < listed) {
      while (i >= groupEnd) {
        if (failed) skipping = true;
        group += 1;
        groupEnd += groups[group]!;
      }
      if (skipping) continue;
    }
    try {
      applyAction(batch, action, ctx, recorder);
    } catch (e) {
      if (!(e instanceof KubesimError)) throw e;
      failed = true;
      onError(action, e);
    }
  }
  return failed;
}

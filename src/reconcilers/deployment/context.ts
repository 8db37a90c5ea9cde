/**
 * One sync of one Deployment, as data. Upstream's syncDeployment issues API calls as it goes and
 * keeps using the objects they return; a kubesim reconcile must instead return its calls. So the
 * sync works on mutable copies of the Deployment and its ReplicaSets, records which ReplicaSets
 * it created, changed or deleted and which events it emitted, and `finish` turns that into
 * actions: one write per object, each carrying the resourceVersion that was read, so a stale
 * sync fails with Conflict and is retried, as upstream's would be.
 *
 * Several upstream calls to the same object in one sync (say, syncing the new RS's revision
 * annotation and then scaling it) become one update here; the end state is the same.
 */
import { copyJson, jsonEqual } from '../../model/json.js';
import type { Action } from '../../model/reconcile.js';
import { objectKey } from '../../model/store.js';
import type { Deployment, ObjectMeta, ReplicaSet, StoredObject } from '../../model/types.js';

export type WorkingRS = ReplicaSet & { metadata: ObjectMeta & { name: string } };
export type WorkingDeployment = Deployment & { metadata: ObjectMeta & { name: string } };

export const SOURCE = 'deployment-controller';

export interface SyncContext {
  /** The deployment being synced: annotations and status may be changed in place. */
  readonly d: WorkingDeployment;
  readonly stored: StoredObject;
  /** The ReplicaSets the deployment owns (after adoption), mutable copies; created ones appended. */
  readonly rsList: WorkingRS[];
  /** RFC 3339 now, for condition timestamps, and the same instant in epoch ms. */
  readonly now: string;
  readonly nowEpochMs: number;
  readonly writes: { rs: WorkingRS; verb: 'create' | 'update' }[];
  readonly deletes: string[];
  readonly events: Action[];
  /** Reads a stored ReplicaSet of the deployment's namespace by name (hash collision check). */
  readonly lookup: (name: string) => StoredObject | undefined;
  /** Set by requeueStuckDeployment: look at the rollout again after this long. */
  requeueAfterMs: number | undefined;
  /** The last answer of getAllReplicaSetsAndSyncRevision that found a new RS, and for how many RSs. */
  found: { readonly newRS: WorkingRS; readonly oldRSs: readonly WorkingRS[]; readonly rsCount: number } | undefined;
  /** Set when the sync must stop early (a hash collision), as upstream returns an error. */
  aborted: string | undefined;
}

/**
 * A mutable working copy of a stored Deployment or ReplicaSet for one sync. A sync changes only
 * a few fields, so only the layers holding them are copied: the object, its metadata (plus the
 * annotations, which are edited key by key), its spec and its status. Everything deeper
 * (labels, owner references, selector, template, conditions) is shared with the stored object
 * and only ever replaced, never edited: the sync replaces `ownerReferences`, `conditions` and
 * `status` wholesale. Stored objects are frozen, so an edit in place would throw rather than
 * corrupt the store. Sharing the template keeps its identity too (findNewReplicaSet's
 * comparison is cached by it). Spread copies keep the stored key order (written objects are
 * hashed as JSON); stored objects hold no undefined fields (the write path drops them), so the
 * copies hold none either, as a JSON copy would not. Spread is what V8 clones fastest: a working
 * copy is made of every ReplicaSet a Deployment owns on every sync, most of them never edited.
 */
export function workingCopy<T>(stored: StoredObject): T {
  const out: Record<string, unknown> = { ...stored };
  out.metadata = metadataCopy(stored.metadata as unknown as Record<string, unknown>);
  const { spec, status } = stored as unknown as Record<string, unknown>;
  if (spec !== null && typeof spec === 'object') out.spec = { ...spec };
  if (status !== null && typeof status === 'object') out.status = { ...status };
  return out as T;
}

function metadataCopy(meta: Record<string, unknown>): Record<string, unknown> {
  const out = { ...meta };
  const annotations = out.annotations;
  if (annotations !== null && typeof annotations === 'object') out.annotations = { ...annotations };
  return out;
}

export function newSyncContext(
  stored: StoredObject,
  rsList: WorkingRS[],
  now: string,
  nowEpochMs: number,
  lookup: (name: string) => StoredObject | undefined = () => undefined,
): SyncContext {
  return {
    lookup,
    d: workingCopy<WorkingDeployment>(stored),
    stored,
    rsList,
    now,
    nowEpochMs,
    writes: [],
    deletes: [],
    events: [],
    // Present from the start, in one order: a field added mid-sync changed the context's hidden
    // class, and every sync helper reading it saw two shapes (and was recompiled for the second).
    requeueAfterMs: undefined,
    found: undefined,
    aborted: undefined,
  };
}

/** Marks a working ReplicaSet as changed (one update per RS, whatever the number of changes). */
export function touch(ctx: SyncContext, rs: WorkingRS): void {
  if (!ctx.writes.some((w) => w.rs === rs)) ctx.writes.push({ rs, verb: 'update' });
}

export function created(ctx: SyncContext, rs: WorkingRS): void {
  ctx.writes.push({ rs, verb: 'create' });
  ctx.rsList.push(rs);
}

export function recordEvent(ctx: SyncContext, type: 'Normal' | 'Warning', reason: string, message: string): void {
  const { namespace, name, uid } = ctx.d.metadata;
  ctx.events.push({
    verb: 'event',
    event: {
      involvedObject: { kind: 'Deployment', namespace, name, uid },
      type,
      reason,
      message,
      source: SOURCE,
    },
  });
}

/**
 * The actions of the sync: the deployment's metadata (the revision annotation, which upstream
 * writes through UpdateStatus, but kubesim's status subresource keeps metadata as is), the
 * ReplicaSet writes, the deletions, the events, then the deployment's status.
 */
export function finish(ctx: SyncContext): Action[] {
  const actions: Action[] = [];
  const { d, stored } = ctx;
  const metaChanged = !jsonEqual(d.metadata.annotations, stored.metadata.annotations);
  // Shallow copies of the stored object: the write path copies an action's object before
  // storing it, so the action may share the stored (frozen) fields it does not change.
  if (metaChanged) {
    const obj = { ...stored, metadata: { ...stored.metadata, annotations: copyJson(d.metadata.annotations) } };
    actions.push({ verb: 'update', object: obj as never });
  }
  for (const w of ctx.writes) actions.push({ verb: w.verb, object: w.rs as never });
  for (const key of ctx.deletes) actions.push({ verb: 'delete', kind: 'ReplicaSet', key });
  actions.push(...ctx.events);
  if (!jsonEqual(d.status, stored.status)) {
    const obj = { ...stored, status: d.status } as WorkingDeployment;
    // After our own metadata update the stored resourceVersion is stale; the two writes are
    // applied back to back, so the status write may go unconditionally.
    if (metaChanged) obj.metadata = { ...obj.metadata, resourceVersion: undefined };
    actions.push({ verb: 'updateStatus', object: obj as never });
  }
  return actions;
}

export const rsKey = (rs: WorkingRS): string => objectKey(rs.metadata.namespace, rs.metadata.name);

/**
 * The write path every API call takes, users' and reconcilers' alike: the checks and metadata
 * bookkeeping the API server does around storage (pkg/registry/generic/registry/store.go and
 * the per-kind strategies): defaulting, validation, namespace lifecycle, uid and
 * resourceVersion, generation, optimistic concurrency, the status subresource, graceful
 * deletion and finalizers. Everything lands in a `StoreBatch`; a call that throws leaves the
 * batch as it was, so the caller can reject the call and change nothing.
 */
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  type FieldError,
} from './errors.js';
import { admitPodPriority } from './admission/priority.js';
import {
  allocateOnCreate,
  allocateOnUpdate,
  prepareServiceUpdate,
  releaseOnRemoval,
  type NetworkAllocator,
} from './admission/service-allocation.js';
import { compactFields, compacts, copyCompact, copyFields, deepFreeze, fieldCount, hasOwn, jsonEqual } from './json.js';
import { freezeInterned, freezeInternedCompact, InternCache } from './intern.js';
import { groupResource, kindInfo, qualifiedKind, type KindInfo } from './kinds.js';
import type { StoreBatch } from './store.js';
import { strategyFor } from './strategy/index.js';
import { validateObjectMeta, validateObjectMetaUpdate, validateUnchangedObjectMeta } from './strategy/object-meta.js';
import { podQOSClass } from './qos.js';
import { rememberBoundPodSpec } from './strategy/pod.js';
import { formatRFC3339 } from './time.js';
import type { KubeObject, ObjectMeta, Pod, StoredObject } from './types.js';

/** Where uids and generated names come from: the cluster's seeded 'api' random stream. */
export interface IdSource {
  uuid(): string;
  nameSuffix(length?: number): string;
}

export interface WriteContext {
  readonly nowMs: number;
  /** Wall-clock instant (ms since the Unix epoch) that virtual time 0 stands for. */
  readonly epochMs: number;
  readonly ids: IdSource;
  /**
   * The network allocators (cluster IPs, node ports, LB IPs, pod IPs), from src/network's
   * `networkAllocator(options, rng)`. Absent: nothing is allocated (see service-allocation.ts).
   */
  readonly network?: NetworkAllocator;
}

/** Kinds whose metadata.generation counts spec changes (the others leave it unset, as upstream). */
const GENERATION_KINDS = new Set(['Deployment', 'ReplicaSet', 'ReplicationController', 'PodDisruptionBudget', 'Ingress']);

/** Kinds that keep the status given on create (registration posts a status; others reset it). */
const KEEP_STATUS_ON_CREATE = new Set(['Node', 'Event', 'Lease', 'Endpoints', 'EndpointSlice', 'PriorityClass']);

const GENERATE_NAME_ATTEMPTS = 8;

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  readonly propagationPolicy?: PropagationPolicy;
  /** Pods only: overrides spec.terminationGracePeriodSeconds; 0 deletes at once. */
  readonly gracePeriodSeconds?: number;
  /** Upstream Preconditions: delete only if the object still has this uid / resourceVersion. */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
}

export interface DeleteResult {
  readonly object: StoredObject;
  /** False while the object lingers with a deletionTimestamp (grace period or finalizers). */
  readonly removed: boolean;
}

/** ObjectMeta with the server-owned fields writable: this module is the server. */
type Meta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };
type Mutable = Omit<KubeObject, 'metadata'> & { metadata: Meta };

function timestamp(ctx: WriteContext, offsetMs = 0): string {
  return formatRFC3339(ctx.epochMs + ctx.nowMs + offsetMs);
}

/** Checks kind and apiVersion and returns the kind's info (apiVersion defaults from the kind). */
export function resolveKind(obj: KubeObject): KindInfo {
  if (typeof obj.kind !== 'string' || obj.kind === '') {
    throw new BadRequestError("Object 'Kind' is missing in the object");
  }
  const info = kindInfo(obj.kind);
  if (obj.apiVersion !== undefined && obj.apiVersion !== info.apiVersion) {
    throw new BadRequestError(`no matches for kind "${obj.kind}" in version "${String(obj.apiVersion)}"`);
  }
  return info;
}

function invalid(info: KindInfo, name: string, errs: FieldError[]): never {
  throw new InvalidError(qualifiedKind(info), name, errs);
}

/**
 * Namespaces found, per version of the Namespace table: the store copies a kind's table on every
 * write to that kind, so an unchanged table means unchanged namespaces (admission/priority.ts
 * does the same for PriorityClasses). Every namespaced create, one per Event too, checks its
 * namespace; a few namespaces serve them all.
 */
const namespacesByTable = new WeakMap<object, Map<string, StoredObject>>();

function getNamespace(batch: StoreBatch, namespace: string): StoredObject | undefined {
  const table = batch.base.kinds.Namespace;
  if (table === undefined || batch.touched('Namespace')) return batch.get('Namespace', undefined, namespace);
  let found = namespacesByTable.get(table);
  const known = found?.get(namespace);
  if (known !== undefined) return known;
  const ns = batch.get('Namespace', undefined, namespace);
  // Only namespaces that exist are remembered, so bad names cannot grow the map.
  if (ns !== undefined) {
    if (!found) namespacesByTable.set(table, (found = new Map()));
    found.set(namespace, ns);
  }
  return ns;
}

function requireNamespace(batch: StoreBatch, info: KindInfo, namespace: string, ctx: WriteContext): void {
  const ns = getNamespace(batch, namespace);
  if (!ns) throw new NotFoundError({ resource: 'namespaces', group: '' }, namespace);
  if (ns.metadata.deletionTimestamp) {
    throw new ForbiddenError(
      `${info.plural} is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  }
  void ctx;
}

/** The `metadata` of untrusted input as an object, or an Invalid error naming the field. */
function metadataOf(info: KindInfo, obj: KubeObject): ObjectMeta {
  const meta = obj.metadata;
  if (meta === undefined) return {};
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) {
    invalid(info, '', [{ type: 'Invalid', field: 'metadata', badValue: meta, detail: 'must be an object' }]);
  }
  return meta;
}

/**
 * Creates `input` (a mutable copy owned by the caller). Returns the stored, frozen object.
 * Namespaced kinds default to the `default` namespace, as kubectl does.
 */
export function createObject(batch: StoreBatch, input: KubeObject, ctx: WriteContext): StoredObject {
  const info = resolveKind(input);
  const obj = input as Mutable;
  obj.apiVersion = info.apiVersion;
  const meta: Meta = (obj.metadata = metadataForCreate(metadataOf(info, obj), info.namespaced));
  if (info.namespaced) meta.namespace ??= 'default';
  meta.creationTimestamp = timestamp(ctx);

  const strategy = strategyFor(info.kind);
  const generated = !meta.name && typeof meta.generateName === 'string';
  if (generated) meta.name = `${meta.generateName}${ctx.ids.nameSuffix()}`;

  strategy.applyDefaults(obj);
  if (info.kind === 'Pod') admitPodPriority(batch, obj);
  shareUnchangedParts(obj, meta, info.kind);
  if (!KEEP_STATUS_ON_CREATE.has(info.kind) && info.statusSubresource) obj.status = initialStatus(info.kind, obj);
  const metaErrs = validateObjectMeta(meta, { namespaced: info.namespaced, nameValidator: strategy.nameValidator });
  const kindErrs = strategy.validateCreate(obj);
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (metaErrs.length > 0 || kindErrs.length > 0) invalid(info, name, metaErrs.length === 0 ? kindErrs : metaErrs.concat(kindErrs));
  if (info.namespaced) requireNamespace(batch, info, meta.namespace!, ctx);

  // RetryGenerateName (on by default since 1.31): the server draws again on a collision.
  for (let attempt = 1; batch.get(info.kind, meta.namespace, meta.name!); attempt++) {
    if (!generated || attempt >= GENERATE_NAME_ATTEMPTS) throw new AlreadyExistsError(groupResource(info), meta.name!);
    meta.name = `${meta.generateName}${ctx.ids.nameSuffix()}`;
  }

  allocateOnCreate(batch, obj, ctx.network);
  meta.uid = ctx.ids.uuid();
  meta.resourceVersion = batch.nextResourceVersion();
  if (GENERATION_KINDS.has(info.kind)) meta.generation = 1;
  const stored = freezeInterned(obj) as StoredObject;
  batch.replace(info.kind, stored, undefined);
  return stored;
}

/**
 * A copy of the client's metadata without the fields the server owns (BeforeCreate drops
 * whatever the client sent for them), nor a namespace on a cluster-scoped object; the rest in
 * its order. Left out while copying rather than deleted after: see withoutUndefined.
 */
function metadataForCreate(m: Meta, namespaced: boolean): Meta {
  const out: Record<string, unknown> = {};
  for (const key in m) {
    if (!hasOwn.call(m, key)) continue;
    if (isServerOwned(key) || (key === 'namespace' && !namespaced)) continue;
    out[key] = m[key as keyof Meta];
  }
  return out as Meta;
}

function isServerOwned(key: string): boolean {
  switch (key) {
    case 'uid':
    case 'resourceVersion':
    case 'deletionTimestamp':
    case 'deletionGracePeriodSeconds':
    case 'generation':
    case 'selfLink':
      return true;
    default:
      return false;
  }
}

/**
 * An Event as the event recorder (src/sim/events.ts) builds it: metadata with exactly these
 * keys, in createObject's order, the server-owned two as placeholders this write fills in.
 */
export interface RecordedEvent extends KubeObject {
  readonly apiVersion: 'v1';
  readonly kind: 'Event';
  metadata: { name: string; namespace: string; creationTimestamp: string; uid: string; resourceVersion: string };
  /** Frozen (it may be shared by the Events about one object). */
  readonly involvedObject: object;
  readonly reason: string;
  readonly message: string;
  /** Frozen and shared (one per reporting component and host). */
  readonly source: object;
  readonly firstTimestamp: string;
  readonly lastTimestamp: string;
  readonly count: number;
  readonly type: 'Normal' | 'Warning';
  readonly eventTime: null;
  readonly reportingComponent: string;
  readonly reportingInstance: string;
}

const EVENT_INFO = kindInfo('Event');
const POD_INFO = kindInfo('Pod');
const NODE_INFO = kindInfo('Node');

/**
 * createObject for an Event the event recorder assembled from parts it checked to pass Event
 * and ObjectMeta validation (its `isWellFormed`; anything else it sends through createObject).
 * The recorder is the one caller, and its input is never a user's object: an EventRecord's
 * fields are checked there, one by one. What remains of the create is done as createObject
 * does it, in the same order (so the same ids are drawn): the namespace must exist and not be
 * terminating, the name must be free, then uid, resourceVersion, freeze and store. Defaulting,
 * status reset and allocation do nothing for an Event; creationTimestamp is the caller's stamp
 * of this instant, the one createObject would set.
 */
export function createRecordedEvent(batch: StoreBatch, event: RecordedEvent, ctx: WriteContext): StoredObject {
  const meta = event.metadata;
  requireNamespace(batch, EVENT_INFO, meta.namespace, ctx);
  if (batch.get('Event', meta.namespace, meta.name)) throw new AlreadyExistsError(groupResource(EVENT_INFO), meta.name);
  meta.uid = ctx.ids.uuid();
  meta.resourceVersion = batch.nextResourceVersion();
  // The recorder hands over its involvedObject and source frozen (they are what interning
  // would share); the rest is strings, numbers and null, so two freezes make it deep-frozen.
  const e = event as { involvedObject?: unknown; source?: unknown };
  Object.freeze(meta);
  const frozen = Object.isFrozen(e.involvedObject) && Object.isFrozen(e.source);
  const stored = (frozen ? Object.freeze(event) : freezeInterned(event)) as unknown as StoredObject;
  batch.replace('Event', stored, undefined);
  return stored;
}

/** Pod specs up to this size (hashed characters, about their JSON length) are shared whole. */
const POD_SPEC_SHARE_SIZE = 4096;

/**
 * Freezes and shares, before validation, the parts of a new object the rest of the write leaves
 * alone: the metadata collections, a Pod's spec (a ReplicaSet's pods have equal specs), a
 * workload's selector and pod template spec, a Node's resource lists. A part
 * equal to one stored and validated before is then that very frozen value, which the validators'
 * memos (validation/memo.ts) skip: a ReplicaSet's 300th pod costs no more pod-spec validation
 * than its first. Not a Service's spec (allocation fills it in after validation) nor a pod's
 * status (a pod created bound gets its IPs there).
 */
function shareUnchangedParts(obj: Mutable, meta: Meta, kind: string): void {
  shareMetaCollections(meta);
  if (kind === 'Pod' && obj.spec != null) obj.spec = shared.podSpec.intern(obj.spec);
  else if (kind === 'Node') shareNodeResources(obj);
  else shareWorkloadParts(obj, kind);
}

/**
 * A Node's status.capacity and status.allocatable, shared: nodes of one shape report equal
 * lists, and a frozen list that passed validation is not parsed again (strategy/node.ts).
 */
function shareNodeResources(obj: Mutable): void {
  const status = obj.status as { capacity?: unknown; allocatable?: unknown } | null | undefined;
  if (status === null || typeof status !== 'object' || Object.isFrozen(status)) return;
  if (status.capacity != null) status.capacity = shared.resourceLists.intern(status.capacity);
  if (status.allocatable != null) status.allocatable = shared.resourceLists.intern(status.allocatable);
}

/**
 * The metadata collections, shared: an update's labels or annotations equal to ones stored
 * before (a ReplicaSet's revision annotations, the same manifest applied again) are then
 * validated ones (strategy/object-meta.ts).
 */
function shareMetaCollections(meta: Meta): void {
  if (meta.labels != null) meta.labels = shared.labels.intern(meta.labels);
  if (meta.annotations != null) meta.annotations = shared.annotations.intern(meta.annotations);
  if (meta.ownerReferences != null) meta.ownerReferences = shared.ownerReferences.intern(meta.ownerReferences);
  if (meta.finalizers != null) meta.finalizers = shared.finalizers.intern(meta.finalizers);
}

/** Kinds whose spec.template is a pod template (validated as one, with its spec's memo). */
const TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'ReplicationController']);

/**
 * A workload's pod template spec and selector, shared as a Pod's spec is (nothing after
 * validation changes them): the same manifest applied again, or a ReplicaSet created from its
 * Deployment's template, then carries a spec validated before (validation/memo.ts), and the
 * pods made from it find the same frozen value; a frozen selector is compiled once
 * (labels/label-selector.ts), not on every validation of a write.
 */
function shareWorkloadParts(obj: Mutable, kind: string): void {
  if (!TEMPLATE_KINDS.has(kind)) return;
  const spec = obj.spec as { selector?: unknown; template?: unknown } | null | undefined;
  if (spec === null || typeof spec !== 'object' || Object.isFrozen(spec)) return;
  if (spec.selector != null) spec.selector = shared.selectors.intern(spec.selector);
  const template = spec.template as { spec?: unknown } | null | undefined;
  if (template === null || typeof template !== 'object' || Array.isArray(template) || Object.isFrozen(template)) return;
  if (template.spec != null) template.spec = shared.templateSpecs.intern(template.spec);
}

const shared = {
  labels: new InternCache(),
  annotations: new InternCache(),
  ownerReferences: new InternCache(),
  finalizers: new InternCache(),
  podSpec: new InternCache(POD_SPEC_SHARE_SIZE),
  templateSpecs: new InternCache(POD_SPEC_SHARE_SIZE),
  selectors: new InternCache(),
  resourceLists: new InternCache(),
  podConditions: new InternCache(),
};

/** QoS class by shared (frozen) pod spec: it depends on the spec alone. */
const qosBySpec = new WeakMap<object, string>();

function qosClassOf(pod: Pod): string {
  const spec = pod.spec as unknown;
  if (spec === null || typeof spec !== 'object') return podQOSClass(pod);
  const known = qosBySpec.get(spec);
  if (known !== undefined) return known;
  const { containers, initContainers } = spec as { containers?: unknown; initContainers?: unknown };
  // A container that is not an object fails validation below; do not trip over it here.
  const wellFormed = (list: unknown): boolean =>
    list == null || (Array.isArray(list) && list.every((c) => c !== null && typeof c === 'object' && !Array.isArray(c)));
  if (!wellFormed(containers) || !wellFormed(initContainers)) return 'BestEffort';
  const qos = podQOSClass(pod);
  if (Object.isFrozen(spec)) qosBySpec.set(spec, qos);
  return qos;
}

function initialStatus(kind: string, obj: Mutable): unknown {
  switch (kind) {
    case 'Pod':
      return { phase: 'Pending', qosClass: qosClassOf(obj as Pod) };
    case 'Namespace':
      return { phase: 'Active' };
    default:
      void obj;
      return {};
  }
}

export interface UpdateOptions {
  /** 'status' writes only .status (the status subresource); otherwise .status is kept. */
  readonly subresource?: 'status';
}

/**
 * Replaces an object (PUT). A resourceVersion in `input` must match the stored one (optimistic
 * concurrency); without one the update is unconditional, as upstream allows for these kinds.
 * An update that changes nothing is a no-op and keeps the resourceVersion.
 */
export function updateObject(
  batch: StoreBatch,
  input: KubeObject,
  ctx: WriteContext,
  opts: UpdateOptions = {},
): StoredObject {
  const info = resolveKind(input);
  const inMeta = metadataOf(info, input);
  const name = typeof inMeta.name === 'string' ? inMeta.name : '';
  if (name === '') invalid(info, '', [{ type: 'Required', field: 'metadata.name', detail: 'name is required' }]);
  const namespace = info.namespaced ? (inMeta.namespace ?? 'default') : undefined;
  const old = batch.get(info.kind, namespace, name);
  if (!old) throw new NotFoundError(groupResource(info), name);
  if (inMeta.resourceVersion !== undefined && inMeta.resourceVersion !== old.metadata.resourceVersion) {
    throw new ConflictError(groupResource(info), name);
  }

  let obj: Mutable;
  if (opts.subresource === 'status') {
    // Status writes change .status only (ResetObjectMetaForStatus and the spec reset). The
    // rest of the old object is frozen and unchanged, so the new version shares it instead of
    // copying it (deepFreeze then skips it too): a status update costs the status. The object
    // and its metadata are copied compact, as the store keeps them, once (see freezeStatusWrite).
    obj = copyCompact(old) as Mutable;
    obj.metadata = copyCompact(old.metadata);
    obj.status = input.status;
  } else {
    obj = input as Mutable;
    obj.apiVersion = info.apiVersion;
    obj.metadata = copyFields(inMeta);
    obj.metadata.namespace = namespace;
    if (!info.namespaced) delete obj.metadata.namespace;
    // The old status, frozen and shared (a spec write does not change it).
    if (info.statusSubresource) obj.status = old.status;
    const meta = obj.metadata;
    const oldMeta = old.metadata;
    meta.uid = oldMeta.uid;
    meta.creationTimestamp = oldMeta.creationTimestamp;
    meta.deletionTimestamp = oldMeta.deletionTimestamp;
    meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
    meta.generation = oldMeta.generation;
    if (meta.generateName === undefined && oldMeta.generateName !== undefined) meta.generateName = oldMeta.generateName;
  }
  obj.metadata.resourceVersion = old.metadata.resourceVersion;
  obj.metadata = withoutUndefined(obj.metadata);

  const strategy = strategyFor(info.kind);
  strategy.applyDefaults(obj);
  if (info.kind === 'Service' && opts.subresource !== 'status') prepareServiceUpdate(obj, old);
  if (opts.subresource !== 'status') shareMetaCollections(obj.metadata);
  if (info.kind === 'Node') shareNodeResources(obj);
  else if (opts.subresource !== 'status') shareWorkloadParts(obj, info.kind);
  const metaErrs = sameFields(obj.metadata, old.metadata)
    ? validateUnchangedObjectMeta(obj.metadata)
    : validateObjectMetaUpdate(obj.metadata, old.metadata);
  const kindErrs = strategy.validateUpdate(obj, old);
  const errs = metaErrs.length === 0 ? kindErrs : kindErrs.length === 0 ? metaErrs : metaErrs.concat(kindErrs);
  if (errs.length > 0) invalid(info, name, errs);
  if (opts.subresource !== 'status') allocateOnUpdate(batch, obj, old, ctx.network);

  if (jsonEqual(obj, old)) return old;
  if (GENERATION_KINDS.has(info.kind) && !jsonEqual(obj.spec, old.spec)) {
    obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  }
  obj.metadata.resourceVersion = batch.nextResourceVersion();
  const stored = (opts.subresource === 'status' ? freezeStatusWrite(obj) : freezeInterned(obj)) as StoredObject;
  // ShouldDeleteDuringUpdate: only once no finalizer holds it and no grace period runs (a pod
  // in graceful deletion keeps taking status updates until its kubelet deletes it with 0).
  if (stored.metadata.deletionTimestamp && deletionFinished(stored) && (stored.metadata.deletionGracePeriodSeconds ?? 0) === 0) {
    batch.remove(info.kind, namespace, name);
    releaseOnRemoval(batch, stored, ctx.network);
    return stored;
  }
  batch.replace(info.kind, stored, old);
  return stored;
}

/**
 * freezeInterned for a status write's new version, which updateObject built with copyCompact:
 * frozen in place rather than copied again. Its metadata is the stored one's fields with a new
 * resourceVersion, all frozen or primitive, so freezing it by hand is all the freeze would do
 * to it (metadata is never interned); should a part of it not be frozen, it is walked as usual.
 */
function freezeStatusWrite(obj: Mutable): Mutable {
  const meta = obj.metadata as Record<string, unknown>;
  let partsFrozen = true;
  for (const key in meta) {
    const v = meta[key];
    if (hasOwn.call(meta, key) && v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
      partsFrozen = false;
      break;
    }
  }
  if (partsFrozen) Object.freeze(meta);
  return freezeInternedCompact(obj);
}

/**
 * `meta` without its undefined fields (JSON drops them; stored objects have none), in the same
 * order: `meta` itself when it has none, else a copy that leaves them out. Not `delete`: deleting
 * a field that is not the last one added sends V8's object to dictionary mode, where every
 * stored EndpointSlice's and Endpoints' metadata kept ~800 bytes of hash table (and a hidden
 * class of its own) for eight fields, and each read of its name was a hash lookup.
 */
function withoutUndefined(meta: Meta): Meta {
  let found = false;
  for (const key in meta) {
    if (hasOwn.call(meta, key) && meta[key as keyof Meta] === undefined) {
      found = true;
      break;
    }
  }
  if (!found) return meta;
  const out: Record<string, unknown> = {};
  for (const key in meta) {
    if (!hasOwn.call(meta, key)) continue;
    const v = meta[key as keyof Meta];
    if (v !== undefined) out[key] = v;
  }
  return out as Meta;
}

/** Whether `a` has exactly `b`'s own fields, each holding the very same value (order aside). */
function sameFields(a: object, b: object): boolean {
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let n = 0;
  for (const key in ao) {
    if (!hasOwn.call(ao, key)) continue;
    if (ao[key] !== bo[key] || !hasOwn.call(bo, key)) return false;
    n += 1;
  }
  for (const key in bo) if (hasOwn.call(bo, key)) n -= 1;
  return n === 0;
}

/** An object marked for deletion is removed once nothing holds it any more. */
function deletionFinished(obj: StoredObject): boolean {
  if ((obj.metadata.finalizers?.length ?? 0) > 0) return false;
  if (obj.kind === 'Namespace') {
    const spec = obj.spec as { finalizers?: string[] } | undefined;
    if ((spec?.finalizers?.length ?? 0) > 0) return false;
  }
  return true;
}

/** Upstream pod CheckGracefulDelete: unscheduled and finished pods go at once. */
function podGracePeriodSeconds(pod: StoredObject, opts: DeleteOptions): number {
  const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
  const status = pod.status as { phase?: string } | undefined;
  if (!spec?.nodeName) return 0;
  if (status?.phase === 'Succeeded' || status?.phase === 'Failed') return 0;
  return opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
}

/**
 * Deletes an object. Pods on a node get a grace period (deletionTimestamp in the future, the
 * kubelet finishes the delete); objects with finalizers get a deletionTimestamp and stay until
 * the finalizers are removed; Orphan and Foreground propagation add the garbage collector's
 * `orphan` / `foregroundDeletion` finalizers.
 */
export function deleteObject(
  batch: StoreBatch,
  kind: string,
  namespace: string | undefined,
  name: string,
  ctx: WriteContext,
  opts: DeleteOptions = {},
): DeleteResult {
  const info = kindInfo(kind);
  const ns = info.namespaced ? (namespace ?? 'default') : undefined;
  const old = batch.get(kind, ns, name);
  if (!old) throw new NotFoundError(groupResource(info), name);
  const pre = opts.preconditions;
  if (pre?.uid !== undefined && pre.uid !== old.metadata.uid) {
    throw new ConflictError(
      groupResource(info),
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
    );
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw new ConflictError(
      groupResource(info),
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
    );
  }
  if (opts.gracePeriodSeconds !== undefined && (!Number.isInteger(opts.gracePeriodSeconds) || opts.gracePeriodSeconds < 0)) {
    throw new BadRequestError(`gracePeriodSeconds: must be a non-negative integer, got ${opts.gracePeriodSeconds}`);
  }

  const oldFinalizers = old.metadata.finalizers;
  const policy = opts.propagationPolicy ?? 'Background';
  const added = policy === 'Orphan' ? 'orphan' : policy === 'Foreground' ? 'foregroundDeletion' : undefined;
  const adds = added !== undefined && !(oldFinalizers?.includes(added) ?? false);

  const grace = kind === 'Pod' ? podGracePeriodSeconds(old, opts) : 0;
  const pending = adds || (oldFinalizers?.length ?? 0) > 0 || grace > 0 || !deletionFinished(old);
  if (!pending) {
    batch.remove(kind, ns, name);
    releaseOnRemoval(batch, old, ctx.network);
    return { object: old, removed: true };
  }

  // Only metadata changes (and a Namespace's status): the new version is the old one's fields
  // with a fresh metadata, its spec and status the stored, frozen ones rather than deep copies.
  // Shared, they are neither copied, nor walked again by the freeze, the equality check below
  // and the trace's delta (a pod's graceful delete was a whole pod's copy and walk). The
  // finalizers only ever grow, so an unchanged count is the stored list itself.
  const obj = copyCompact(old) as Mutable;
  let meta: Meta = (obj.metadata = copyCompact(old.metadata) as Meta);
  // The stored list when nothing is added; a key left unset when there were none and are none
  // (no undefined field for withoutUndefined to copy the metadata again to drop).
  if (adds) meta.finalizers = [...(oldFinalizers ?? []), added!];
  else if (oldFinalizers !== undefined && oldFinalizers.length === 0) meta.finalizers = undefined;
  if (kind === 'Pod') {
    const deadline = timestamp(ctx, grace * 1000);
    // A shorter grace period may replace a longer one; never extend it (upstream BeforeDelete).
    if (!meta.deletionTimestamp || deadline < meta.deletionTimestamp) {
      meta.deletionTimestamp = deadline;
      meta.deletionGracePeriodSeconds = grace;
    }
  } else {
    meta.deletionTimestamp ??= timestamp(ctx);
    meta.deletionGracePeriodSeconds ??= 0;
  }
  if (kind === 'Namespace') obj.status = { ...(obj.status as object), phase: 'Terminating' };
  if (GENERATION_KINDS.has(kind) && !old.metadata.deletionTimestamp) meta.generation = (meta.generation ?? 0) + 1;
  meta = obj.metadata = withoutUndefined(meta);
  if (jsonEqual(obj, old)) return { object: old, removed: false };
  meta.resourceVersion = batch.nextResourceVersion();
  const stored = deepFreeze(obj) as StoredObject;
  batch.replace(kind, stored, old);
  return { object: stored, removed: false };
}

/**
 * The delete that ends an Event's TTL lease (sim/event-ttl.ts), if the Event is still the
 * version `resourceVersion` (a later write renewed the lease); nothing if not. The Event goes at
 * once, finalizers or not: kube-apiserver stores an Event's TTL as an etcd lease, and etcd
 * deletes a key whose lease runs out by itself, without the API server's graceful delete.
 * @see kubernetes/kubernetes pkg/registry/core/event/storage/storage.go (TTLFunc)
 * @see kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go (ttlOpts)
 */
export function expireEvent(batch: StoreBatch, namespace: string, name: string, resourceVersion: string): void {
  const old = batch.get('Event', namespace, name);
  if (old !== undefined && old.metadata.resourceVersion === resourceVersion) batch.removeKnown('Event', old);
}

/**
 * Bound pod specs by unbound spec and node. A ReplicaSet's pods share one frozen spec (see
 * shareUnchangedParts), and the ones bound to the same node get equal bound specs: the first
 * is kept and given to the others, which spares each bind copying and freezing the spec (and
 * the validation memo another entry), and the store one copy per pod. Measured hit rates: 97%
 * on bench/sim's envelope (its Deployments share one pod spec), 35% on bench/scheduler's basic
 * workload; ~3.8 MiB less heap at envelope scale 0.1. Keyed weakly by the unbound spec, so the
 * entries go with it; a map past MAX_BOUND_SPECS nodes starts afresh.
 */
const boundSpecs = new WeakMap<object, Map<string, object>>();
const MAX_BOUND_SPECS = 16384;

/** `spec` with spec.nodeName set: a fresh copy, or the frozen one made for an equal bind. */
function boundSpec(spec: unknown, nodeName: string): { nodeName?: string } {
  if (spec === null || typeof spec !== 'object' || !Object.isFrozen(spec)) {
    const copy = copyFields((spec ?? {}) as { nodeName?: string });
    copy.nodeName = nodeName;
    return copy;
  }
  let byNode = boundSpecs.get(spec);
  const known = byNode?.get(nodeName);
  if (known !== undefined) return known;
  // Nearly one per pod (a Deployment's few hundred pods over thousands of nodes): all fields
  // in-object, nodeName's slot included, copied once (not copied and then compacted). Its
  // parts are the stored spec's, frozen already: this freezes the copy alone.
  const n = fieldCount(spec) + (hasOwn.call(spec, 'nodeName') ? 0 : 1);
  const unbound = spec as { nodeName?: string };
  const fields = compacts(unbound, n) ? compactFields(unbound, n) : copyFields(unbound);
  fields.nodeName = nodeName;
  const copy = Object.freeze(fields);
  if (byNode === undefined) boundSpecs.set(spec, (byNode = new Map()));
  else if (byNode.size >= MAX_BOUND_SPECS) byNode.clear();
  byNode.set(nodeName, copy);
  return copy;
}

/**
 * The pods/binding subresource: assigns a pending pod to a node (what DefaultBinder posts).
 * Sets spec.nodeName and the PodScheduled=True condition in one write. `seen`: the pod and
 * the node as the base state stores them, when the caller knows them (see StoreBatch.getSeen);
 * they must be the pod named `namespace/name` and the node named `nodeName`.
 */
export function bindPod(
  batch: StoreBatch,
  namespace: string,
  name: string,
  nodeName: string,
  ctx: WriteContext,
  seen?: StoredObject,
  seenNode?: StoredObject,
): StoredObject {
  const info = POD_INFO;
  const old = seen === undefined ? batch.get('Pod', namespace, name) : batch.getSeen('Pod', seen);
  if (!old) throw new NotFoundError(groupResource(info), name);
  const spec = old.spec as { nodeName?: string } | undefined;
  if (spec?.nodeName) {
    throw new ConflictError(groupResource(info), name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
  }
  if (old.metadata.deletionTimestamp) {
    throw new ConflictError(groupResource(info), name, `pod ${name} is being deleted, cannot be assigned to a host`);
  }
  const node = seenNode === undefined ? batch.get('Node', undefined, nodeName) : batch.getSeen('Node', seenNode);
  if (!node) throw new NotFoundError(groupResource(NODE_INFO), nodeName);
  // The binding changes spec.nodeName and status; everything else is shared with the old,
  // frozen version rather than copied (the containers, volumes, labels, ...).
  const oldStatus = old.status as { conditions?: unknown[] } | undefined;
  const conditions = (oldStatus?.conditions ?? []).filter((c) => (c as { type?: string }).type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(ctx) });
  // The pod and its metadata are copied compact (as the store keeps them) once, here; the
  // metadata, whose parts are the stored ones, is frozen by hand below so that the freeze
  // that stores the pod need neither walk nor copy it again.
  const pod = copyCompact(old) as Mutable & { spec: { nodeName?: string }; status: { conditions?: unknown[] } };
  const metadata = (pod.metadata = copyCompact(old.metadata));
  pod.spec = boundSpec(old.spec, nodeName);
  pod.status = oldStatus ? copyFields(oldStatus) : {};
  // Every pod bound within one second gets the same conditions: compared with the last few, not
  // hashed and looked up.
  pod.status.conditions = shared.podConditions.intern(conditions);
  // The kubelet assigns the IP when it creates the sandbox, a moment after binding; kubesim
  // does it in the binding write so that a bound pod always has its address.
  ctx.network?.assignPod(batch, pod, node);
  // A pod's own IPs repeat nowhere: frozen as they are, they spare the interning below a lookup
  // of them and of the status around them (which they make unique too).
  const podIPs = (pod.status as { podIPs?: unknown }).podIPs;
  if (podIPs !== undefined) deepFreeze(podIPs);
  metadata.resourceVersion = batch.nextResourceVersion();
  Object.freeze(metadata);
  const stored = freezeInternedCompact(pod) as StoredObject;
  rememberBoundPodSpec(old.spec, stored.spec, nodeName);
  batch.replace('Pod', stored, old);
  return stored;
}

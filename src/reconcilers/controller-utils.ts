/**
 * Helpers the workload controllers share, after pkg/controller/controller_utils.go and
 * pkg/api/v1/pod/util.go: which pods are active, ready and available; the ActivePods orderings
 * that decide which pods a ReplicaSet deletes first; controllerRefs and claiming (adoption and
 * release, as controller_ref_manager.go); and building a pod from a template
 * (GetPodFromTemplate) with a generated name.
 *
 * Times are epoch milliseconds parsed from the objects' RFC 3339 strings; an absent or
 * unparsable timestamp is Go's zero time, written here as `undefined`.
 *
 * @see kubernetes/kubernetes pkg/controller/controller_utils.go
 * @see kubernetes/kubernetes pkg/api/v1/pod/util.go (IsPodReady, IsPodAvailable)
 * @see kubernetes/kubernetes pkg/controller/controller_ref_manager.go
 */
import { copyJson } from '../model/json.js';
import { compareGoStrings, type Selector } from '../model/labels/selector.js';
import type { Action, RandomSource } from '../model/reconcile.js';
import { getObject, type ClusterState } from '../model/store.js';
import { maskTrailingDash } from '../model/strategy/object-meta.js';
import { parseRFC3339 } from '../model/time.js';
import type { KubeObject, ObjectMeta, OwnerReference, Pod, PodTemplateSpec, StoredObject } from '../model/types.js';
import { isDNS1123Subdomain } from '../model/validation/names.js';

/** The annotation users set to steer scale-down (core.PodDeletionCost). */
export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

/** Largest number of pods one sync creates or deletes (replica_set.go BurstReplicas). */
export const BURST_REPLICAS = 500;

/**
 * Parsed timestamps by their text. Pods and ReplicaSets carry the same few timestamps over and
 * over (a batch of pods turns ready in the same second), and a sync compares them per pod, so
 * the parse is cached. A pure function of the string, so caching changes no result; the cache
 * is dropped whole when it grows past a bound.
 */
const parsedTimes = new Map<string, number | undefined>();
const PARSED_TIMES_MAX = 4096;

/** Go's zero metav1.Time is `undefined`; anything unparsable counts as zero too. */
export function timeMs(s: string | null | undefined): number | undefined {
  if (typeof s !== 'string' || s === '') return undefined;
  if (parsedTimes.has(s)) return parsedTimes.get(s);
  let t: number | undefined;
  try {
    t = parseRFC3339(s);
  } catch {
    t = undefined;
  }
  if (parsedTimes.size >= PARSED_TIMES_MAX) parsedTimes.clear();
  parsedTimes.set(s, t);
  return t;
}

/** The last `ctx.now` parsed by reconcileNowMs, and its value. */
let lastNow = '';
let lastNowMs = 0;

/**
 * A reconcile context's `now` (RFC 3339, whole seconds) as epoch ms: parseRFC3339(now), with
 * the last answer kept, since every reconcile of a step shares the same instant. A pure
 * function of the string, so keeping it changes no result (and nothing about any cluster).
 */
export function reconcileNowMs(now: string): number {
  if (now !== lastNow) {
    lastNowMs = parseRFC3339(now);
    lastNow = now;
  }
  return lastNowMs;
}

// ---- pod state ------------------------------------------------------------------------------

/** IsPodActive: not Succeeded, not Failed, not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

/** FilterActivePods, keeping the input order. */
export function filterActivePods<P extends Pod>(pods: readonly P[]): P[] {
  return pods.filter(isPodActive);
}

/** GetPodReadyCondition: the first condition of type Ready. */
export function getPodReadyCondition(pod: Pod): NonNullable<NonNullable<Pod['status']>['conditions']>[number] | undefined {
  const conditions = pod.status?.conditions;
  if (!conditions) return undefined;
  for (let i = 0; i < conditions.length; i++) if (conditions[i]!.type === 'Ready') return conditions[i];
  return undefined;
}

/** What the workload controllers read of a pod's Ready condition, once per pod object. */
interface Readiness {
  readonly ready: boolean;
  /** The Ready condition's lastTransitionTime (epoch ms), zero time as undefined. */
  readonly sinceMs: number | undefined;
}

/**
 * Readiness by Ready condition object. A pod's readiness is its Ready condition alone, and
 * stored conditions are frozen and shared: a status write that leaves the condition as it was
 * keeps the object, and equal conditions of different pods are one interned object. Keying by
 * the condition rather than by the pod keeps a handful of entries where keying by pod version
 * kept one per version written (six per pod over a bring-up, held until the next full GC). A
 * condition that is not frozen (a caller's own mutable object) is read afresh every time.
 */
const readinessCache = new WeakMap<object, Readiness>();

/** No Ready condition: not ready, no transition time. */
const NO_CONDITION: Readiness = Object.freeze({ ready: false, sinceMs: undefined });

function readiness(pod: Pod): Readiness {
  const c = getPodReadyCondition(pod);
  if (c === undefined) return NO_CONDITION;
  const cached = readinessCache.get(c);
  if (cached) return cached;
  const r: Readiness = { ready: c.status === 'True', sinceMs: timeMs(c.lastTransitionTime) };
  if (Object.isFrozen(c)) readinessCache.set(c, r);
  return r;
}

/** IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return readiness(pod).ready;
}

/**
 * IsPodAvailable: ready, and either minReadySeconds is 0 or the pod turned ready strictly more
 * than minReadySeconds ago. Example: ready at 10:00:00, minReadySeconds 5 → available from any
 * instant after 10:00:05 (not at 10:00:05 itself; v1.32 compares with Before).
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowEpochMs: number): boolean {
  const r = readiness(pod);
  if (!r.ready) return false;
  if (minReadySeconds === 0) return true;
  return r.sinceMs !== undefined && r.sinceMs + minReadySeconds * 1000 < nowEpochMs;
}

/** podReadyTime: when the pod turned ready, or zero if it is not ready. */
export function podReadyTime(pod: Pod): number | undefined {
  const r = readiness(pod);
  return r.ready ? r.sinceMs : undefined;
}

/** maxContainerRestarts over the regular containers' statuses. */
export function maxContainerRestarts(pod: Pod): number {
  let max = 0;
  for (const c of pod.status?.containerStatuses ?? []) max = Math.max(max, c.restartCount ?? 0);
  return max;
}

/**
 * GetDeletionCostFromPodAnnotations: an int32 in canonical decimal ("-5", "0", "10"); anything
 * else ("+10", "007", "1e3", out of range) counts as 0.
 */
export function getDeletionCost(pod: Pod): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST_ANNOTATION];
  if (v === undefined || !/^(-?[0-9]+)$/.test(v)) return 0;
  // validFirstDigit: '-' or a non-zero digit, or exactly "0"; then ParseInt's own rules.
  if (!(v[0] === '-' || v === '0' || (v[0]! >= '1' && v[0]! <= '9'))) return 0;
  const n = Number(v);
  if (n < -2147483648 || n > 2147483647) return 0;
  return n === 0 ? 0 : n; // "-0" is 0, not JavaScript's -0
}

/**
 * `list` itself, or a plain copy when it is frozen. Node 20 reads a frozen array's elements
 * through a slow generic path (~5x an ordinary array's for an indexed loop, 10-30x for
 * find/some/filter/slice), while spreading one takes a fast path (~1 ns an element): a loop
 * over a long stored list (an index bucket's pods, a slice's endpoints) runs cheaper on a copy.
 * Not worth it for a list of a few elements.
 */
export function thawed<T>(list: readonly T[]): readonly T[] {
  return Object.isFrozen(list) ? [...list] : list;
}

/** Same length, the very same elements in order. */
export function sameElements(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The first entry of `list` with this `type` (a condition, an address, ...): `find` by an
 * indexed loop, as stored lists are frozen and Node 20's find on a frozen array is slow.
 */
export function findByType<T extends { readonly type: string }>(list: readonly T[], type: string): T | undefined {
  for (let i = 0; i < list.length; i++) if (list[i]!.type === type) return list[i];
  return undefined;
}

/**
 * The objects that left and arrived between two versions of a list, found by identity: stored
 * objects are frozen and replaced on every write, so an object in both versions is unchanged.
 * Both lists are walked once in step, by name; for name-ordered lists (what the index hands
 * out) `removed` and `added` are exactly the changed entries, in list order. Whatever the order,
 * `after` holds `before` minus `removed` plus `added` (as multisets), so callers that patch a
 * result computed from `before` stay exact; only the cost depends on the order. Two versions of
 * one name that `same` says are alike for the caller's purpose are not reported.
 */
export function diffByName<T extends { readonly metadata: { readonly name: string } }>(
  before: readonly T[],
  after: readonly T[],
  removed: T[],
  added: T[],
  same?: (a: T, b: T) => boolean,
): void {
  before = thawed(before);
  after = thawed(after);
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    const a = before[i]!;
    const b = after[j]!;
    if (a === b) {
      i += 1;
      j += 1;
    } else if (a.metadata.name < b.metadata.name) {
      removed.push(a);
      i += 1;
    } else if (a.metadata.name > b.metadata.name) {
      added.push(b);
      j += 1;
    } else {
      if (same === undefined || !same(a, b)) {
        removed.push(a);
        added.push(b);
      }
      i += 1;
      j += 1;
    }
  }
  while (i < before.length) removed.push(before[i++]!);
  while (j < after.length) added.push(after[j++]!);
}

// ---- ActivePods orderings -------------------------------------------------------------------

/** Phase order for scale-down; any other phase (or none) counts as Pending, as Go's map does. */
function phaseOrdinal(pod: Pod): number {
  const phase = pod.status?.phase;
  return phase === 'Unknown' ? 1 : phase === 'Running' ? 2 : 0;
}

/** afterOrZero: is t1 after t2, where a zero time counts as after any other. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/** ⌊log2 x⌋ for x ≥ 1, exact at powers of two (Math.log2 alone can be off by one there). */
function floorLog2(x: number): number {
  let r = Math.floor(Math.log2(x));
  if (2 ** r > x) r -= 1;
  else if (2 ** (r + 1) <= x) r += 1;
  return r;
}

/**
 * logarithmicRankDiff: compares the base-2 logarithm of two ages in nanoseconds, so pods of
 * similar age (same power-of-two bucket) tie. Example at now: ages 5h (1.8e13 ns, bucket 44)
 * and 8h (2.88e13 ns, bucket 44) tie; 2h (7.2e12 ns, bucket 42) is younger. A non-positive age
 * is bucket -1.
 */
function logarithmicRankDiff(t1: number, t2: number, nowEpochMs: number): number {
  const rank = (t: number): number => (nowEpochMs - t > 0 ? floorLog2((nowEpochMs - t) * 1_000_000) : -1);
  return rank(t1) - rank(t2);
}

/** The first three rules both orderings share; undefined when they do not decide. */
function lessByStartup(a: Pod, b: Pod): boolean | undefined {
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  // 1. Unassigned < assigned.
  if (na !== nb && (na === '' || nb === '')) return na === '';
  // 2. Pending < Unknown < Running.
  if (phaseOrdinal(a) !== phaseOrdinal(b)) return phaseOrdinal(a) < phaseOrdinal(b);
  // 3. Not ready < ready.
  if (isPodReady(a) !== isPodReady(b)) return !isPodReady(a);
  return undefined;
}

/**
 * ActivePods.Less: true when `a` should go before `b` (be deleted first). Unassigned < assigned;
 * Pending < Unknown < Running; not ready < ready; ready for less time < more; more restarts <
 * fewer; newer < older (zero timestamps first).
 */
export function activePodsLess(a: Pod, b: Pod): boolean {
  const startup = lessByStartup(a, b);
  if (startup !== undefined) return startup;
  if (isPodReady(a) && isPodReady(b)) {
    const ra = podReadyTime(a);
    const rb = podReadyTime(b);
    if (ra !== rb) return afterOrZero(ra, rb);
  }
  if (maxContainerRestarts(a) !== maxContainerRestarts(b)) return maxContainerRestarts(a) > maxContainerRestarts(b);
  const ca = timeMs(a.metadata?.creationTimestamp);
  const cb = timeMs(b.metadata?.creationTimestamp);
  if (ca !== cb) return afterOrZero(ca, cb);
  return false;
}

/** A pod and its rank: how many related active pods share its node. */
export interface RankedPod<P extends Pod = Pod> {
  readonly pod: P;
  readonly rank: number;
}

/** Compares two times in log2 age buckets, the UID breaking a tie (LogarithmicScaleDown). */
function lessByAge(ta: number | undefined, tb: number | undefined, a: Pod, b: Pod, nowEpochMs: number | undefined): boolean {
  if (nowEpochMs === undefined || ta === undefined || tb === undefined) return afterOrZero(ta, tb);
  const diff = logarithmicRankDiff(ta, tb, nowEpochMs);
  if (diff === 0) return compareGoStrings(a.metadata?.uid ?? '', b.metadata?.uid ?? '') < 0;
  return diff < 0;
}

/**
 * ActivePodsWithRanks.Less with v1.32's default gates (PodDeletionCost and LogarithmicScaleDown
 * on): the startup rules, then lower pod-deletion-cost first, then higher rank (more doubled
 * up) first, then ready-time and creation-time in log2 age buckets — within one bucket the
 * lower UID goes first — with more restarts first in between.
 */
export function activePodsWithRanksLess(a: RankedPod, b: RankedPod, nowEpochMs: number | undefined): boolean {
  const startup = lessByStartup(a.pod, b.pod);
  if (startup !== undefined) return startup;
  const costA = getDeletionCost(a.pod);
  const costB = getDeletionCost(b.pod);
  if (costA !== costB) return costA < costB;
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (isPodReady(a.pod) && isPodReady(b.pod)) {
    const ra = podReadyTime(a.pod);
    const rb = podReadyTime(b.pod);
    if (ra !== rb) return lessByAge(ra, rb, a.pod, b.pod, nowEpochMs);
  }
  if (maxContainerRestarts(a.pod) !== maxContainerRestarts(b.pod)) {
    return maxContainerRestarts(a.pod) > maxContainerRestarts(b.pod);
  }
  const ca = timeMs(a.pod.metadata?.creationTimestamp);
  const cb = timeMs(b.pod.metadata?.creationTimestamp);
  if (ca !== cb) return lessByAge(ca, cb, a.pod, b.pod, nowEpochMs);
  return false;
}

/** A comparator from a Less function. Array.prototype.sort is stable: ties keep input order. */
export function comparatorOf<T>(less: (a: T, b: T) => boolean): (a: T, b: T) => number {
  return (a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0);
}

// ---- controllerRefs -------------------------------------------------------------------------

/** metav1.GetControllerOf: the ownerReference with controller: true. */
export function getControllerOf(obj: { metadata?: ObjectMeta }): OwnerReference | undefined {
  const refs = obj.metadata?.ownerReferences;
  if (!refs) return undefined;
  for (let i = 0; i < refs.length; i++) if (refs[i]!.controller === true) return refs[i];
  return undefined;
}

/** metav1.NewControllerRef: points at `owner`, controller and blocking its foreground deletion. */
export function newControllerRef(owner: { metadata: ObjectMeta }, apiVersion: string, kind: string): OwnerReference {
  return {
    apiVersion,
    kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * resolveControllerRef: the object of `kind` a controllerRef names, if it still is the same
 * object (same uid; a recreated namesake is someone else).
 */
export function resolveControllerRef(
  state: ClusterState,
  namespace: string | undefined,
  ref: OwnerReference | undefined,
  kind: string,
): KubeObject | undefined {
  if (!ref || ref.kind !== kind) return undefined;
  const obj = getObject(state, kind, namespace, ref.name);
  return obj && obj.metadata.uid === ref.uid ? obj : undefined;
}

// ---- pods from templates --------------------------------------------------------------------

/** names.SimpleNameGenerator: the base is cut to 58 characters, then 5 random ones follow. */
const MAX_GENERATED_BASE_LENGTH = 58;
const NAME_SUFFIX_LENGTH = 5;
/** apimachinery rand.String's alphabet (no vowels, so no accidental words). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Prefixes by controller name: a controller creates its pods in batches, each asking again, and
 * the validation behind the answer costs more than the rest of building a pod's metadata. A
 * pure function of the name, so caching changes no result; dropped whole past a bound.
 */
const podsPrefixes = new Map<string, string>();
const PODS_PREFIXES_MAX = 4096;

/** getPodsPrefix: `<name>-`, or just `<name>` when the dash would make an invalid name. */
export function getPodsPrefix(controllerName: string): string {
  let prefix = podsPrefixes.get(controllerName);
  if (prefix !== undefined) return prefix;
  const dashed = `${controllerName}-`;
  prefix = isDNS1123Subdomain(maskTrailingDash(dashed)).length === 0 ? dashed : controllerName;
  if (podsPrefixes.size >= PODS_PREFIXES_MAX) podsPrefixes.clear();
  podsPrefixes.set(controllerName, prefix);
  return prefix;
}

/**
 * The name the API server would give a pod with generateName `prefix`. The controller draws it
 * itself (from its own seeded stream) because its Events name the created pod; like the
 * server's RetryGenerateName it draws again on a collision with `taken` (bounded).
 */
export function generatePodName(prefix: string, rng: RandomSource, taken: (name: string) => boolean): string {
  const base = prefix.length > MAX_GENERATED_BASE_LENGTH ? prefix.slice(0, MAX_GENERATED_BASE_LENGTH) : prefix;
  let name = '';
  for (let attempt = 0; attempt < 8; attempt++) {
    let suffix = '';
    for (let i = 0; i < NAME_SUFFIX_LENGTH; i++) suffix += ALPHANUMS[rng.int(ALPHANUMS.length)];
    name = `${base}${suffix}`;
    if (!taken(name)) break;
  }
  return name;
}

/**
 * GetPodFromTemplate: a pod with the template's labels, annotations, finalizers and spec, the
 * generateName `<parent>-`, and `controllerRef` as its only ownerReference.
 */
export function getPodFromTemplate(
  template: PodTemplateSpec | undefined,
  parent: { metadata: ObjectMeta },
  controllerRef: OwnerReference | undefined,
): Pod & KubeObject {
  const tm = template?.metadata;
  const metadata: ObjectMeta = { generateName: getPodsPrefix(parent.metadata.name ?? '') };
  if (parent.metadata.namespace) metadata.namespace = parent.metadata.namespace;
  if (tm?.labels) metadata.labels = { ...tm.labels };
  if (tm?.annotations) metadata.annotations = { ...tm.annotations };
  if (tm?.finalizers) metadata.finalizers = [...tm.finalizers];
  if (controllerRef) metadata.ownerReferences = [{ ...controllerRef }];
  const spec = template?.spec ? copyJson(template.spec) : undefined;
  return spec ? { apiVersion: 'v1', kind: 'Pod', metadata, spec } : { apiVersion: 'v1', kind: 'Pod', metadata };
}

// ---- claiming (controller_ref_manager.go) ---------------------------------------------------

export interface ClaimResult<T extends StoredObject> {
  /** Owned objects that match, plus the orphans being adopted, in name order. */
  readonly claimed: T[];
  /** The adoption and release updates, in name order. */
  readonly actions: Action[];
}

function withOwnerRefs(obj: StoredObject, refs: OwnerReference[]): KubeObject {
  const next = copyJson(obj) as KubeObject & { metadata: ObjectMeta };
  if (refs.length > 0) next.metadata.ownerReferences = refs;
  else delete next.metadata.ownerReferences;
  return next;
}

/**
 * BaseControllerRefManager.ClaimObject over a list, as PodControllerRefManager.ClaimPods does:
 * - owned by `controller` and matching: claimed;
 * - owned but no longer matching: released (the ownerReference removed by an update), unless
 *   the controller is being deleted — a released pod keeps running and is no longer counted;
 * - an orphan that matches, is not being deleted and lives in the controller's namespace:
 *   adopted (the controllerRef added by an update) and counted at once;
 * - owned by someone else: ignored.
 * Adoption needs no fresh re-read of the controller (upstream's RecheckDeletionTimestamp):
 * `controller` is always the current version here. Updates carry the resourceVersion read, so
 * a concurrent change makes them Conflict, as upstream's uid-preconditioned patches would.
 */
export function claimObjects<T extends StoredObject>(
  controller: StoredObject,
  selector: Selector,
  candidates: readonly T[],
  controllerRef: OwnerReference,
): ClaimResult<T> {
  const claimed: T[] = [];
  const actions: Action[] = [];
  const uid = controller.metadata.uid;
  const deleting = controller.metadata.deletionTimestamp != null;
  // The pods of one controller share their (interned) labels and ownerReferences objects, so
  // the last verdict is reused for the same object: nothing changes them during the loop.
  let lastLabels: unknown = candidates;
  let matches = false;
  let lastRefs: unknown = candidates;
  let ref: OwnerReference | undefined;
  for (const obj of candidates) {
    if (obj.metadata.ownerReferences !== lastRefs) {
      lastRefs = obj.metadata.ownerReferences;
      ref = getControllerOf(obj);
    }
    if (obj.metadata.labels !== lastLabels) {
      lastLabels = obj.metadata.labels;
      matches = selector.matches(obj.metadata.labels);
    }
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) claimed.push(obj);
      else if (!deleting) {
        const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        actions.push({ verb: 'update', object: withOwnerRefs(obj, refs) });
      }
      continue;
    }
    if (deleting || !matches || obj.metadata.deletionTimestamp != null) continue;
    if (controller.metadata.namespace && controller.metadata.namespace !== obj.metadata.namespace) continue;
    // Strategic merge on the uid key: an existing non-controller reference to us is replaced in place.
    const refs = [...(obj.metadata.ownerReferences ?? [])];
    const at = refs.findIndex((r) => r.uid === uid);
    if (at >= 0) refs[at] = { ...controllerRef };
    else refs.push({ ...controllerRef });
    actions.push({ verb: 'update', object: withOwnerRefs(obj, refs) });
    claimed.push(obj);
  }
  return { claimed, actions };
}

/**
 * The disruption controller: keeps each PodDisruptionBudget's status — currentHealthy,
 * desiredHealthy, expectedPods, disruptionsAllowed, observedGeneration, the disruptedPods the
 * eviction subresource recorded, and the DisruptionAllowed condition — in line with the pods
 * it selects, so that the eviction subresource (src/model/eviction.ts) can answer "may this
 * pod go?" from the status alone. It also resets a pod's stale DisruptionTarget condition
 * (set by an eviction that never turned into a deletion) after two minutes.
 *
 * A sync, as trySync does it:
 * - pods: every pod of the namespace the selector matches (terminating and unready ones too;
 *   an empty selector matches every pod here, while the eviction subresource matches none);
 * - expectedPods / desiredHealthy: an integer minAvailable counts the matching pods; a
 *   percentage minAvailable or any maxUnavailable sums the scale of the pods' controllers
 *   (getExpectedScale), rounding percentages up. Example: 7 replicas, maxUnavailable "30%"
 *   → ceil(2.1) = 3 unavailable allowed → desiredHealthy 7 - 3 = 4;
 * - disruptedPods: entries younger than DeletionTimeout (2m) for pods that exist and are not yet
 *   terminating are kept; the controller looks again when the oldest one expires;
 * - currentHealthy: Ready pods that are neither terminating nor in disruptedPods;
 * - disruptionsAllowed = max(0, currentHealthy - desiredHealthy), and 0 while expectedPods is 0.
 * A failure (bad selector, a pod whose controller cannot be found) is written fail-safe:
 * disruptionsAllowed 0 and DisruptionAllowed=False with reason SyncFailed.
 *
 * Upstream only resyncs a budget on pod and budget events; kubesim also wakes the budgets of a
 * namespace when a ReplicaSet, Deployment or ReplicationController changes its scale, so that
 * a percentage budget follows a scale change that does not (yet) touch any pod.
 *
 * @see kubernetes/kubernetes pkg/controller/disruption/disruption.go
 * @see kubernetes/kubernetes staging/src/k8s.io/component-helpers/apps/poddisruptionbudget/helpers.go
 */
import { KubesimError } from '../model/errors.js';
import { getScaledValueFromIntOrPercent, type IntOrString } from '../model/intstr.js';
import { copyJson, jsonEqual } from '../model/json.js';
import { labelSelectorAsSelector } from '../model/labels/label-selector.js';
import type { Selector } from '../model/labels/selector.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler, WatchMapper } from '../model/reconcile.js';
import { getObject, listObjects, objectKey, splitObjectKey, type ClusterState, type KindTable } from '../model/store.js';
import type { Condition, LabelSelector, OwnerReference, Pod, StoredObject } from '../model/types.js';
import { isPodReady, reconcileNowMs, timeMs } from './controller-utils.js';

export const DISRUPTION_CONTROLLER = 'disruption-controller';
/** The component the controller's Events name (upstream's recorder says "controllermanager"). */
const EVENT_SOURCE = 'controllermanager';

/** DeletionTimeout: how long an evicted pod may take to show a deletionTimestamp. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;
/** stalePodDisruptionTimeout: how long a DisruptionTarget condition may stand without a deletion. */
export const STALE_POD_DISRUPTION_TIMEOUT_MS = 2 * 60_000;

export const DISRUPTION_ALLOWED_CONDITION = 'DisruptionAllowed';
export const SUFFICIENT_PODS_REASON = 'SufficientPods';
export const INSUFFICIENT_PODS_REASON = 'InsufficientPods';
export const SYNC_FAILED_REASON = 'SyncFailed';
export const DISRUPTION_TARGET_CONDITION = 'DisruptionTarget';

/** Keys of the stale-condition work items; PDB keys are plain `namespace/name`. */
const POD_KEY_PREFIX = 'pod:';

export interface PodDisruptionBudgetSpec {
  readonly minAvailable?: IntOrString;
  readonly maxUnavailable?: IntOrString;
  readonly selector?: LabelSelector;
  readonly unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow';
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

type PodObject = StoredObject & Pod;
type PodCondition = NonNullable<NonNullable<Pod['status']>['conditions']>[number];
type PdbObject = StoredObject & { spec?: PodDisruptionBudgetSpec; status?: Partial<PodDisruptionBudgetStatus> };

const specOf = (pdb: PdbObject): PodDisruptionBudgetSpec => pdb.spec ?? {};

// ---- conditions (apimeta.SetStatusCondition and pdbhelper) ---------------------------------

/**
 * meta.SetStatusCondition: adds the condition, or updates it in place; lastTransitionTime
 * changes only when the status does.
 */
export function setStatusCondition(conditions: Condition[], next: Omit<Condition, 'lastTransitionTime'>, now: string): void {
  const existing = conditions.find((c) => c.type === next.type);
  if (!existing) {
    conditions.push({ ...next, lastTransitionTime: now });
    return;
  }
  if (existing.status !== next.status) {
    existing.status = next.status;
    existing.lastTransitionTime = now;
  }
  existing.reason = next.reason;
  existing.message = next.message;
  if (next.observedGeneration !== undefined) existing.observedGeneration = next.observedGeneration;
  else delete existing.observedGeneration;
}

/** UpdateDisruptionAllowedCondition: True/SufficientPods while disruptions are allowed. */
export function updateDisruptionAllowedCondition(status: PodDisruptionBudgetStatus, now: string): void {
  const conditions = (status.conditions ??= []);
  const allowed = status.disruptionsAllowed > 0;
  setStatusCondition(
    conditions,
    {
      type: DISRUPTION_ALLOWED_CONDITION,
      status: allowed ? 'True' : 'False',
      reason: allowed ? SUFFICIENT_PODS_REASON : INSUFFICIENT_PODS_REASON,
      message: '',
      ...(status.observedGeneration ? { observedGeneration: status.observedGeneration } : {}),
    },
    now,
  );
}

/** ConditionsAreUpToDate. */
function conditionsAreUpToDate(pdb: PdbObject): boolean {
  const status = pdb.status ?? {};
  const cond = status.conditions?.find((c) => c.type === DISRUPTION_ALLOWED_CONDITION);
  if (!cond || (status.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  if ((status.disruptionsAllowed ?? 0) > 0) return cond.status === 'True' && cond.reason === SUFFICIENT_PODS_REASON;
  return cond.status === 'False' && cond.reason === INSUFFICIENT_PODS_REASON;
}

// ---- expected pods ------------------------------------------------------------------------

class SyncError extends Error {}

/** The API group of an ownerReference's apiVersion ("apps/v1" → "apps", "v1" → ""). */
function groupOf(apiVersion: string | undefined): string {
  const v = apiVersion ?? '';
  const slash = v.indexOf('/');
  return slash < 0 ? '' : v.slice(0, slash);
}

function verifyGroupKind(ref: OwnerReference, kind: string, groups: readonly string[]): boolean {
  return ref.kind === kind && groups.includes(groupOf(ref.apiVersion));
}

interface ControllerScale {
  readonly uid: string;
  readonly scale: number;
}

function scaleOf(obj: StoredObject): number {
  return (obj.spec as { replicas?: number } | undefined)?.replicas ?? 1;
}

function sameObject(state: ClusterState, kind: string, ns: string, ref: OwnerReference): StoredObject | undefined {
  const obj = getObject(state, kind, ns, ref.name);
  return obj && obj.metadata.uid === ref.uid ? obj : undefined;
}

/** Kinds kubesim serves with a scale subresource, for upstream's generic scale fallback. */
const SCALABLE: Readonly<Record<string, { readonly groups: readonly string[]; readonly resource: string }>> = {
  Deployment: { groups: ['apps', 'extensions'], resource: 'deployments.apps' },
  ReplicaSet: { groups: ['apps', 'extensions'], resource: 'replicasets.apps' },
  ReplicationController: { groups: [''], resource: 'replicationcontrollers' },
  StatefulSet: { groups: ['apps'], resource: 'statefulsets.apps' },
};
const NOT_SCALABLE: Readonly<Record<string, string>> = { DaemonSet: 'daemonsets.apps', Job: 'jobs.batch', CronJob: 'cronjobs.batch' };

/**
 * The finders in upstream's order: ReplicationController, Deployment (through its ReplicaSet),
 * a ReplicaSet without a Deployment, StatefulSet, then the scale subresource of whatever the
 * reference names. Returns undefined when no finder knows the controller.
 */
function findControllerScale(state: ClusterState, ref: OwnerReference, ns: string): ControllerScale | undefined {
  if (verifyGroupKind(ref, 'ReplicationController', [''])) {
    const rc = sameObject(state, 'ReplicationController', ns, ref);
    if (rc) return { uid: rc.metadata.uid, scale: scaleOf(rc) };
  }
  if (verifyGroupKind(ref, 'ReplicaSet', ['apps', 'extensions'])) {
    const rs = sameObject(state, 'ReplicaSet', ns, ref);
    const owner = rs?.metadata.ownerReferences?.find((r) => r.controller === true);
    if (rs && owner && verifyGroupKind(owner, 'Deployment', ['apps', 'extensions'])) {
      const d = sameObject(state, 'Deployment', ns, owner);
      if (d) return { uid: d.metadata.uid, scale: scaleOf(d) };
    }
    if (rs && owner?.kind !== 'Deployment') return { uid: rs.metadata.uid, scale: scaleOf(rs) };
  }
  if (verifyGroupKind(ref, 'StatefulSet', ['apps'])) {
    const ss = sameObject(state, 'StatefulSet', ns, ref);
    if (ss) return { uid: ss.metadata.uid, scale: scaleOf(ss) };
  }
  // getScaleController: any kind with a scale subresource, matched by uid.
  const scalable = SCALABLE[ref.kind];
  if (scalable && scalable.groups.includes(groupOf(ref.apiVersion))) {
    const obj = sameObject(state, ref.kind, ns, ref);
    return obj ? { uid: obj.metadata.uid, scale: scaleOf(obj) } : undefined;
  }
  const notScalable = NOT_SCALABLE[ref.kind];
  if (notScalable) throw new SyncError(`${notScalable} does not implement the scale subresource`);
  throw new SyncError(`no matches for kind "${ref.kind}" in version "${ref.apiVersion ?? ''}"`);
}

/**
 * getExpectedScale: the sum of the scales of the pods' controllers, each counted once.
 * Pods without a controller are returned as unmanaged (they do not count); a pod whose
 * controller cannot be found fails the sync.
 */
export function getExpectedScale(state: ClusterState, pods: readonly PodObject[]): { expectedCount: number; unmanagedPods: string[] } {
  const scales = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller === true);
    if (!ref) {
      unmanagedPods.push(pod.metadata.name);
      continue;
    }
    if (scales.has(ref.uid)) continue;
    const found = findControllerScale(state, ref, pod.metadata.namespace ?? 'default');
    if (!found) throw new SyncError(`found no controllers for pod ${JSON.stringify(pod.metadata.name)}`);
    scales.set(found.uid, found.scale);
  }
  let expectedCount = 0;
  for (const scale of scales.values()) expectedCount += scale;
  return { expectedCount, unmanagedPods };
}

export interface ExpectedPodCount {
  readonly expectedCount: number;
  readonly desiredHealthy: number;
  readonly unmanagedPods: readonly string[];
}

/**
 * getExpectedPodCount. maxUnavailable (int or percent): expected = controllers' scale,
 * desired = max(0, expected - ceil(maxUnavailable of expected)). minAvailable as an integer:
 * expected = matching pods, desired = the integer. minAvailable as a percent: expected =
 * controllers' scale, desired = ceil(percent of expected). Example: minAvailable "34%" of 3 →
 * ceil(1.02) = 2.
 */
export function getExpectedPodCount(state: ClusterState, spec: PodDisruptionBudgetSpec, pods: readonly PodObject[]): ExpectedPodCount {
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    const { expectedCount, unmanagedPods } = getExpectedScale(state, pods);
    const maxUnavailable = getScaledValueFromIntOrPercent(spec.maxUnavailable, expectedCount, true);
    return { expectedCount, desiredHealthy: Math.max(0, expectedCount - maxUnavailable), unmanagedPods };
  }
  if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
    if (typeof spec.minAvailable === 'number') {
      return { expectedCount: pods.length, desiredHealthy: spec.minAvailable, unmanagedPods: [] };
    }
    const { expectedCount, unmanagedPods } = getExpectedScale(state, pods);
    return { expectedCount, desiredHealthy: getScaledValueFromIntOrPercent(spec.minAvailable, expectedCount, true), unmanagedPods };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

// ---- disrupted pods and health -------------------------------------------------------------

/**
 * buildDisruptedPodMap: keeps the entries of pods that exist, are not yet terminating and were
 * evicted less than DeletionTimeout ago; returns when the earliest kept entry expires.
 */
export function buildDisruptedPodMap(
  pods: readonly PodObject[],
  disrupted: Readonly<Record<string, string>> | undefined,
  nowEpochMs: number,
): { disruptedPods: Record<string, string>; recheckEpochMs: number | undefined } {
  const disruptedPods: Record<string, string> = {};
  let recheckEpochMs: number | undefined;
  if (!disrupted) return { disruptedPods, recheckEpochMs };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const at = disrupted[pod.metadata.name];
    if (at === undefined) continue;
    const expected = (timeMs(at) ?? 0) + DELETION_TIMEOUT_MS;
    // Upstream records a NotDeleted Warning on the pod here; the entry simply expires.
    if (expected < nowEpochMs) continue;
    if (recheckEpochMs === undefined || expected < recheckEpochMs) recheckEpochMs = expected;
    disruptedPods[pod.metadata.name] = at;
  }
  return { disruptedPods, recheckEpochMs };
}

/** countHealthyPods: Ready, not terminating, not (recently) evicted. */
export function countHealthyPods(pods: readonly PodObject[], disruptedPods: Readonly<Record<string, string>>): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    if (Object.hasOwn(disruptedPods, pod.metadata.name)) continue;
    if (isPodReady(pod)) healthy += 1;
  }
  return healthy;
}

// ---- the sync -----------------------------------------------------------------------------

function pdbEvent(pdb: PdbObject, type: 'Normal' | 'Warning', reason: string, message: string): Action {
  const { name, namespace, uid } = pdb.metadata;
  return { verb: 'event', event: { involvedObject: { kind: 'PodDisruptionBudget', namespace, name, uid }, type, reason, message, source: EVENT_SOURCE } };
}

/** Go's %v of a *metav1.LabelSelector (the gogo-protobuf String()), for the UnmanagedPods event. */
export function formatLabelSelector(ls: LabelSelector | undefined): string {
  if (!ls) return 'nil';
  const labels = ls.matchLabels ?? {};
  const keys = Object.keys(labels).sort();
  const ml = keys.map((k) => `${k}: ${labels[k]},`).join('');
  const me = (ls.matchExpressions ?? [])
    .map((r) => `LabelSelectorRequirement{Key:${r.key},Operator:${r.operator},Values:[${(r.values ?? []).join(' ')}],},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${ml}},MatchExpressions:[]LabelSelectorRequirement{${me}},}`;
}

function statusWrite(pdb: PdbObject, status: PodDisruptionBudgetStatus): Action {
  const next = copyJson(pdb) as PdbObject & { status: PodDisruptionBudgetStatus };
  next.status = status;
  return { verb: 'updateStatus', object: next };
}

/** failSafe: disruptionsAllowed 0 and DisruptionAllowed=False/SyncFailed, the rest kept. */
function failSafe(pdb: PdbObject, message: string, now: string): Action {
  const old = copyJson(pdb.status ?? {}) as Partial<PodDisruptionBudgetStatus>;
  const status = { ...old, disruptionsAllowed: 0 } as PodDisruptionBudgetStatus;
  status.currentHealthy ??= 0;
  status.desiredHealthy ??= 0;
  status.expectedPods ??= 0;
  const conditions = (status.conditions ??= []);
  setStatusCondition(
    conditions,
    {
      type: DISRUPTION_ALLOWED_CONDITION,
      status: 'False',
      reason: SYNC_FAILED_REASON,
      message,
      ...(old.observedGeneration ? { observedGeneration: old.observedGeneration } : {}),
    },
    now,
  );
  return statusWrite(pdb, status);
}

/**
 * updatePdbStatus: skips the write when every count, the disruptedPods, observedGeneration and
 * the DisruptionAllowed condition already say the right thing.
 */
function updatePdbStatus(pdb: PdbObject, counts: ExpectedPodCount, currentHealthy: number, disruptedPods: Record<string, string>, now: string): Action | undefined {
  const { expectedCount, desiredHealthy } = counts;
  let disruptionsAllowed = currentHealthy - desiredHealthy;
  if (expectedCount <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
  const old = pdb.status ?? {};
  const generation = pdb.metadata.generation ?? 0;
  if (
    old.currentHealthy === currentHealthy &&
    old.desiredHealthy === desiredHealthy &&
    old.expectedPods === expectedCount &&
    old.disruptionsAllowed === disruptionsAllowed &&
    jsonEqual(old.disruptedPods ?? {}, disruptedPods) &&
    (old.observedGeneration ?? 0) === generation &&
    conditionsAreUpToDate(pdb)
  ) {
    return undefined;
  }
  const status: PodDisruptionBudgetStatus = {
    ...(generation ? { observedGeneration: generation } : {}),
    ...(Object.keys(disruptedPods).length > 0 ? { disruptedPods } : {}),
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods: expectedCount,
    conditions: copyJson(old.conditions ?? []),
  };
  updateDisruptionAllowedCondition(status, now);
  return statusWrite(pdb, status);
}

/** The pods a budget covers: its namespace's pods matching the selector (nil matches none). */
function podsForPdb(pdb: PdbObject, selector: Selector, ctx: ReconcileContext): PodObject[] {
  const ns = pdb.metadata.namespace ?? 'default';
  return ctx.index.list('Pod', 'namespace', ns).filter((p) => selector.matches(p.metadata.labels)) as PodObject[];
}

/** sync + trySync for one budget. */
export function syncPdb(state: ClusterState, pdb: PdbObject, ctx: ReconcileContext): ReconcileResult {
  const spec = specOf(pdb);
  let selector: Selector;
  try {
    selector = labelSelectorAsSelector(spec.selector);
  } catch (e) {
    const msg = (e as Error).message;
    return { actions: [pdbEvent(pdb, 'Warning', 'NoPods', `Failed to get pods: ${msg}`), failSafe(pdb, msg, ctx.now)] };
  }
  const actions: Action[] = [];
  const pods = podsForPdb(pdb, selector, ctx);
  if (pods.length === 0) actions.push(pdbEvent(pdb, 'Normal', 'NoPods', 'No matching pods found'));
  let counts: ExpectedPodCount;
  try {
    counts = getExpectedPodCount(state, spec, pods);
  } catch (e) {
    if (!(e instanceof SyncError) && !(e instanceof KubesimError)) throw e;
    const msg = (e as Error).message;
    actions.push(pdbEvent(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${msg}`));
    actions.push(failSafe(pdb, msg, ctx.now));
    return { actions };
  }
  if (counts.unmanagedPods.length > 0) {
    actions.push(
      pdbEvent(
        pdb,
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${formatLabelSelector(spec.selector)}) were found to be unmanaged. ` +
          'As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. ' +
          'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
      ),
    );
  }
  const nowEpochMs = reconcileNowMs(ctx.now);
  const { disruptedPods, recheckEpochMs } = buildDisruptedPodMap(pods, pdb.status?.disruptedPods, nowEpochMs);
  const currentHealthy = countHealthyPods(pods, disruptedPods);
  const write = updatePdbStatus(pdb, counts, currentHealthy, disruptedPods, ctx.now);
  if (write) actions.push(write);
  // ctx.now has whole seconds; look again in the second after the entry expires so that the
  // expiry test (strictly before now) holds by then.
  const requeue = recheckEpochMs === undefined ? undefined : recheckEpochMs + 1000 - nowEpochMs;
  return requeue === undefined ? { actions } : { actions, requeueAfterMs: requeue };
}

// ---- stale DisruptionTarget conditions -----------------------------------------------------

/**
 * nonTerminatingPodHasStaleDisruptionCondition: a DisruptionTarget=True condition on a pod that
 * is neither terminating nor terminal, not set by the kubelet. Returns how long until it is stale.
 */
export function staleDisruptionWaitMs(pod: PodObject, nowEpochMs: number): number | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  const cond = pod.status?.conditions?.find((c) => c.type === DISRUPTION_TARGET_CONDITION);
  const phase = pod.status?.phase;
  if (!cond || cond.status !== 'True' || cond.reason === 'TerminationByKubelet' || phase === 'Succeeded' || phase === 'Failed') {
    return undefined;
  }
  const since = timeMs(cond.lastTransitionTime) ?? 0;
  return Math.max(0, STALE_POD_DISRUPTION_TIMEOUT_MS - (nowEpochMs - since));
}

/** syncStalePodDisruption: sets the stale condition to False (reason and message cleared). */
function syncStalePodDisruption(state: ClusterState, podKey: string, ctx: ReconcileContext): ReconcileResult {
  const { namespace, name } = splitObjectKey(podKey);
  const pod = getObject(state, 'Pod', namespace, name) as PodObject | undefined;
  if (!pod) return { actions: [] };
  const wait = staleDisruptionWaitMs(pod, reconcileNowMs(ctx.now));
  if (wait === undefined) return { actions: [] };
  if (wait > 0) return { actions: [], requeueAfterMs: wait };
  const next = copyJson(pod) as PodObject & { status: { conditions: PodCondition[] } };
  next.status.conditions = next.status.conditions.map((c) =>
    c.type === DISRUPTION_TARGET_CONDITION ? { type: DISRUPTION_TARGET_CONDITION, status: 'False', lastTransitionTime: ctx.now } : c,
  );
  return { actions: [{ verb: 'updateStatus', object: next }] };
}

// ---- watches ------------------------------------------------------------------------------

interface CompiledPdb {
  readonly key: string;
  readonly selector: Selector | undefined;
}

/** The budgets of a namespace with their selectors, memoised per version of the PDB table. */
function pdbIndex(): (state: ClusterState, namespace: string) => readonly CompiledPdb[] {
  const cache = new WeakMap<KindTable, Map<string, CompiledPdb[]>>();
  return (state, namespace) => {
    const table = state.kinds.PodDisruptionBudget;
    if (!table || table.count === 0) return [];
    let byNs = cache.get(table);
    if (!byNs) cache.set(table, (byNs = new Map()));
    let list = byNs.get(namespace);
    if (!list) {
      list = listObjects(state, 'PodDisruptionBudget', namespace).map((pdb) => {
        let selector: Selector | undefined;
        try {
          selector = labelSelectorAsSelector((pdb.spec as PodDisruptionBudgetSpec | undefined)?.selector);
        } catch {
          selector = undefined;
        }
        return { key: objectKey(namespace, pdb.metadata.name), selector };
      });
      byNs.set(namespace, list);
    }
    return list;
  };
}

function podMapper(budgets: ReturnType<typeof pdbIndex>): WatchMapper {
  return (change, state) => {
    const keys = new Set<string>();
    for (const pod of [change.oldObject, change.object]) {
      if (!pod) continue;
      for (const b of budgets(state, pod.metadata.namespace ?? 'default')) {
        if (b.selector?.matches(pod.metadata.labels)) keys.add(b.key);
      }
    }
    const pod = change.object as PodObject | undefined;
    if (pod && staleDisruptionWaitMs(pod, 0) !== undefined) keys.add(`${POD_KEY_PREFIX}${objectKey(pod.metadata.namespace, pod.metadata.name)}`);
    return [...keys].sort();
  };
}

/** A workload's scale changed: every budget of its namespace may count it. */
function scaleMapper(budgets: ReturnType<typeof pdbIndex>): WatchMapper {
  return (change, state) => {
    const scale = (o: StoredObject | undefined) => (o ? scaleOf(o) : undefined);
    if (change.object && change.oldObject && scale(change.object) === scale(change.oldObject)) return [];
    const obj = (change.object ?? change.oldObject)!;
    return budgets(state, obj.metadata.namespace ?? 'default').map((b) => b.key);
  };
}

/** The disruption controller ('disruption-controller'). */
export function disruptionController(): Reconciler {
  const budgets = pdbIndex();
  const scales = scaleMapper(budgets);
  return {
    name: DISRUPTION_CONTROLLER,
    watches: { PodDisruptionBudget: 'self', Pod: podMapper(budgets), ReplicaSet: scales, Deployment: scales, ReplicationController: scales },
    reconcile(state, key, ctx) {
      if (key.startsWith(POD_KEY_PREFIX)) return syncStalePodDisruption(state, key.slice(POD_KEY_PREFIX.length), ctx);
      const { namespace, name } = splitObjectKey(key);
      const pdb = getObject(state, 'PodDisruptionBudget', namespace, name) as PdbObject | undefined;
      if (!pdb) return { actions: [] };
      return syncPdb(state, pdb, ctx);
    },
  };
}

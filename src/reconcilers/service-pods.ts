/**
 * Which pods a Service selects, and which Services a pod change concerns — what the Endpoints
 * and EndpointSlice controllers share. Both directions are index lookups, never scans: a
 * Service's pods come from the label index (`ctx.index.select`), and a pod's Services from a
 * reverse index of Service selectors, so a pod change costs the Services that could match it,
 * not every Service of its namespace.
 *
 * A pod update concerns its Services only when it changes what an endpoint is made of
 * (GetPodUpdateProjectionKey): most pod writes are the kubelet's status steps (pulling,
 * started but not ready), which change no endpoint, and waking every selecting Service for
 * them made both endpoint controllers recompute whole Services for nothing.
 *
 * @see kubernetes/kubernetes pkg/controller/endpoint/endpoints_controller.go (syncService's lister call)
 * @see kubernetes/kubernetes staging/src/k8s.io/endpointslice/util/controller_utils.go
 *   (GetPodServiceMemberships, GetPodUpdateProjectionKey, podEndpointsChanged)
 */
import type { ReconcileContext, WatchMapper } from '../model/reconcile.js';
import { listObjects, objectKey, type ClusterState, type KindTable } from '../model/store.js';
import type { Pod, Service, StoredObject } from '../model/types.js';
import { isPodReady } from './controller-utils.js';

export type PodObject = StoredObject & Pod;
export type ServiceObject = StoredObject & Service;

/** The Service's selector as a label map, or undefined when it has none (nil upstream). */
export function serviceSelector(svc: StoredObject): Readonly<Record<string, string>> | undefined {
  const sel = (svc.spec as { selector?: Record<string, string> | null } | undefined)?.selector;
  return sel === null || sel === undefined || typeof sel !== 'object' ? undefined : sel;
}

/** labels.Set(selector).AsSelector().Matches: every key=value present; {} selects everything. */
export function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>> | undefined): boolean {
  for (const key of Object.keys(selector)) if (labels?.[key] !== selector[key]) return false;
  return true;
}

const NO_PODS: readonly PodObject[] = Object.freeze([]);

/**
 * The pods of the Service's namespace its selector picks, sorted by name. The array is the
 * index's shared, frozen one: the same array for every Service with the same single-label
 * selector until a selected pod changes, which lets callers share work between such Services.
 */
export function podsForService(svc: StoredObject, ctx: ReconcileContext): readonly PodObject[] {
  const selector = serviceSelector(svc);
  if (!selector) return NO_PODS;
  return ctx.index.select('Pod', svc.metadata.namespace ?? '', selector) as readonly PodObject[];
}

interface CompiledService {
  readonly key: string;
  readonly selector: Readonly<Record<string, string>>;
  /** Object.keys(selector), once: a pod change tests every Service filed under its labels. */
  readonly selectorKeys: readonly string[];
  /** Position in the namespace's Services sorted by name: the order keys are returned in. */
  readonly ordinal: number;
}

/** One namespace's Services by one key=value of their selector (any pod they match has it). */
interface NamespaceServices {
  readonly byLabel: Map<string, CompiledService[]>;
  /** Services whose selector is {}: they match every pod. */
  readonly matchAll: CompiledService[];
  /**
   * The Services filed under any of a label set's key=values, in the set's key order, by the
   * stored (frozen) labels object: the pods of one template share theirs, so a pod change
   * looks its Services up once per label set rather than once per label.
   */
  readonly byLabelSet: WeakMap<object, readonly CompiledService[]>;
}

function labelKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function compileNamespace(state: ClusterState, namespace: string): NamespaceServices {
  const byLabel = new Map<string, CompiledService[]>();
  const matchAll: CompiledService[] = [];
  let ordinal = 0;
  for (const svc of listObjects(state, 'Service', namespace)) {
    const selector = serviceSelector(svc);
    if (!selector) continue;
    const selectorKeys = Object.keys(selector);
    const compiled: CompiledService = { key: objectKey(namespace, svc.metadata.name), selector, selectorKeys, ordinal: ordinal++ };
    // Any one requirement will do; the smallest key keeps the choice independent of field order.
    const keys = [...selectorKeys].sort();
    if (keys.length === 0) {
      matchAll.push(compiled);
      continue;
    }
    const lk = labelKey(keys[0]!, selector[keys[0]!]!);
    const list = byLabel.get(lk);
    if (list) list.push(compiled);
    else byLabel.set(lk, [compiled]);
  }
  return { byLabel, matchAll, byLabelSet: new WeakMap() };
}

/** The Services filed under any of `labels`' key=values, in key order (see byLabelSet). */
function filedUnder(services: NamespaceServices, labels: Readonly<Record<string, string>>): readonly CompiledService[] {
  const frozen = Object.isFrozen(labels);
  if (frozen) {
    const known = services.byLabelSet.get(labels);
    if (known !== undefined) return known;
  }
  const out: CompiledService[] = [];
  for (const k of Object.keys(labels)) {
    const list = services.byLabel.get(labelKey(k, labels[k]!));
    if (list !== undefined) for (let i = 0; i < list.length; i++) out.push(list[i]!);
  }
  if (frozen) services.byLabelSet.set(labels, out);
  return out;
}

/**
 * Compiled per version of the Service table: the store copies a kind's table on every write to
 * that kind, so an unchanged table object means unchanged Services. Shared by every mapper.
 */
const compiledByTable = new WeakMap<KindTable, Map<string, NamespaceServices>>();

function servicesIn(state: ClusterState, namespace: string): NamespaceServices | undefined {
  const table = Object.hasOwn(state.kinds, 'Service') ? state.kinds.Service : undefined;
  if (!table) return undefined;
  let byNs = compiledByTable.get(table);
  if (!byNs) compiledByTable.set(table, (byNs = new Map()));
  let compiled = byNs.get(namespace);
  if (!compiled) byNs.set(namespace, (compiled = compileNamespace(state, namespace)));
  return compiled;
}

/** selectorMatches with the selector's keys listed already. */
function compiledMatches(s: CompiledService, labels: Readonly<Record<string, string>> | undefined): boolean {
  const keys = s.selectorKeys;
  for (let i = 0; i < keys.length; i++) if (labels?.[keys[i]!] !== s.selector[keys[i]!]) return false;
  return true;
}

/** Whether the Services are in ordinal order already (the usual case: one label's list). */
function inOrdinalOrder(hits: readonly CompiledService[]): boolean {
  for (let i = 1; i < hits.length; i++) if (hits[i - 1]!.ordinal > hits[i]!.ordinal) return false;
  return true;
}

/**
 * The last change mapped and its answer: the Endpoints and EndpointSlice controllers each map
 * every pod change, one after the other, with the same objects and Service table. Stored
 * objects are frozen and a table object is one version of the Services, so the same three
 * identities give the same keys (a copy is handed out: callers own their arrays).
 */
let lastMapped: { object: unknown; oldObject: unknown; services: NamespaceServices | undefined; keys: string[] } | undefined;

const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

function sameLabels(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  if (a === b) return true;
  const ka = a ? Object.keys(a) : [];
  if (ka.length !== (b ? Object.keys(b).length : 0)) return false;
  for (const k of ka) if (!Object.hasOwn(b!, k) || a![k] !== b![k]) return false;
  return true;
}

function samePodIPs(a: Pod, b: Pod): boolean {
  if (a.status?.podIP !== b.status?.podIP) return false;
  const x = a.status?.podIPs ?? [];
  const y = b.status?.podIPs ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i]!.ip !== y[i]!.ip) return false;
  return true;
}

/**
 * podEndpointsChanged: [the pod's endpoint may differ, the Services it matches may differ].
 * Upstream's fields — deletionTimestamp, readiness, pod IPs; labels, hostname and subdomain —
 * plus two that upstream leaves to immutability or to the readiness that usually comes with
 * them, and kubesim's endpoint code reads: a terminal phase (a pod that never became ready and
 * then failed leaves the Endpoints) and nodeName.
 */
export function podEndpointsChanged(oldPod: Pod, newPod: Pod): [podChanged: boolean, labelsChanged: boolean] {
  // Both endpoint controllers map the same change one after the other: answer the second from the first.
  if (lastPair.oldPod === oldPod && lastPair.newPod === newPod) return lastPair.result;
  const result = endpointsChanged(oldPod, newPod);
  // Stored objects are frozen: the same pair is the same answer. A caller's mutable objects are not kept.
  if (Object.isFrozen(oldPod) && Object.isFrozen(newPod)) lastPair = { oldPod, newPod, result };
  return result;
}

let lastPair: { oldPod: Pod | undefined; newPod: Pod | undefined; result: [boolean, boolean] } = { oldPod: undefined, newPod: undefined, result: [true, true] };

function endpointsChanged(oldPod: Pod, newPod: Pod): [podChanged: boolean, labelsChanged: boolean] {
  const labelsChanged =
    !sameLabels(oldPod.metadata?.labels, newPod.metadata?.labels) ||
    oldPod.spec?.hostname !== newPod.spec?.hostname ||
    oldPod.spec?.subdomain !== newPod.spec?.subdomain;
  const podChanged =
    oldPod.metadata?.deletionTimestamp !== newPod.metadata?.deletionTimestamp ||
    isPodReady(oldPod) !== isPodReady(newPod) ||
    !samePodIPs(oldPod, newPod) ||
    isTerminal(oldPod) !== isTerminal(newPod) ||
    oldPod.spec?.nodeName !== newPod.spec?.nodeName;
  return [podChanged, labelsChanged];
}

/**
 * Pod changes → the keys of the Services in the pod's namespace whose selector matches the
 * pod (getPodServiceMemberships), in Service name order. An add or a delete concerns the
 * Services of its labels; an update only if podEndpointsChanged says so: the Services of the
 * new labels when only the endpoint changed, those of either version when both did, and those
 * of exactly one version when only the labels did (a Service matching both keeps the same
 * endpoint: determineNeededServiceUpdates). Candidates come from the pod's own labels through
 * the reverse index, plus the `{}` selectors.
 */
export function podToServicesMapper(): WatchMapper {
  return (change, state) => {
    const namespace = (change.object ?? change.oldObject)?.metadata.namespace;
    if (!namespace) return [];
    let podChanged = true;
    if (change.object && change.oldObject) {
      const [endpoint, labels] = podEndpointsChanged(change.oldObject as Pod, change.object as Pod);
      if (!endpoint && !labels) return [];
      podChanged = endpoint;
    }
    const services = servicesIn(state, namespace);
    if (!services) return [];
    const last = lastMapped;
    if (last !== undefined && last.object === change.object && last.oldObject === change.oldObject && last.services === services) return [...last.keys];
    const newLabels = change.object?.metadata.labels;
    const oldLabels = change.oldObject?.metadata.labels;
    const hits: CompiledService[] = [];
    const consider = (s: CompiledService): void => {
      const inNew = !!change.object && compiledMatches(s, newLabels);
      const inOld = !!change.oldObject && compiledMatches(s, oldLabels);
      // Labels-only update: a Service matching both versions sees the same endpoint.
      if (podChanged ? inNew || inOld : inNew !== inOld) hits.push(s);
    };
    for (const s of services.matchAll) consider(s);
    // A Service is filed under one key=value only, so it is reached at most once: from the new
    // labels, or from an old value that differs.
    if (newLabels) {
      const filed = filedUnder(services, newLabels);
      for (let i = 0; i < filed.length; i++) consider(filed[i]!);
    }
    // The very same labels object (a write keeps unchanged labels): no value differs.
    if (oldLabels && oldLabels !== newLabels) {
      for (const k of Object.keys(oldLabels)) {
        if (newLabels?.[k] !== oldLabels[k]) for (const s of services.byLabel.get(labelKey(k, oldLabels[k]!)) ?? []) consider(s);
      }
    }
    if (hits.length > 1 && !inOrdinalOrder(hits)) hits.sort((a, b) => a.ordinal - b.ordinal);
    const keys = hits.map((s) => s.key);
    const frozen = (change.object === undefined || Object.isFrozen(change.object)) && (change.oldObject === undefined || Object.isFrozen(change.oldObject));
    lastMapped = frozen ? { object: change.object, oldObject: change.oldObject, services, keys } : undefined;
    return frozen ? [...keys] : keys;
  };
}

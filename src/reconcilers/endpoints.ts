/**
 * The Endpoints controller: for every Service with a selector, an Endpoints object of the same
 * name listing the IPs of the pods it selects — ready pods in `addresses`, the others in
 * `notReadyAddresses` — with each Service port resolved against the pod's container ports
 * (a named targetPort may map to different numbers on different pods). Services without a
 * selector (and ExternalName Services) are left alone: their Endpoints are written by hand.
 * When the Service goes, its Endpoints go.
 *
 * A pod is listed if it has an IP, is not terminal (Succeeded/Failed) and is not terminating,
 * unless the Service sets publishNotReadyAddresses, which also lists every included pod as
 * ready (ShouldPodBeInEndpoints, addEndpointSubset). Subsets are then repacked as
 * endpoints.RepackSubsets does: one subset per distinct set of addresses, ports grouped.
 *
 * This module also holds what the EndpointSlice controller shares with it: which pods a
 * Service selects, FindPort, and the Pod → Service watch mapping.
 *
 * Not modelled: the endpoints.kubernetes.io/last-change-trigger-time annotation (dropped if
 * present), the stale-informer tracker and expectations (the state a reconcile sees is always
 * fresh), and the FailedToCreateEndpoint/FailedToUpdateEndpoint events (a failed action is
 * retried with backoff instead). Upstream orders subsets and ports by a hash of their Go
 * representation; kubesim orders them by their content, which is as arbitrary but stable.
 *
 * @see kubernetes/kubernetes pkg/controller/endpoint/endpoints_controller.go
 * @see kubernetes/kubernetes pkg/api/v1/endpoints/util.go (RepackSubsets, SortSubsets)
 * @see kubernetes/kubernetes pkg/api/v1/pod/util.go (FindPort)
 * @see kubernetes/kubernetes staging/src/k8s.io/endpointslice/util/controller_utils.go
 */
import { jsonEqual } from '../model/json.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler, WatchMapper } from '../model/reconcile.js';
import { getObject, listObjects, objectKey, splitObjectKey, type ClusterState, type KindTable } from '../model/store.js';
import type { Pod, Service, ServicePort, StoredObject } from '../model/types.js';
import { isPodReady } from './controller-utils.js';

export const HEADLESS_SERVICE_LABEL = 'service.kubernetes.io/headless';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
/** maxCapacity: an Endpoints object lists at most 1000 addresses; the rest are truncated. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

export type PodObject = StoredObject & Pod;
export type ServiceObject = StoredObject & Service;

export interface ObjectReference {
  kind: 'Pod';
  namespace: string;
  name: string;
  uid: string;
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

// ---- shared with the EndpointSlice controller ---------------------------------------------

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

/** The pods of the Service's namespace its selector picks, sorted by name. */
export function podsForService(svc: StoredObject, ctx: ReconcileContext): PodObject[] {
  const selector = serviceSelector(svc);
  if (!selector) return [];
  const pods = ctx.index.list('Pod', 'namespace', svc.metadata.namespace ?? '') as PodObject[];
  return pods.filter((p) => selectorMatches(selector, p.metadata.labels));
}

/** podutil.IsPodTerminal: Succeeded or Failed. */
function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/**
 * ShouldPodBeInEndpoints: not terminal, has an IP, and not terminating unless
 * `includeTerminating` (the Endpoints controller passes publishNotReadyAddresses; the
 * EndpointSlice controller always includes terminating pods, marked as such).
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && (pod.status?.podIPs?.length ?? 0) === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod names this Service as its subdomain and has a hostname. */
export function shouldSetHostname(pod: PodObject, svc: StoredObject): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

/**
 * FindPort: a numeric targetPort is used as is; a named one is looked up among the pod's
 * container ports (then its sidecars, i.e. restartable init containers) with the Service
 * port's protocol. Undefined when the pod has no such port: the pod is left out of that port.
 */
export function findPort(pod: Pod, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  const protocol = svcPort.protocol ?? 'TCP';
  const containers = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** endpointPortFromServicePort: the Service port's name, protocol and appProtocol, the pod's number. */
export function endpointPort(sp: ServicePort, port: number): EndpointPort {
  const out: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
  if (sp.name) out.name = sp.name;
  if (sp.appProtocol) out.appProtocol = sp.appProtocol;
  return out;
}

/** podToEndpointAddressForService (single-stack IPv4: the pod's primary IP). */
function endpointAddress(pod: PodObject, svc: StoredObject): EndpointAddress {
  const addr: EndpointAddress = { ip: pod.status!.podIP ?? pod.status!.podIPs![0]!.ip! };
  if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec!.hostname!;
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, uid: pod.metadata.uid };
  return addr;
}

interface CompiledService {
  readonly key: string;
  readonly selector: Readonly<Record<string, string>>;
}

/**
 * Pod changes → the keys of the Services in the pod's namespace whose selector matches the
 * pod's new or old labels (getPodServiceMemberships, for both versions). The per-namespace
 * Service lists are cached per version of the Service table: the store copies a kind's table
 * on every write to that kind, so an unchanged table object means unchanged Services.
 */
export function podToServicesMapper(): WatchMapper {
  const cache = new WeakMap<KindTable, Map<string, CompiledService[]>>();
  const servicesIn = (state: ClusterState, namespace: string): CompiledService[] => {
    const table = state.kinds.Service;
    if (!table) return [];
    let byNs = cache.get(table);
    if (!byNs) cache.set(table, (byNs = new Map()));
    let list = byNs.get(namespace);
    if (!list) {
      list = [];
      for (const svc of listObjects(state, 'Service', namespace)) {
        const selector = serviceSelector(svc);
        if (selector) list.push({ key: objectKey(namespace, svc.metadata.name), selector });
      }
      byNs.set(namespace, list);
    }
    return list;
  };
  return (change, state) => {
    const namespace = (change.object ?? change.oldObject)?.metadata.namespace;
    if (!namespace) return [];
    const out: string[] = [];
    for (const s of servicesIn(state, namespace)) {
      if (
        (change.object && selectorMatches(s.selector, change.object.metadata.labels)) ||
        (change.oldObject && selectorMatches(s.selector, change.oldObject.metadata.labels))
      ) {
        out.push(s.key);
      }
    }
    return out;
  };
}

/** helper.IsServiceIPSet: a clusterIP that is neither empty nor "None". */
export function isServiceIPSet(svc: StoredObject): boolean {
  const ip = (svc.spec as { clusterIP?: string } | undefined)?.clusterIP;
  return !!ip && ip !== 'None';
}

// ---- RepackSubsets ------------------------------------------------------------------------

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** addrsByIPAndUID: by IP text, then by the target's uid. */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return compareStrings(a.ip, b.ip) || compareStrings(a.targetRef?.uid ?? '', b.targetRef?.uid ?? '');
}

function portKey(p: EndpointPort | undefined): string {
  return p ? `${p.name ?? ''}\u0000${p.port}\u0000${p.protocol}\u0000${p.appProtocol ?? ''}` : '';
}

/**
 * RepackSubsets: collects every (address, port) pair — not-ready beats ready for the same
 * pair — then gives each distinct set of (address, readiness) one subset holding all the
 * ports that map to it. Subsets without ports (headless Services without ports) keep their
 * addresses under an empty port. Example: pods A (ready) and B (not ready) both on port 80
 * and 443 → one subset {addresses:[A], notReadyAddresses:[B], ports:[80, 443]}.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port: EndpointPort | undefined; ready: Map<string, boolean> }>();
  const note = (addr: EndpointAddress, port: EndpointPort | undefined, ready: boolean): void => {
    const aKey = `${addr.ip}\u0000${addr.targetRef?.uid ?? ''}`;
    if (!addrs.has(aKey)) addrs.set(aKey, addr);
    const pKey = portKey(port);
    let entry = byPort.get(pKey);
    if (!entry) byPort.set(pKey, (entry = { port, ready: new Map() }));
    if (entry.ready.get(aKey) !== false) entry.ready.set(aKey, ready);
  };
  for (const ss of subsets) {
    const ports: (EndpointPort | undefined)[] = ss.ports && ss.ports.length > 0 ? ss.ports : [undefined];
    for (const port of ports) {
      for (const a of ss.addresses ?? []) note(a, port, true);
      for (const a of ss.notReadyAddresses ?? []) note(a, port, false);
    }
  }
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const key = [...ready.entries()].map(([a, r]) => `${a}\u0000${r}`).sort().join('\u0001');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ready, ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [a, r] of g.ready) (r ? ready : notReady).push(addrs.get(a)!);
    const ss: EndpointSubset = {};
    if (ready.length > 0) ss.addresses = ready.sort(compareAddresses);
    if (notReady.length > 0) ss.notReadyAddresses = notReady.sort(compareAddresses);
    if (g.ports.length > 0) ss.ports = g.ports.sort((x, y) => compareStrings(portKey(x), portKey(y)));
    out.push(ss);
  }
  const subsetKey = (ss: EndpointSubset): string =>
    `${(ss.ports ?? []).map(portKey).join('\u0001')}\u0002${(ss.addresses ?? ss.notReadyAddresses ?? [])[0]?.ip ?? ''}`;
  return out.sort((a, b) => compareStrings(subsetKey(a), subsetKey(b)));
}

/**
 * truncateEndpoints: past 1000 addresses, each subset keeps its share (rounded up, capped by
 * what is left), ready addresses first. Example: 1200 ready in one subset → 1000 kept and
 * every not-ready address dropped. Returns whether anything was cut.
 */
export function truncateEndpoints(subsets: EndpointSubset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const ss of subsets) {
    totalReady += ss.addresses?.length ?? 0;
    totalNotReady += ss.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= MAX_ENDPOINTS_CAPACITY) return false;
  const truncateReady = totalReady > MAX_ENDPOINTS_CAPACITY;
  const max = truncateReady ? MAX_ENDPOINTS_CAPACITY : MAX_ENDPOINTS_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  for (const ss of subsets) {
    const inSubset = (truncateReady ? ss.addresses?.length : ss.notReadyAddresses?.length) ?? 0;
    const share = Math.min(Math.trunc((inSubset * max + numTotal - 1) / numTotal), canBeAdded);
    if (truncateReady) {
      if (ss.addresses) ss.addresses = ss.addresses.slice(0, share);
      delete ss.notReadyAddresses;
      canBeAdded -= ss.addresses?.length ?? 0;
    } else {
      if (ss.notReadyAddresses) ss.notReadyAddresses = ss.notReadyAddresses.slice(0, share);
      canBeAdded -= ss.notReadyAddresses?.length ?? 0;
    }
  }
  return true;
}

// ---- the controller ---------------------------------------------------------------------

/** The subsets syncService computes for a Service, repacked. */
export function desiredSubsets(svc: ServiceObject, pods: readonly PodObject[]): EndpointSubset[] {
  const spec = svc.spec ?? {};
  const tolerate = spec.publishNotReadyAddresses === true;
  const subsets: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    const addr = endpointAddress(pod, svc);
    const ready = tolerate || isPodReady(pod);
    const add = (ports: EndpointPort[]): void => {
      subsets.push(ready ? { addresses: [addr], ports } : { notReadyAddresses: [addr], ports });
    };
    const svcPorts = spec.ports ?? [];
    if (svcPorts.length === 0) {
      // Only a headless Service may have no ports; its addresses then carry none.
      if (spec.clusterIP === 'None') add([]);
      continue;
    }
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port !== undefined) add([endpointPort(sp, port)]);
    }
  }
  return repackSubsets(subsets);
}

function withoutHeadlessLabel(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out = { ...(labels ?? {}) };
  delete out[HEADLESS_SERVICE_LABEL];
  return out;
}

function syncService(state: ClusterState, svc: ServiceObject, ctx: ReconcileContext): Action[] {
  const { namespace, name } = svc.metadata;
  const subsets = desiredSubsets(svc, podsForService(svc, ctx));
  const current = getObject(state, 'Endpoints', namespace, name);
  const svcLabels = svc.metadata.labels ?? {};
  if (current) {
    const annotations = current.metadata.annotations ?? {};
    const currentSubsets = (current as { subsets?: EndpointSubset[] }).subsets ?? [];
    const count = currentSubsets.reduce((n, ss) => n + (ss.addresses?.length ?? 0) + (ss.notReadyAddresses?.length ?? 0), 0);
    const capacityOk = count <= MAX_ENDPOINTS_CAPACITY && annotations[OVER_CAPACITY_ANNOTATION] === undefined;
    if (jsonEqual(currentSubsets, subsets) && jsonEqual(withoutHeadlessLabel(current.metadata.labels), svcLabels) && capacityOk) {
      return [];
    }
  }
  const annotations: Record<string, string> = { ...(current?.metadata.annotations ?? {}) };
  delete annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  if (truncateEndpoints(subsets)) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
  else delete annotations[OVER_CAPACITY_ANNOTATION];
  const labels = withoutHeadlessLabel(svcLabels);
  if (!isServiceIPSet(svc)) labels[HEADLESS_SERVICE_LABEL] = '';
  const metadata = {
    ...(current?.metadata ?? { name, namespace }),
    labels,
    annotations,
  };
  if (Object.keys(labels).length === 0) delete (metadata as { labels?: unknown }).labels;
  if (Object.keys(annotations).length === 0) delete (metadata as { annotations?: unknown }).annotations;
  const object = { apiVersion: 'v1', kind: 'Endpoints', metadata, ...(subsets.length > 0 ? { subsets } : {}) };
  return [{ verb: current ? 'update' : 'create', object }];
}

function reconcile(state: ClusterState, key: string, ctx: ReconcileContext): ReconcileResult {
  const { namespace, name } = splitObjectKey(key);
  const svc = getObject(state, 'Service', namespace, name) as ServiceObject | undefined;
  if (!svc) {
    // The Service is gone: so are its Endpoints (a hand-made Endpoints without a Service too).
    const ep = getObject(state, 'Endpoints', namespace, name);
    return { actions: ep ? [{ verb: 'delete', kind: 'Endpoints', key }] : [] };
  }
  if (svc.spec?.type === 'ExternalName' || !serviceSelector(svc)) return { actions: [] };
  return { actions: syncService(state, svc, ctx) };
}

/** 'endpoint-controller', as kube-controller-manager names it. */
export function endpointsController(): Reconciler {
  return {
    name: 'endpoint-controller',
    watches: {
      Service: 'self',
      Pod: podToServicesMapper(),
      // onEndpointsDelete: an Endpoints deleted by hand is recreated.
      Endpoints: (change) => (change.object ? [] : [objectKey(change.oldObject!.metadata.namespace, change.oldObject!.metadata.name)]),
    },
    reconcile,
  };
}

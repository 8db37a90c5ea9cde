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
 * This module also holds what the EndpointSlice controller shares with it (FindPort,
 * ShouldPodBeInEndpoints) and re-exports service-pods.ts (which pods a Service selects, the
 * Pod → Service watch mapping). Per-sync work is shared where it is identical: a pod's address
 * is built once per pod object (and a new pod version whose address is unchanged gets the same
 * address object back), Services selecting the same pods share the sorted address lists, and
 * a Service's lists are patched from its previous sync's with the pods that changed since (see
 * addressLists); the result is what RepackSubsets would give, built directly.
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
import { jsonEqual, shareableJson } from '../model/json.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler } from '../model/reconcile.js';
import { getObject, objectKey, splitObjectKey, type ClusterState } from '../model/store.js';
import type { Pod, ServicePort, StoredObject } from '../model/types.js';
import { diffByName, isPodReady, thawed } from './controller-utils.js';
import { LastBuiltByPod, sameAddressList } from './endpoints-equal.js';
import {
  podEndpointsChanged,
  podsForService,
  podToServicesMapper,
  selectorMatches,
  serviceSelector,
  type PodObject,
  type ServiceObject,
} from './service-pods.js';

export const HEADLESS_SERVICE_LABEL = 'service.kubernetes.io/headless';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';
export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
/** maxCapacity: an Endpoints object lists at most 1000 addresses; the rest are truncated. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

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

export { podsForService, podToServicesMapper, selectorMatches, serviceSelector, type PodObject, type ServiceObject };

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

/**
 * A pod's address does not depend on the Service unless the pod sets both hostname and
 * subdomain (ShouldSetHostname), so it is built once per pod object and shared: stored objects
 * are immutable and replaced on every write, so the pod object's identity is its version.
 */
const addressByPod = new WeakMap<PodObject, EndpointAddress>();

function mayNeedHostname(pod: PodObject): boolean {
  return !!pod.spec?.hostname && !!pod.spec.subdomain;
}

/** podToEndpointAddressForService (single-stack IPv4: the pod's primary IP). Frozen. */
function endpointAddress(pod: PodObject, svc: StoredObject): EndpointAddress {
  const shared = !mayNeedHostname(pod);
  if (shared) {
    const known = addressByPod.get(pod);
    if (known) return known;
  }
  const addr: EndpointAddress = { ip: pod.status!.podIP ?? pod.status!.podIPs![0]!.ip! };
  if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec!.hostname!;
  if (pod.spec?.nodeName) addr.nodeName = pod.spec.nodeName;
  addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, uid: pod.metadata.uid };
  if (!shared) return shareableJson(addr);
  const same = sameAsBefore(pod, addr);
  addressByPod.set(pod, same);
  return same;
}

/**
 * The address last built for each pod: nearly every status write (readiness, a container
 * started) leaves a pod's address as it was, and the new pod version then gets that very
 * address object back (see LastBuiltByPod).
 */
const lastAddress = new LastBuiltByPod<EndpointAddress>();

function sameAsBefore(pod: PodObject, addr: EndpointAddress): EndpointAddress {
  const kept = pod.spec ? lastAddress.reuse(pod.spec, pod.metadata.uid, addr) : addr;
  // Frozen and shareable: the write path stores this very object, in every Endpoints listing it.
  // Only a new one needs marking (a reused one was marked when it was new): marking costs a
  // WeakSet insertion, and most pod versions get their last address back.
  if (kept === addr) shareableJson(addr);
  return kept;
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

interface AddressLists {
  readonly ready: readonly EndpointAddress[];
  readonly notReady: readonly EndpointAddress[];
}

/**
 * The included pods' addresses by readiness, each sorted as RepackSubsets sorts them. Shared
 * between Services that select the same pod array (the index hands out one frozen array per
 * label bucket) with the same publishNotReadyAddresses, unless a pod's hostname could make an
 * address depend on the Service.
 */
const listsByPods = new WeakMap<readonly PodObject[], [AddressLists | undefined, AddressLists | undefined]>();

const MAX_REMEMBERED_SERVICES = 8192;

/**
 * The pod array each Service's lists were last built from, per publishNotReadyAddresses: a
 * sync usually follows one pod's change, so its lists are the last ones patched — the changed
 * pods' addresses taken out and put back in order — rather than rebuilt and sorted from every
 * pod. One per controller instance (so per cluster), keyed by Service; a hint only (any
 * earlier array gives the same result, just slower), so it is simply cleared when it grows
 * past a bound.
 */
export class EndpointsMemo {
  private readonly lastPodsOf = new Map<string, readonly PodObject[]>();

  last(serviceKey: string): readonly PodObject[] | undefined {
    return this.lastPodsOf.get(serviceKey);
  }

  remember(serviceKey: string, pods: readonly PodObject[]): void {
    if (this.lastPodsOf.size >= MAX_REMEMBERED_SERVICES) this.lastPodsOf.clear();
    this.lastPodsOf.set(serviceKey, pods);
  }

  /** Drops both slots of the Service `key` (it is gone). */
  forget(key: string): void {
    this.lastPodsOf.delete(`0${key}`);
    this.lastPodsOf.delete(`1${key}`);
  }
}

function addressLists(svc: ServiceObject, pods: readonly PodObject[], tolerate: boolean, memo: EndpointsMemo | undefined): AddressLists {
  const slot = tolerate ? 1 : 0;
  const known = listsByPods.get(pods)?.[slot];
  if (known) return known;
  const serviceKey = `${slot}${svc.metadata.namespace ?? ''}/${svc.metadata.name}`;
  const before = memo?.last(serviceKey);
  const prior = before && listsByPods.get(before)?.[slot];
  const patched = prior && patchLists(svc, before, prior, pods, tolerate);
  const { lists, perService } = patched ? { lists: patched, perService: false } : buildLists(svc, pods, tolerate);
  if (!perService) {
    let entry = listsByPods.get(pods);
    if (!entry) listsByPods.set(pods, (entry = [undefined, undefined]));
    entry[slot] = lists;
    memo?.remember(serviceKey, pods);
  }
  return lists;
}

/** The lists from every pod; perService when a pod's address could depend on the Service. */
function buildLists(svc: ServiceObject, pods: readonly PodObject[], tolerate: boolean): { lists: AddressLists; perService: boolean } {
  const ready: EndpointAddress[] = [];
  const notReady: EndpointAddress[] = [];
  let perService = false;
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    if (mayNeedHostname(pod)) perService = true;
    (tolerate || isPodReady(pod) ? ready : notReady).push(endpointAddress(pod, svc));
  }
  return { lists: { ready: shareableList(ready.sort(compareAddresses)), notReady: shareableList(notReady.sort(compareAddresses)) }, perService };
}

/**
 * `prior` (the lists of `before`) turned into the lists of `after`: what buildLists would give,
 * since (ip, uid) orders addresses totally. A removed pod's address is found by its uid (one
 * pod, one uid, at most one address per list); a new version of a pod whose address and
 * readiness cannot differ (samePodEndpoint) keeps its old address, which is equal. Undefined
 * when an added pod's address could depend on the Service (then nothing is shared).
 */
function patchLists(svc: ServiceObject, before: readonly PodObject[], prior: AddressLists, after: readonly PodObject[], tolerate: boolean): AddressLists | undefined {
  const removed: PodObject[] = [];
  const added: PodObject[] = [];
  diffByName(before, after, removed, added, samePodEndpoint);
  const dropReady = new Set<string>();
  const dropNotReady = new Set<string>();
  for (const pod of removed) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    (tolerate || isPodReady(pod) ? dropReady : dropNotReady).add(pod.metadata.uid);
  }
  const addReady: EndpointAddress[] = [];
  const addNotReady: EndpointAddress[] = [];
  for (const pod of added) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    if (mayNeedHostname(pod)) return undefined;
    (tolerate || isPodReady(pod) ? addReady : addNotReady).push(endpointAddress(pod, svc));
  }
  return { ready: patchList(prior.ready, dropReady, addReady), notReady: patchList(prior.notReady, dropNotReady, addNotReady) };
}

/**
 * Two versions of one pod (same uid) whose endpoint inputs are equal (podEndpointsChanged:
 * deletion, readiness, IPs, terminal phase, node, labels, hostname and subdomain): their
 * address, their EndpointSlice endpoint and whether and where they are listed are the same.
 */
export function samePodEndpoint(a: PodObject, b: PodObject): boolean {
  if (a.metadata.uid !== b.metadata.uid) return false;
  const [podChanged, labelsChanged] = podEndpointsChanged(a, b);
  return !podChanged && !labelsChanged;
}

/**
 * A list of addresses made shareable. Its elements are shareable (so deep-frozen) already:
 * freezing the list first spares deepFreeze a visit to each of them.
 */
function shareableList(list: EndpointAddress[]): readonly EndpointAddress[] {
  return shareableJson(Object.freeze(list));
}

/** A sorted, frozen list without the addresses of `drop`'s uids and with `add` merged in; the list itself if unchanged. */
function patchList(list: readonly EndpointAddress[], drop: ReadonlySet<string>, add: EndpointAddress[]): readonly EndpointAddress[] {
  if (drop.size === 0 && add.length === 0) return list;
  // Read through a plain copy: `list` is frozen (stored), which Node 20 reads slowly.
  const plain = thawed(list);
  const kept = drop.size === 0 ? plain : plain.filter((a) => !drop.has(a.targetRef!.uid));
  if (add.length === 0) return shareableList(kept as EndpointAddress[]);
  add.sort(compareAddresses);
  const out: EndpointAddress[] = new Array<EndpointAddress>(kept.length + add.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < kept.length && j < add.length) out[n++] = compareAddresses(kept[i]!, add[j]!) <= 0 ? kept[i++]! : add[j++]!;
  while (i < kept.length) out[n++] = kept[i++]!;
  while (j < add.length) out[n++] = add[j++]!;
  return shareableList(out);
}

/** A numeric (or absent) targetPort resolves the same on every pod: FindPort needs no pod. */
function fixedTarget(sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  return typeof target === 'number' ? target : undefined;
}

/**
 * The subsets syncService computes for a Service, repacked. `memo` (the controller's) lets a
 * Service's lists be patched from its previous sync's. When every port resolves without
 * looking at the pod — always for headless Services without ports, and for numeric
 * targetPorts — every address maps to every port, so RepackSubsets would yield one subset with
 * all the ports: it is built directly. Named targetPorts go through RepackSubsets.
 */
export function desiredSubsets(svc: ServiceObject, pods: readonly PodObject[], memo?: EndpointsMemo): EndpointSubset[] {
  const spec = svc.spec ?? {};
  const tolerate = spec.publishNotReadyAddresses === true;
  const svcPorts = spec.ports ?? [];
  // Only a headless Service may have no ports; its addresses then carry none.
  if (svcPorts.length === 0 && spec.clusterIP !== 'None') return [];
  if (svcPorts.every((sp) => fixedTarget(sp) !== undefined)) {
    const { ready, notReady } = addressLists(svc, pods, tolerate, memo);
    if (ready.length === 0 && notReady.length === 0) return [];
    const ss: EndpointSubset = {};
    if (ready.length > 0) ss.addresses = ready as EndpointAddress[];
    if (notReady.length > 0) ss.notReadyAddresses = notReady as EndpointAddress[];
    if (svcPorts.length > 0) {
      const byKey = new Map<string, EndpointPort>();
      for (const sp of svcPorts) {
        const ep = endpointPort(sp, fixedTarget(sp)!);
        const key = portKey(ep);
        if (!byKey.has(key)) byKey.set(key, ep);
      }
      ss.ports = [...byKey.keys()].sort(compareStrings).map((k) => byKey.get(k)!);
    }
    return [ss];
  }
  const subsets: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    const addr = endpointAddress(pod, svc);
    const ready = tolerate || isPodReady(pod);
    for (const sp of svcPorts) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ports = [endpointPort(sp, port)];
      subsets.push(ready ? { addresses: [addr], ports } : { notReadyAddresses: [addr], ports });
    }
  }
  return repackSubsets(subsets);
}

/** jsonEqual(stored, wanted) for subsets, comparing the address lists element by element. */
function sameSubsets(stored: unknown, wanted: readonly EndpointSubset[]): boolean {
  if (!Array.isArray(stored) || stored.length !== wanted.length) return false;
  for (let i = 0; i < wanted.length; i++) {
    const s = stored[i] as Record<string, unknown> | null;
    const w = wanted[i]!;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) return false;
    // Same number of fields and the three known ones equal: no field of `s` is unknown.
    let ns = 0;
    for (const k in s) if (s[k] !== undefined) ns += 1;
    const nw = (w.addresses ? 1 : 0) + (w.notReadyAddresses ? 1 : 0) + (w.ports ? 1 : 0);
    if (ns !== nw) return false;
    if (!sameAddressList(s.addresses, w.addresses) || !sameAddressList(s.notReadyAddresses, w.notReadyAddresses)) return false;
    if (!jsonEqual(s.ports, w.ports)) return false;
  }
  return true;
}

function withoutHeadlessLabel(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out = { ...(labels ?? {}) };
  delete out[HEADLESS_SERVICE_LABEL];
  return out;
}

function syncService(state: ClusterState, svc: ServiceObject, ctx: ReconcileContext, memo: EndpointsMemo): Action[] {
  const { namespace, name } = svc.metadata;
  const subsets = desiredSubsets(svc, podsForService(svc, ctx), memo);
  const current = getObject(state, 'Endpoints', namespace, name);
  const svcLabels = svc.metadata.labels ?? {};
  if (current) {
    const annotations = current.metadata.annotations ?? {};
    const currentSubsets = (current as { subsets?: EndpointSubset[] }).subsets ?? [];
    const count = currentSubsets.reduce((n, ss) => n + (ss.addresses?.length ?? 0) + (ss.notReadyAddresses?.length ?? 0), 0);
    const capacityOk = count <= MAX_ENDPOINTS_CAPACITY && annotations[OVER_CAPACITY_ANNOTATION] === undefined;
    if (sameSubsets(currentSubsets, subsets) && jsonEqual(withoutHeadlessLabel(current.metadata.labels), svcLabels) && capacityOk) {
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

function reconcile(state: ClusterState, key: string, ctx: ReconcileContext, memo: EndpointsMemo): ReconcileResult {
  const { namespace, name } = splitObjectKey(key);
  const svc = getObject(state, 'Service', namespace, name) as ServiceObject | undefined;
  if (!svc) {
    memo.forget(`${namespace ?? ''}/${name}`);
    // The Service is gone: so are its Endpoints (a hand-made Endpoints without a Service too).
    const ep = getObject(state, 'Endpoints', namespace, name);
    return { actions: ep ? [{ verb: 'delete', kind: 'Endpoints', key }] : [] };
  }
  if (svc.spec?.type === 'ExternalName' || !serviceSelector(svc)) return { actions: [] };
  return { actions: syncService(state, svc, ctx, memo) };
}

/** 'endpoint-controller', as kube-controller-manager names it. */
export function endpointsController(): Reconciler {
  const memo = new EndpointsMemo();
  return {
    name: 'endpoint-controller',
    watches: {
      Service: 'self',
      Pod: podToServicesMapper(),
      // onEndpointsDelete: an Endpoints deleted by hand is recreated.
      Endpoints: (change) => (change.object ? [] : [objectKey(change.oldObject!.metadata.namespace, change.oldObject!.metadata.name)]),
    },
    reconcile: (state, key, ctx) => reconcile(state, key, ctx, memo),
  };
}

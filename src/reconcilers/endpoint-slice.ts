/**
 * The EndpointSlice controller: for every Service with a selector, IPv4 EndpointSlices
 * (discovery.k8s.io/v1) owned by the Service and labelled `kubernetes.io/service-name`,
 * holding at most 100 endpoints each. Every pod with an IP that is not terminal is listed —
 * terminating pods too, with conditions saying so:
 *   ready = (pod Ready or publishNotReadyAddresses) and (not terminating or publishNotReadyAddresses)
 *   serving = pod Ready;  terminating = deletionTimestamp set.
 * Endpoints whose named targetPorts resolve to the same numbers share slices; a Service with
 * no endpoints keeps one empty placeholder slice, as upstream does.
 *
 * Packing, simplified from upstream's reconciler: an endpoint already in a slice stays there
 * (so a readiness flip rewrites one slice), new endpoints fill existing slices with room
 * before new slices are created (named `<service>-<5 random chars>` by generateName), and
 * slices left empty are deleted. Upstream's extra balancing between slices is not modelled,
 * nor are node topology changes (a node's zone label is read when an endpoint is written).
 * Slices of a deleted Service are left to the garbage collector (they carry an ownerReference
 * to it), as upstream does.
 *
 * Cost: endpoints are memoized per pod object and node object (a new pod version whose
 * endpoint is unchanged gets the same endpoint object back), and Services selecting the same
 * pods with the same ports share their endpoint groups, so twenty Services over one Deployment
 * build its endpoints once per change; a Service's groups are patched from its previous sync's
 * with the pods that changed since (patchGroups), keyed by the Nodes' zones rather than the
 * Node table; comparisons with stored slices go by identity once an element has been proven
 * equal (endpoints-equal.ts), packing looks endpoints up in a per-group index, and a stored
 * list known sorted (what this controller wrote) is not checked again.
 *
 * @see kubernetes/kubernetes pkg/controller/endpointslice/endpointslice_controller.go
 * @see kubernetes/kubernetes staging/src/k8s.io/endpointslice/reconciler.go, utils.go
 */
import { jsonEqual, shareableJson } from '../model/json.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler } from '../model/reconcile.js';
import { forEachObject, getObject, objectKey, splitObjectKey, type ClusterState, type KindTable } from '../model/store.js';
import type { StoredObject } from '../model/types.js';
import { isPodReady, newControllerRef } from './controller-utils.js';
import { LastBuiltByPod, sameAddressList } from './endpoints-equal.js';
import {
  findPort,
  HEADLESS_SERVICE_LABEL,
  isServiceIPSet,
  podsForService,
  podToServicesMapper,
  samePodEndpoint,
  serviceSelector,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  type PodObject,
  type ServiceObject,
} from './endpoints.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  targetRef: { kind: 'Pod'; namespace: string; name: string; uid: string };
  nodeName?: string;
  zone?: string;
}

export interface SlicePort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

type SliceObject = StoredObject & { addressType?: string; endpoints?: SliceEndpoint[] | null; ports?: SlicePort[] | null };

/** podToEndpoint (IPv4). */
export function podToEndpoint(pod: PodObject, svc: ServiceObject, node: StoredObject | undefined): SliceEndpoint {
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  // For compatibility, a terminating pod is never "ready" unless the Service publishes not-ready addresses.
  const ready = (publish || serving) && (!terminating || publish);
  const ep: SliceEndpoint = {
    addresses: [pod.status!.podIP ?? pod.status!.podIPs![0]!.ip!],
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, uid: pod.metadata.uid },
  };
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname!;
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  return ep;
}

/**
 * podToEndpoint shared between syncs and Services: an endpoint depends on the pod object, its
 * node object (the zone) and publishNotReadyAddresses — and on the Service's name only when
 * the pod sets hostname and subdomain, which is then built afresh. Stored objects are replaced
 * on every write, so identity is version. The shared endpoints are deep-frozen.
 */
interface PodEndpoints {
  readonly node: StoredObject;
  readonly byPublish: [SliceEndpoint | undefined, SliceEndpoint | undefined];
}
const endpointsByPod = new WeakMap<PodObject, PodEndpoints>();

function sharedEndpoint(pod: PodObject, svc: ServiceObject, node: StoredObject): SliceEndpoint {
  if (pod.spec?.hostname && pod.spec.subdomain) return deepFreezeEndpoint(podToEndpoint(pod, svc, node));
  let memo = endpointsByPod.get(pod);
  if (!memo || memo.node !== node) endpointsByPod.set(pod, (memo = { node, byPublish: [undefined, undefined] }));
  const slot = svc.spec?.publishNotReadyAddresses === true ? 1 : 0;
  return (memo.byPublish[slot] ??= sameAsBefore(pod, slot, podToEndpoint(pod, svc, node)));
}

/**
 * The endpoint last built for each pod, per publishNotReadyAddresses: most status writes (a
 * container started, a probe ran) leave a pod's endpoint as it was, and the new pod version
 * then gets that very endpoint object back (see LastBuiltByPod).
 */
const lastEndpoint = [new LastBuiltByPod<SliceEndpoint>(), new LastBuiltByPod<SliceEndpoint>()] as const;

function sameAsBefore(pod: PodObject, slot: 0 | 1, ep: SliceEndpoint): SliceEndpoint {
  deepFreezeEndpoint(ep);
  return pod.spec ? lastEndpoint[slot].reuse(pod.spec, pod.metadata.uid, ep) : ep;
}

/** Frozen and shareable: the write path stores this very object in every slice listing it. */
function deepFreezeEndpoint(ep: SliceEndpoint): SliceEndpoint {
  return shareableJson(ep);
}

/** getEndpointPorts: the Service's ports as this pod resolves them (unresolvable ones dropped). */
export function endpointPorts(svc: ServiceObject, pod: PodObject): SlicePort[] {
  const out: SlicePort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: SlicePort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

/** setEndpointSliceLabels: the Service's labels plus ownership, and the headless marker. */
function sliceLabels(svc: ServiceObject): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
  delete labels[HEADLESS_SERVICE_LABEL];
  labels[SERVICE_NAME_LABEL] = svc.metadata.name;
  labels[MANAGED_BY_LABEL] = ENDPOINTSLICE_CONTROLLER_NAME;
  if (!isServiceIPSet(svc)) labels[HEADLESS_SERVICE_LABEL] = '';
  return labels;
}

/** By address then by the target's uid (the order the slices list endpoints in). */
function compareEndpoints(a: SliceEndpoint, b: SliceEndpoint): number {
  const ia = a.addresses[0]!;
  const ib = b.addresses[0]!;
  if (ia !== ib) return ia < ib ? -1 : 1;
  const ua = a.targetRef.uid;
  const ub = b.targetRef.uid;
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

interface Group {
  /** JSON of `ports`: how existing slices are matched to the group. */
  readonly key: string;
  readonly ports: SlicePort[];
  readonly endpoints: SliceEndpoint[];
}

/** A pod's resolved port numbers ('-' for a port it lacks): equal signatures, equal port lists. */
function portSignature(svc: ServiceObject, pod: PodObject): string {
  return (svc.spec?.ports ?? []).map((sp) => findPort(pod, sp) ?? '-').join(',');
}

/**
 * The endpoints by the port list their pods resolve, in order of first appearance. With only
 * numeric targetPorts every pod resolves the same list, computed once.
 */
function computeGroups(state: ClusterState, svc: ServiceObject, pods: readonly PodObject[]): { groups: Map<string, Group>; perService: boolean } {
  const groups = new Map<string, Group>();
  const uniform = (svc.spec?.ports ?? []).every((sp) => typeof (sp.targetPort ?? sp.port) === 'number');
  let perService = false;
  let nodeName: string | undefined;
  let node: StoredObject | undefined;
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    // A pod on a node that does not exist (any more) is skipped until the node appears.
    const podNode = pod.spec?.nodeName;
    if (!podNode) continue;
    if (podNode !== nodeName) {
      nodeName = podNode;
      node = getObject(state, 'Node', undefined, podNode);
    }
    if (!node) continue;
    if (pod.spec?.hostname && pod.spec.subdomain) perService = true;
    const signature = uniform ? '' : portSignature(svc, pod);
    let g = groups.get(signature);
    if (!g) {
      const ports = endpointPorts(svc, pod);
      groups.set(signature, (g = { key: JSON.stringify(ports), ports, endpoints: [] }));
    }
    g.endpoints.push(sharedEndpoint(pod, svc, node));
  }
  return { groups, perService };
}

/**
 * What the endpoints read of the Node table: which Nodes exist and their zone label. Node
 * objects are rewritten for reasons an endpoint ignores (status, images, taints), so groups are
 * keyed by this view rather than by the table: one view object per distinct content (a new
 * table whose Nodes and zones equal the last view's gets that view back), built once per table.
 */
interface NodeZones {
  readonly byName: ReadonlyMap<string, string | undefined>;
}
const zonesByTable = new WeakMap<KindTable, NodeZones>();
let lastZones: NodeZones | undefined;

function nodeZones(state: ClusterState): NodeZones | undefined {
  const table = Object.hasOwn(state.kinds, 'Node') ? state.kinds.Node : undefined;
  if (!table) return undefined;
  let zones = zonesByTable.get(table);
  if (zones) return zones;
  const byName = new Map<string, string | undefined>();
  forEachObject(state, 'Node', (node) => byName.set(node.metadata.name, node.metadata.labels?.[ZONE_LABEL]));
  zones = lastZones && sameZones(lastZones.byName, byName) ? lastZones : { byName };
  zonesByTable.set(table, zones);
  lastZones = zones;
  return zones;
}

function sameZones(a: ReadonlyMap<string, string | undefined>, b: ReadonlyMap<string, string | undefined>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, zone] of b) if (a.get(name) !== zone || !a.has(name)) return false;
  return true;
}

/**
 * Groups shared between Services that select the same pod array (the index hands out one
 * frozen array per label bucket): they depend only on the pods, the Nodes' zones (NodeZones), the Service's ports and publishNotReadyAddresses — and on its name when a pod
 * sets a hostname and subdomain, in which case they are not shared. Callers never mutate them.
 */
interface SharedGroups {
  readonly nodes: NodeZones | undefined;
  readonly portsJson: string;
  readonly publish: boolean;
  readonly groups: Map<string, Group>;
}
const groupsByPods = new WeakMap<readonly PodObject[], SharedGroups[]>();
/** Variants (ports × publish) remembered per pod array: Services over one pod set rarely differ more. */
const MAX_SHARED_VARIANTS = 8;
/** No pods, no groups: what every selector matching nothing gets (never mutated by callers). */
const NO_GROUPS: Map<string, Group> = new Map();

function desiredGroups(state: ClusterState, svc: ServiceObject, ctx: ReconcileContext): Map<string, Group> {
  const pods = podsForService(svc, ctx);
  // The empty pod array is one frozen array shared by every cluster: an entry under it would
  // live as long as the process, so it gets none (it needs none: its groups are always empty).
  if (pods.length === 0) return NO_GROUPS;
  const nodes = nodeZones(state);
  const portsJson = JSON.stringify(svc.spec?.ports ?? []);
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const shared = groupsByPods.get(pods);
  const hit = shared?.find((g) => g.nodes === nodes && g.portsJson === portsJson && g.publish === publish);
  if (hit) return hit.groups;
  const serviceKey = `${svc.metadata.namespace ?? ''}/${svc.metadata.name}`;
  const before = lastPodsOf.get(serviceKey);
  const prior = before && before !== pods ? groupsByPods.get(before)?.find((g) => g.nodes === nodes && g.portsJson === portsJson && g.publish === publish) : undefined;
  const patched = prior && patchGroups(state, svc, before!, prior.groups, pods);
  const { groups, perService } = patched ? { groups: patched, perService: false } : computeGroups(state, svc, pods);
  if (!perService) {
    // Entries for other Node zones are unlikely to hit again: dropping them keeps a long-lived
    // pod array from holding every version of the Nodes it has seen.
    const live = (shared ?? []).filter((g) => g.nodes === nodes).slice(-(MAX_SHARED_VARIANTS - 1));
    live.push({ nodes, portsJson, publish, groups });
    groupsByPods.set(pods, live);
    if (lastPodsOf.size >= MAX_REMEMBERED_SERVICES) lastPodsOf.clear();
    lastPodsOf.set(serviceKey, pods);
  }
  return groups;
}

/**
 * The pod array each Service's groups were last built from: a sync usually follows one pod's
 * change, so the groups of the previous array (same Node table, ports and publish) are patched
 * — unchanged pods keep their endpoint, looked up by position — instead of rebuilt pod by pod.
 * A hint keyed by Service name (any earlier array gives the same result, just slower), cleared
 * when it grows past a bound.
 */
const lastPodsOf = new Map<string, readonly PodObject[]>();
const MAX_REMEMBERED_SERVICES = 8192;

/**
 * computeGroups(after) from the groups of `before`, for Services whose ports are all numeric
 * (one group, endpoints in pod order). The walk pairs the pods of both arrays as diffByName
 * does; `prior`'s endpoints follow `before`'s included pods in order, so the next one belongs
 * to the current `before` pod exactly when its uid is that pod's. An unchanged pod object under
 * unchanged Node zones has the same endpoint. Undefined when the Service has named ports or an
 * added pod sets hostname and subdomain (computeGroups handles those).
 */
function patchGroups(state: ClusterState, svc: ServiceObject, before: readonly PodObject[], prior: Map<string, Group>, after: readonly PodObject[]): Map<string, Group> | undefined {
  if (!(svc.spec?.ports ?? []).every((sp) => typeof (sp.targetPort ?? sp.port) === 'number')) return undefined;
  const old = prior.get('');
  if (prior.size !== (old ? 1 : 0)) return undefined;
  const was = old?.endpoints ?? [];
  const endpoints: SliceEndpoint[] = [];
  let ports = old?.ports;
  let k = 0;
  let i = 0;
  let j = 0;
  const skip = (pod: PodObject): void => {
    if (k < was.length && was[k]!.targetRef.uid === pod.metadata.uid) k += 1;
  };
  // What computeGroups does for one pod; false when the pod's endpoint could depend on the Service.
  const add = (pod: PodObject): boolean => {
    if (!shouldPodBeInEndpoints(pod, true)) return true;
    const podNode = pod.spec?.nodeName;
    if (!podNode) return true;
    const node = getObject(state, 'Node', undefined, podNode);
    if (!node) return true;
    if (pod.spec?.hostname && pod.spec.subdomain) return false;
    ports ??= endpointPorts(svc, pod);
    endpoints.push(sharedEndpoint(pod, svc, node));
    return true;
  };
  while (i < before.length && j < after.length) {
    const a = before[i]!;
    const b = after[j]!;
    if (a === b) {
      if (k < was.length && was[k]!.targetRef.uid === a.metadata.uid) endpoints.push(was[k++]!);
      i += 1;
      j += 1;
    } else if (a.metadata.name < b.metadata.name) {
      skip(a);
      i += 1;
    } else if (a.metadata.name > b.metadata.name) {
      if (!add(b)) return undefined;
      j += 1;
    } else if (samePodEndpoint(a, b)) {
      // A new version of the pod with the same endpoint inputs: the old endpoint is equal.
      if (k < was.length && was[k]!.targetRef.uid === a.metadata.uid) endpoints.push(was[k++]!);
      i += 1;
      j += 1;
    } else {
      skip(a);
      if (!add(b)) return undefined;
      i += 1;
      j += 1;
    }
  }
  while (j < after.length) if (!add(after[j++]!)) return undefined;
  const groups = new Map<string, Group>();
  if (endpoints.length > 0) groups.set('', { key: old?.key ?? JSON.stringify(ports), ports: ports!, endpoints });
  return groups;
}

/**
 * A group's endpoint positions by pod uid, built once per group: groups are shared between the
 * Services over one pod set and between their syncs until a pod changes, while packing looks
 * every stored endpoint up in it.
 */
const positionsOfGroup = new WeakMap<Group, Map<string, number>>();

function positionsByUid(group: Group): Map<string, number> {
  let byUid = positionsOfGroup.get(group);
  if (!byUid) {
    byUid = new Map();
    for (let i = 0; i < group.endpoints.length; i++) byUid.set(group.endpoints[i]!.targetRef.uid, i);
    positionsOfGroup.set(group, byUid);
  }
  return byUid;
}

/** Distributes a group's endpoints over its existing slices and new ones (see the header). */
function packGroup(group: Group, slices: SliceObject[]): { kept: Map<SliceObject, SliceEndpoint[]>; fresh: SliceEndpoint[][]; inOrder: Set<SliceEndpoint[]> } {
  const { endpoints } = group;
  const byUid = positionsByUid(group);
  // placed[i]: the group's i-th endpoint has its slice already.
  const placed = new Uint8Array(endpoints.length);
  let placedCount = 0;
  const kept = new Map<SliceObject, SliceEndpoint[]>();
  // The stays known to be sorted: a subsequence of a sorted stored list whose endpoints kept
  // their sort keys (address; the uid is the same pod's) is sorted, so updateSlice skips the check.
  const inOrder = new Set<SliceEndpoint[]>();
  for (const slice of slices) {
    const stay: SliceEndpoint[] = [];
    const stored = slice.endpoints ?? [];
    let sorted = storedSorted(slice, stored);
    for (const e of stored) {
      const at = byUid.get(e.targetRef?.uid);
      if (at !== undefined && placed[at] === 0 && stay.length < MAX_ENDPOINTS_PER_SLICE) {
        const ep = endpoints[at]!;
        if (sorted && ep !== e && ep.addresses[0] !== e.addresses[0]) sorted = false;
        stay.push(ep);
        placed[at] = 1;
        placedCount += 1;
      }
    }
    kept.set(slice, stay);
    if (sorted) inOrder.add(stay);
  }
  // The endpoints not placed yet, in the group's order.
  const rest = placedCount === 0 ? endpoints : endpoints.filter((_, i) => placed[i] === 0);
  let next = 0;
  for (const stay of kept.values()) {
    if (stay.length < MAX_ENDPOINTS_PER_SLICE && next < rest.length) inOrder.delete(stay);
    while (stay.length < MAX_ENDPOINTS_PER_SLICE && next < rest.length) stay.push(rest[next++]!);
  }
  const fresh: SliceEndpoint[][] = [];
  for (let i = next; i < rest.length; i += MAX_ENDPOINTS_PER_SLICE) fresh.push(rest.slice(i, i + MAX_ENDPOINTS_PER_SLICE));
  return { kept, fresh, inOrder };
}

/**
 * Whether a stored slice's endpoints are well-formed enough to compare and in compareEndpoints
 * order: slices this controller wrote always are. Once per stored list (stored lists are frozen
 * and replaced on every write), not once per sync.
 */
const sortedStored = new WeakMap<readonly unknown[], boolean>();

function storedSorted(slice: SliceObject, stored: readonly SliceEndpoint[]): boolean {
  let sorted = sortedStored.get(stored);
  if (sorted === undefined) {
    const written = lastWritten.get(sliceKey(slice));
    // The list this controller last wrote into the slice, element for element: sorted.
    if (written !== undefined && sameElements(written, stored)) {
      if (Object.isFrozen(stored)) sortedStored.set(stored, true);
      return true;
    }
    const wellFormed = stored.every((e) => typeof e?.addresses?.[0] === 'string' && typeof e.targetRef?.uid === 'string');
    sorted = wellFormed && isSorted(stored);
    if (Object.isFrozen(stored)) sortedStored.set(stored, sorted);
  }
  return sorted;
}

function newSlice(svc: ServiceObject, ports: SlicePort[], endpoints: SliceEndpoint[]): Action {
  const object = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${svc.metadata.name}-`,
      namespace: svc.metadata.namespace,
      labels: sliceLabels(svc),
      ownerReferences: [newControllerRef(svc, 'v1', 'Service')],
    },
    addressType: 'IPv4',
    endpoints: [...endpoints].sort(compareEndpoints),
    ports,
  };
  return { verb: 'create', object };
}

/**
 * The sorted list last written into each slice (by namespace/name): the store copies the list
 * but keeps its endpoint objects, so a stored list holding the same objects in the same order
 * is known sorted without comparing addresses. A hint only, cleared past a bound.
 */
const lastWritten = new Map<string, readonly SliceEndpoint[]>();
const MAX_REMEMBERED_SLICES = 16384;

function sliceKey(slice: SliceObject): string {
  return `${slice.metadata.namespace ?? ''}/${slice.metadata.name}`;
}

function rememberWritten(slice: SliceObject, sorted: readonly SliceEndpoint[]): void {
  if (lastWritten.size >= MAX_REMEMBERED_SLICES) lastWritten.clear();
  lastWritten.set(sliceKey(slice), sorted.slice());
}

function sameElements(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isSorted(endpoints: readonly SliceEndpoint[]): boolean {
  for (let i = 1; i < endpoints.length; i++) if (compareEndpoints(endpoints[i - 1]!, endpoints[i]!) > 0) return false;
  return true;
}

function updateSlice(svc: ServiceObject, slice: SliceObject, ports: SlicePort[], endpoints: SliceEndpoint[], inOrder = false): Action[] {
  // Endpoints that stay keep their slice's (sorted) order, so sorting is usually not needed.
  const sorted = inOrder || isSorted(endpoints) ? endpoints : [...endpoints].sort(compareEndpoints);
  const labels = sliceLabels(svc);
  if (sameAddressList(slice.endpoints ?? [], sorted) && jsonEqual(slice.ports ?? [], ports) && jsonEqual(slice.metadata.labels, labels)) return [];
  rememberWritten(slice, sorted);
  const object = { ...slice, metadata: { ...slice.metadata, labels }, endpoints: sorted, ports };
  return [{ verb: 'update', object }];
}

function syncService(state: ClusterState, svc: ServiceObject, ctx: ReconcileContext): Action[] {
  const owned = (ctx.index.list('EndpointSlice', 'controller', svc.metadata.uid) as SliceObject[]).filter(
    (s) => s.metadata.labels?.[MANAGED_BY_LABEL] === ENDPOINTSLICE_CONTROLLER_NAME && s.addressType === 'IPv4',
  );
  const groups = desiredGroups(state, svc, ctx);
  const actions: Action[] = [];
  const used = new Set<SliceObject>();
  const ownedKeys = new Map(owned.map((s) => [s, JSON.stringify(s.ports ?? [])]));
  for (const group of groups.values()) {
    const slices = owned.filter((s) => ownedKeys.get(s) === group.key);
    const { kept, fresh, inOrder } = packGroup(group, slices);
    for (const [slice, endpoints] of kept) {
      if (endpoints.length === 0) continue;
      used.add(slice);
      actions.push(...updateSlice(svc, slice, group.ports, endpoints, inOrder.has(endpoints)));
    }
    for (const endpoints of fresh) actions.push(newSlice(svc, group.ports, endpoints));
  }
  if (groups.size === 0) {
    // placeholderSliceCompare: a Service without endpoints keeps one empty slice.
    const placeholder = owned.find((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0) ?? owned[0];
    if (placeholder) {
      used.add(placeholder);
      actions.push(...updateSlice(svc, placeholder, [], []));
    } else {
      actions.push(newSlice(svc, [], []));
    }
  }
  for (const slice of owned) {
    if (!used.has(slice)) actions.push({ verb: 'delete', kind: 'EndpointSlice', key: objectKey(slice.metadata.namespace, slice.metadata.name) });
  }
  return actions;
}

function reconcile(state: ClusterState, key: string, ctx: ReconcileContext): ReconcileResult {
  const { namespace, name } = splitObjectKey(key);
  const svc = getObject(state, 'Service', namespace, name) as ServiceObject | undefined;
  // A deleted Service's slices go with the garbage collector (ownerReference).
  if (!svc || svc.spec?.type === 'ExternalName' || !serviceSelector(svc)) return { actions: [] };
  return { actions: syncService(state, svc, ctx) };
}

/** 'endpointslice-controller', as kube-controller-manager names it. */
export function endpointSliceController(): Reconciler {
  return {
    name: 'endpointslice-controller',
    watches: {
      Service: 'self',
      Pod: podToServicesMapper(),
      // A managed slice edited or deleted by someone else is put back.
      EndpointSlice: (change) => {
        const slice = (change.object ?? change.oldObject)!;
        const svcName = slice.metadata.labels?.[SERVICE_NAME_LABEL];
        if (!svcName || slice.metadata.labels?.[MANAGED_BY_LABEL] !== ENDPOINTSLICE_CONTROLLER_NAME) return [];
        return [objectKey(slice.metadata.namespace, svcName)];
      },
    },
    reconcile,
  };
}

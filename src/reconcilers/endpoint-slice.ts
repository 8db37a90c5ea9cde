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
 * list known sorted (what this controller wrote) is not checked again. Each Service's last
 * sync leaves a plan (endpoint-slice-memo.ts, one per controller instance): a sync whose slices
 * are exactly that plan writes nothing when its groups are unchanged — the controller is woken
 * by its own slice writes — and only moves what changed when its group is the planned one
 * patched (endpoint-slice-packing.ts).
 *
 * @see kubernetes/kubernetes pkg/controller/endpointslice/endpointslice_controller.go
 * @see kubernetes/kubernetes staging/src/k8s.io/endpointslice/reconciler.go, utils.go
 */
import { jsonEqual, shareableJson } from '../model/json.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler } from '../model/reconcile.js';
import { forEachObject, getObject, objectKey, splitObjectKey, type ClusterState, type KindTable } from '../model/store.js';
import type { StoredObject } from '../model/types.js';
import { isPodReady, newControllerRef, thawed } from './controller-utils.js';
import { EndpointSliceMemo, type PlannedSlice, type SliceObject } from './endpoint-slice-memo.js';
import {
  compareEndpoints,
  deltaFromPlan,
  isSorted,
  MAX_ENDPOINTS_PER_SLICE,
  newGroupSerial,
  packFromDelta,
  packGroup,
  sliceKey,
  type EndpointChange,
  type Group,
  type GroupDelta,
} from './endpoint-slice-packing.js';
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
export { MAX_ENDPOINTS_PER_SLICE };
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
  // Two fields rather than a pair array: one allocation per pod version instead of two (an
  // entry per version written, kept until a full GC).
  /** The endpoint without publishNotReadyAddresses. */
  notPublishing: SliceEndpoint | undefined;
  /** The endpoint with publishNotReadyAddresses. */
  publishing: SliceEndpoint | undefined;
}
const endpointsByPod = new WeakMap<PodObject, PodEndpoints>();

function sharedEndpoint(pod: PodObject, svc: ServiceObject, node: StoredObject): SliceEndpoint {
  if (pod.spec?.hostname && pod.spec.subdomain) return deepFreezeEndpoint(podToEndpoint(pod, svc, node));
  let memo = endpointsByPod.get(pod);
  if (!memo || memo.node !== node) endpointsByPod.set(pod, (memo = { node, notPublishing: undefined, publishing: undefined }));
  if (svc.spec?.publishNotReadyAddresses === true) return (memo.publishing ??= sameAsBefore(pod, 1, podToEndpoint(pod, svc, node)));
  return (memo.notPublishing ??= sameAsBefore(pod, 0, podToEndpoint(pod, svc, node)));
}

/**
 * The endpoint last built for each pod, per publishNotReadyAddresses: most status writes (a
 * container started, a probe ran) leave a pod's endpoint as it was, and the new pod version
 * then gets that very endpoint object back (see LastBuiltByPod).
 */
const lastEndpoint = [new LastBuiltByPod<SliceEndpoint>(), new LastBuiltByPod<SliceEndpoint>()] as const;

function sameAsBefore(pod: PodObject, slot: 0 | 1, ep: SliceEndpoint): SliceEndpoint {
  const kept = pod.spec ? lastEndpoint[slot].reuse(pod.spec, pod.metadata.uid, ep) : ep;
  // Only a new endpoint needs freezing and marking: a reused one was when it was new.
  if (kept === ep) deepFreezeEndpoint(ep);
  return kept;
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
      groups.set(signature, (g = { serial: newGroupSerial(), key: JSON.stringify(ports), ports, endpoints: [], pods: [] }));
    }
    g.endpoints.push(sharedEndpoint(pod, svc, node));
    g.pods.push(pod);
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

type SliceMemo = EndpointSliceMemo<NodeZones, Map<string, Group>>;

function nodeZones(state: ClusterState, memo: SliceMemo): NodeZones | undefined {
  const table = Object.hasOwn(state.kinds, 'Node') ? state.kinds.Node : undefined;
  if (!table) return undefined;
  let zones = zonesByTable.get(table);
  if (zones) return zones;
  const byName = new Map<string, string | undefined>();
  forEachObject(state, 'Node', (node) => byName.set(node.metadata.name, node.metadata.labels?.[ZONE_LABEL]));
  const last = memo.lastZones;
  zones = last && sameZones(last.byName, byName) ? last : { byName };
  zonesByTable.set(table, zones);
  memo.lastZones = zones;
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

/** JSON of a stored (deep-frozen) ports list, once per list: every sync of the Service reads it. */
const portsJsonByList = new WeakMap<object, string>();

function portsJsonOf(svc: ServiceObject): string {
  const ports = svc.spec?.ports;
  if (!ports) return '[]';
  if (!Object.isFrozen(ports)) return JSON.stringify(ports);
  let json = portsJsonByList.get(ports);
  if (json === undefined) portsJsonByList.set(ports, (json = JSON.stringify(ports)));
  return json;
}

function desiredGroups(state: ClusterState, svc: ServiceObject, ctx: ReconcileContext, memo: SliceMemo): Map<string, Group> {
  const pods = podsForService(svc, ctx);
  // The empty pod array is one frozen array shared by every cluster: an entry under it would
  // live as long as the process, so it gets none (it needs none: its groups are always empty).
  if (pods.length === 0) return NO_GROUPS;
  const nodes = nodeZones(state, memo);
  const portsJson = portsJsonOf(svc);
  const publish = svc.spec?.publishNotReadyAddresses === true;
  const shared = groupsByPods.get(pods);
  const hit = shared?.find((g) => g.nodes === nodes && g.portsJson === portsJson && g.publish === publish);
  if (hit) return hit.groups;
  const serviceKey = `${svc.metadata.namespace ?? ''}/${svc.metadata.name}`;
  const before = memo.lastPods(serviceKey);
  const prior = before && before !== pods ? groupsByPods.get(before)?.find((g) => g.nodes === nodes && g.portsJson === portsJson && g.publish === publish) : undefined;
  const patched = prior && patchGroups(state, svc, before!, prior.groups, pods);
  const { groups, perService } = patched ? { groups: patched, perService: false } : computeGroups(state, svc, pods);
  if (!perService) {
    // Entries for other Node zones are unlikely to hit again: dropping them keeps a long-lived
    // pod array from holding every version of the Nodes it has seen.
    const live = (shared ?? []).filter((g) => g.nodes === nodes).slice(-(MAX_SHARED_VARIANTS - 1));
    live.push({ nodes, portsJson, publish, groups });
    groupsByPods.set(pods, live);
    memo.rememberPods(serviceKey, pods);
  }
  return groups;
}

/**
 * computeGroups(after) from the groups of `before`, for Services whose ports are all numeric
 * (one group, endpoints in pod order). The walk pairs the pods of both arrays as diffByName
 * does; `prior`'s endpoints follow `before`'s included pods in order, so the next one belongs
 * to the current `before` pod exactly when it was taken for that very object (Group.pods), a
 * test that reads neither the pod nor the endpoint. An unchanged pod object under
 * unchanged Node zones has the same endpoint. Undefined when the Service has named ports or an
 * added pod sets hostname and subdomain (computeGroups handles those).
 */
function patchGroups(state: ClusterState, svc: ServiceObject, before: readonly PodObject[], prior: Map<string, Group>, after: readonly PodObject[]): Map<string, Group> | undefined {
  if (!(svc.spec?.ports ?? []).every((sp) => typeof (sp.targetPort ?? sp.port) === 'number')) return undefined;
  before = thawed(before);
  after = thawed(after);
  const old = prior.get('');
  if (prior.size !== (old ? 1 : 0)) return undefined;
  const was = old?.endpoints ?? [];
  // `from[k]` is the `before` pod of was[k]: matching by identity reads no unchanged pod.
  const from = old?.pods ?? [];
  const endpoints: SliceEndpoint[] = [];
  const pods: PodObject[] = [];
  const changed = new Map<string, EndpointChange>();
  const added: SliceEndpoint[] = [];
  let ports = old?.ports;
  let k = 0;
  let i = 0;
  let j = 0;
  // The endpoint `a` had, if any: consumed from `was` and returned.
  const leave = (a: PodObject): SliceEndpoint | undefined => (from[k] === a ? was[k++] : undefined);
  // What computeGroups does for one pod; false when the pod's endpoint could depend on the Service.
  const add = (pod: PodObject, left: SliceEndpoint | undefined): boolean => {
    let ep: SliceEndpoint | undefined;
    if (shouldPodBeInEndpoints(pod, true) && pod.spec?.nodeName) {
      const node = getObject(state, 'Node', undefined, pod.spec.nodeName);
      if (node) {
        if (pod.spec.hostname && pod.spec.subdomain) return false;
        ports ??= endpointPorts(svc, pod);
        ep = sharedEndpoint(pod, svc, node);
        endpoints.push(ep);
        pods.push(pod);
      }
    }
    // The same pod (uid) listed before and now: its endpoint is replaced where it stands.
    if (left !== undefined && ep !== undefined && left.targetRef.uid === pod.metadata.uid) changed.set(left.targetRef.uid, { address: left.addresses[0]!, to: ep });
    else {
      if (left !== undefined) changed.set(left.targetRef.uid, { address: left.addresses[0]!, to: null });
      if (ep !== undefined) added.push(ep);
    }
    return true;
  };
  while (i < before.length && j < after.length) {
    const a = before[i]!;
    const b = after[j]!;
    if (a === b) {
      if (from[k] === a) {
        endpoints.push(was[k++]!);
        pods.push(a);
      }
      i += 1;
      j += 1;
    } else if (a.metadata.name < b.metadata.name) {
      const left = leave(a);
      if (left !== undefined) changed.set(left.targetRef.uid, { address: left.addresses[0]!, to: null });
      i += 1;
    } else if (a.metadata.name > b.metadata.name) {
      if (!add(b, undefined)) return undefined;
      j += 1;
    } else if (samePodEndpoint(a, b)) {
      // A new version of the pod with the same endpoint inputs: the old endpoint is equal.
      if (from[k] === a) {
        endpoints.push(was[k++]!);
        pods.push(b);
      }
      i += 1;
      j += 1;
    } else {
      if (!add(b, leave(a))) return undefined;
      i += 1;
      j += 1;
    }
  }
  while (j < after.length) if (!add(after[j++]!, undefined)) return undefined;
  // The `before` pods after the last of `after` are gone, with their endpoints.
  while (k < was.length) {
    const left = was[k++]!;
    changed.set(left.targetRef.uid, { address: left.addresses[0]!, to: null });
  }
  const groups = new Map<string, Group>();
  if (endpoints.length > 0) {
    const delta: GroupDelta | undefined = old ? { from: old.serial, changed, added } : undefined;
    groups.set('', { serial: newGroupSerial(), key: old?.key ?? JSON.stringify(ports), ports: ports!, endpoints, pods, ...(delta ? { delta } : {}) });
  }
  return groups;
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
 * The update that makes `slice` hold `endpoints` (sorted), `ports` and `labels`, if it does not
 * already; `planned` is that sorted list (the group's own endpoint objects).
 */
function updateSlice(
  slice: SliceObject,
  ports: SlicePort[],
  endpoints: SliceEndpoint[],
  labels: Record<string, string>,
  memo: SliceMemo,
  inOrder = false,
): { actions: Action[]; planned: readonly SliceEndpoint[] } {
  // Endpoints that stay keep their slice's (sorted) order, so sorting is usually not needed.
  const sorted = inOrder || isSorted(endpoints) ? endpoints : [...endpoints].sort(compareEndpoints);
  const stored = slice.endpoints ?? [];
  if (sameAddressList(stored, sorted) && jsonEqual(slice.ports ?? [], ports) && jsonEqual(slice.metadata.labels, labels)) return { actions: [], planned: sorted };
  memo.rememberWritten(sliceKey(slice), sorted);
  const object = { ...slice, metadata: { ...slice.metadata, labels }, endpoints: sorted, ports };
  return { actions: [{ verb: 'update', object }], planned: sorted };
}

function syncService(state: ClusterState, svc: ServiceObject, ctx: ReconcileContext, memo: SliceMemo): Action[] {
  const owned = (thawed(ctx.index.list('EndpointSlice', 'controller', svc.metadata.uid)) as SliceObject[]).filter(
    (s) => s.metadata.labels?.[MANAGED_BY_LABEL] === ENDPOINTSLICE_CONTROLLER_NAME && s.addressType === 'IPv4',
  );
  const groups = desiredGroups(state, svc, ctx, memo);
  const serviceKey = `${svc.metadata.namespace ?? ''}/${svc.metadata.name}`;
  const plan0 = memo.planMatching(serviceKey, svc, owned);
  if (plan0 !== undefined && plan0.groups === groups) return [];
  const delta = plan0 !== undefined ? deltaFromPlan(plan0.groups, groups) : undefined;
  const labels = sliceLabels(svc);
  const actions: Action[] = [];
  const used = new Set<SliceObject>();
  // What the slices hold once the actions are applied, unless a new slice (name unknown yet) is made.
  let plan: Map<string, PlannedSlice> | undefined = new Map();
  const ownedKeys = new Map(owned.map((s) => [s, JSON.stringify(s.ports ?? [])]));
  for (const group of groups.values()) {
    const slices = owned.filter((s) => ownedKeys.get(s) === group.key);
    // Every slice must be this group's for the delta to describe them all.
    const { kept, fresh, inOrder } = delta && slices.length === owned.length ? packFromDelta(delta, slices, memo) : packGroup(group, slices, memo);
    for (const [slice, endpoints] of kept) {
      if (endpoints.length === 0) continue;
      used.add(slice);
      const update = updateSlice(slice, group.ports, endpoints, labels, memo, inOrder.has(endpoints));
      actions.push(...update.actions);
      plan?.set(slice.metadata.name, { endpoints: update.planned, ports: group.ports, labels });
    }
    for (const endpoints of fresh) actions.push(newSlice(svc, group.ports, endpoints));
    if (fresh.length > 0) plan = undefined;
  }
  if (groups.size === 0) {
    plan = undefined;
    // placeholderSliceCompare: a Service without endpoints keeps one empty slice.
    const placeholder = owned.find((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0) ?? owned[0];
    if (placeholder) {
      used.add(placeholder);
      actions.push(...updateSlice(placeholder, [], [], labels, memo).actions);
    } else {
      actions.push(newSlice(svc, [], []));
    }
  }
  for (const slice of owned) {
    if (!used.has(slice)) actions.push({ verb: 'delete', kind: 'EndpointSlice', key: objectKey(slice.metadata.namespace, slice.metadata.name) });
  }
  // Two groups with one port list would share slices: the plan's check does not cover that.
  if (plan && new Set([...groups.values()].map((g) => g.key)).size !== groups.size) plan = undefined;
  memo.rememberPlan(serviceKey, plan && { svc, groups, slices: plan });
  return actions;
}

function reconcile(state: ClusterState, key: string, ctx: ReconcileContext, memo: SliceMemo): ReconcileResult {
  const { namespace, name } = splitObjectKey(key);
  const svc = getObject(state, 'Service', namespace, name) as ServiceObject | undefined;
  if (!svc) memo.forget(`${namespace ?? ''}/${name}`);
  // A deleted Service's slices go with the garbage collector (ownerReference).
  if (!svc || svc.spec?.type === 'ExternalName' || !serviceSelector(svc)) return { actions: [] };
  return { actions: syncService(state, svc, ctx, memo) };
}

/** 'endpointslice-controller', as kube-controller-manager names it. */
export function endpointSliceController(): Reconciler {
  const memo: SliceMemo = new EndpointSliceMemo<NodeZones, Map<string, Group>>();
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
    reconcile: (state, key, ctx) => reconcile(state, key, ctx, memo),
  };
}

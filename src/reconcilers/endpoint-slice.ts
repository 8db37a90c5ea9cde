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
 * @see kubernetes/kubernetes pkg/controller/endpointslice/endpointslice_controller.go
 * @see kubernetes/kubernetes staging/src/k8s.io/endpointslice/reconciler.go, utils.go
 */
import { jsonEqual } from '../model/json.js';
import type { Action, ReconcileContext, ReconcileResult, Reconciler } from '../model/reconcile.js';
import { getObject, objectKey, splitObjectKey, type ClusterState } from '../model/store.js';
import type { StoredObject } from '../model/types.js';
import { isPodReady, newControllerRef } from './controller-utils.js';
import {
  findPort,
  HEADLESS_SERVICE_LABEL,
  isServiceIPSet,
  podsForService,
  podToServicesMapper,
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

function compareEndpoints(a: SliceEndpoint, b: SliceEndpoint): number {
  const ka = `${a.addresses[0]}\u0000${a.targetRef.uid}`;
  const kb = `${b.addresses[0]}\u0000${b.targetRef.uid}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

interface Group {
  readonly ports: SlicePort[];
  readonly endpoints: SliceEndpoint[];
}

function desiredGroups(state: ClusterState, svc: ServiceObject, ctx: ReconcileContext): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const pod of podsForService(svc, ctx)) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    // A pod on a node that does not exist (any more) is skipped until the node appears.
    const node = pod.spec?.nodeName ? getObject(state, 'Node', undefined, pod.spec.nodeName) : undefined;
    if (!node) continue;
    const ports = endpointPorts(svc, pod);
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, endpoints: [] }));
    g.endpoints.push(podToEndpoint(pod, svc, node));
  }
  return groups;
}

/** Distributes a group's endpoints over its existing slices and new ones (see the header). */
function packGroup(group: Group, slices: SliceObject[]): { kept: Map<SliceObject, SliceEndpoint[]>; fresh: SliceEndpoint[][] } {
  const byUid = new Map(group.endpoints.map((e) => [e.targetRef.uid, e]));
  const kept = new Map<SliceObject, SliceEndpoint[]>();
  for (const slice of slices) {
    const stay: SliceEndpoint[] = [];
    for (const e of slice.endpoints ?? []) {
      const want = byUid.get(e.targetRef?.uid);
      if (want && stay.length < MAX_ENDPOINTS_PER_SLICE) {
        stay.push(want);
        byUid.delete(e.targetRef.uid);
      }
    }
    kept.set(slice, stay);
  }
  const rest = [...byUid.values()];
  for (const stay of kept.values()) while (stay.length < MAX_ENDPOINTS_PER_SLICE && rest.length > 0) stay.push(rest.shift()!);
  const fresh: SliceEndpoint[][] = [];
  for (let i = 0; i < rest.length; i += MAX_ENDPOINTS_PER_SLICE) fresh.push(rest.slice(i, i + MAX_ENDPOINTS_PER_SLICE));
  return { kept, fresh };
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

function updateSlice(svc: ServiceObject, slice: SliceObject, ports: SlicePort[], endpoints: SliceEndpoint[]): Action[] {
  const sorted = [...endpoints].sort(compareEndpoints);
  const labels = sliceLabels(svc);
  if (jsonEqual(slice.endpoints ?? [], sorted) && jsonEqual(slice.ports ?? [], ports) && jsonEqual(slice.metadata.labels, labels)) return [];
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
  for (const [key, group] of groups) {
    const slices = owned.filter((s) => JSON.stringify(s.ports ?? []) === key);
    const { kept, fresh } = packGroup(group, slices);
    for (const [slice, endpoints] of kept) {
      if (endpoints.length === 0) continue;
      used.add(slice);
      actions.push(...updateSlice(svc, slice, group.ports, endpoints));
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

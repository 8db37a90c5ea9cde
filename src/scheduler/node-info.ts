/**
 * Builds the scheduler's read-only views of pods and nodes: PodInfo (a pod with its requests
 * computed once), NodeInfo (a node with its pods, used host ports and running totals) and the
 * per-cycle SchedulerSnapshot. Quantities are parsed here and only here, so plugins compare
 * integers in the node loop.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/types.go (NodeInfo, Resource, calculateResource)
 * @see kubernetes/kubernetes pkg/api/v1/resource/helpers.go (PodRequests)
 */
import type { Container, Node, Pod } from '../model/types.js';
import { parseQuantity, type Quantity } from '../model/quantity.js';
import {
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  emptyResource,
  type HostPort,
  type NodeInfo,
  type PodInfo,
  type Resource,
  type SchedulerSnapshot,
} from './framework.js';

type ResourceList = Readonly<Record<string, string | number>>;
type QuantityList = Map<string, Quantity>;

const quantityCache = new Map<string, Quantity>();

/** Parses a quantity string once; resource lists repeat the same few strings ('100m', '1Gi'). */
function toQuantity(v: string | number): Quantity {
  const s = typeof v === 'number' ? String(v) : v;
  let q = quantityCache.get(s);
  if (q === undefined) {
    q = parseQuantity(s);
    if (quantityCache.size < 4096) quantityCache.set(s, q);
  }
  return q;
}

// ---------------------------------------------------------------------------------------------
// Resource names (pkg/apis/core/v1/helper and pkg/scheduler/util)

/** Native resources have no domain or a *kubernetes.io/ domain. */
function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** Extended resources: domain-qualified, not native, not the `requests.` quota form. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  // Upstream also requires `requests.<name>` to be a qualified name; API validation ensures it.
  return true;
}

/** Resources tracked in Resource.scalar: extended, hugepages, prefixed native, attachable volumes. */
export function isScalarResourceName(name: string): boolean {
  return (
    isExtendedResourceName(name) ||
    name.startsWith('hugepages-') ||
    name.includes('kubernetes.io/') ||
    name.startsWith('attachable-volumes-')
  );
}

// ---------------------------------------------------------------------------------------------
// PodRequests

function addList(into: QuantityList, list: ResourceList | QuantityList | undefined): void {
  if (list == null) return;
  if (list instanceof Map) {
    for (const [k, q] of list) {
      const cur = into.get(k);
      into.set(k, cur === undefined ? q : cur.add(q));
    }
    return;
  }
  for (const k of Object.keys(list)) {
    const q = toQuantity(list[k]!);
    const cur = into.get(k);
    into.set(k, cur === undefined ? q : cur.add(q));
  }
}

function maxList(into: QuantityList, list: QuantityList): void {
  for (const [k, q] of list) {
    const cur = into.get(k);
    if (cur === undefined || q.cmp(cur) > 0) into.set(k, q);
  }
}

const NON_MISSING: ReadonlyArray<readonly [string, string]> = [
  ['cpu', `${DEFAULT_MILLI_CPU_REQUEST}m`],
  ['memory', String(DEFAULT_MEMORY_REQUEST)],
];

/** A container's requests; with `nonMissing`, an absent cpu/memory request counts as the default. */
function containerRequests(c: Container, nonMissing: boolean): QuantityList {
  const out: QuantityList = new Map();
  const reqs = c.resources?.requests as ResourceList | undefined;
  addList(out, reqs);
  if (nonMissing) {
    // Only a *missing* key gets the default: an explicit "0" stays 0, as upstream applyNonMissing.
    for (const [k, v] of NON_MISSING) if (!out.has(k)) out.set(k, toQuantity(v));
  }
  return out;
}

/**
 * resource.PodRequests: the sum of the containers, raised to the largest init container's
 * need, plus overhead. A restartable (sidecar) init container keeps running, so it adds to the
 * sum, and every init container after it needs its own request plus the sidecars before it.
 */
function podRequestList(pod: Pod, nonMissing: boolean): QuantityList {
  const spec = pod.spec;
  const reqs: QuantityList = new Map();
  for (const c of spec?.containers ?? []) addList(reqs, containerRequests(c, nonMissing));
  const sidecars: QuantityList = new Map();
  const initMax: QuantityList = new Map();
  for (const c of spec?.initContainers ?? []) {
    const creqs = containerRequests(c, nonMissing);
    let use: QuantityList;
    if (c.restartPolicy === 'Always') {
      addList(reqs, creqs);
      addList(sidecars, creqs);
      use = sidecars;
    } else {
      use = new Map();
      addList(use, creqs);
      addList(use, sidecars);
    }
    maxList(initMax, use);
  }
  maxList(reqs, initMax);
  addList(reqs, spec?.overhead as ResourceList | undefined);
  return reqs;
}

/** framework.Resource.Add over a summed list: cpu in milli, the rest by Value() (rounded up). */
function toResource(list: QuantityList): Resource {
  const r = emptyResource();
  // Sorted so scalar keys have a fixed insertion order whatever the manifest's key order.
  for (const k of [...list.keys()].sort()) {
    const q = list.get(k)!;
    switch (k) {
      case 'cpu':
        r.milliCpu += q.milliValue();
        break;
      case 'memory':
        r.memory += q.value();
        break;
      case 'pods':
        r.allowedPodNumber += q.value();
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage += q.value();
        break;
      default:
        if (isScalarResourceName(k)) r.scalar[k] = (r.scalar[k] ?? 0) + q.value();
    }
  }
  return r;
}

/**
 * The pod's effective requests (upstream resource.PodRequests + Resource.Add), e.g. containers
 * {cpu 2, 1G} + {cpu 1, 1G} with init containers {2, 1G}, {2, 3G} → cpu 3000m, memory 3G.
 */
export function computePodResourceRequest(pod: Pod): Resource {
  return toResource(podRequestList(pod, false));
}

/** Like computePodResourceRequest, but a missing cpu/memory request counts as 100m / 200Mi. */
export function computePodNonZeroRequest(pod: Pod): Resource {
  return toResource(podRequestList(pod, true));
}

// ---------------------------------------------------------------------------------------------
// PodInfo

/** Most pods use no host port: they share this empty list instead of one each. */
const NO_HOST_PORTS: readonly HostPort[] = Object.freeze([]);

function hostPortsOf(pod: Pod): readonly HostPort[] {
  let out: HostPort[] | undefined;
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) {
      const port = p.hostPort ?? 0;
      if (port <= 0) continue; // only host ports occupy the node
      (out ??= []).push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port });
    }
  }
  return out ?? NO_HOST_PORTS;
}

const podInfoCache = new WeakMap<Pod, PodInfo>();

/**
 * Pods of one template request the same: the summed requests (plain and non-zero) are kept
 * per request signature of pods without init containers or overhead (the common case), so
 * the quantity arithmetic runs once per shape. Bounded: past the limit it just recomputes.
 */
const requestsMemo = new Map<string, PodRequests>();
const REQUESTS_MEMO_MAX = 4096;

/** The containers' requests as a string (keys in manifest order), or undefined: not memoized. */
function requestsSignature(pod: Pod): string | undefined {
  const spec = pod.spec;
  if (spec == null || (spec.initContainers?.length ?? 0) > 0 || spec.overhead != null) return undefined;
  let sig = '';
  for (const c of spec.containers ?? []) {
    sig += '|';
    const r = c.resources?.requests as Record<string, unknown> | undefined;
    if (r == null) continue;
    for (const k of Object.keys(r)) {
      const v = r[k];
      if (typeof v !== 'string' && typeof v !== 'number') return undefined;
      sig += `${k}\u0000${typeof v}\u0000${v}\u0001`;
    }
  }
  return sig;
}

/** Whether what the requests are read from (containers, init containers, overhead) is frozen too. */
function specFrozenDeep(spec: NonNullable<Pod['spec']>): boolean {
  for (const list of [spec.containers, spec.initContainers]) {
    if (list == null) continue;
    if (!Object.isFrozen(list)) return false;
    for (const c of list) {
      if (!Object.isFrozen(c)) return false;
      const r = c.resources;
      if (r != null && (!Object.isFrozen(r) || (r.requests != null && !Object.isFrozen(r.requests)))) return false;
    }
  }
  return spec.overhead == null || Object.isFrozen(spec.overhead);
}

/**
 * The same sums by frozen spec object: pods of one ReplicaSet share theirs (by reference), so
 * most pods find their requests here without building the signature.
 */
const requestsBySpec = new WeakMap<object, PodRequests>();

/** A pod's summed requests as its PodInfo holds them: frozen, shared by every pod of the shape. */
interface PodRequests {
  readonly requests: Resource;
  readonly nonZeroRequests: Resource;
}

/**
 * computePodResourceRequest and computePodNonZeroRequest, memoized by spec and
 * requestsSignature. Upstream tracks only cpu and memory as non-zero; the rest of
 * nonZeroRequests mirrors the plain requests. Both are frozen and shared between pods (no
 * reader writes them; a PodInfo is kept per scheduled pod, so copies would be kept too).
 */
function podRequests(pod: Pod): PodRequests {
  const spec = pod.spec;
  let hit = spec == null ? undefined : requestsBySpec.get(spec);
  if (hit === undefined) {
    const sig = requestsSignature(pod);
    hit = sig === undefined ? undefined : requestsMemo.get(sig);
    if (hit === undefined) {
      const requests = computePodResourceRequest(pod);
      const nz = computePodNonZeroRequest(pod);
      Object.freeze(requests.scalar);
      hit = {
        requests: Object.freeze(requests),
        nonZeroRequests: Object.freeze({
          milliCpu: nz.milliCpu,
          memory: nz.memory,
          ephemeralStorage: requests.ephemeralStorage,
          allowedPodNumber: requests.allowedPodNumber,
          scalar: requests.scalar,
        }),
      };
      if (sig !== undefined && requestsMemo.size < REQUESTS_MEMO_MAX) requestsMemo.set(sig, hit);
    }
    // Only a frozen spec: a mutable one could change its requests after this.
    if (spec != null && Object.isFrozen(spec) && specFrozenDeep(spec)) requestsBySpec.set(spec, hit);
  }
  return hit;
}

function makePodInfo(pod: Pod): PodInfo {
  const { requests, nonZeroRequests } = podRequests(pod);
  const md = pod.metadata;
  // A literal, not a spread: one kept per pod, and spread copies get a hidden class each in V8.
  return {
    pod,
    key: `${md?.namespace ?? 'default'}/${md?.name ?? ''}`,
    requests,
    nonZeroRequests,
    hostPorts: hostPortsOf(pod),
  };
}

/** The last frozen pod asked for and its PodInfo: one cycle asks for its pod several times. */
let lastPod: Pod | undefined;
let lastInfo: PodInfo | undefined;

/**
 * The PodInfo of a pod; cached per frozen pod object, since stored pods never change. A
 * pending pod without a nomination is asked for by its own cycle only, where lastPod keeps
 * it: it is not kept (one WeakMap entry per pod scheduled, 150,000 of them in a big batch,
 * would cost its insertion and the collector's walk of the map, for no later reader).
 */
export function podInfoFor(pod: Pod): PodInfo {
  if (pod === lastPod) return lastInfo!;
  let info = podInfoCache.get(pod);
  if (info === undefined) {
    info = makePodInfo(pod);
    if (!Object.isFrozen(pod)) return info;
    if (pod.spec?.nodeName || pod.status?.nominatedNodeName) podInfoCache.set(pod, info);
  }
  lastPod = pod;
  lastInfo = info;
  return info;
}

// ---------------------------------------------------------------------------------------------
// NodeInfo

/** The node's status.allocatable as integers ('pods' → allowedPodNumber). */
export function nodeAllocatable(node: Node): Resource {
  const list: QuantityList = new Map();
  addList(list, node.status?.allocatable as ResourceList | undefined);
  return toResource(list);
}

/** image name → size, counting this node only; the cache fills in numNodes across nodes. */
function ownImageStates(node: Node): Record<string, { sizeBytes: number; numNodes: number }> {
  const out: Record<string, { sizeBytes: number; numNodes: number }> = {};
  for (const img of node.status?.images ?? []) {
    for (const name of img.names ?? []) out[name] = { sizeBytes: img.sizeBytes ?? 0, numNodes: 1 };
  }
  return out;
}

/**
 * image name → how many of `nodes` report it (the cache's imageStates numNodes), for
 * ImageLocality's spread factor.
 */
export function countImageNodes(nodes: readonly Node[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of nodes) {
    const seen = new Set<string>();
    for (const img of n.status?.images ?? []) for (const name of img.names ?? []) seen.add(name);
    for (const name of seen) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** This node's image states with numNodes taken from `counts` (see countImageNodes). */
export function nodeImageStates(node: Node, counts: ReadonlyMap<string, number>): NodeInfo['imageStates'] {
  const own = ownImageStates(node);
  for (const name of Object.keys(own)) own[name]!.numNodes = counts.get(name) ?? 1;
  return own;
}

function addResource(into: Resource, r: Resource): void {
  into.milliCpu += r.milliCpu;
  into.memory += r.memory;
  into.ephemeralStorage += r.ephemeralStorage;
  into.allowedPodNumber += r.allowedPodNumber;
  for (const k of Object.keys(r.scalar)) into.scalar[k] = (into.scalar[k] ?? 0) + r.scalar[k]!;
}

function hasAffinity(p: Pod): boolean {
  const a = p.spec?.affinity;
  return a != null && (a.podAffinity != null || a.podAntiAffinity != null);
}

function hasRequiredAntiAffinity(p: Pod): boolean {
  const terms = p.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return terms != null && terms.length > 0;
}

/**
 * A NodeInfo for `node` holding `pods` (framework.NewNodeInfo + SetNode). Without
 * `imageStates`, the node's own status.images are used with numNodes 1.
 */
export function newNodeInfo(node: Node, pods: readonly Pod[] = [], imageStates?: NodeInfo['imageStates']): NodeInfo {
  const requested = emptyResource();
  const nonZeroRequested = emptyResource();
  const infos: PodInfo[] = [];
  const withAffinity: PodInfo[] = [];
  const withAnti: PodInfo[] = [];
  const usedPorts: HostPort[] = [];
  for (const p of pods) {
    const pi = podInfoFor(p);
    infos.push(pi);
    addResource(requested, pi.requests);
    nonZeroRequested.milliCpu += pi.nonZeroRequests.milliCpu;
    nonZeroRequested.memory += pi.nonZeroRequests.memory;
    if (hasAffinity(p)) withAffinity.push(pi);
    if (hasRequiredAntiAffinity(p)) withAnti.push(pi);
    for (const hp of pi.hostPorts) usedPorts.push(hp);
  }
  return {
    name: node.metadata?.name ?? '',
    node,
    pods: infos,
    podsWithAffinity: withAffinity,
    podsWithRequiredAntiAffinity: withAnti,
    usedPorts,
    requested,
    nonZeroRequested,
    allocatable: nodeAllocatable(node),
    imageStates: imageStates ?? ownImageStates(node),
  };
}

/** A snapshot over `nodes` in the given order, with name lookup and the affinity node lists. */
export function buildSnapshot(nodes: readonly NodeInfo[]): SchedulerSnapshot {
  const byName = new Map<string, NodeInfo>();
  for (const n of nodes) byName.set(n.name, n);
  return {
    nodes,
    get: (name) => byName.get(name),
    havePodsWithAffinity: nodes.filter((n) => n.podsWithAffinity.length > 0),
    havePodsWithRequiredAntiAffinity: nodes.filter((n) => n.podsWithRequiredAntiAffinity.length > 0),
  };
}

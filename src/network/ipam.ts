/**
 * IPAM: who holds which cluster IP, node port, load-balancer IP and pod IP. Each allocation is
 * a record in one of the store's internal tables ('~ClusterIP', '~NodePort', '~LoadBalancerIP',
 * '~PodIP'), named by the value and naming its owner (`Service:default/web`), so it commits or
 * rolls back with the write that made it, as upstream keeps its allocation bitmaps in etcd.
 *
 * Cluster IPs and node ports are drawn as upstream's bitmap allocator draws them (see
 * `allocateNext`); pod IPs come from the node's podCIDR as CNI host-local hands them out,
 * round-robin after the last address it reserved on that node (its `last_reserved_ip` file,
 * here a '~LastPodIP' record per node), skipping the network address, the gateway (.1) and the
 * broadcast address; LB IPs are the lowest free address of the simulated cloud's pool.
 *
 * Functions here never write before they have checked everything: a rejected Service leaves
 * no record behind, even in a batch other calls share.
 *
 * @see kubernetes/kubernetes pkg/registry/core/service/ipallocator/bitmap.go,
 *      pkg/registry/core/service/portallocator/allocator.go,
 *      pkg/registry/core/service/allocator/bitmap.go (randomScanStrategyWithOffset),
 *      pkg/registry/core/service/storage/alloc.go,
 *      containernetworking/plugins plugins/ipam/host-local/backend/allocator/allocator.go (GetIter)
 */
import { fieldError, InternalError, InvalidError, KubesimError } from '../model/errors.js';
import { deepFreeze } from '../model/json.js';
import {
  needsClusterIP,
  needsHealthCheckNodePort,
  needsNodePort,
  type NetworkAllocator,
} from '../model/admission/service-allocation.js';
import type { RandomSource } from '../model/reconcile.js';
import type { InternalTable, StoreBatch } from '../model/store.js';
import type { KubeObject, Service, ServicePort, StoredObject } from '../model/types.js';
import { formatCIDR, formatIPv4, parseCIDR, parseIPv4, type IPv4CIDR } from './cidr.js';
import { formatPortRange, type PortRange, type ResolvedNetwork } from './options.js';
/** An allocation record, as the shared networking contract shapes it. */
export interface AllocationRecord extends StoredObject {
  readonly owner: string;
}

/** `Service:default/web`, `Pod:default/web-1`: who holds a record. */
export function ownerKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}:${namespace ?? ''}/${name}`;
}

export function recordOwner(batch: StoreBatch, table: InternalTable, value: string): string | undefined {
  return (batch.get(table, undefined, value) as AllocationRecord | undefined)?.owner;
}

export function claim(batch: StoreBatch, table: InternalTable, value: string, owner: string): void {
  const record = { kind: table, metadata: { name: value, resourceVersion: '0', uid: '' }, owner };
  batch.put(table, deepFreeze(record) as AllocationRecord);
}

/** Frees `value` if `owner` holds it (a record held by someone else is left alone). */
export function release(batch: StoreBatch, table: InternalTable, value: string, owner: string): void {
  if (recordOwner(batch, table, value) === owner) batch.remove(table, undefined, value);
}

/**
 * A contiguous range of allocatable values seen as bitmap offsets 0..max-1, with the first
 * `offset` of them kept for explicit requests (KEP-3070/3668 static subranges).
 */
export interface ValueRange {
  readonly max: number;
  readonly offset: number;
  valueAt(i: number): string;
  /** The offset of `value`, or undefined when it is outside the range. */
  indexOf(value: string): number | undefined;
  /** What upstream's ErrNotInRange names: `10.96.0.0/12`, `30000-32767`. */
  readonly spec: string;
}

/**
 * ipallocator calculateRangeOffset: min(max(16, size/16), 256), or 0 for ranges of 16 or fewer
 * addresses. Example: 10.96.0.0/12 has 1048576 addresses → 65536 → capped at 256, so
 * 10.96.0.1 .. 10.96.1.0 are preferred for static IPs (kube-dns's 10.96.0.10 is among them).
 */
export function serviceIPRangeOffset(cidrSize: number): number {
  if (cidrSize <= 16) return 0;
  return Math.min(Math.max(16, Math.trunc(cidrSize / 16)), 256);
}

/** portallocator calculateRangeOffset: min(max(16, size/32), 128); 30000-32767 → 2768/32 = 86. */
export function nodePortRangeOffset(size: number): number {
  if (size <= 16) return 0;
  return Math.min(Math.max(16, Math.trunc(size / 32)), 128);
}

/** The service range: every address but the network (.0) and broadcast addresses. */
export function serviceIPRange(cidr: IPv4CIDR): ValueRange {
  const first = cidr.base + 1;
  const max = Math.max(0, cidr.size - 2);
  return {
    max,
    offset: serviceIPRangeOffset(cidr.size),
    spec: formatCIDR(cidr),
    valueAt: (i) => formatIPv4(first + i),
    indexOf(value) {
      const ip = parseIPv4(value);
      return ip !== undefined && ip >= first && ip < first + max ? ip - first : undefined;
    },
  };
}

export function nodePortRange(ports: PortRange): ValueRange {
  return {
    max: ports.size,
    offset: nodePortRangeOffset(ports.size),
    spec: formatPortRange(ports),
    valueAt: (i) => String(ports.base + i),
    indexOf(value) {
      const n = Number(value);
      return Number.isInteger(n) && n >= ports.base && n < ports.base + ports.size ? n - ports.base : undefined;
    },
  };
}

/**
 * randomScanStrategyWithOffset.AllocateBit: a random start in the upper (dynamic) subrange,
 * then a linear probe with wrap-around; only when that is full, the same in the lower
 * (static) subrange. Example: 10.96.0.0/12 draws start = rng.int(1048574 − 256) and probes
 * offsets 256+start, 256+start+1, … Returns undefined when every value is taken.
 */
export function allocateNext(range: ValueRange, isFree: (value: string) => boolean, rng: RandomSource): string | undefined {
  const upper = range.max - range.offset;
  if (upper > 0) {
    const start = rng.int(upper);
    for (let i = 0; i < upper; i++) {
      const value = range.valueAt(range.offset + ((start + i) % upper));
      if (isFree(value)) return value;
    }
  }
  if (range.offset > 0) {
    const start = rng.int(range.offset);
    for (let i = 0; i < range.offset; i++) {
      const value = range.valueAt((start + i) % range.offset);
      if (isFree(value)) return value;
    }
  }
  return undefined;
}

// ---- pod IPs (CNI host-local on each node) -------------------------------------------------

/** The node's InternalIP (status.addresses), if it has one. */
export function nodeInternalIP(node: StoredObject): string | undefined {
  const addresses = (node.status as { addresses?: { type?: string; address?: string }[] } | undefined)?.addresses ?? [];
  return addresses.find((a) => a.type === 'InternalIP')?.address;
}

/**
 * A pod IP from the node's podCIDR, as host-local's allocator picks it: the address after the
 * last one it reserved on this node when that one is still in the range, else the first, then
 * onwards with wrap-around to the first free one; the range is .2 to the address before
 * broadcast (.0 is the network, .1 the gateway). A crash-looping pod therefore does not get
 * its old IP back until the range has gone round. Example: podCIDR 10.244.1.0/24 hands out
 * .2, .3, .4; after the pod on .3 is deleted the next pod gets .5, not .3. Throws InternalError
 * with host-local's message when the node has no podCIDR or every address is taken.
 */
export function allocatePodIP(batch: StoreBatch, node: StoredObject, podKey: string): string {
  const cidr = usablePodCIDR(node);
  if (!cidr) {
    throw new InternalError(`failed to allocate pod IP on node ${node.metadata.name}: node has no usable spec.podCIDR`);
  }
  const first = cidr.base + 2;
  const last = cidr.base + cidr.size - 2;
  const count = last - first + 1;
  const nodeName = node.metadata.name;
  const previous = lastReservedIP(batch, nodeName);
  const start = previous !== undefined && previous >= first && previous <= last ? previous + 1 - first : 0;
  for (let i = 0; i < count; i++) {
    const value = formatIPv4(first + ((start + i) % count));
    if (recordOwner(batch, '~PodIP', value) === undefined) {
      claim(batch, '~PodIP', value, podKey);
      const record = { kind: '~LastPodIP', metadata: { name: nodeName, resourceVersion: '0', uid: '' }, ip: value };
      batch.put('~LastPodIP', deepFreeze(record) as StoredObject);
      return value;
    }
  }
  throw new InternalError(
    `failed to allocate for range 0: no IP addresses available in range set: ${formatIPv4(cidr.base + 1)}-${formatIPv4(last)}`,
  );
}

/** The last pod IP host-local reserved on the node (its '~LastPodIP' record), as a number. */
function lastReservedIP(batch: StoreBatch, nodeName: string): number | undefined {
  const ip = (batch.get('~LastPodIP', undefined, nodeName) as { ip?: string } | undefined)?.ip;
  return ip === undefined ? undefined : parseIPv4(ip);
}

/** The node's podCIDR when it has room for pods (.0, .1 and broadcast aside). */
function usablePodCIDR(node: StoredObject): ReturnType<typeof parseCIDR> {
  const podCIDR = (node.spec as { podCIDR?: string } | undefined)?.podCIDR;
  const cidr = podCIDR ? parseCIDR(podCIDR) : undefined;
  return cidr && cidr.size >= 4 ? cidr : undefined;
}

export function releasePodIP(batch: StoreBatch, ip: string, podKey: string): void {
  release(batch, '~PodIP', ip, podKey);
}

interface PodLike {
  spec?: { nodeName?: string; hostNetwork?: boolean };
  status?: Record<string, unknown>;
}

/**
 * Gives a pod that now has its node its addresses: hostIP(s) from the node's InternalIP, and
 * podIP(s) from the node's podCIDR (a hostNetwork pod shares the node's IP). A node without a
 * podCIDR or with none left leaves the pod without a podIP, as a real pod then stays in
 * ContainerCreating; the write itself never fails for it.
 */
export function assignPodAddresses(batch: StoreBatch, pod: KubeObject, known?: StoredObject): void {
  const p = pod as PodLike & KubeObject;
  const nodeName = p.spec?.nodeName;
  const node = !nodeName ? undefined : known?.metadata.name === nodeName ? known : batch.get('Node', undefined, nodeName);
  if (!node) return;
  const status = (p.status ??= {});
  if (typeof status.podIP === 'string' && status.podIP !== '') return;
  const hostIP = nodeInternalIP(node);
  if (hostIP) {
    status.hostIP = hostIP;
    status.hostIPs = [{ ip: hostIP }];
  }
  let podIP: string | undefined;
  if (p.spec?.hostNetwork === true) {
    podIP = hostIP;
  } else if (usablePodCIDR(node)) {
    // (A node without a podCIDR, as before node IPAM ran or with it off, is common enough not to
    // pay for a thrown error per pod.)
    try {
      podIP = allocatePodIP(batch, node, ownerKey('Pod', pod.metadata?.namespace, pod.metadata?.name ?? ''));
    } catch (e) {
      if (!(e instanceof KubesimError)) throw e;
    }
  }
  if (podIP) {
    status.podIP = podIP;
    status.podIPs = [{ ip: podIP }];
  }
}

export function releasePodAddresses(batch: StoreBatch, pod: StoredObject): void {
  const ip = (pod.status as { podIP?: string } | undefined)?.podIP;
  if (ip) releasePodIP(batch, ip, ownerKey('Pod', pod.metadata.namespace, pod.metadata.name));
}

/**
 * The allocators the write path calls (WriteContext.network). `rng` should be the cluster's
 * own fork (e.g. `rng.fork('ipam')`) so adding a Service never shifts other streams.
 */
export function networkAllocator(net: ResolvedNetwork, rng: RandomSource): NetworkAllocator {
  return {
    allocateService: (batch, svc, old) => allocateServiceAddresses(batch, svc, net, rng, old),
    releaseService: (batch, svc) => releaseServiceAddresses(batch, svc),
    assignPod: (batch, pod, node) => assignPodAddresses(batch, pod, node),
    releasePod: (batch, pod) => releasePodAddresses(batch, pod),
  };
}

// ---- Services (the API server's allocation transaction) ------------------------------------

type Spec = NonNullable<Service['spec']> & Record<string, unknown>;
type Port = ServicePort & { nodePort?: number };

/** Claims and releases decided for one Service write, applied only once all checks passed. */
class Plan {
  readonly claims: [InternalTable, string][] = [];
  readonly releases: [InternalTable, string][] = [];
  constructor(
    readonly batch: StoreBatch,
    readonly owner: string,
    readonly name: string,
  ) {}

  isFree(table: InternalTable, value: string): boolean {
    return recordOwner(this.batch, table, value) === undefined && !this.claims.some(([t, v]) => t === table && v === value);
  }

  /** An explicit request: Invalid with upstream's wording if out of range or taken. */
  claimExplicit(table: InternalTable, range: ValueRange, value: string, field: string, badValue: unknown, what: 'IP' | 'port'): void {
    const prefix = table === '~ClusterIP' ? `failed to allocate IP ${value}: ` : '';
    if (range.indexOf(value) === undefined) {
      const detail =
        what === 'IP'
          ? `the provided IP (${value}) is not in the valid range. The range of valid IPs is ${range.spec}`
          : `provided port is not in the valid range. The range of valid ports is ${range.spec}`;
      throw new InvalidError('Service', this.name, [fieldError.invalid(field, badValue, prefix + detail)]);
    }
    if (!this.isFree(table, value)) {
      throw new InvalidError('Service', this.name, [fieldError.invalid(field, badValue, `${prefix}provided ${what} is already allocated`)]);
    }
    this.claims.push([table, value]);
  }

  claimNext(table: InternalTable, range: ValueRange, rng: RandomSource, what: string): string {
    const value = allocateNext(range, (v) => this.isFree(table, v), rng);
    // Upstream returns these as InternalError: the request was valid, the range is not.
    if (value === undefined) throw new InternalError(`Internal error occurred: failed to allocate a ${what}: range is full`);
    this.claims.push([table, value]);
    return value;
  }

  apply(): void {
    for (const [table, value] of this.releases) release(this.batch, table, value, this.owner);
    for (const [table, value] of this.claims) claim(this.batch, table, value, this.owner);
  }
}

function specOf(obj: KubeObject | undefined): Spec {
  const spec = obj?.spec;
  return (spec !== null && typeof spec === 'object' ? spec : {}) as Spec;
}

function allocatedClusterIP(spec: Spec): string | undefined {
  const ip = spec.clusterIP;
  return needsClusterIP(spec) && typeof ip === 'string' && ip !== '' && ip !== 'None' ? ip : undefined;
}

function planClusterIP(plan: Plan, spec: Spec, oldSpec: Spec | undefined, net: ResolvedNetwork, rng: RandomSource): void {
  const oldIP = oldSpec ? allocatedClusterIP(oldSpec) : undefined;
  if (needsClusterIP(spec) && spec.clusterIP !== 'None') {
    const range = serviceIPRange(net.serviceCIDR);
    if (spec.clusterIP === undefined || spec.clusterIP === '') {
      const ip = plan.claimNext('~ClusterIP', range, rng, 'serviceIP');
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
    } else if (spec.clusterIP !== oldIP) {
      plan.claimExplicit('~ClusterIP', range, spec.clusterIP, 'spec.clusterIPs', spec.clusterIPs ?? [spec.clusterIP], 'IP');
    }
  }
  if (oldIP !== undefined && oldIP !== allocatedClusterIP(spec)) plan.releases.push(['~ClusterIP', oldIP]);
}

/** shouldAllocateNodePorts: NodePort always; LoadBalancer unless allocateLoadBalancerNodePorts is false. */
function shouldAllocateNodePorts(spec: Spec): boolean {
  return spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
}

function heldNodePorts(spec: Spec | undefined): number[] {
  if (!spec || !needsNodePort(spec)) return [];
  return [...new Set((spec.ports ?? []).map((p) => (p as Port).nodePort ?? 0).filter((n) => n !== 0))];
}

/**
 * initNodePorts/updateNodePorts: explicit node ports are claimed (unless the Service already
 * held them); others are drawn, and ports that share a port number (53/UDP and 53/TCP) share
 * one node port, as upstream does. Old node ports no longer listed are released.
 */
function planNodePorts(plan: Plan, spec: Spec, oldSpec: Spec | undefined, net: ResolvedNetwork, rng: RandomSource): void {
  const old = heldNodePorts(oldSpec);
  if (needsNodePort(spec)) {
    const range = nodePortRange(net.nodePorts);
    const ports = (spec.ports ?? []) as Port[];
    const requested = new Map<number, number>();
    for (const p of ports) if (p.nodePort && !requested.has(p.port)) requested.set(p.port, p.nodePort);
    const byPort = new Map<number, number>();
    const mine = new Set(old);
    ports.forEach((p, i) => {
      if (!p.nodePort && !shouldAllocateNodePorts(spec)) return;
      let np = p.nodePort || byPort.get(p.port) || requested.get(p.port) || 0;
      if (np === 0) {
        np = Number(plan.claimNext('~NodePort', range, rng, 'nodePort'));
        mine.add(np);
      } else if (!mine.has(np)) {
        plan.claimExplicit('~NodePort', range, String(np), `spec.ports[${i}].nodePort`, np, 'port');
        mine.add(np);
      }
      p.nodePort = np;
      if (!byPort.has(p.port)) byPort.set(p.port, np);
    });
  }
  const kept = new Set(heldNodePorts(spec));
  for (const np of old) if (!kept.has(np)) plan.releases.push(['~NodePort', String(np)]);
}

function planHealthCheckNodePort(plan: Plan, spec: Spec, oldSpec: Spec | undefined, net: ResolvedNetwork, rng: RandomSource): void {
  const old = oldSpec && needsHealthCheckNodePort(oldSpec) ? (oldSpec.healthCheckNodePort ?? 0) : 0;
  if (needsHealthCheckNodePort(spec)) {
    const range = nodePortRange(net.nodePorts);
    const hc = spec.healthCheckNodePort ?? 0;
    if (hc === 0) spec.healthCheckNodePort = Number(plan.claimNext('~NodePort', range, rng, 'nodePort'));
    else if (hc !== old) plan.claimExplicit('~NodePort', range, String(hc), 'spec.healthCheckNodePort', hc, 'port');
  }
  const now = needsHealthCheckNodePort(spec) ? (spec.healthCheckNodePort ?? 0) : 0;
  if (old !== 0 && old !== now) plan.releases.push(['~NodePort', String(old)]);
}

function ingressIPs(obj: KubeObject | undefined): string[] {
  const lb = (obj?.status as { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined)?.loadBalancer;
  return (lb?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => typeof ip === 'string');
}

/**
 * The simulated cloud (service controller + cloud provider) gives a LoadBalancer Service the
 * lowest free IP of the pool — in the same write here, a moment earlier than a real cloud.
 * A Service with a loadBalancerClass belongs to another implementation and gets none. An
 * exhausted pool leaves the ingress empty (the Service stays <pending>), the write succeeds.
 */
function planLoadBalancer(plan: Plan, svc: KubeObject, spec: Spec, old: KubeObject | undefined, net: ResolvedNetwork): void {
  const held = ingressIPs(old).filter((ip) => recordOwner(plan.batch, '~LoadBalancerIP', ip) === plan.owner);
  const wants = spec.type === 'LoadBalancer' && (spec.loadBalancerClass === undefined || spec.loadBalancerClass === null);
  if (!wants) {
    for (const ip of held) plan.releases.push(['~LoadBalancerIP', ip]);
    if (held.length > 0) svc.status = { ...(svc.status as object), loadBalancer: {} };
    return;
  }
  if (held.length > 0 || ingressIPs(svc).length > 0) return;
  const pool = net.loadBalancerCIDR;
  // The pool's last usable address belongs to the simulated ingress controller (ingressIP).
  for (let ip = pool.base + 1; ip < pool.base + pool.size - 2; ip++) {
    const value = formatIPv4(ip);
    if (plan.isFree('~LoadBalancerIP', value)) {
      plan.claims.push(['~LoadBalancerIP', value]);
      svc.status = { ...(svc.status as object), loadBalancer: { ingress: [{ ip: value, ipMode: 'VIP' }] } };
      return;
    }
  }
}

/**
 * Allocates what a new (`old` undefined) or updated Service needs and releases what it no
 * longer holds, writing the values into `svc`. All checks run before any record is written.
 */
export function allocateServiceAddresses(
  batch: StoreBatch,
  svc: KubeObject,
  net: ResolvedNetwork,
  rng: RandomSource,
  old?: StoredObject,
): void {
  if (svc.spec === null || typeof svc.spec !== 'object') return;
  const name = svc.metadata?.name ?? '';
  const plan = new Plan(batch, ownerKey('Service', svc.metadata?.namespace, name), name);
  const spec = svc.spec as Spec;
  const oldSpec = old ? specOf(old) : undefined;
  planClusterIP(plan, spec, oldSpec, net, rng);
  planNodePorts(plan, spec, oldSpec, net, rng);
  planHealthCheckNodePort(plan, spec, oldSpec, net, rng);
  planLoadBalancer(plan, svc, spec, old, net);
  plan.apply();
}

/** Frees every cluster IP, node port and LB IP a removed Service held. */
export function releaseServiceAddresses(batch: StoreBatch, svc: StoredObject): void {
  const owner = ownerKey('Service', svc.metadata.namespace, svc.metadata.name);
  const spec = specOf(svc);
  const ip = allocatedClusterIP(spec);
  if (ip) release(batch, '~ClusterIP', ip, owner);
  for (const np of heldNodePorts(spec)) release(batch, '~NodePort', String(np), owner);
  if (needsHealthCheckNodePort(spec) && spec.healthCheckNodePort) release(batch, '~NodePort', String(spec.healthCheckNodePort), owner);
  for (const lb of ingressIPs(svc)) release(batch, '~LoadBalancerIP', lb, owner);
}

/** The address the simulated ingress controller publishes: the LB pool's last usable one. */
export function ingressControllerIP(net: ResolvedNetwork): string {
  return formatIPv4(net.loadBalancerCIDR.base + net.loadBalancerCIDR.size - 2);
}

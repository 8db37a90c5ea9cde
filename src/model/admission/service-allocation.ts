/**
 * Where the write path meets the network allocators: Service cluster IPs, node ports and
 * load-balancer IPs on create/update/delete (upstream's Service REST BeginCreate/BeginUpdate
 * allocation transaction), and pod IPs when a pod gets its node.
 *
 * The allocators themselves live in src/network (ipam.ts), a layer above this one, so the
 * write path receives them as a `NetworkAllocator` in its WriteContext (the cluster passes
 * `networkAllocator(options, rng)`). Without one (bare write-path tests), nothing is allocated
 * or released; only the pure field fix-ups below run, as they always do upstream.
 *
 * Every allocator call is made after the last check that can reject the write, and each one
 * checks everything before it writes a record: a rejected call leaves no allocation behind
 * even in a batch shared with other calls (a reconcile's actions, a scheduling step's binds).
 *
 * @see kubernetes/kubernetes pkg/registry/core/service/storage/storage.go (beginCreate,
 *      beginUpdate, patchAllocatedValues, dropTypeDependentFields), storage/alloc.go
 */
import type { StoreBatch } from '../store.js';
import type { KubeObject, Service, StoredObject } from '../types.js';

/** The network layer's allocators as the write path sees them. */
export interface NetworkAllocator {
  /**
   * Allocates what a new (old undefined) or updated Service needs and releases what it no
   * longer needs; writes spec.clusterIP(s), spec.ports[].nodePort, spec.healthCheckNodePort and
   * status.loadBalancer into `svc`. Throws Invalid (a requested value is taken or out of range)
   * or InternalError (a range is full) before writing anything.
   */
  allocateService(batch: StoreBatch, svc: KubeObject, old: StoredObject | undefined): void;
  /** Frees every record a removed Service held. */
  releaseService(batch: StoreBatch, svc: StoredObject): void;
  /**
   * Sets status.podIP(s)/hostIP(s) of a pod that now has spec.nodeName. Never throws. `node`:
   * that node as the batch holds it, when the caller has it already (no second lookup).
   */
  assignPod(batch: StoreBatch, pod: KubeObject, node?: StoredObject): void;
  /** Frees a removed pod's IP. */
  releasePod(batch: StoreBatch, pod: StoredObject): void;
}

type ServiceSpec = NonNullable<Service['spec']> & Record<string, unknown>;

function specOf(obj: KubeObject | StoredObject): ServiceSpec {
  const spec = obj.spec;
  return (spec !== null && typeof spec === 'object' ? spec : {}) as ServiceSpec;
}

/** Upstream needsClusterIP: every type but ExternalName has one (or "None"). */
export function needsClusterIP(spec: ServiceSpec): boolean {
  return spec.type !== 'ExternalName';
}

/** Upstream needsNodePort: NodePort and LoadBalancer Services may hold node ports. */
export function needsNodePort(spec: ServiceSpec): boolean {
  return spec.type === 'NodePort' || spec.type === 'LoadBalancer';
}

/** Upstream needsHCNodePort: a LoadBalancer with externalTrafficPolicy Local. */
export function needsHealthCheckNodePort(spec: ServiceSpec): boolean {
  return spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

function externallyAccessible(spec: ServiceSpec): boolean {
  return (
    spec.type === 'LoadBalancer' ||
    spec.type === 'NodePort' ||
    (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0)
  );
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function nodePortsOf(spec: ServiceSpec): number[] {
  return (spec.ports ?? []).map((p) => p.nodePort ?? 0);
}

/**
 * patchAllocatedValues: a client that PUTs a Service without its allocated values (an empty
 * clusterIP, nodePort 0) keeps them, so updates are idempotent. Node ports are matched by port
 * name and never copied onto a port that another port already uses.
 */
function patchAllocatedValues(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && needsClusterIP(spec)) {
    if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = old.clusterIP;
    if ((spec.clusterIPs ?? []).length === 0 && (old.clusterIPs ?? []).length > 0) spec.clusterIPs = [...old.clusterIPs!];
  }
  if (needsNodePort(old) && needsNodePort(spec)) {
    const used = new Set(nodePortsOf(spec).filter((np) => np !== 0 && nodePortsOf(old).includes(np)));
    const byName = new Map((old.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0]));
    for (const p of spec.ports ?? []) {
      if (p.nodePort) continue;
      const carried = byName.get(p.name ?? '') ?? 0;
      if (carried !== 0 && !used.has(carried)) (p as { nodePort?: number }).nodePort = carried;
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(spec) && !spec.healthCheckNodePort) {
    spec.healthCheckNodePort = old.healthCheckNodePort;
  }
}

/**
 * dropTypeDependentFields: when the type changes so that a field no longer applies, and the
 * client left that field as it was, the server drops it (so `type: ClusterIP` on a former
 * NodePort Service does not fail on its old nodePorts). A field the client changed is kept,
 * and validation then reports it.
 */
function dropTypeDependentFields(spec: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (same(spec.clusterIP, old.clusterIP) && same(spec.clusterIPs, old.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, old.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, old.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(spec) && same(nodePortsOf(spec), nodePortsOf(old))) {
    for (const p of spec.ports ?? []) delete (p as { nodePort?: number }).nodePort;
  }
  if (needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(spec) && same(spec.healthCheckNodePort, old.healthCheckNodePort)) {
    delete spec.healthCheckNodePort;
  }
  if (spec.type !== 'LoadBalancer') {
    if (same(spec.allocateLoadBalancerNodePorts, old.allocateLoadBalancerNodePorts)) delete spec.allocateLoadBalancerNodePorts;
    if (same(spec.loadBalancerClass, old.loadBalancerClass)) delete spec.loadBalancerClass;
  }
  if (!externallyAccessible(spec) && same(spec.externalTrafficPolicy, old.externalTrafficPolicy)) {
    delete spec.externalTrafficPolicy;
  }
}

/**
 * Service update, before validation: carry allocated values over and drop fields the new type
 * does not use (upstream does both before it validates and allocates).
 */
export function prepareServiceUpdate(svc: KubeObject, old: StoredObject): void {
  if (svc.spec === null || typeof svc.spec !== 'object') return;
  const spec = svc.spec as ServiceSpec;
  const oldSpec = specOf(old);
  dropTypeDependentFields(spec, oldSpec);
  patchAllocatedValues(spec, oldSpec);
}

/** Create path, after every check: a Service's addresses, or a pod created already bound. */
export function allocateOnCreate(batch: StoreBatch, obj: KubeObject, network: NetworkAllocator | undefined): void {
  if (!network) return;
  if (obj.kind === 'Service') network.allocateService(batch, obj, undefined);
  else if (obj.kind === 'Pod' && (obj.spec as { nodeName?: string } | undefined)?.nodeName) network.assignPod(batch, obj);
}

/** Update path (not the status subresource), after validation. */
export function allocateOnUpdate(batch: StoreBatch, obj: KubeObject, old: StoredObject, network: NetworkAllocator | undefined): void {
  if (network && obj.kind === 'Service') network.allocateService(batch, obj, old);
}

/** Final removal of an object (no grace period or finalizers left): free what it held. */
export function releaseOnRemoval(batch: StoreBatch, obj: StoredObject, network: NetworkAllocator | undefined): void {
  if (!network) return;
  if (obj.kind === 'Service') network.releaseService(batch, obj);
  else if (obj.kind === 'Pod') network.releasePod(batch, obj);
}

/**
 * What kube-proxy knows, as pure functions over ClusterState: a Service port's endpoints (read
 * from EndpointSlices as kube-proxy does, from the core/v1 Endpoints object when no slice
 * exists), which of them a node may use under a traffic policy (CategorizeEndpoints), which
 * Service owns a ClusterIP, NodePort or load-balancer IP, and node health. Choosing one
 * endpoint (random, round-robin, affinity) needs memory and lives in router.ts.
 *
 * @see kubernetes/kubernetes pkg/proxy/topology.go (CategorizeEndpoints)
 * @see kubernetes/kubernetes pkg/proxy/endpointslicecache.go (endpointInfo from slices)
 * @see kubernetes/kubernetes pkg/proxy/iptables/proxier.go (REJECT with no endpoints, DROP with
 *      no local endpoints)
 */
import { getObject, listObjects, type ClusterState } from '../model/store.js';
import { parseIPv4 } from '../model/strategy/endpoints.js';
import type { EndpointSlice, Endpoints, Node, Service, ServicePort } from '../model/types.js';
import type { Stored } from './types.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** Nodes with this label are left out of cloud load balancers' backend pools. */
export const EXCLUDE_FROM_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

/** One endpoint of one Service port, with the conditions kube-proxy reads. */
export interface EndpointInfo {
  readonly ip: string;
  /** The target port for the requested Service port (0 when ports were not asked for). */
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly node: string;
  /** `namespace/name` of the target pod, '' when the endpoint has no pod targetRef. */
  readonly pod: string;
  readonly hostname?: string;
}

/** IPv4 as a sortable number; other addresses sort after, by text. */
function ipOrder(a: string, b: string): number {
  const x = parseIPv4(a);
  const y = parseIPv4(b);
  if (x && y) {
    for (let i = 0; i < 4; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  }
  if (x) return -1;
  if (y) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareIPs(a: string, b: string): number {
  return ipOrder(a, b);
}

function byAddress(a: EndpointInfo, b: EndpointInfo): number {
  return ipOrder(a.ip, b.ip) || a.port - b.port;
}

/** The Service port a request names: by number (a request's port) or by port name. */
export function findServicePort(svc: Service, port: number | string, protocol = 'TCP'): ServicePort | undefined {
  return (svc.spec?.ports ?? []).find(
    (p) => (typeof port === 'number' ? p.port === port : (p.name ?? '') === port) && (p.protocol ?? 'TCP') === protocol,
  );
}

/**
 * The endpoints of a Service, sorted by IP then port and de-duplicated by `ip:port` (a slice
 * pair can overlap while the controller moves endpoints). With `servicePort`, only slices that
 * carry that port name and protocol count, and `port` is the target port there; without it
 * (DNS) every address counts with port 0.
 */
export function serviceEndpoints(state: ClusterState, namespace: string, name: string, servicePort?: ServicePort): EndpointInfo[] {
  const slices = listObjects(state, 'EndpointSlice', namespace).filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name);
  const out =
    slices.length > 0
      ? fromSlices(slices as Stored<EndpointSlice>[], servicePort)
      : fromEndpoints(getObject(state, 'Endpoints', namespace, name) as Stored<Endpoints> | undefined, servicePort);
  out.sort(byAddress);
  const seen = new Set<string>();
  return out.filter((e) => {
    const key = `${e.ip}:${e.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function portMatches(p: { name?: string; protocol?: string }, sp: ServicePort): boolean {
  return (p.name ?? '') === (sp.name ?? '') && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP');
}

function podKey(ref: { kind?: string; namespace?: string; name?: string } | undefined, namespace: string): string {
  if (!ref || (ref.kind !== undefined && ref.kind !== 'Pod') || !ref.name) return '';
  return `${ref.namespace ?? namespace}/${ref.name}`;
}

function fromSlices(slices: readonly Stored<EndpointSlice>[], sp: ServicePort | undefined): EndpointInfo[] {
  const out: EndpointInfo[] = [];
  for (const slice of slices) {
    if (slice.addressType === 'FQDN') continue;
    let port = 0;
    if (sp) {
      const p = (slice.ports ?? []).find((x) => portMatches(x, sp));
      if (!p || typeof p.port !== 'number') continue;
      port = p.port;
    }
    for (const ep of slice.endpoints ?? []) {
      const c = ep.conditions ?? {};
      // A nil condition means ready (and serving follows ready), as the API documents.
      const ready = c.ready ?? true;
      const serving = c.serving ?? ready;
      const ip = ep.addresses[0];
      if (ip === undefined) continue;
      out.push({
        ip,
        port,
        ready,
        serving,
        terminating: c.terminating ?? false,
        node: ep.nodeName ?? '',
        pod: podKey(ep.targetRef, slice.metadata.namespace ?? ''),
        ...(ep.hostname ? { hostname: ep.hostname } : {}),
      });
    }
  }
  return out;
}

function fromEndpoints(eps: Stored<Endpoints> | undefined, sp: ServicePort | undefined): EndpointInfo[] {
  const out: EndpointInfo[] = [];
  if (!eps) return out;
  const ns = eps.metadata.namespace ?? '';
  for (const subset of eps.subsets ?? []) {
    let port = 0;
    if (sp) {
      const p = (subset.ports ?? []).find((x) => portMatches(x, sp));
      if (!p) continue;
      port = p.port;
    }
    const add = (list: typeof subset.addresses, ready: boolean): void => {
      for (const a of list ?? []) {
        out.push({
          ip: a.ip,
          port,
          ready,
          serving: ready,
          terminating: false,
          node: a.nodeName ?? '',
          pod: podKey(a.targetRef, ns),
          ...(a.hostname ? { hostname: a.hostname } : {}),
        });
      }
    };
    add(subset.addresses, true);
    add(subset.notReadyAddresses, false);
  }
  return out;
}

/**
 * The endpoints one node's kube-proxy may send to under one traffic policy (CategorizeEndpoints
 * for one direction). Cluster: every ready endpoint, else the serving-terminating ones. Local:
 * the ready endpoints on `node`, else its serving-terminating ones. `hasAnyEndpoints` is whether
 * the Service has a usable endpoint anywhere: without one kube-proxy REJECTs (connection
 * refused); with one but none usable here it DROPs (the client times out).
 */
export function categorizeEndpoints(
  endpoints: readonly EndpointInfo[],
  policy: 'Cluster' | 'Local',
  node: string | undefined,
): { endpoints: EndpointInfo[]; hasAnyEndpoints: boolean } {
  const hasAnyEndpoints = endpoints.some((e) => e.ready || (e.serving && e.terminating));
  const scope = policy === 'Local' ? endpoints.filter((e) => node !== undefined && e.node === node) : endpoints;
  const ready = scope.filter((e) => e.ready);
  return { endpoints: ready.length > 0 ? ready : scope.filter((e) => e.serving && e.terminating), hasAnyEndpoints };
}

/** A node is down if it is gone, its Ready condition is present and not True, or `isDown` says so. */
export function nodeIsDown(state: ClusterState, name: string, isDown?: (name: string) => boolean): boolean {
  const node = getObject(state, 'Node', undefined, name) as Stored<Node> | undefined;
  if (!node) return true;
  if (isDown?.(name)) return true;
  // A node without a Ready condition has not been judged yet (kubesim's fresh nodes): treat it as up.
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return ready !== undefined && ready.status !== 'True';
}

export function nodeInternalIP(node: Node): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

export function nodeZone(state: ClusterState, name: string): string | undefined {
  return getObject(state, 'Node', undefined, name)?.metadata.labels?.[ZONE_LABEL];
}

/** Lookups from addresses to objects, built once per ClusterState (Services and Nodes are few). */
export interface AddressIndex {
  readonly clusterIPs: ReadonlyMap<string, Stored<Service>>;
  readonly loadBalancerIPs: ReadonlyMap<string, Stored<Service>>;
  /** `${protocol}/${nodePort}` → Service. */
  readonly nodePorts: ReadonlyMap<string, Stored<Service>>;
  readonly nodeIPs: ReadonlyMap<string, Stored<Node>>;
}

export function buildAddressIndex(state: ClusterState): AddressIndex {
  const clusterIPs = new Map<string, Stored<Service>>();
  const loadBalancerIPs = new Map<string, Stored<Service>>();
  const nodePorts = new Map<string, Stored<Service>>();
  for (const obj of listObjects(state, 'Service')) {
    const svc = obj as Stored<Service>;
    const spec = svc.spec ?? {};
    if (spec.type === 'ExternalName') continue;
    for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) {
      if (ip !== 'None' && ip !== '' && !clusterIPs.has(ip)) clusterIPs.set(ip, svc);
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      for (const p of spec.ports ?? []) {
        if (p.nodePort) nodePorts.set(`${p.protocol ?? 'TCP'}/${p.nodePort}`, svc);
      }
    }
    if (spec.type === 'LoadBalancer') {
      for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
        if (ing.ip && !loadBalancerIPs.has(ing.ip)) loadBalancerIPs.set(ing.ip, svc);
      }
    }
  }
  const nodeIPs = new Map<string, Stored<Node>>();
  for (const obj of listObjects(state, 'Node')) {
    const ip = nodeInternalIP(obj as Node);
    if (ip && !nodeIPs.has(ip)) nodeIPs.set(ip, obj as Stored<Node>);
  }
  return { clusterIPs, loadBalancerIPs, nodePorts, nodeIPs };
}

/** A request target taken apart. `port` is undefined when neither given nor implied by a scheme. */
export interface ParsedTarget {
  readonly host: string;
  readonly port: number | undefined;
  readonly path: string;
}

/**
 * Parses `http://host:port/path`, `host:port`, `host` (IPv6 hosts need brackets in URLs).
 * Returns undefined for text that is no target.
 */
export function parseTarget(to: string | { host: string; port?: number; path?: string; scheme?: 'http' | 'https' }): ParsedTarget | undefined {
  if (typeof to !== 'string') {
    const port = to.port ?? (to.scheme === 'https' ? 443 : to.scheme === 'http' ? 80 : undefined);
    return to.host ? { host: to.host.toLowerCase(), port, path: to.path ?? '/' } : undefined;
  }
  const m = /^(?:(https?):\/\/)?(\[[^\]]+\]|[^/:?#]+)(?::([0-9]{1,5}))?([/?#].*)?$/.exec(to.trim());
  if (!m) return undefined;
  const [, scheme, rawHost, rawPort, rest] = m;
  const host = rawHost!.replace(/^\[|\]$/g, '').toLowerCase();
  const port = rawPort !== undefined ? Number(rawPort) : scheme === 'https' ? 443 : scheme === 'http' ? 80 : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const path = rest === undefined ? '/' : (rest.split(/[?#]/)[0] || '/');
  return { host, port, path };
}

/**
 * The Router: the stateful half of the network layer (`cluster.network`). It owns what the
 * pure functions cannot: kube-proxy's mode, per-Service-port round-robin cursors (ipvs and the
 * ingress controller), the ClientIP session-affinity table, the partitions in force, and the
 * request counters. Randomness comes from an injected RandomSource, time from the state's
 * nowMs, node failures from an injected predicate, so a run stays a function of its seed.
 *
 * A request walks the path a packet would: client → (cluster DNS) → kube-proxy on the client's
 * node (ClusterIP), or a node's NodePort, or a cloud load balancer picking a healthy node, or
 * the ingress controller → one endpoint → the endpoint's node. Each failure is the one the
 * data plane produces: REJECT with no endpoints (ConnectionRefused), DROP with no local
 * endpoints under a Local policy (Timeout), a dead or cut-off node (NodeDown, Partitioned).
 *
 * @see kubernetes/kubernetes pkg/proxy/iptables/proxier.go (KUBE-SVC/KUBE-EXT chains, affinity
 *      via the `recent` module, short-circuit of in-cluster traffic to external IPs)
 * @see kubernetes/kubernetes pkg/proxy/ipvs/proxier.go (rr scheduler, persistence timeout)
 */
import { BadRequestError, NotFoundError } from '../model/errors.js';
import type { RandomSource } from '../model/reconcile.js';
import { getObject, listObjects, splitObjectKey, type ClusterState } from '../model/store.js';
import { parseIPv4, parseIPv6 } from '../model/strategy/endpoints.js';
import { DEFAULT_CLIENT_IP_AFFINITY_SECONDS } from '../model/strategy/service.js';
import type { Node, Pod, Service, ServicePort } from '../model/types.js';
import { clusterFirstResolver, DEFAULT_CLUSTER_DOMAIN, podResolver, resolveName, type PodRecordsMode, type ResolverConfig } from './dns.js';
import { ingressesAtIP, ingressServesHost, routeIngress } from './ingress.js';
import { describePartition, makePartition, partitionBetween, type Partition } from './partitions.js';
import {
  buildAddressIndex,
  categorizeEndpoints,
  EXCLUDE_FROM_LB_LABEL,
  findServicePort,
  nodeInternalIP,
  nodeIsDown,
  parseTarget,
  serviceEndpoints,
  type AddressIndex,
  type EndpointInfo,
} from './proxy.js';
import type { Hop, NetworkError, NetworkStats, ProxyMode, RequestOptions, ResolveOptions, ResolveResult, Route, RouteVia, Stored } from './types.js';

/** The address external clients come from (TEST-NET-2, outside every simulated range). */
export const DEFAULT_EXTERNAL_CLIENT_IP = '198.51.100.1';

export interface RouterOptions {
  /** The current state (the Cluster passes `() => this.state`). */
  readonly state: () => ClusterState;
  /** Endpoint choice in iptables mode, DNS answer shuffling, load-balancer node choice. */
  readonly rng: RandomSource;
  /** Nodes failed by fault injection, on top of a Ready condition that is not True. */
  readonly isNodeDown?: (name: string) => boolean;
  readonly proxyMode?: ProxyMode;
  readonly clusterDomain?: string;
  readonly podRecords?: PodRecordsMode;
  /** Only Ingresses of this class are served (default: all). */
  readonly ingressClassName?: string;
  readonly externalClientIP?: string;
}

type ClientKind = 'pod' | 'node' | 'external' | 'anonymous';

interface Client {
  readonly kind: ClientKind;
  readonly name: string;
  /** The source address session affinity keys on. */
  readonly ip: string;
  /** The node the client sits on (pods and nodes). */
  readonly node?: string;
  readonly resolver: ResolverConfig;
}

/** One request in flight: its client and the hops so far. */
interface Walk {
  readonly state: ClusterState;
  readonly client: Client;
  readonly hops: Hop[];
}

function fail(reason: NetworkError['reason'], message: string, extra: { httpStatus?: number; service?: string } = {}): NetworkError {
  return { ok: false, reason, message, ...extra };
}

function isIP(host: string): boolean {
  return parseIPv4(host) !== undefined || parseIPv6(host) !== undefined;
}

function keyOf(obj: { metadata: { namespace?: string; name: string } }): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

function sortedRecord(m: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...m.keys()].sort()) out[k] = m.get(k)!;
  return out;
}

export class Router {
  private readonly getState: () => ClusterState;
  private readonly rng: RandomSource;
  private readonly isDown: ((name: string) => boolean) | undefined;
  private readonly domain: string;
  private readonly podRecords: PodRecordsMode;
  private readonly ingressClassName: string | undefined;
  private readonly externalIP: string;
  private mode: ProxyMode;
  /** Round-robin position per Service port (ipvs) and per ingress backend. */
  private readonly cursors = new Map<string, number>();
  /** `servicePort|clientIP` → the endpoint (`ip:port`) and when it was last used. */
  private readonly affinity = new Map<string, { endpoint: string; lastMs: number }>();
  private parts: Partition[] = [];
  private total = 0;
  private okCount = 0;
  private readonly failures = new Map<string, number>();
  private readonly perService = new Map<string, number>();
  private readonly perEndpoint = new Map<string, number>();
  private cache: { state: ClusterState; index: AddressIndex; pods?: Map<string, Stored<Pod>> } | undefined;

  constructor(opts: RouterOptions) {
    this.getState = opts.state;
    this.rng = opts.rng;
    this.isDown = opts.isNodeDown;
    this.mode = opts.proxyMode ?? 'iptables';
    this.domain = opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    this.podRecords = opts.podRecords ?? 'insecure';
    this.ingressClassName = opts.ingressClassName;
    this.externalIP = opts.externalClientIP ?? DEFAULT_EXTERNAL_CLIENT_IP;
  }

  get proxyMode(): ProxyMode {
    return this.mode;
  }

  /** Switches kube-proxy's mode; like restarting it, this forgets cursors and affinities. */
  setProxyMode(mode: ProxyMode): void {
    if (mode !== 'iptables' && mode !== 'ipvs') throw new BadRequestError(`proxy mode must be "iptables" or "ipvs", got ${String(mode)}`);
    this.mode = mode;
    this.cursors.clear();
    this.affinity.clear();
  }

  /** What `name` resolves to for a client (a pod's search path; nodes and 'external' have no cluster DNS). */
  resolve(name: string, opts: ResolveOptions = {}): ResolveResult {
    const state = this.getState();
    const client = this.client(state, opts.from, opts.namespace);
    return resolveName(state, name, client.resolver, { clusterDomain: this.domain, podRecords: this.podRecords });
  }

  /** Sends one request and returns where it landed, or why it failed. Counted in stats(). */
  request(req: RequestOptions): Route | NetworkError {
    if (req === null || typeof req !== 'object') throw new BadRequestError('request: expected { from?, to }');
    const state = this.getState();
    const client = this.client(state, req.from, req.namespace);
    const result = this.route({ state, client, hops: [{ kind: 'client', name: client.name, ...(client.ip ? { address: client.ip } : {}), ...(client.node ? { node: client.node } : {}) }] }, req.to);
    this.count(result);
    return result;
  }

  /** Cuts traffic between two sets of nodes (node names or zone names). Partitions add up. */
  partition(a: string | readonly string[], b: string | readonly string[]): void {
    this.parts = [...this.parts, makePartition(this.getState(), a, b)];
  }

  /** Removes every partition. */
  heal(): void {
    this.parts = [];
  }

  partitions(): readonly Partition[] {
    return this.parts;
  }

  stats(): NetworkStats {
    return {
      requests: this.total,
      ok: this.okCount,
      failures: sortedRecord(this.failures),
      services: sortedRecord(this.perService),
      endpoints: sortedRecord(this.perEndpoint),
    };
  }

  resetStats(): void {
    this.total = 0;
    this.okCount = 0;
    this.failures.clear();
    this.perService.clear();
    this.perEndpoint.clear();
  }

  // ---- clients -----------------------------------------------------------------------------

  private client(state: ClusterState, from: string | undefined, namespace = 'default'): Client {
    if (from === undefined) return { kind: 'anonymous', name: '(anonymous)', ip: '', resolver: clusterFirstResolver(namespace, this.domain) };
    if (typeof from !== 'string' || from === '') throw new BadRequestError('request: from must be a pod, a node name or "external"');
    if (from === 'external') return { kind: 'external', name: 'external', ip: this.externalIP, resolver: { cluster: false, searches: [], ndots: 1 } };
    const { namespace: ns, name } = from.includes('/') ? splitObjectKey(from) : { namespace, name: from };
    const pod = getObject(state, 'Pod', ns, name) as Stored<Pod> | undefined;
    if (pod) {
      const node = pod.spec?.nodeName;
      if (!node) throw new BadRequestError(`request: pod ${keyOf(pod)} is not bound to a node, so it cannot send`);
      return { kind: 'pod', name: keyOf(pod), ip: pod.status?.podIP ?? `pod:${keyOf(pod)}`, node, resolver: podResolver(pod, this.domain) };
    }
    const node = from.includes('/') ? undefined : (getObject(state, 'Node', undefined, from) as Stored<Node> | undefined);
    if (node) return { kind: 'node', name: from, ip: nodeInternalIP(node) ?? `node:${from}`, node: from, resolver: { cluster: false, searches: [], ndots: 1 } };
    throw new NotFoundError({ resource: 'pods', group: '' }, from);
  }

  private down(state: ClusterState, node: string): boolean {
    return nodeIsDown(state, node, this.isDown);
  }

  private index(state: ClusterState): AddressIndex {
    if (this.cache?.state !== state) this.cache = { state, index: buildAddressIndex(state) };
    return this.cache.index;
  }

  /** The pod holding `ip`: from IPAM's ~PodIP table when it has the IP, else by a scan (cached per state). */
  private podByIP(state: ClusterState, ip: string): Stored<Pod> | undefined {
    const owner = getObject(state, '~PodIP', undefined, ip)?.owner;
    if (typeof owner === 'string' && owner.startsWith('Pod:')) {
      const { namespace, name } = splitObjectKey(owner.slice(4));
      const pod = getObject(state, 'Pod', namespace, name) as Stored<Pod> | undefined;
      if (pod?.status?.podIP === ip) return pod;
    }
    this.index(state);
    const cache = this.cache!;
    if (!cache.pods) {
      cache.pods = new Map();
      for (const p of listObjects(state, 'Pod') as Stored<Pod>[]) {
        const podIP = p.status?.podIP;
        if (podIP && !p.spec?.hostNetwork && !cache.pods.has(podIP)) cache.pods.set(podIP, p);
      }
    }
    return cache.pods.get(ip);
  }

  // ---- routing -----------------------------------------------------------------------------

  private route(w: Walk, to: RequestOptions['to']): Route | NetworkError {
    const { state, client } = w;
    if (client.node && this.down(state, client.node)) return fail('NodeDown', `node ${client.node} of client ${client.name} is down`);
    const target = to === undefined || to === null ? undefined : parseTarget(to);
    if (!target) throw new BadRequestError(`request: cannot parse target ${JSON.stringify(to)}`);
    if (isIP(target.host)) return this.toAddress(w, target.host, target.port, target.path, undefined);
    const answer = resolveName(state, target.host, client.resolver, { clusterDomain: this.domain, podRecords: this.podRecords });
    if (answer.ok) {
      const svc = this.serviceOfName(state, answer.name);
      if (answer.cname !== undefined) {
        return fail('NXDOMAIN', `${target.host} is a CNAME to ${answer.cname}, outside the simulated cluster`, svc ? { service: keyOf(svc) } : {});
      }
      // CoreDNS's loadbalance plugin shuffles multi-address answers; the client takes the first.
      const ip = answer.addresses.length === 1 ? answer.addresses[0]! : answer.addresses[this.rng.int(answer.addresses.length)]!;
      w.hops.push({ kind: 'dns', name: answer.name, address: ip, detail: answer.addresses.join(',') });
      return this.toAddress(w, ip, target.port, target.path, svc);
    }
    if (ingressServesHost(state, target.host, this.ingressClassName)) return this.viaIngress(w, target.host, target.path);
    return fail('NXDOMAIN', `${target.host}: NXDOMAIN (tried ${answer.queries.join(', ') || 'nothing: no cluster DNS for this client'})`);
  }

  /** The Service an FQDN `[...].<svc>.<ns>.svc.<domain>` names. */
  private serviceOfName(state: ClusterState, fqdn: string): Stored<Service> | undefined {
    const suffix = `.svc.${this.domain}`;
    if (!fqdn.endsWith(suffix)) return undefined;
    const labels = fqdn.slice(0, -suffix.length).split('.');
    const ns = labels[labels.length - 1];
    const name = labels[labels.length - 2];
    return ns && name ? (getObject(state, 'Service', ns, name) as Stored<Service> | undefined) : undefined;
  }

  /** The port a request without one uses: the Service's first port (its target port on a pod IP). */
  private defaultPort(state: ClusterState, ip: string, svc: Stored<Service> | undefined): number {
    const first = svc?.spec?.ports?.[0];
    if (!svc || !first) throw new BadRequestError(`request: no port given for ${ip}`);
    if (svc.spec?.clusterIP !== 'None') return first.port;
    const ep = serviceEndpoints(state, svc.metadata.namespace ?? '', svc.metadata.name, first).find((e) => e.ip === ip);
    if (ep) return ep.port;
    if (typeof first.targetPort === 'number') return first.targetPort;
    throw new BadRequestError(`request: no port given for ${ip}`);
  }

  private toAddress(w: Walk, ip: string, port: number | undefined, path: string, svcHint: Stored<Service> | undefined): Route | NetworkError {
    const { state, client } = w;
    const idx = this.index(state);
    const inCluster = client.kind !== 'external';
    const byClusterIP = idx.clusterIPs.get(ip);
    if (byClusterIP) {
      if (!inCluster) return fail('Timeout', `${ip} is a ClusterIP, not routable from outside the cluster`, { service: keyOf(byClusterIP) });
      return this.viaClusterIP(w, byClusterIP, ip, port ?? this.defaultPort(state, ip, byClusterIP));
    }
    const byLB = idx.loadBalancerIPs.get(ip);
    if (byLB) return this.viaLoadBalancer(w, byLB, ip, port ?? this.defaultPort(state, ip, byLB));
    const node = idx.nodeIPs.get(ip);
    if (node) {
      if (port === undefined) throw new BadRequestError(`request: a request to node address ${ip} needs a NodePort`);
      return this.viaNodePort(w, node.metadata.name, ip, port);
    }
    if (ingressesAtIP(state, ip)) return this.viaIngress(w, ip, path);
    const pod = this.podByIP(state, ip);
    if (pod) {
      if (!inCluster) return fail('Timeout', `${ip} is a pod IP, not routable from outside the cluster`);
      return this.viaPodIP(w, pod, ip, port ?? this.defaultPort(state, ip, svcHint));
    }
    return fail('Timeout', `no route to host ${ip}`);
  }

  private viaClusterIP(w: Walk, svc: Stored<Service>, ip: string, port: number): Route | NetworkError {
    const sp = findServicePort(svc, port);
    const key = keyOf(svc);
    if (!sp) {
      // ipvs binds every ClusterIP to a local dummy interface, so the kernel answers RST; in
      // iptables mode nothing owns the VIP and the packet goes nowhere.
      return this.mode === 'ipvs'
        ? fail('ConnectionRefused', `Service ${key} has no port ${port}`, { service: key })
        : fail('Timeout', `Service ${key} has no port ${port}`, { service: key });
    }
    w.hops.push({ kind: 'service', name: key, address: `${ip}:${port}`, ...(w.client.node ? { node: w.client.node } : {}), detail: this.mode });
    const policy = svc.spec?.internalTrafficPolicy === 'Local' ? 'Local' : 'Cluster';
    return this.deliver(w, svc, sp, policy, w.client.node, 'clusterIP');
  }

  private viaNodePort(w: Walk, node: string, ip: string, port: number): Route | NetworkError {
    const { state, client } = w;
    w.hops.push({ kind: 'node', name: node, address: `${ip}:${port}`, node });
    if (this.down(state, node)) return fail('NodeDown', `node ${node} (${ip}) is down`);
    const cut = client.node ? partitionBetween(state, this.parts, client.node, node) : undefined;
    if (cut) return fail('Partitioned', `${client.node} cannot reach ${node}: partition ${describePartition(cut)}`);
    const svc = this.index(state).nodePorts.get(`TCP/${port}`);
    const sp = svc?.spec?.ports?.find((p) => p.nodePort === port && (p.protocol ?? 'TCP') === 'TCP');
    if (!svc || !sp) return fail('ConnectionRefused', `nothing listens on ${ip}:${port}`);
    w.hops.push({ kind: 'service', name: keyOf(svc), address: `${ip}:${port}`, node, detail: this.mode });
    return this.deliver(w, svc, sp, this.externalPolicy(client, svc, node), node, 'nodePort');
  }

  /**
   * externalTrafficPolicy applies to traffic from outside: kube-proxy sends traffic from pods
   * (any source in the cluster CIDR) and from the node itself to the cluster-wide endpoints.
   */
  private externalPolicy(client: Client, svc: Service, receivingNode: string): 'Cluster' | 'Local' {
    if (svc.spec?.externalTrafficPolicy !== 'Local') return 'Cluster';
    if (client.kind === 'pod' || (client.kind === 'node' && client.node === receivingNode)) return 'Cluster';
    return 'Local';
  }

  private viaLoadBalancer(w: Walk, svc: Stored<Service>, ip: string, port: number): Route | NetworkError {
    const { state, client } = w;
    const key = keyOf(svc);
    const sp = findServicePort(svc, port);
    if (!sp) return fail('Timeout', `load balancer ${ip} of ${key} has no listener on port ${port}`, { service: key });
    w.hops.push({ kind: 'loadBalancer', name: key, address: `${ip}:${port}` });
    if (client.node) {
      // In-cluster clients never leave the node: kube-proxy catches LB IPs locally.
      w.hops.push({ kind: 'service', name: key, address: `${ip}:${port}`, node: client.node, detail: this.mode });
      return this.deliver(w, svc, sp, 'Cluster', client.node, 'loadBalancer');
    }
    const local = svc.spec?.externalTrafficPolicy === 'Local';
    const all = serviceEndpoints(state, svc.metadata.namespace ?? '', svc.metadata.name, sp);
    // The cloud LB's health checks keep only live nodes; with Local, only nodes with a usable
    // local endpoint pass healthCheckNodePort.
    const healthy = listObjects(state, 'Node')
      .filter((n) => n.metadata.labels?.[EXCLUDE_FROM_LB_LABEL] === undefined && !this.down(state, n.metadata.name))
      .map((n) => n as Stored<Node>)
      .filter((n) => !local || categorizeEndpoints(all, 'Local', n.metadata.name).endpoints.length > 0);
    if (healthy.length === 0) return fail('Timeout', `load balancer ${ip} of ${key} has no healthy backend node`, { service: key });
    const node = healthy[this.rng.int(healthy.length)]!;
    const name = node.metadata.name;
    w.hops.push({ kind: 'node', name, address: `${nodeInternalIP(node) ?? name}:${sp.nodePort ?? port}`, node: name });
    w.hops.push({ kind: 'service', name: key, address: `${ip}:${port}`, node: name, detail: this.mode });
    return this.deliver(w, svc, sp, local ? 'Local' : 'Cluster', name, 'loadBalancer');
  }

  private viaPodIP(w: Walk, pod: Stored<Pod>, ip: string, port: number): Route | NetworkError {
    const { state, client } = w;
    const node = pod.spec?.nodeName ?? '';
    const endpoint = { pod: keyOf(pod), ip, port, node };
    w.hops.push({ kind: 'endpoint', name: endpoint.pod, address: `${ip}:${port}`, node });
    if (node === '' || this.down(state, node)) return fail('NodeDown', `node ${node || '(none)'} of pod ${endpoint.pod} is down`);
    const cut = client.node ? partitionBetween(state, this.parts, client.node, node) : undefined;
    if (cut) return fail('Partitioned', `${client.node} cannot reach ${node}: partition ${describePartition(cut)}`);
    if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) return fail('ConnectionRefused', `pod ${endpoint.pod} is not running`);
    return { ok: true, endpoint, hops: w.hops, via: 'podIP' };
  }

  /** ingress-nginx proxies straight to the backend's ready endpoints, round-robin. */
  private viaIngress(w: Walk, host: string, path: string): Route | NetworkError {
    const { state } = w;
    const m = routeIngress(state, { host, path, ...(this.ingressClassName !== undefined ? { ingressClassName: this.ingressClassName } : {}) });
    if (!m) {
      w.hops.push({ kind: 'ingress', name: '(none)', address: host, detail: `${path} → 404` });
      return fail('NoEndpoints', `404 Not Found: no Ingress rule matches ${host}${path}`, { httpStatus: 404 });
    }
    w.hops.push({ kind: 'ingress', name: m.ingress, address: host, detail: m.defaultBackend ? 'defaultBackend' : `${m.pathType} ${m.path}` });
    const ref = m.backend.service;
    if (!ref) return fail('NoEndpoints', `503: Ingress ${m.ingress} has a resource backend, which kubesim does not serve`, { httpStatus: 503 });
    const svc = getObject(state, 'Service', m.namespace, ref.name) as Stored<Service> | undefined;
    const key = `${m.namespace}/${ref.name}`;
    const sp = svc && (ref.port?.number !== undefined ? findServicePort(svc, ref.port.number) : findServicePort(svc, ref.port?.name ?? ''));
    if (!svc || !sp) return fail('NoEndpoints', `503 Service Unavailable: backend ${key} (port ${ref.port?.number ?? ref.port?.name}) does not exist`, { httpStatus: 503, service: key });
    const ready = serviceEndpoints(state, m.namespace, ref.name, sp).filter((e) => e.ready);
    if (ready.length === 0) return fail('NoEndpoints', `503 Service Unavailable: backend ${key} has no ready endpoints`, { httpStatus: 503, service: key });
    const ep = this.roundRobin(`ingress|${this.portKey(svc, sp)}`, ready);
    return this.arrive(w, key, ep, undefined, 'ingress');
  }

  // ---- endpoints ---------------------------------------------------------------------------

  /** kube-proxy on `proxyNode` picks an endpoint of `sp` under `policy`, then the packet goes there. */
  private deliver(w: Walk, svc: Stored<Service>, sp: ServicePort, policy: 'Cluster' | 'Local', proxyNode: string | undefined, via: RouteVia): Route | NetworkError {
    const key = keyOf(svc);
    const all = serviceEndpoints(w.state, svc.metadata.namespace ?? '', svc.metadata.name, sp);
    const { endpoints, hasAnyEndpoints } = categorizeEndpoints(all, policy, proxyNode);
    if (!hasAnyEndpoints) return fail('ConnectionRefused', `Service ${key} has no endpoints (kube-proxy REJECT)`, { service: key });
    if (endpoints.length === 0) {
      const where = proxyNode ? `node ${proxyNode}` : 'a client on no node';
      return fail('Timeout', `Service ${key} has no local endpoints on ${where} (kube-proxy DROP, traffic policy Local)`, { service: key });
    }
    return this.arrive(w, key, this.choose(w, svc, sp, endpoints), proxyNode, via);
  }

  private arrive(w: Walk, service: string, ep: EndpointInfo, fromNode: string | undefined, via: RouteVia): Route | NetworkError {
    const endpoint = { pod: ep.pod, ip: ep.ip, port: ep.port, node: ep.node };
    w.hops.push({ kind: 'endpoint', name: ep.pod || ep.ip, address: `${ep.ip}:${ep.port}`, ...(ep.node ? { node: ep.node } : {}) });
    if (ep.node && this.down(w.state, ep.node)) return fail('NodeDown', `endpoint ${ep.ip}:${ep.port} is on node ${ep.node}, which is down`, { service });
    const cut = fromNode && ep.node ? partitionBetween(w.state, this.parts, fromNode, ep.node) : undefined;
    if (cut) return fail('Partitioned', `${fromNode} cannot reach ${ep.node}: partition ${describePartition(cut)}`, { service });
    return { ok: true, service, endpoint, hops: w.hops, via };
  }

  private portKey(svc: Stored<Service>, sp: ServicePort): string {
    return `${keyOf(svc)}:${sp.name ?? ''}/${sp.protocol ?? 'TCP'}`;
  }

  /**
   * ClientIP affinity first (the entry lives while used at least every timeoutSeconds, as the
   * `recent` module's --rcheck --seconds), then the mode: iptables draws one uniform index over
   * the sorted endpoints, ipvs takes the next in turn.
   */
  private choose(w: Walk, svc: Stored<Service>, sp: ServicePort, endpoints: readonly EndpointInfo[]): EndpointInfo {
    const portKey = this.portKey(svc, sp);
    const sticky = svc.spec?.sessionAffinity === 'ClientIP';
    const akey = `${portKey}|${w.client.ip}`;
    const now = w.state.nowMs;
    if (sticky) {
      const timeoutMs = (svc.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_CLIENT_IP_AFFINITY_SECONDS) * 1000;
      const entry = this.affinity.get(akey);
      if (entry && now - entry.lastMs < timeoutMs) {
        const ep = endpoints.find((e) => `${e.ip}:${e.port}` === entry.endpoint);
        if (ep) {
          this.affinity.set(akey, { endpoint: entry.endpoint, lastMs: now });
          return ep;
        }
      }
    }
    const ep = this.mode === 'ipvs' ? this.roundRobin(portKey, endpoints) : endpoints[this.rng.int(endpoints.length)]!;
    if (sticky) this.affinity.set(akey, { endpoint: `${ep.ip}:${ep.port}`, lastMs: now });
    return ep;
  }

  private roundRobin(key: string, endpoints: readonly EndpointInfo[]): EndpointInfo {
    const n = this.cursors.get(key) ?? 0;
    this.cursors.set(key, n + 1);
    return endpoints[n % endpoints.length]!;
  }

  private count(result: Route | NetworkError): void {
    this.total += 1;
    if (!result.ok) {
      this.failures.set(result.reason, (this.failures.get(result.reason) ?? 0) + 1);
      return;
    }
    this.okCount += 1;
    if (result.service) this.perService.set(result.service, (this.perService.get(result.service) ?? 0) + 1);
    if (result.endpoint.pod) this.perEndpoint.set(result.endpoint.pod, (this.perEndpoint.get(result.endpoint.pod) ?? 0) + 1);
  }
}

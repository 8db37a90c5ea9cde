import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { BadRequestError, createCluster, NotFoundError, type Cluster } from '../../src/index.js';
import { Router, type RouterOptions } from '../../src/network/router.js';
import type { NetworkError, Route } from '../../src/network/types.js';

const ZONE = 'topology.kubernetes.io/zone';

function node(name: string, zone: string, ip: string) {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { [ZONE]: zone } }, status: { addresses: [{ type: 'InternalIP', address: ip }] } };
}

function addPod(c: Cluster, name: string, nodeName: string, ip: string, phase = 'Running'): void {
  c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name.replace(/-[0-9]+$/, '') } }, spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }] } });
  const p = c.get('pod', name);
  c.updateStatus({ ...p, status: { ...(p.status as object), phase, podIP: ip, podIPs: [{ ip }] } });
}

/** The web pods: web-1 on node-1, web-2 and web-3 on node-2 (nothing on node-3). */
const WEB = [
  ['web-1', 'node-1', '10.244.1.10'],
  ['web-2', 'node-2', '10.244.2.10'],
  ['web-3', 'node-2', '10.244.2.11'],
] as const;

/** A Service plus the EndpointSlice the endpointslice controller would write for it. */
function addService(c: Cluster, name: string, spec: Record<string, unknown>, endpoints: readonly (readonly [string, string, string])[] = WEB): void {
  c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], ...spec } });
  if (endpoints.length === 0) return;
  c.create({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${name}-abcde`, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    endpoints: endpoints.map(([pod, nodeName, ip]) => ({ addresses: [ip], conditions: { ready: true }, nodeName, targetRef: { kind: 'Pod', namespace: 'default', name: pod } })),
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
}

/**
 * node-1 (zone-a, 10.0.0.1), node-2 and node-3 (zone-b); clients client-1/2/3 on node-1/2/3;
 * Service web at 10.96.0.20:80 → 8080 on the three web pods.
 */
function fixture(): Cluster {
  const c = createCluster({
    scheduler: false,
    controllers: false,
    nodes: [node('node-1', 'zone-a', '10.0.0.1'), node('node-2', 'zone-b', '10.0.0.2'), node('node-3', 'zone-b', '10.0.0.3')] as never,
  });
  for (const [name, n, ip] of WEB) addPod(c, name, n, ip);
  addPod(c, 'client-1', 'node-1', '10.244.1.100');
  addPod(c, 'client-2', 'node-2', '10.244.2.100');
  addPod(c, 'client-3', 'node-3', '10.244.3.100');
  addService(c, 'web', { clusterIP: '10.96.0.20' });
  return c;
}

function router(c: Cluster, opts: Partial<RouterOptions> = {}): Router {
  return new Router({ state: () => c.state, rng: Rng.root(42).fork('network'), ...opts });
}

function ok(r: Route | NetworkError): Route {
  if (!r.ok) throw new Error(`expected a route, got ${r.reason}: ${r.message}`);
  return r;
}

const podsOf = (r: Router, n: number, req: Parameters<Router['request']>[0]) => Array.from({ length: n }, () => ok(r.request(req)).endpoint.pod);

describe('proxy modes', () => {
  it('iptables: uniform over the ready endpoints (3,000 requests, seed 42)', () => {
    const c = fixture();
    const r = router(c);
    podsOf(r, 3000, { to: 'web' });
    const { endpoints, services } = r.stats();
    expect(services).toEqual({ 'default/web': 3000 });
    expect(Object.keys(endpoints)).toEqual(['default/web-1', 'default/web-2', 'default/web-3']);
    // Each count is Binomial(3000, 1/3): mean 1000, sd ≈ 26; ±100 is almost 4 sd.
    for (const n of Object.values(endpoints)) expect(Math.abs(n - 1000)).toBeLessThan(100);
  });

  it('iptables: the same seed gives the same choices', () => {
    const c = fixture();
    expect(podsOf(router(c), 50, { to: 'web' })).toEqual(podsOf(router(c), 50, { to: 'web' }));
  });

  it('ipvs: exact round-robin in address order', () => {
    const c = fixture();
    const r = router(c, { proxyMode: 'ipvs' });
    expect(podsOf(r, 6, { from: 'client-1', to: 'web' })).toEqual(['default/web-1', 'default/web-2', 'default/web-3', 'default/web-1', 'default/web-2', 'default/web-3']);
    r.setProxyMode('iptables');
    expect(r.proxyMode).toBe('iptables');
    expect(() => r.setProxyMode('nftables' as never)).toThrow(BadRequestError);
  });
});

describe('sessionAffinity: ClientIP', () => {
  it('sticks per client IP and expires after timeoutSeconds idle', () => {
    const c = fixture();
    addService(c, 'sticky', { clusterIP: '10.96.0.21', sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } });
    const r = router(c, { proxyMode: 'ipvs' });
    const to = 'sticky';
    expect(podsOf(r, 5, { from: 'client-1', to })).toEqual(Array(5).fill('default/web-1'));
    expect(podsOf(r, 2, { from: 'client-3', to })).toEqual(['default/web-2', 'default/web-2']);
    c.advance('59s');
    expect(podsOf(r, 1, { from: 'client-1', to })).toEqual(['default/web-1']); // refreshed at 59s
    c.advance('59s');
    expect(podsOf(r, 1, { from: 'client-1', to })).toEqual(['default/web-1']);
    c.advance('60s');
    expect(podsOf(r, 1, { from: 'client-1', to })).toEqual(['default/web-3']); // idle 60s: a new choice
  });

  it('holds in iptables mode too (default timeout 10800s)', () => {
    const c = fixture();
    addService(c, 'sticky', { clusterIP: '10.96.0.21', sessionAffinity: 'ClientIP' });
    const r = router(c);
    const first = podsOf(r, 1, { from: 'client-2', to: 'sticky' })[0];
    c.advance('2h');
    expect(new Set(podsOf(r, 100, { from: 'client-2', to: 'sticky' }))).toEqual(new Set([first]));
  });
});

describe('traffic policies', () => {
  it('internalTrafficPolicy Local: only endpoints on the client’s node; none → Timeout (DROP)', () => {
    const c = fixture();
    addService(c, 'local', { clusterIP: '10.96.0.22', internalTrafficPolicy: 'Local' });
    const r = router(c);
    expect(new Set(podsOf(r, 30, { from: 'client-2', to: 'local' }))).toEqual(new Set(['default/web-2', 'default/web-3']));
    expect(new Set(podsOf(r, 10, { from: 'client-1', to: 'local' }))).toEqual(new Set(['default/web-1']));
    expect(r.request({ from: 'client-3', to: 'local' })).toMatchObject({ ok: false, reason: 'Timeout', service: 'default/local' });
    expect(r.request({ to: 'local' })).toMatchObject({ ok: false, reason: 'Timeout' });
  });

  it('externalTrafficPolicy Local on a NodePort: only the receiving node’s endpoints for outside clients', () => {
    const c = fixture();
    addService(c, 'np-local', { type: 'NodePort', clusterIP: '10.96.0.23', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }] });
    addService(c, 'np', { type: 'NodePort', clusterIP: '10.96.0.24', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30081 }] });
    const r = router(c);
    const routes = Array.from({ length: 20 }, () => ok(r.request({ from: 'external', to: '10.0.0.2:30080' })));
    expect(new Set(routes.map((x) => x.endpoint.node))).toEqual(new Set(['node-2']));
    expect(routes[0]).toMatchObject({ via: 'nodePort', service: 'default/np-local' });
    expect(routes[0]!.hops.map((h) => h.kind)).toEqual(['client', 'node', 'service', 'endpoint']);
    expect(r.request({ from: 'external', to: '10.0.0.3:30080' })).toMatchObject({ ok: false, reason: 'Timeout' });
    // Pods are not "external": kube-proxy sends their traffic cluster-wide.
    expect(ok(r.request({ from: 'client-3', to: '10.0.0.3:30080' })).via).toBe('nodePort');
    expect(ok(r.request({ from: 'external', to: 'http://10.0.0.3:30081/' })).service).toBe('default/np');
    expect(r.request({ from: 'external', to: '10.0.0.3:30999' })).toMatchObject({ ok: false, reason: 'ConnectionRefused' });
  });

  it('LoadBalancer with externalTrafficPolicy Local: the cloud LB only uses nodes with local endpoints', () => {
    const c = fixture();
    addService(c, 'lb', { type: 'LoadBalancer', clusterIP: '10.96.0.25', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30090 }] });
    const svc = c.get('svc', 'lb');
    c.updateStatus({ ...svc, status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } } });
    const r = router(c);
    const routes = Array.from({ length: 40 }, () => ok(r.request({ from: 'external', to: '203.0.113.7:80' })));
    expect(new Set(routes.map((x) => x.hops[2]!.name))).toEqual(new Set(['node-1', 'node-2']));
    for (const x of routes) {
      expect(x.via).toBe('loadBalancer');
      expect(x.endpoint.node).toBe(x.hops[2]!.name);
    }
    expect(r.request({ from: 'external', to: '203.0.113.7:81' })).toMatchObject({ ok: false, reason: 'Timeout' });
    // From a pod, kube-proxy catches the LB IP on the pod's own node.
    expect(ok(r.request({ from: 'client-3', to: '203.0.113.7' })).hops.map((h) => h.kind)).toEqual(['client', 'loadBalancer', 'service', 'endpoint']);
  });
});

describe('failures', () => {
  it('NXDOMAIN for an unknown name; ConnectionRefused (REJECT) for a Service without endpoints', () => {
    const c = fixture();
    addService(c, 'empty', { clusterIP: '10.96.0.26' }, []);
    const r = router(c);
    expect(r.request({ from: 'client-1', to: 'nope' })).toMatchObject({ ok: false, reason: 'NXDOMAIN' });
    expect(r.request({ from: 'client-1', to: 'http://empty/' })).toMatchObject({ ok: false, reason: 'ConnectionRefused', service: 'default/empty' });
  });

  it('a ClusterIP port that does not exist: Timeout in iptables, ConnectionRefused in ipvs', () => {
    const c = fixture();
    const r = router(c);
    expect(r.request({ to: '10.96.0.20:81' })).toMatchObject({ ok: false, reason: 'Timeout' });
    r.setProxyMode('ipvs');
    expect(r.request({ to: '10.96.0.20:81' })).toMatchObject({ ok: false, reason: 'ConnectionRefused' });
    expect(r.request({ from: 'external', to: '10.96.0.20:80' })).toMatchObject({ ok: false, reason: 'Timeout' });
    expect(r.request({ to: '192.0.2.1:80' })).toMatchObject({ ok: false, reason: 'Timeout' });
  });

  it('NodeDown: an endpoint on a NotReady node, a node failed by faults, a client on a dead node', () => {
    const c = fixture();
    const n2 = c.get('node', 'node-2');
    c.updateStatus({ ...n2, status: { ...(n2.status as object), conditions: [{ type: 'Ready', status: 'False' }] } });
    const down = new Set<string>();
    const r = router(c, { proxyMode: 'ipvs', isNodeDown: (n) => down.has(n) });
    const results = Array.from({ length: 3 }, () => r.request({ from: 'client-1', to: 'web' }));
    expect(results.map((x) => (x.ok ? x.endpoint.pod : x.reason))).toEqual(['default/web-1', 'NodeDown', 'NodeDown']);
    down.add('node-1');
    expect(r.request({ from: 'client-1', to: 'web' })).toMatchObject({ ok: false, reason: 'NodeDown' });
    expect(r.request({ from: 'external', to: '10.0.0.1:30080' })).toMatchObject({ ok: false, reason: 'NodeDown' });
  });

  it('Partitioned: zones and node names, healed by heal()', () => {
    const c = fixture();
    const r = router(c, { proxyMode: 'ipvs' });
    r.partition('zone-a', 'zone-b');
    const results = Array.from({ length: 3 }, () => r.request({ from: 'client-1', to: 'web' }));
    expect(results.map((x) => (x.ok ? x.endpoint.pod : x.reason))).toEqual(['default/web-1', 'Partitioned', 'Partitioned']);
    expect(r.request({ from: 'client-3', to: '10.244.2.10:8080' })).toMatchObject({ ok: true }); // same side
    r.heal();
    expect(r.partitions()).toEqual([]);
    r.partition(['node-3'], ['node-1', 'node-2']);
    expect(r.request({ from: 'client-3', to: '10.244.1.10:8080' })).toMatchObject({ ok: false, reason: 'Partitioned' });
    expect(r.request({ from: 'client-2', to: '10.244.1.10:8080' })).toMatchObject({ ok: true });
    r.heal();
    expect(podsOf(r, 3, { from: 'client-1', to: 'web' })).toHaveLength(3);
  });

  it('rejects malformed partitions and requests', () => {
    const c = fixture();
    const r = router(c);
    expect(() => r.partition('zone-z', 'zone-a')).toThrow(BadRequestError);
    expect(() => r.partition(['zone-b'], ['node-2'])).toThrow(/on both sides/);
    expect(() => r.request({ from: 'ghost', to: 'web' })).toThrow(NotFoundError);
    expect(() => r.request({ from: 'client-1', to: 'http://' })).toThrow(BadRequestError);
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unbound' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    expect(() => r.request({ from: 'unbound', to: 'web' })).toThrow(BadRequestError);
  });
});

describe('targets', () => {
  it.each(['web', 'web.default:80', 'http://web.default.svc/path', 'web.default.svc.cluster.local:80', '10.96.0.20:80', { host: 'web', port: 80 }])(
    '%j reaches default/web through its ClusterIP',
    (to) => {
      const c = fixture();
      const route = ok(router(c).request({ from: 'client-1', to }));
      expect(route).toMatchObject({ via: 'clusterIP', service: 'default/web' });
      expect(route.endpoint.port).toBe(8080);
      expect(route.hops.at(-2)).toMatchObject({ kind: 'service', name: 'default/web', address: '10.96.0.20:80', node: 'node-1', detail: 'iptables' });
    },
  );

  it('pod IPs: direct, refused when the pod is not running, unreachable from outside', () => {
    const c = fixture();
    addPod(c, 'idle', 'node-1', '10.244.1.50', 'Pending');
    const r = router(c);
    expect(ok(r.request({ from: 'client-1', to: '10.244.2.10:8080' }))).toMatchObject({
      via: 'podIP',
      endpoint: { pod: 'default/web-2', ip: '10.244.2.10', port: 8080, node: 'node-2' },
    });
    expect(r.request({ from: 'client-1', to: '10.244.1.50:80' })).toMatchObject({ ok: false, reason: 'ConnectionRefused' });
    expect(r.request({ from: 'external', to: '10.244.2.10:8080' })).toMatchObject({ ok: false, reason: 'Timeout' });
  });

  it('a headless Service name resolves to a pod IP and goes there directly', () => {
    const c = fixture();
    addService(c, 'db', { clusterIP: 'None' });
    const route = ok(router(c).request({ from: 'client-1', to: 'db' }));
    expect(route.via).toBe('podIP');
    expect(route.endpoint.port).toBe(8080);
    expect(route.hops[1]).toMatchObject({ kind: 'dns', name: 'db.default.svc.cluster.local', detail: '10.244.1.10,10.244.2.10,10.244.2.11' });
  });

  it('nodes and external clients cannot resolve cluster names', () => {
    const c = fixture();
    const r = router(c);
    expect(r.request({ from: 'node-1', to: 'web.default.svc.cluster.local:80' })).toMatchObject({ ok: false, reason: 'NXDOMAIN' });
    expect(ok(r.request({ from: 'node-1', to: '10.96.0.20:80' })).hops[0]).toMatchObject({ kind: 'client', name: 'node-1', address: '10.0.0.1' });
  });
});

describe('stats', () => {
  it('counts requests per Service and endpoint pod, failures by reason, and resets', () => {
    const c = fixture();
    addService(c, 'empty', { clusterIP: '10.96.0.26' }, []);
    const r = router(c, { proxyMode: 'ipvs' });
    podsOf(r, 4, { to: 'web' });
    r.request({ to: 'empty' });
    r.request({ to: 'nope' });
    r.request({ to: 'nope' });
    r.request({ from: 'client-1', to: '10.244.2.10:8080' });
    const s = r.stats();
    expect(s).toEqual({
      requests: 8,
      ok: 5,
      failures: { ConnectionRefused: 1, NXDOMAIN: 2 },
      services: { 'default/web': 4 },
      endpoints: { 'default/web-1': 2, 'default/web-2': 2, 'default/web-3': 1 },
    });
    expect(Object.keys(s.endpoints)).toEqual([...Object.keys(s.endpoints)].sort());
    r.resetStats();
    expect(r.stats()).toEqual({ requests: 0, ok: 0, failures: {}, services: {}, endpoints: {} });
  });
});

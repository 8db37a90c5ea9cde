import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { createCluster, type Cluster } from '../../src/index.js';
import { clusterFirstResolver, lookup, podResolver, resolveName, searchCandidates } from '../../src/network/dns.js';
import { Router } from '../../src/network/router.js';
import type { Pod } from '../../src/model/types.js';

const SLICE_LABEL = 'kubernetes.io/service-name';

function node(name: string, ip: string) {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: ip }] } } as never;
}

/**
 * default/web (ClusterIP 10.96.0.20), shop/api (10.96.0.30), shop/db (headless: ready
 * 10.244.2.7 as db-0 and 10.244.1.5, not ready 10.244.3.9), shop/empty (headless, nothing
 * ready), default/ext (ExternalName), and pods default/client and shop/client.
 */
function fixture(): Cluster {
  const c = createCluster({ scheduler: false, controllers: false, nodes: [node('node-1', '10.0.0.1'), node('node-2', '10.0.0.2')] });
  c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  const svc = (name: string, namespace: string, clusterIP: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { clusterIP, selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  c.create([svc('web', 'default', '10.96.0.20'), svc('api', 'shop', '10.96.0.30'), svc('db', 'shop', 'None'), svc('empty', 'shop', 'None')]);
  c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } });
  c.create({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'db-1', namespace: 'shop', labels: { [SLICE_LABEL]: 'db' } },
    addressType: 'IPv4',
    endpoints: [
      { addresses: ['10.244.2.7'], hostname: 'db-0', conditions: { ready: true }, nodeName: 'node-2' },
      { addresses: ['10.244.3.9'], conditions: { ready: false }, nodeName: 'node-2' },
      { addresses: ['10.244.1.5'], nodeName: 'node-1' },
    ],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
  c.create({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'empty-1', namespace: 'shop', labels: { [SLICE_LABEL]: 'empty' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.1.9'], conditions: { ready: false } }],
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
  });
  for (const [ns, ip] of [['default', '10.244.1.20'], ['shop', '10.244.1.21']] as const) {
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', namespace: ns }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'busybox' }] } });
    const p = c.get('pod', 'client', { namespace: ns });
    c.updateStatus({ ...p, status: { ...(p.status as object), phase: 'Running', podIP: ip } });
  }
  return c;
}

describe('searchCandidates (glibc res_search with ndots)', () => {
  const r = clusterFirstResolver('default');
  // @see kubernetes/kubernetes pkg/kubelet/network/dns/dns.go: search <ns>.svc.<domain> svc.<domain> <domain>, ndots:5
  it.each`
    name                                 | expected
    ${'web'}                             | ${['web.default.svc.cluster.local', 'web.svc.cluster.local', 'web.cluster.local', 'web']}
    ${'a.b.c.d.e'}                       | ${['a.b.c.d.e.default.svc.cluster.local', 'a.b.c.d.e.svc.cluster.local', 'a.b.c.d.e.cluster.local', 'a.b.c.d.e']}
    ${'a.b.c.d.e.f'}                     | ${['a.b.c.d.e.f', 'a.b.c.d.e.f.default.svc.cluster.local', 'a.b.c.d.e.f.svc.cluster.local', 'a.b.c.d.e.f.cluster.local']}
    ${'web.default.svc.cluster.local.'}  | ${['web.default.svc.cluster.local']}
  `('$name', ({ name, expected }) => {
    expect(searchCandidates(name, r)).toEqual(expected);
  });
});

describe('resolveName: names × client namespaces', () => {
  const c = fixture();
  it.each`
    name                                  | ns           | expected
    ${'web'}                              | ${'default'} | ${['web.default.svc.cluster.local', ['10.96.0.20']]}
    ${'web.default'}                      | ${'default'} | ${['web.default.svc.cluster.local', ['10.96.0.20']]}
    ${'web.default.svc'}                  | ${'default'} | ${['web.default.svc.cluster.local', ['10.96.0.20']]}
    ${'web.default.svc.cluster.local'}    | ${'default'} | ${['web.default.svc.cluster.local', ['10.96.0.20']]}
    ${'web.default.svc.cluster.local.'}   | ${'default'} | ${['web.default.svc.cluster.local', ['10.96.0.20']]}
    ${'WEB.Default'}                      | ${'default'} | ${['web.default.svc.cluster.local', ['10.96.0.20']]}
    ${'web'}                              | ${'shop'}    | ${null}
    ${'web.default'}                      | ${'shop'}    | ${['web.default.svc.cluster.local', ['10.96.0.20']]}
    ${'api'}                              | ${'default'} | ${null}
    ${'api'}                              | ${'shop'}    | ${['api.shop.svc.cluster.local', ['10.96.0.30']]}
    ${'api.shop'}                         | ${'default'} | ${['api.shop.svc.cluster.local', ['10.96.0.30']]}
    ${'api.shop.svc'}                     | ${'kube-system'} | ${['api.shop.svc.cluster.local', ['10.96.0.30']]}
    ${'db'}                               | ${'shop'}    | ${['db.shop.svc.cluster.local', ['10.244.1.5', '10.244.2.7']]}
    ${'db.shop'}                          | ${'default'} | ${['db.shop.svc.cluster.local', ['10.244.1.5', '10.244.2.7']]}
    ${'db-0.db.shop'}                     | ${'default'} | ${['db-0.db.shop.svc.cluster.local', ['10.244.2.7']]}
    ${'10-244-1-5.db'}                    | ${'shop'}    | ${['10-244-1-5.db.shop.svc.cluster.local', ['10.244.1.5']]}
    ${'10-244-3-9.db.shop'}               | ${'default'} | ${null}
    ${'empty.shop'}                       | ${'default'} | ${null}
    ${'_http._tcp.web.default'}           | ${'shop'}    | ${['_http._tcp.web.default.svc.cluster.local', ['10.96.0.20']]}
    ${'_grpc._tcp.web.default'}           | ${'shop'}    | ${null}
    ${'web.nosuchns'}                     | ${'default'} | ${null}
    ${'shop.svc.cluster.local'}           | ${'default'} | ${null}
    ${'10-244-1-5.shop.pod'}              | ${'default'} | ${['10-244-1-5.shop.pod.cluster.local', ['10.244.1.5']]}
    ${'10-244-1-5.nosuchns.pod'}          | ${'default'} | ${null}
    ${'1-2-3.shop.pod'}                   | ${'default'} | ${null}
    ${'example.com'}                      | ${'default'} | ${null}
  `('$name from $ns', ({ name, ns, expected }) => {
    const r = resolveName(c.state, name, clusterFirstResolver(ns));
    if (expected === null) {
      expect(r).toMatchObject({ ok: false, error: { reason: 'NXDOMAIN', name } });
    } else {
      expect(r).toMatchObject({ ok: true, name: expected[0], addresses: expected[1] });
    }
  });

  it('queries the search domains first for names with fewer than 5 dots', () => {
    const r = resolveName(c.state, 'web.default.svc.cluster.local', clusterFirstResolver('default'));
    expect(r.queries).toEqual([
      'web.default.svc.cluster.local.default.svc.cluster.local',
      'web.default.svc.cluster.local.svc.cluster.local',
      'web.default.svc.cluster.local.cluster.local',
      'web.default.svc.cluster.local',
    ]);
  });

  it('answers an ExternalName Service with its CNAME', () => {
    expect(resolveName(c.state, 'ext', clusterFirstResolver('default'))).toMatchObject({ ok: true, cname: 'db.example.com', addresses: [] });
  });

  it('pod records: insecure answers any dashed IP, verified only a pod of that namespace, disabled none', () => {
    expect(lookup(c.state, '10-1-2-3.shop.pod.cluster.local')).toEqual({ addresses: ['10.1.2.3'] });
    expect(lookup(c.state, '10-1-2-3.shop.pod.cluster.local', { podRecords: 'verified' })).toBeUndefined();
    expect(lookup(c.state, '10-244-1-21.shop.pod.cluster.local', { podRecords: 'verified' })).toEqual({ addresses: ['10.244.1.21'] });
    expect(lookup(c.state, '10-244-1-21.default.pod.cluster.local', { podRecords: 'verified' })).toBeUndefined();
    expect(lookup(c.state, '10-244-1-21.shop.pod.cluster.local', { podRecords: 'disabled' })).toBeUndefined();
  });

  it('honours a custom cluster domain', () => {
    const r = resolveName(c.state, 'web', clusterFirstResolver('default', 'corp.internal'), { clusterDomain: 'corp.internal' });
    expect(r).toMatchObject({ ok: true, name: 'web.default.svc.corp.internal' });
  });
});

describe('podResolver (dnsPolicy)', () => {
  const pod = (spec: Record<string, unknown>): Pod => ({ metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [], ...spec } }) as Pod;
  it.each`
    spec                                                              | cluster  | ndots
    ${{}}                                                             | ${true}  | ${5}
    ${{ dnsPolicy: 'ClusterFirst', hostNetwork: true }}              | ${false} | ${5}
    ${{ dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true }}   | ${true}  | ${5}
    ${{ dnsPolicy: 'Default' }}                                       | ${false} | ${5}
    ${{ dnsConfig: { options: [{ name: 'ndots', value: '2' }] } }}   | ${true}  | ${2}
  `('$spec', ({ spec, cluster, ndots }) => {
    const r = podResolver(pod(spec));
    expect(r.cluster).toBe(cluster);
    expect(r.ndots).toBe(ndots);
    if (cluster) expect(r.searches.slice(0, 3)).toEqual(['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
  });

  it('appends dnsConfig.searches', () => {
    expect(podResolver(pod({ dnsConfig: { searches: ['corp.example'] } })).searches).toEqual([
      'shop.svc.cluster.local',
      'svc.cluster.local',
      'cluster.local',
      'corp.example',
    ]);
  });
});

describe('Router.resolve', () => {
  const c = fixture();
  const router = new Router({ state: () => c.state, rng: Rng.root(1).fork('network') });

  it('uses the sending pod’s namespace for the search path', () => {
    expect(router.resolve('api', { from: 'shop/client' })).toMatchObject({ ok: true, addresses: ['10.96.0.30'] });
    expect(router.resolve('api', { from: 'client' })).toMatchObject({ ok: false, error: { reason: 'NXDOMAIN', name: 'api' } });
    expect(router.resolve('api', { namespace: 'shop' })).toMatchObject({ ok: true });
  });

  it('gives nodes and external clients no cluster DNS', () => {
    expect(router.resolve('web.default.svc.cluster.local', { from: 'node-1' })).toMatchObject({ ok: false, error: { reason: 'NXDOMAIN' } });
    expect(router.resolve('web.default.svc.cluster.local', { from: 'external' })).toMatchObject({ ok: false, error: { reason: 'NXDOMAIN' } });
  });

  it('never throws for a missing name', () => {
    expect(router.resolve('does-not-exist')).toEqual({
      ok: false,
      error: { reason: 'NXDOMAIN', name: 'does-not-exist' },
      queries: ['does-not-exist.default.svc.cluster.local', 'does-not-exist.svc.cluster.local', 'does-not-exist.cluster.local', 'does-not-exist'],
    });
  });
});

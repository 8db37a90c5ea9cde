import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/index.js';
import { categorizeEndpoints, nodeIsDown, parseTarget, serviceEndpoints, type EndpointInfo } from '../../src/network/proxy.js';
import type { ServicePort } from '../../src/model/types.js';

describe('parseTarget', () => {
  it.each`
    to                                  | expected
    ${'web'}                            | ${{ host: 'web', port: undefined, path: '/' }}
    ${'web.shop:8080'}                  | ${{ host: 'web.shop', port: 8080, path: '/' }}
    ${'http://web.shop/cart?x=1'}       | ${{ host: 'web.shop', port: 80, path: '/cart' }}
    ${'https://Shop.Example.com'}       | ${{ host: 'shop.example.com', port: 443, path: '/' }}
    ${'http://web.shop:8080/a/b#frag'}  | ${{ host: 'web.shop', port: 8080, path: '/a/b' }}
    ${'10.96.0.20:80'}                  | ${{ host: '10.96.0.20', port: 80, path: '/' }}
    ${'http://[fd00::1]:80/'}           | ${{ host: 'fd00::1', port: 80, path: '/' }}
    ${{ host: 'web', scheme: 'http' }}  | ${{ host: 'web', port: 80, path: '/' }}
    ${'web:0'}                          | ${undefined}
    ${'web:70000'}                      | ${undefined}
    ${'ftp://web'}                      | ${undefined}
  `('$to', ({ to, expected }) => {
    expect(parseTarget(to)).toEqual(expected);
  });
});

const ep = (ip: string, node: string, c: { ready?: boolean; serving?: boolean; terminating?: boolean } = {}): EndpointInfo => {
  const ready = c.ready ?? true;
  return { ip, port: 80, node, pod: '', ready, serving: c.serving ?? ready, terminating: c.terminating ?? false };
};

describe('categorizeEndpoints', () => {
  // Cases modelled on kubernetes/kubernetes pkg/proxy/topology_test.go (TestCategorizeEndpoints),
  // one traffic direction at a time.
  const T = { ready: false, serving: true, terminating: true };
  const NS = { ready: false, serving: false, terminating: true };
  it.each`
    name                                                     | eps                                                          | policy       | node        | expected                      | hasAny
    ${'Cluster: every ready endpoint'}                       | ${[ep('10.0.0.1', 'a'), ep('10.0.0.2', 'b')]}                | ${'Cluster'} | ${'a'}      | ${['10.0.0.1', '10.0.0.2']}   | ${true}
    ${'Cluster: not-ready endpoints are left out'}           | ${[ep('10.0.0.1', 'a'), ep('10.0.0.2', 'b', { ready: false })]} | ${'Cluster'} | ${'a'}   | ${['10.0.0.1']}               | ${true}
    ${'Cluster: falls back to serving terminating'}          | ${[ep('10.0.0.1', 'a', T), ep('10.0.0.2', 'b', NS)]}         | ${'Cluster'} | ${'a'}      | ${['10.0.0.1']}               | ${true}
    ${'Cluster: nothing usable anywhere'}                    | ${[ep('10.0.0.2', 'b', NS)]}                                 | ${'Cluster'} | ${'a'}      | ${[]}                         | ${false}
    ${'Local: only the node’s ready endpoints'}              | ${[ep('10.0.0.1', 'a'), ep('10.0.0.2', 'b'), ep('10.0.0.3', 'a')]} | ${'Local'} | ${'a'}  | ${['10.0.0.1', '10.0.0.3']}   | ${true}
    ${'Local: no local endpoints, but some elsewhere'}       | ${[ep('10.0.0.2', 'b')]}                                     | ${'Local'}   | ${'a'}      | ${[]}                         | ${true}
    ${'Local: local serving-terminating fallback'}           | ${[ep('10.0.0.1', 'a', T), ep('10.0.0.2', 'b')]}             | ${'Local'}   | ${'a'}      | ${['10.0.0.1']}               | ${true}
    ${'Local: client on no node'}                            | ${[ep('10.0.0.1', 'a')]}                                     | ${'Local'}   | ${undefined} | ${[]}                        | ${true}
    ${'no endpoints at all'}                                 | ${[]}                                                        | ${'Local'}   | ${'a'}      | ${[]}                         | ${false}
  `('$name', ({ eps, policy, node, expected, hasAny }) => {
    const r = categorizeEndpoints(eps, policy, node);
    expect(r.endpoints.map((e) => e.ip)).toEqual(expected);
    expect(r.hasAnyEndpoints).toBe(hasAny);
  });
});

describe('serviceEndpoints', () => {
  const c = createCluster({ scheduler: false, controllers: false, nodes: 0 });
  const slice = (name: string, svc: string, endpoints: object[], ports: object[]) => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    endpoints,
    ports,
  });
  c.create([
    slice('web-a', 'web', [
      { addresses: ['10.244.2.1'], nodeName: 'n2', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-2' } },
      { addresses: ['10.244.10.1'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'n1' },
    ], [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }]),
    // Overlaps web-a while the controller moves an endpoint; a different target port for 'http'.
    slice('web-b', 'web', [{ addresses: ['10.244.2.1'], nodeName: 'n2' }, { addresses: ['10.244.1.1'], conditions: { ready: true }, hostname: 'h1' }], [{ name: 'http', port: 8080, protocol: 'TCP' }]),
    slice('other', 'other', [{ addresses: ['10.244.9.9'] }], [{ name: 'http', port: 80, protocol: 'TCP' }]),
  ]);
  c.create({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'legacy' },
    subsets: [{ addresses: [{ ip: '10.244.3.3', nodeName: 'n3' }], notReadyAddresses: [{ ip: '10.244.3.2' }], ports: [{ name: 'http', port: 8080 }] }],
  });
  const http: ServicePort = { name: 'http', port: 80, protocol: 'TCP' };
  const metrics: ServicePort = { name: 'metrics', port: 9090, protocol: 'TCP' };

  it('reads every slice of the Service, sorted by IP, de-duplicated, nil conditions meaning ready', () => {
    expect(serviceEndpoints(c.state, 'default', 'web', http)).toEqual([
      { ip: '10.244.1.1', port: 8080, ready: true, serving: true, terminating: false, node: '', pod: '', hostname: 'h1' },
      { ip: '10.244.2.1', port: 8080, ready: true, serving: true, terminating: false, node: 'n2', pod: 'default/web-2' },
      { ip: '10.244.10.1', port: 8080, ready: false, serving: true, terminating: true, node: 'n1', pod: '' },
    ]);
  });

  it('only counts slices that carry the Service port', () => {
    expect(serviceEndpoints(c.state, 'default', 'web', metrics).map((e) => [e.ip, e.port])).toEqual([
      ['10.244.2.1', 9090],
      ['10.244.10.1', 9090],
    ]);
  });

  it('falls back to the core/v1 Endpoints object when there is no slice', () => {
    expect(serviceEndpoints(c.state, 'default', 'legacy', http).map((e) => [e.ip, e.ready, e.node])).toEqual([
      ['10.244.3.2', false, ''],
      ['10.244.3.3', true, 'n3'],
    ]);
    expect(serviceEndpoints(c.state, 'default', 'missing', http)).toEqual([]);
  });
});

describe('nodeIsDown', () => {
  const mk = (name: string, ready?: string) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: ready === undefined ? {} : { conditions: [{ type: 'Ready', status: ready }] },
  });
  const c = createCluster({ scheduler: false, controllers: false, nodes: [mk('fresh'), mk('ok', 'True'), mk('bad', 'False'), mk('unknown', 'Unknown')] as never });
  it.each`
    name          | failed     | down
    ${'fresh'}    | ${false}   | ${false}
    ${'ok'}       | ${false}   | ${false}
    ${'bad'}      | ${false}   | ${true}
    ${'unknown'}  | ${false}   | ${true}
    ${'ok'}       | ${true}    | ${true}
    ${'gone'}     | ${false}   | ${true}
  `('$name (failed by faults: $failed) → down $down', ({ name, failed, down }) => {
    expect(nodeIsDown(c.state, name, () => failed)).toBe(down);
  });
});

import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { createCluster, type Cluster } from '../../src/index.js';
import { hostMatches, ingressLoadBalancerStatus, prefixMatches, routeIngress } from '../../src/network/ingress.js';
import { Router } from '../../src/network/router.js';
import type { Ingress } from '../../src/model/types.js';

type PathSpec = { path: string; pathType: string; service: string };

const backend = (service: string, port: number | string = 80) => ({
  service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } },
});

function ingress(name: string, rules: { host?: string; paths: PathSpec[] }[], extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name },
    spec: {
      ...extra,
      rules: rules.map((r) => ({
        ...(r.host ? { host: r.host } : {}),
        http: { paths: r.paths.map((p) => ({ path: p.path, pathType: p.pathType, backend: backend(p.service) })) },
      })),
    },
  };
}

function empty(): Cluster {
  return createCluster({ scheduler: false, controllers: false, nodes: 0 });
}

/** The backend Service a request reaches, '404' when nothing matches. */
function serviceFor(c: Cluster, host: string, path: string): string {
  const m = routeIngress(c.state, { host, path });
  return m?.backend.service?.name ?? '404';
}

describe('prefixMatches and hostMatches', () => {
  it.each`
    prefix        | path           | matches
    ${'/'}        | ${'/anything'} | ${true}
    ${'/foo'}     | ${'/foo'}      | ${true}
    ${'/foo'}     | ${'/foo/'}     | ${true}
    ${'/foo'}     | ${'/foo/bar'}  | ${true}
    ${'/foo'}     | ${'/foobar'}   | ${false}
    ${'/foo/'}    | ${'/foo'}      | ${true}
    ${'/foo/bar'} | ${'/foo/barbaz'} | ${false}
  `('prefix $prefix vs $path → $matches', ({ prefix, path, matches }) => {
    expect(prefixMatches(prefix, path)).toBe(matches);
  });

  // kubernetes-sigs/ingress-controller-conformance features/host_rules.feature
  it.each`
    rule              | host                | matches
    ${'foo.bar.com'}  | ${'foo.bar.com'}    | ${true}
    ${'foo.bar.com'}  | ${'subdomain.bar.com'} | ${false}
    ${'*.foo.com'}    | ${'bar.foo.com'}    | ${true}
    ${'*.foo.com'}    | ${'baz.bar.foo.com'} | ${false}
    ${'*.foo.com'}    | ${'foo.com'}        | ${false}
  `('host $rule vs $host → $matches', ({ rule, host, matches }) => {
    expect(hostMatches(rule, host)).toBe(matches);
  });
});

// The examples table of https://kubernetes.io/docs/concepts/services-networking/ingress/#examples:
// each row's paths point at services named after their path and type; '404' is "no match".
describe('path matching: Kubernetes docs examples', () => {
  // Service names spell the path: '/' → root, a trailing slash → -slash ('/foo/' → prefix-foo-slash).
  const svcName = (type: string, path: string) => `${type}${path === '/' ? '-root' : path.replace(/\/$/, '-slash').replace(/\//g, '-')}`;
  const P = (path: string) => ({ path, pathType: 'Prefix', service: svcName('prefix', path) });
  const E = (path: string) => ({ path, pathType: 'Exact', service: svcName('exact', path) });
  it.each`
    paths                                 | request        | expected
    ${[P('/')]}                           | ${'/anything'} | ${'prefix-root'}
    ${[E('/foo')]}                        | ${'/foo'}      | ${'exact-foo'}
    ${[E('/foo')]}                        | ${'/bar'}      | ${'404'}
    ${[E('/foo')]}                        | ${'/foo/'}     | ${'404'}
    ${[E('/foo/')]}                       | ${'/foo'}      | ${'404'}
    ${[P('/foo')]}                        | ${'/foo'}      | ${'prefix-foo'}
    ${[P('/foo')]}                        | ${'/foo/'}     | ${'prefix-foo'}
    ${[P('/foo/')]}                       | ${'/foo'}      | ${'prefix-foo-slash'}
    ${[P('/foo/')]}                       | ${'/foo/'}     | ${'prefix-foo-slash'}
    ${[P('/aaa/bb')]}                     | ${'/aaa/bbb'}  | ${'404'}
    ${[P('/aaa/bbb')]}                    | ${'/aaa/bbb'}  | ${'prefix-aaa-bbb'}
    ${[P('/aaa/bbb/')]}                   | ${'/aaa/bbb'}  | ${'prefix-aaa-bbb-slash'}
    ${[P('/aaa/bbb')]}                    | ${'/aaa/bbb/'} | ${'prefix-aaa-bbb'}
    ${[P('/aaa/bbb')]}                    | ${'/aaa/bbb/ccc'} | ${'prefix-aaa-bbb'}
    ${[P('/aaa/bbb')]}                    | ${'/aaa/bbbxyz'} | ${'404'}
    ${[P('/'), P('/aaa')]}                | ${'/aaa/ccc'}  | ${'prefix-aaa'}
    ${[P('/'), P('/aaa'), P('/aaa/bbb')]} | ${'/aaa/bbb'}  | ${'prefix-aaa-bbb'}
    ${[P('/'), P('/aaa'), P('/aaa/bbb')]} | ${'/ccc'}      | ${'prefix-root'}
    ${[P('/aaa')]}                        | ${'/ccc'}      | ${'404'}
    ${[P('/foo'), E('/foo')]}             | ${'/foo'}      | ${'exact-foo'}
  `('$request against $paths.length path(s) → $expected', ({ paths, request, expected }) => {
    const c = empty();
    c.create(ingress('ing', [{ host: 'example.com', paths }]));
    expect(serviceFor(c, 'example.com', request)).toBe(expected);
  });

  it('sends unmatched requests to spec.defaultBackend ("No, uses default backend")', () => {
    const c = empty();
    c.create(ingress('ing', [{ host: 'example.com', paths: [P('/aaa')] }], { defaultBackend: backend('fallback') }));
    expect(routeIngress(c.state, { host: 'example.com', path: '/ccc' })).toMatchObject({ defaultBackend: true, backend: backend('fallback') });
  });
});

// kubernetes-sigs/ingress-controller-conformance features/path_rules.feature and host_rules.feature
describe('conformance: path and host rules', () => {
  const c = empty();
  c.create(
    ingress('path-rules', [
      { host: 'exact-path-rules', paths: [{ path: '/foo', pathType: 'Exact', service: 'foo-exact' }] },
      {
        host: 'prefix-path-rules',
        paths: [
          { path: '/foo', pathType: 'Prefix', service: 'foo-prefix' },
          { path: '/aaa/bbb', pathType: 'Prefix', service: 'aaa-slash-bbb-prefix' },
          { path: '/aaa', pathType: 'Prefix', service: 'aaa-prefix' },
        ],
      },
      {
        host: 'mixed-path-rules',
        paths: [
          { path: '/foo', pathType: 'Prefix', service: 'foo-prefix' },
          { path: '/foo', pathType: 'Exact', service: 'foo-exact' },
        ],
      },
      {
        host: 'trailing-slash-path-rules',
        paths: [
          { path: '/aaa/bbb/', pathType: 'Prefix', service: 'aaa-slash-bbb-slash-prefix' },
          { path: '/foo/', pathType: 'Exact', service: 'foo-slash-exact' },
        ],
      },
    ]),
  );
  c.create(
    ingress('host-rules', [
      { host: '*.foo.com', paths: [{ path: '/', pathType: 'Prefix', service: 'wildcard-foo-com' }] },
      { host: 'foo.bar.com', paths: [{ path: '/', pathType: 'Prefix', service: 'foo-bar-com' }] },
    ]),
  );
  it.each`
    url                                          | expected
    ${'exact-path-rules/foo'}                    | ${'foo-exact'}
    ${'exact-path-rules/foo/'}                   | ${'404'}
    ${'exact-path-rules/FOO'}                    | ${'404'}
    ${'exact-path-rules/bar'}                    | ${'404'}
    ${'prefix-path-rules/foo'}                   | ${'foo-prefix'}
    ${'prefix-path-rules/foo/'}                  | ${'foo-prefix'}
    ${'prefix-path-rules/FOO'}                   | ${'404'}
    ${'prefix-path-rules/aaa/bbb'}               | ${'aaa-slash-bbb-prefix'}
    ${'prefix-path-rules/aaa/bbb/ccc'}           | ${'aaa-slash-bbb-prefix'}
    ${'prefix-path-rules/aaa/ccc'}               | ${'aaa-prefix'}
    ${'prefix-path-rules/aaaccc'}                | ${'404'}
    ${'mixed-path-rules/foo'}                    | ${'foo-exact'}
    ${'trailing-slash-path-rules/aaa/bbb'}       | ${'aaa-slash-bbb-slash-prefix'}
    ${'trailing-slash-path-rules/aaa/bbb/'}      | ${'aaa-slash-bbb-slash-prefix'}
    ${'trailing-slash-path-rules/foo'}           | ${'404'}
    ${'foo.bar.com/'}                            | ${'foo-bar-com'}
    ${'subdomain.bar.com/'}                      | ${'404'}
    ${'bar.foo.com/'}                            | ${'wildcard-foo-com'}
    ${'baz.bar.foo.com/'}                        | ${'404'}
    ${'foo.com/'}                                | ${'404'}
  `('http://$url → $expected', ({ url, expected }) => {
    const i = url.indexOf('/');
    expect(serviceFor(c, url.slice(0, i), url.slice(i))).toBe(expected);
  });
});

describe('precedence across Ingresses (ingress-nginx)', () => {
  it('an exact host hides wildcard and host-less rules, even when its paths do not match', () => {
    const c = empty();
    c.create(ingress('a', [{ host: '*.example.com', paths: [{ path: '/', pathType: 'Prefix', service: 'wild' }] }]));
    c.create(ingress('b', [{ host: 'shop.example.com', paths: [{ path: '/cart', pathType: 'Prefix', service: 'cart' }] }]));
    c.create(ingress('c', [{ paths: [{ path: '/', pathType: 'Prefix', service: 'catch-all' }] }]));
    expect(serviceFor(c, 'shop.example.com', '/cart/1')).toBe('cart');
    expect(serviceFor(c, 'shop.example.com', '/home')).toBe('404');
    expect(serviceFor(c, 'blog.example.com', '/home')).toBe('wild');
    expect(serviceFor(c, 'other.org', '/home')).toBe('catch-all');
    expect(serviceFor(c, 'SHOP.example.com:8443', '/cart')).toBe('cart');
  });

  it('the oldest Ingress wins a tie on host and path', () => {
    const c = empty();
    c.create(ingress('zz-old', [{ host: 'h', paths: [{ path: '/x', pathType: 'Prefix', service: 'old' }] }]));
    c.advance('1s');
    c.create(ingress('aa-new', [{ host: 'h', paths: [{ path: '/x', pathType: 'Prefix', service: 'new' }] }]));
    expect(serviceFor(c, 'h', '/x')).toBe('old');
    expect(routeIngress(c.state, { host: 'h', path: '/x' })?.ingress).toBe('default/zz-old');
  });

  it('the longest prefix wins across Ingresses; ImplementationSpecific counts as Prefix', () => {
    const c = empty();
    c.create(ingress('a', [{ host: 'h', paths: [{ path: '/api', pathType: 'Prefix', service: 'api' }] }]));
    c.create(ingress('b', [{ host: 'h', paths: [{ path: '/api/v2', pathType: 'ImplementationSpecific', service: 'api-v2' }] }]));
    expect(serviceFor(c, 'h', '/api/v2/users')).toBe('api-v2');
    expect(serviceFor(c, 'h', '/api/v1')).toBe('api');
  });

  it('default backends: the host’s own Ingress, else a rule-less Ingress for unknown hosts', () => {
    const c = empty();
    c.create(ingress('a', [{ host: 'h', paths: [{ path: '/x', pathType: 'Exact', service: 'x' }] }], { defaultBackend: backend('h-default') }));
    c.create({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'z' }, spec: { defaultBackend: backend('global') } });
    expect(serviceFor(c, 'h', '/y')).toBe('h-default');
    expect(serviceFor(c, 'unknown.org', '/')).toBe('global');
  });

  it('filters by ingress class when asked', () => {
    const c = empty();
    c.create(ingress('a', [{ host: 'h', paths: [{ path: '/', pathType: 'Prefix', service: 'nginx-svc' }] }], { ingressClassName: 'nginx' }));
    c.create(ingress('b', [{ host: 'h', paths: [{ path: '/', pathType: 'Prefix', service: 'traefik-svc' }] }], { ingressClassName: 'traefik' }));
    expect(routeIngress(c.state, { host: 'h', path: '/', ingressClassName: 'traefik' })?.backend.service?.name).toBe('traefik-svc');
    expect(routeIngress(c.state, { host: 'h', path: '/', ingressClassName: 'nginx' })?.backend.service?.name).toBe('nginx-svc');
    expect(routeIngress(c.state, { host: 'h', path: '/', ingressClassName: 'haproxy' })).toBeUndefined();
  });
});

describe('ingressLoadBalancerStatus', () => {
  const ing: Ingress = { metadata: { name: 'a' }, spec: {} };
  it('publishes the controller address once', () => {
    const updated = ingressLoadBalancerStatus(ing, '203.0.113.10');
    expect(updated?.status).toEqual({ loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } });
    expect(ing.status).toBeUndefined();
    expect(ingressLoadBalancerStatus(updated!, '203.0.113.10')).toBeUndefined();
    expect(ingressLoadBalancerStatus(updated!, '203.0.113.11')?.status?.loadBalancer?.ingress).toEqual([{ ip: '203.0.113.11' }]);
  });
});

describe('requests through the ingress controller', () => {
  function cluster(): Cluster {
    const c = createCluster({
      scheduler: false,
      controllers: false,
      nodes: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] } }] as never,
    });
    c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop' }, spec: { clusterIP: '10.96.0.40', selector: { app: 'shop' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'idle' }, spec: { clusterIP: '10.96.0.41', selector: { app: 'idle' }, ports: [{ name: 'http', port: 80 }] } });
    c.create({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'shop-1', labels: { 'kubernetes.io/service-name': 'shop' } },
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.0.11'], nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'shop-1' } },
        { addresses: ['10.244.0.12'], nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'shop-2' } },
        { addresses: ['10.244.0.13'], conditions: { ready: false }, nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'shop-3' } },
      ],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    c.create(
      ingress('web', [
        {
          host: 'shop.example.com',
          paths: [
            { path: '/', pathType: 'Prefix', service: 'shop' },
            { path: '/idle', pathType: 'Prefix', service: 'idle' },
            { path: '/gone', pathType: 'Prefix', service: 'missing' },
          ],
        },
      ]),
    );
    return c;
  }

  it('round-robins over the backend’s ready endpoints, via: ingress', () => {
    const c = cluster();
    const r = new Router({ state: () => c.state, rng: Rng.root(3).fork('network') });
    const pods = [0, 1, 2, 3].map(() => {
      const res = r.request({ from: 'external', to: 'http://shop.example.com/cart' });
      if (!res.ok) throw new Error(res.message);
      expect(res.via).toBe('ingress');
      expect(res.service).toBe('default/shop');
      return res.endpoint.pod;
    });
    expect(pods).toEqual(['default/shop-1', 'default/shop-2', 'default/shop-1', 'default/shop-2']);
  });

  it.each`
    url                                     | reason           | status
    ${'http://shop.example.com/idle'}       | ${'NoEndpoints'} | ${503}
    ${'http://shop.example.com/gone'}       | ${'NoEndpoints'} | ${503}
    ${'http://nothing.example.com/'}        | ${'NXDOMAIN'}    | ${undefined}
  `('$url fails with $reason', ({ url, reason, status }) => {
    const c = cluster();
    const r = new Router({ state: () => c.state, rng: Rng.root(3).fork('network') });
    const res = r.request({ from: 'external', to: url });
    expect(res).toMatchObject({ ok: false, reason });
    if (!res.ok) expect(res.httpStatus).toBe(status);
  });

  it('answers 404 for a served host without a matching path, and reaches the Ingress by its LB IP', () => {
    const c = cluster();
    c.create(ingress('exact', [{ host: 'api.example.com', paths: [{ path: '/v1', pathType: 'Exact', service: 'shop' }] }]));
    const ing = c.get('ingress', 'web');
    c.updateStatus(ingressLoadBalancerStatus(ing as Ingress & { kind: string; metadata: { name: string } }, '203.0.113.50')!);
    const r = new Router({ state: () => c.state, rng: Rng.root(3).fork('network') });
    expect(r.request({ from: 'external', to: 'http://api.example.com/v2' })).toMatchObject({ ok: false, reason: 'NoEndpoints', httpStatus: 404 });
    // By IP, the Host header is the IP, which no host rule matches.
    expect(r.request({ from: 'external', to: 'http://203.0.113.50/' })).toMatchObject({ ok: false, httpStatus: 404 });
  });
});

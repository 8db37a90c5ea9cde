import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getObject, listObjects } from '../../src/model/store.js';
import type { Pod, StoredObject } from '../../src/model/types.js';
import { endpointSliceController } from '../../src/reconcilers/endpoint-slice.js';
import {
  endpointsController,
  findPort,
  repackSubsets,
  truncateEndpoints,
  type EndpointSubset,
} from '../../src/reconcilers/endpoints.js';
import { nodeIpamController } from '../../src/reconcilers/node-ipam.js';
import { newCluster, podManifest, serviceManifest, setStatus } from './endpoints-fixtures.js';

type Ep = StoredObject & { subsets?: EndpointSubset[] };

function ips(subsets: EndpointSubset[] | undefined, field: 'addresses' | 'notReadyAddresses'): string[] {
  return (subsets ?? []).flatMap((ss) => (ss[field] ?? []).map((a) => a.ip)).sort();
}

describe('RepackSubsets', () => {
  const a = (ip: string) => ({ ip });
  const p = (port: number, name?: string) => ({ ...(name ? { name } : {}), port, protocol: 'TCP' });
  // Ported from kubernetes/kubernetes pkg/api/v1/endpoints/util_test.go (TestPackSubsets).
  it.each<{ name: string; given: EndpointSubset[]; expect: EndpointSubset[] }>([
    { name: 'empty everything', given: [{}], expect: [] },
    { name: 'one set, one ip, one port', given: [{ addresses: [a('1.2.3.4')], ports: [p(111)] }], expect: [{ addresses: [a('1.2.3.4')], ports: [p(111)] }] },
    { name: 'one set, one ip, no port', given: [{ addresses: [a('1.2.3.4')] }], expect: [{ addresses: [a('1.2.3.4')] }] },
    { name: 'one set, one notReady ip, one port', given: [{ notReadyAddresses: [a('1.2.3.4')], ports: [p(111)] }], expect: [{ notReadyAddresses: [a('1.2.3.4')], ports: [p(111)] }] },
    {
      name: 'one set, dup ips, one port',
      given: [{ addresses: [a('1.2.3.4'), a('1.2.3.4')], ports: [p(111)] }],
      expect: [{ addresses: [a('1.2.3.4')], ports: [p(111)] }],
    },
    {
      name: 'one set, two ips, one port (sorted)',
      given: [{ addresses: [a('5.6.7.8'), a('1.2.3.4')], ports: [p(111)] }],
      expect: [{ addresses: [a('1.2.3.4'), a('5.6.7.8')], ports: [p(111)] }],
    },
    {
      name: 'two sets, dup ip, two ports',
      given: [{ addresses: [a('1.2.3.4')], ports: [p(111)] }, { addresses: [a('1.2.3.4')], ports: [p(222)] }],
      expect: [{ addresses: [a('1.2.3.4')], ports: [p(111), p(222)] }],
    },
    {
      name: 'two sets, two ips, dup port',
      given: [{ addresses: [a('1.2.3.4')], ports: [p(111)] }, { addresses: [a('5.6.7.8')], ports: [p(111)] }],
      expect: [{ addresses: [a('1.2.3.4'), a('5.6.7.8')], ports: [p(111)] }],
    },
    {
      name: 'two sets, dup ip, dup port, one not ready: not ready wins',
      given: [{ addresses: [a('1.2.3.4')], ports: [p(111)] }, { notReadyAddresses: [a('1.2.3.4')], ports: [p(111)] }],
      expect: [{ notReadyAddresses: [a('1.2.3.4')], ports: [p(111)] }],
    },
    {
      name: 'two sets, two ips, two ports: two subsets',
      given: [{ addresses: [a('1.2.3.4')], ports: [p(111)] }, { addresses: [a('5.6.7.8')], ports: [p(222)] }],
      expect: [{ addresses: [a('1.2.3.4')], ports: [p(111)] }, { addresses: [a('5.6.7.8')], ports: [p(222)] }],
    },
    {
      name: 'mixed readiness, shared ports',
      given: [
        { addresses: [a('1.2.3.4')], ports: [p(111)] },
        { notReadyAddresses: [a('5.6.7.8')], ports: [p(111)] },
        { addresses: [a('1.2.3.4')], ports: [p(222)] },
        { notReadyAddresses: [a('5.6.7.8')], ports: [p(222)] },
      ],
      expect: [{ addresses: [a('1.2.3.4')], notReadyAddresses: [a('5.6.7.8')], ports: [p(111), p(222)] }],
    },
  ])('$name', ({ given, expect: want }) => {
    expect(repackSubsets(given)).toEqual(want);
  });

  it('truncates past 1000 addresses, ready first', () => {
    const many = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ ip: `${prefix}.${Math.trunc(i / 250)}.${i % 250}` }));
    const ss: EndpointSubset[] = [{ addresses: many(900, '10.0'), notReadyAddresses: many(300, '10.1'), ports: [p(80)] }];
    expect(truncateEndpoints(ss)).toBe(true);
    expect(ss[0]!.addresses).toHaveLength(900);
    expect(ss[0]!.notReadyAddresses).toHaveLength(100);
  });
});

describe('FindPort', () => {
  const pod = {
    spec: {
      containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }],
      initContainers: [{ name: 'sidecar', restartPolicy: 'Always', ports: [{ name: 'metrics', containerPort: 9090 }] }],
    },
  } as unknown as Pod;
  // Ported from kubernetes/kubernetes pkg/api/v1/pod/util_test.go (TestFindPort).
  it.each`
    targetPort   | protocol | expected
    ${8000}      | ${'TCP'} | ${8000}
    ${'http'}    | ${'TCP'} | ${8080}
    ${'http'}    | ${'UDP'} | ${undefined}
    ${'dns'}     | ${'UDP'} | ${53}
    ${'metrics'} | ${'TCP'} | ${9090}
    ${'nope'}    | ${'TCP'} | ${undefined}
  `('$targetPort/$protocol → $expected', ({ targetPort, protocol, expected }) => {
    expect(findPort(pod, { port: 80, targetPort, protocol })).toBe(expected);
  });
});

describe('endpoint-controller', () => {
  it('lists ready pods in addresses and the others in notReadyAddresses, following readiness', () => {
    const c = newCluster([endpointsController()]);
    c.create(serviceManifest('web', { clusterIP: '10.96.0.20' }, { tier: 'front' }));
    for (const n of ['a', 'b', 'c']) c.create(podManifest(n));
    c.create(podManifest('other', { labels: { app: 'db' } }));
    setStatus(c, 'a', { ip: '10.244.0.2', ready: true });
    setStatus(c, 'b', { ip: '10.244.0.3', ready: false });
    setStatus(c, 'c', { ready: true }); // no IP yet: not listed
    setStatus(c, 'other', { ip: '10.244.0.9', ready: true });
    const ep = c.get('endpoints', 'web') as Ep;
    expect(ep.metadata.labels).toEqual({ tier: 'front' });
    expect(ep.metadata.ownerReferences).toBeUndefined();
    expect(ep.subsets).toEqual([
      {
        addresses: [{ ip: '10.244.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: c.get('pod', 'a').metadata.uid } }],
        notReadyAddresses: [{ ip: '10.244.0.3', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: c.get('pod', 'b').metadata.uid } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
    setStatus(c, 'b', { ip: '10.244.0.3', ready: true });
    expect(ips((c.get('endpoints', 'web') as Ep).subsets, 'addresses')).toEqual(['10.244.0.2', '10.244.0.3']);
    setStatus(c, 'a', { ip: '10.244.0.2', ready: false });
    expect(ips((c.get('endpoints', 'web') as Ep).subsets, 'notReadyAddresses')).toEqual(['10.244.0.2']);
    // Labels changing away from the selector drop the pod.
    const b = c.get('pod', 'b');
    c.replace({ ...b, metadata: { ...b.metadata, labels: { app: 'moved' } } });
    expect(ips((c.get('endpoints', 'web') as Ep).subsets, 'addresses')).toEqual([]);
  });

  it("keeps a pod's address object through status writes that leave the address as it was", () => {
    const c = newCluster([endpointsController()]);
    c.create(serviceManifest('web'));
    for (const n of ['a', 'b']) c.create(podManifest(n));
    setStatus(c, 'a', { ip: '10.244.0.2', ready: true });
    setStatus(c, 'b', { ip: '10.244.0.3', ready: true });
    const stored = () => getObject(c.state, 'Endpoints', 'default', 'web') as Ep;
    const addressOf = (ep: Ep, name: string) =>
      ep.subsets!.flatMap((ss) => [...(ss.addresses ?? []), ...(ss.notReadyAddresses ?? [])]).find((a) => a.targetRef?.name === name)!;
    const before = stored();
    const a = c.get('pod', 'a');
    // A status write that does not touch the address: nothing to rewrite.
    c.updateStatus({ ...a, status: { ...(a.status as object), startTime: '2024-01-01T00:00:00Z' } });
    expect(stored()).toBe(before);
    // b's readiness flips: the Endpoints are rewritten, still listing a's unchanged address object.
    setStatus(c, 'b', { ready: false });
    const after = stored();
    expect(after.metadata.resourceVersion).not.toBe(before.metadata.resourceVersion);
    expect(ips(after.subsets, 'notReadyAddresses')).toEqual(['10.244.0.3']);
    expect(addressOf(after, 'a')).toBe(addressOf(before, 'a'));
    // and b's address moved lists as the same object.
    expect(addressOf(after, 'b')).toBe(addressOf(before, 'b'));
  });

  it('resolves named targetPorts per pod', () => {
    const c = newCluster([endpointsController()]);
    c.create(serviceManifest('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }] }));
    c.create(podManifest('a', { ports: [{ name: 'http', containerPort: 8080 }] }));
    c.create(podManifest('b', { ports: [{ name: 'http', containerPort: 9090 }] }));
    c.create(podManifest('c', { ports: [{ name: 'web', containerPort: 8080 }] }));
    setStatus(c, 'a', { ip: '10.244.0.2', ready: true });
    setStatus(c, 'b', { ip: '10.244.0.3', ready: true });
    setStatus(c, 'c', { ip: '10.244.0.4', ready: true });
    const subsets = (c.get('endpoints', 'web') as Ep).subsets!;
    expect(subsets.map((ss) => [ss.addresses!.map((a) => a.ip), ss.ports])).toEqual([
      [['10.244.0.2'], [{ name: 'http', port: 8080, protocol: 'TCP' }]],
      [['10.244.0.3'], [{ name: 'http', port: 9090, protocol: 'TCP' }]],
    ]);
  });

  it('drops terminating and terminal pods unless publishNotReadyAddresses lists them (as ready)', () => {
    const c = newCluster([endpointsController()]);
    c.create(serviceManifest('web'));
    c.create(serviceManifest('all', { publishNotReadyAddresses: true }));
    for (const n of ['a', 'b', 'done']) c.create(podManifest(n));
    setStatus(c, 'a', { ip: '10.244.0.2', ready: true });
    setStatus(c, 'b', { ip: '10.244.0.3', ready: false });
    setStatus(c, 'done', { ip: '10.244.0.4', ready: false, phase: 'Succeeded' });
    c.delete('pod', 'a'); // on a node: graceful, lingers with a deletionTimestamp (no kubelet here)
    expect(c.get('pod', 'a').metadata.deletionTimestamp).toBeDefined();
    const web = (c.get('endpoints', 'web') as Ep).subsets;
    expect(ips(web, 'addresses')).toEqual([]);
    expect(ips(web, 'notReadyAddresses')).toEqual(['10.244.0.3']);
    const all = (c.get('endpoints', 'all') as Ep).subsets;
    expect(ips(all, 'addresses')).toEqual(['10.244.0.2', '10.244.0.3']);
    expect(ips(all, 'notReadyAddresses')).toEqual([]);
  });

  it('leaves selector-less Services alone and deletes the Endpoints with the Service', () => {
    const c = newCluster([endpointsController()]);
    c.create(serviceManifest('manual', { selector: undefined }));
    c.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }] });
    c.create(serviceManifest('web'));
    expect((c.get('endpoints', 'manual') as Ep).subsets![0]!.addresses![0]!.ip).toBe('192.0.2.1');
    expect(c.get('endpoints', 'web')).toBeDefined();
    c.delete('service', 'web');
    expect(c.find('endpoints', 'web')).toBeUndefined();
    // A selector Service's Endpoints deleted by hand come back.
    c.create(serviceManifest('web2'));
    c.delete('endpoints', 'web2');
    expect(c.find('endpoints', 'web2')).toBeDefined();
  });

  it('marks headless Services and lists headless pods without ports, with hostnames', () => {
    const c = newCluster([endpointsController()]);
    c.create(serviceManifest('db', { clusterIP: 'None', ports: undefined }));
    c.create(podManifest('db-0', { hostname: 'db-0', subdomain: 'db' }));
    setStatus(c, 'db-0', { ip: '10.244.0.2', ready: true });
    const ep = c.get('endpoints', 'db') as Ep;
    expect(ep.metadata.labels).toEqual({ 'service.kubernetes.io/headless': '' });
    expect(ep.subsets).toEqual([{ addresses: [expect.objectContaining({ ip: '10.244.0.2', hostname: 'db-0' })] }]);
  });

  it('gives Services with one selector their own addresses: publishNotReadyAddresses, and hostnames under the subdomain Service only', () => {
    const c = newCluster([endpointsController()]);
    c.create(serviceManifest('plain'));
    c.create(serviceManifest('sub', { clusterIP: 'None', publishNotReadyAddresses: true }));
    c.create(podManifest('a', { hostname: 'h-a', subdomain: 'sub' }));
    c.create(podManifest('b'));
    setStatus(c, 'a', { ip: '10.244.0.2', ready: false });
    setStatus(c, 'b', { ip: '10.244.0.3', ready: true });
    const names = (svc: string, field: 'addresses' | 'notReadyAddresses') =>
      ((c.get('endpoints', svc) as Ep).subsets ?? []).flatMap((ss) => (ss[field] ?? []).map((a) => `${a.targetRef!.name}${a.hostname ? `:${a.hostname}` : ''}`));
    expect([names('plain', 'addresses'), names('plain', 'notReadyAddresses')]).toEqual([['b'], ['a']]);
    expect([names('sub', 'addresses'), names('sub', 'notReadyAddresses')]).toEqual([['a:h-a', 'b'], []]);
    setStatus(c, 'a', { ip: '10.244.0.2', ready: true });
    expect(names('plain', 'addresses')).toEqual(['a', 'b']);
  });

  // After any churn of pods (labels, readiness, deletion) and Services, once settled, every
  // selector Service's Endpoints list exactly its matching live pods with IPs, split by
  // readiness; and no two live pods or Services share an IP (allocated by the wired IPAM).
  it('property: Endpoints match ready pods after churn, and IPs are unique', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('pod' as const), id: fc.integer({ min: 0, max: 11 }), app: fc.constantFrom('a', 'b'), node: fc.constantFrom('node-1', 'node-2') }),
      fc.record({ t: fc.constant('ready' as const), id: fc.integer({ min: 0, max: 11 }), ready: fc.boolean() }),
      fc.record({ t: fc.constant('delPod' as const), id: fc.integer({ min: 0, max: 11 }), graceful: fc.boolean() }),
      fc.record({ t: fc.constant('svc' as const), id: fc.integer({ min: 0, max: 3 }), app: fc.constantFrom('a', 'b') }),
      fc.record({ t: fc.constant('delSvc' as const), id: fc.integer({ min: 0, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const c = newCluster([nodeIpamController(), endpointsController(), endpointSliceController()], { ipam: true });
        for (const o of ops) {
          const pod = `p${'id' in o ? o.id : 0}`;
          if (o.t === 'pod' && !c.find('pod', pod)) c.create(podManifest(pod, { labels: { app: o.app }, node: o.node }));
          if (o.t === 'ready' && c.find('pod', pod)) {
            const cur = c.get('pod', pod);
            c.updateStatus({ ...cur, status: { ...(cur.status as object), phase: 'Running', conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }] } });
          }
          if (o.t === 'delPod' && c.find('pod', pod)) c.delete('pod', pod, o.graceful ? {} : { gracePeriodSeconds: 0 });
          if (o.t === 'svc' && !c.find('service', `s${o.id}`)) c.create(serviceManifest(`s${o.id}`, { selector: { app: o.app } }));
          if (o.t === 'delSvc' && c.find('service', `s${o.id}`)) c.delete('service', `s${o.id}`);
        }
        c.settle();
        const pods = listObjects(c.state, 'Pod', 'default') as (StoredObject & Pod)[];
        const podIPs = pods.map((p) => p.status?.podIP).filter((x) => x !== undefined);
        expect(podIPs).toHaveLength(pods.length);
        expect(new Set(podIPs).size).toBe(podIPs.length);
        // The built-in `kubernetes` Service has no selector: its Endpoints are not ours to check.
        const svcs = listObjects(c.state, 'Service', 'default').filter((s) => (s.spec as { selector?: unknown }).selector);
        const svcIPs = svcs.map((s) => (s.spec as { clusterIP: string }).clusterIP);
        expect(new Set(svcIPs).size).toBe(svcIPs.length);
        for (const svc of svcs) {
          const app = (svc.spec as { selector: { app: string } }).selector.app;
          const members = pods.filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp);
          const ready = members.filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
          const ep = c.get('endpoints', svc.metadata.name, {}) as Ep;
          expect(ips(ep.subsets, 'addresses')).toEqual(ready.map((p) => p.status!.podIP!).sort());
          expect(ips(ep.subsets, 'notReadyAddresses')).toEqual(members.filter((p) => !ready.includes(p)).map((p) => p.status!.podIP!).sort());
        }
        expect(listObjects(c.state, 'Endpoints', 'default').map((e) => e.metadata.name)).toEqual(svcs.map((s) => s.metadata.name));
      }),
      { numRuns: 40, seed: 20250101 },
    );
  });
});

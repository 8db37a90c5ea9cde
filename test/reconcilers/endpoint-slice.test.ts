import { describe, expect, it } from 'vitest';
import { listObjects } from '../../src/model/store.js';
import type { StoredObject } from '../../src/model/types.js';
import { endpointSliceController, MAX_ENDPOINTS_PER_SLICE, type SliceEndpoint, type SlicePort } from '../../src/reconcilers/endpoint-slice.js';
import { garbageCollector } from '../../src/reconcilers/garbage-collector.js';
import { newCluster, podManifest, serviceManifest, setStatus } from './endpoints-fixtures.js';

type Slice = StoredObject & { addressType: string; endpoints: SliceEndpoint[]; ports: SlicePort[] };

function slicesOf(c: ReturnType<typeof newCluster>, svc: string): Slice[] {
  return (listObjects(c.state, 'EndpointSlice', 'default') as Slice[]).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);
}

describe('endpointslice-controller', () => {
  it('writes one owned, labelled IPv4 slice with ready/serving/terminating conditions and zones', () => {
    const c = newCluster([endpointSliceController()], { zones: 2 });
    const svc = c.create(serviceManifest('web', { clusterIP: '10.96.0.20' }, { tier: 'front' }))[0]!;
    c.create(podManifest('a'));
    c.create(podManifest('b', { node: 'node-2' }));
    c.create(podManifest('t'));
    setStatus(c, 'a', { ip: '10.244.0.2', ready: true });
    setStatus(c, 'b', { ip: '10.244.1.2', ready: false });
    setStatus(c, 't', { ip: '10.244.0.3', ready: true });
    c.delete('pod', 't'); // graceful: terminating, still listed
    const [slice, ...rest] = slicesOf(c, 'web');
    expect(rest).toEqual([]);
    expect(slice!.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(slice!.metadata.labels).toEqual({
      tier: 'front',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
    expect(slice!.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(slice!.addressType).toBe('IPv4');
    expect(slice!.ports).toEqual([{ name: '', port: 8080, protocol: 'TCP' }]);
    expect(slice!.endpoints.map((e) => [e.addresses[0], e.conditions, e.nodeName, e.zone])).toEqual([
      ['10.244.0.2', { ready: true, serving: true, terminating: false }, 'node-1', 'zone-a'],
      ['10.244.0.3', { ready: false, serving: true, terminating: true }, 'node-1', 'zone-a'],
      ['10.244.1.2', { ready: false, serving: false, terminating: false }, 'node-2', 'zone-b'],
    ]);
  });

  it('gives Services with one selector their own view: publishNotReadyAddresses, and hostnames under the subdomain Service only', () => {
    const c = newCluster([endpointSliceController()], { zones: 2 });
    c.create(serviceManifest('plain'));
    c.create(serviceManifest('sub', { clusterIP: 'None', publishNotReadyAddresses: true }));
    c.create(podManifest('a', { hostname: 'h-a', subdomain: 'sub' }));
    c.create(podManifest('b'));
    setStatus(c, 'a', { ip: '10.244.0.2', ready: false });
    setStatus(c, 'b', { ip: '10.244.0.3', ready: true });
    const view = (svc: string) => slicesOf(c, svc).flatMap((s) => s.endpoints.map((e) => [e.targetRef.name, e.hostname, e.conditions.ready]));
    expect(view('plain')).toEqual([
      ['a', undefined, false],
      ['b', undefined, true],
    ]);
    expect(view('sub')).toEqual([
      ['a', 'h-a', true],
      ['b', undefined, true],
    ]);
    // The node's zone is read when an endpoint is written: a relabelled node shows on the next write.
    c.patch('node', 'node-1', { metadata: { labels: { 'topology.kubernetes.io/zone': 'zone-z' } } });
    setStatus(c, 'b', { ip: '10.244.0.3', ready: false });
    expect(slicesOf(c, 'plain').flatMap((s) => s.endpoints.map((e) => e.zone))).toEqual(['zone-z', 'zone-z']);
  });

  it('keeps a placeholder slice for a Service without endpoints, and none for selector-less ones', () => {
    const c = newCluster([endpointSliceController()]);
    c.create(serviceManifest('empty'));
    c.create(serviceManifest('manual', { selector: undefined }));
    expect(slicesOf(c, 'empty').map((s) => [s.endpoints, s.ports])).toEqual([[[], []]]);
    expect(slicesOf(c, 'manual')).toEqual([]);
    c.create(podManifest('a'));
    setStatus(c, 'a', { ip: '10.244.0.2', ready: true });
    const [slice, ...rest] = slicesOf(c, 'empty');
    expect(rest).toEqual([]);
    expect(slice!.endpoints.map((e) => e.addresses[0])).toEqual(['10.244.0.2']);
  });

  it('splits past 100 endpoints and keeps endpoints in their slice when readiness flips', () => {
    const c = newCluster([endpointSliceController()], { ipam: true });
    c.create(serviceManifest('web'));
    const n = MAX_ENDPOINTS_PER_SLICE + 20;
    for (let i = 0; i < n; i++) {
      c.create(podManifest(`p${i}`));
      setStatus(c, `p${i}`, { ip: `10.244.${Math.trunc(i / 200)}.${(i % 200) + 2}`, ready: true });
    }
    const before = slicesOf(c, 'web');
    expect(before.map((s) => s.endpoints.length).sort((a, b) => a - b)).toEqual([20, 100]);
    setStatus(c, 'p7', { ready: false });
    const after = slicesOf(c, 'web');
    const changed = after.filter((s) => before.find((b) => b.metadata.name === s.metadata.name)!.metadata.resourceVersion !== s.metadata.resourceVersion);
    expect(changed).toHaveLength(1);
    expect(after.flatMap((s) => s.endpoints).filter((e) => !e.conditions.ready).map((e) => e.targetRef.name)).toEqual(['p7']);
  });

  it('packs each of two Services over the same pods on its own: a flip rewrites one slice of each, a new pod fills the room', () => {
    const c = newCluster([endpointSliceController()], { ipam: true });
    c.create(serviceManifest('web'));
    c.create(serviceManifest('api'));
    const n = MAX_ENDPOINTS_PER_SLICE + 20;
    for (let i = 0; i < n; i++) {
      c.create(podManifest(`p${i}`));
      setStatus(c, `p${i}`, { ip: `10.244.${Math.trunc(i / 200)}.${(i % 200) + 2}`, ready: true });
    }
    for (const svc of ['web', 'api']) expect(slicesOf(c, svc).map((s) => s.endpoints.length).sort((a, b) => a - b)).toEqual([20, 100]);
    const versions = (svc: string) => new Map(slicesOf(c, svc).map((s) => [s.metadata.name, s.metadata.resourceVersion]));
    const before = { web: versions('web'), api: versions('api') };
    setStatus(c, 'p7', { ready: false });
    for (const svc of ['web', 'api'] as const) {
      const changed = slicesOf(c, svc).filter((s) => before[svc].get(s.metadata.name) !== s.metadata.resourceVersion);
      expect(changed).toHaveLength(1);
      expect(changed[0]!.endpoints.find((e) => e.targetRef.name === 'p7')!.conditions.ready).toBe(false);
    }
    c.create(podManifest('late'));
    setStatus(c, 'late', { ip: '10.244.9.9', ready: true });
    for (const svc of ['web', 'api']) {
      const slices = slicesOf(c, svc);
      expect(slices.map((s) => s.endpoints.length).sort((a, b) => a - b)).toEqual([21, 100]);
      expect(slices.flatMap((s) => s.endpoints.map((e) => e.targetRef.name)).filter((name) => name === 'late')).toEqual(['late']);
    }
  });

  it('drops pods that leave the selector from each of several slices, keeping every other endpoint in place and in order', () => {
    const c = newCluster([endpointSliceController()], { ipam: true });
    c.create(serviceManifest('web'));
    const n = 2 * MAX_ENDPOINTS_PER_SLICE + 50;
    for (let i = 0; i < n; i++) {
      c.create(podManifest(`p${i}`));
      setStatus(c, `p${i}`, { ip: `10.244.${Math.trunc(i / 200)}.${(i % 200) + 2}`, ready: true });
    }
    const before = slicesOf(c, 'web');
    expect(before.map((s) => s.endpoints.length).sort((a, b) => a - b)).toEqual([50, 100, 100]);
    // One pod from each slice, relabelled in one call so they leave the Service together.
    const leaving = before.map((s) => s.endpoints[Math.trunc(s.endpoints.length / 2)]!.targetRef.name);
    c.replace(leaving.map((name) => ({ ...(c.get('pod', name) as StoredObject), metadata: { ...(c.get('pod', name) as StoredObject).metadata, labels: { app: 'other' } } })));
    setStatus(c, 'p3', { ready: false });
    const after = slicesOf(c, 'web');
    expect(after.map((s) => s.metadata.name).sort()).toEqual(before.map((s) => s.metadata.name).sort());
    for (const slice of after) {
      const was = before.find((b) => b.metadata.name === slice.metadata.name)!;
      // Each slice keeps its own endpoints, less the pod that left, in address order.
      const expected = was.endpoints.map((e) => e.targetRef.name).filter((name) => !leaving.includes(name));
      expect(slice.endpoints.map((e) => e.targetRef.name)).toEqual(expected);
      const addresses = slice.endpoints.map((e) => e.addresses[0]!);
      expect(addresses).toEqual([...addresses].sort());
    }
    expect(after.flatMap((s) => s.endpoints).filter((e) => !e.conditions.ready).map((e) => e.targetRef.name)).toEqual(['p3']);
  });

  it("keeps a pod's endpoint object through status writes that leave the endpoint as it was", () => {
    const c = newCluster([endpointSliceController()]);
    c.create(serviceManifest('web'));
    for (const n of ['a', 'b']) c.create(podManifest(n));
    setStatus(c, 'a', { ip: '10.244.0.2', ready: true });
    setStatus(c, 'b', { ip: '10.244.0.3', ready: true });
    const endpointOf = (name: string) => slicesOf(c, 'web')[0]!.endpoints.find((e) => e.targetRef.name === name)!;
    const [before] = slicesOf(c, 'web');
    const a = c.get('pod', 'a');
    c.updateStatus({ ...a, status: { ...(a.status as object), startTime: '2024-01-01T00:00:00Z' } });
    expect(slicesOf(c, 'web')).toEqual([before]);
    const aBefore = endpointOf('a');
    setStatus(c, 'b', { ready: false });
    expect(slicesOf(c, 'web')[0]!.metadata.resourceVersion).not.toBe(before!.metadata.resourceVersion);
    expect(endpointOf('b').conditions).toEqual({ ready: false, serving: false, terminating: false });
    expect(endpointOf('a')).toBe(aBefore);
  });

  it('groups endpoints by resolved named ports and recreates a deleted slice; the GC removes slices with the Service', () => {
    const c = newCluster([endpointSliceController(), garbageCollector()]);
    c.create(serviceManifest('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }] }));
    c.create(podManifest('a', { ports: [{ name: 'http', containerPort: 8080 }] }));
    c.create(podManifest('b', { ports: [{ name: 'http', containerPort: 9090 }] }));
    setStatus(c, 'a', { ip: '10.244.0.2', ready: true });
    setStatus(c, 'b', { ip: '10.244.0.3', ready: true });
    const byPort = slicesOf(c, 'web').map((s) => [s.ports[0]!.port, s.endpoints.map((e) => e.addresses[0])]).sort();
    expect(byPort).toEqual([[8080, ['10.244.0.2']], [9090, ['10.244.0.3']]]);
    const victim = slicesOf(c, 'web')[0]!;
    c.delete('endpointslice', victim.metadata.name);
    expect(slicesOf(c, 'web')).toHaveLength(2);
    c.delete('service', 'web');
    c.settle();
    expect(slicesOf(c, 'web')).toEqual([]);
  });
});

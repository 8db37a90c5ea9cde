import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { InternalError, InvalidError } from '../../src/model/errors.js';
import { parseCIDR } from '../../src/network/cidr.js';
import {
  allocateNext,
  nodePortRange,
  nodePortRangeOffset,
  serviceIPRange,
  serviceIPRangeOffset,
} from '../../src/network/ipam.js';
import { parsePortRange } from '../../src/network/options.js';
import { Api, node, pod, service } from './ipam-fixtures.js';

/** Drains a range through allocateNext with a Set as the bitmap. */
function drain(range: ReturnType<typeof serviceIPRange>, seed = 1): string[] {
  const taken = new Set<string>();
  const rng = Rng.root(seed);
  const out: string[] = [];
  for (;;) {
    const v = allocateNext(range, (x) => !taken.has(x), rng);
    if (v === undefined) return out;
    taken.add(v);
    out.push(v);
  }
}

describe('service IP range (ipallocator)', () => {
  // Ported from kubernetes/kubernetes pkg/registry/core/service/ipallocator/bitmap_test.go
  // (TestAllocate, TestAllocateTiny, TestAllocateSmall): usable size and the edges.
  it.each`
    cidr                  | free   | first             | last
    ${'192.168.1.0/24'}   | ${254} | ${'192.168.1.1'}  | ${'192.168.1.254'}
    ${'192.168.1.0/25'}   | ${126} | ${'192.168.1.1'}  | ${'192.168.1.126'}
    ${'192.168.1.240/30'} | ${2}   | ${'192.168.1.241'} | ${'192.168.1.242'}
    ${'192.168.1.0/32'}   | ${0}   | ${undefined}      | ${undefined}
  `('$cidr has $free usable addresses', ({ cidr, free, first, last }) => {
    const range = serviceIPRange(parseCIDR(cidr)!);
    expect(range.max).toBe(free);
    const all = drain(range);
    expect(all).toHaveLength(free);
    expect(new Set(all).size).toBe(free);
    if (free > 0) {
      expect(range.indexOf(first)).toBe(0);
      expect(range.indexOf(last)).toBe(free - 1);
    }
  });

  // Ported from bitmap_test.go TestCalculateRangeOffset: min(max(16, size/16), 256), 0 at ≤ 16.
  it.each`
    cidr                 | offset
    ${'192.168.1.0/28'}  | ${0}
    ${'192.168.1.0/27'}  | ${16}
    ${'192.168.1.0/24'}  | ${16}
    ${'192.168.0.0/22'}  | ${64}
    ${'192.168.0.0/20'}  | ${256}
    ${'10.96.0.0/12'}    | ${256}
  `('$cidr reserves $offset static addresses', ({ cidr, offset }) => {
    expect(serviceIPRangeOffset(parseCIDR(cidr)!.size)).toBe(offset);
  });

  it('draws from the dynamic (upper) subrange before the static one', () => {
    const range = serviceIPRange(parseCIDR('10.96.0.0/24')!); // 254 usable, 16 static
    const order = drain(range, 7);
    const staticIPs = new Set(Array.from({ length: 16 }, (_, i) => `10.96.0.${i + 1}`));
    expect(order.slice(0, 238).some((ip) => staticIPs.has(ip))).toBe(false);
    expect(new Set(order.slice(238))).toEqual(staticIPs);
  });

  // Ported from portallocator/allocator_test.go TestCalculateRangeOffset: min(max(16, size/32), 128).
  it.each`
    range            | offset
    ${'30000-30015'} | ${0}
    ${'30000-30031'} | ${16}
    ${'30000-32767'} | ${86}
    ${'25000-32767'} | ${128}
  `('node ports $range reserve $offset', ({ range, offset }) => {
    expect(nodePortRangeOffset(parsePortRange(range)!.size)).toBe(offset);
    expect(nodePortRange(parsePortRange(range)!).offset).toBe(offset);
  });
});

describe('Service allocation on the write path', () => {
  it('allocates a cluster IP from the service CIDR and records it', () => {
    const api = new Api();
    const svc = api.create(service('web'));
    const spec = svc.spec as { clusterIP: string; clusterIPs: string[] };
    expect(spec.clusterIPs).toEqual([spec.clusterIP]);
    expect(serviceIPRange(parseCIDR('10.96.0.0/12')!).indexOf(spec.clusterIP)).toBeGreaterThanOrEqual(256);
    expect(api.records('~ClusterIP')).toEqual(new Map([[spec.clusterIP, 'Service:default/web']]));
  });

  it('honours an explicit cluster IP and rejects a taken or out-of-range one with upstream messages', () => {
    const api = new Api();
    api.create(service('a', { clusterIP: '10.96.0.5' }));
    expect((api.get('Service', 'a')!.spec as { clusterIP: string }).clusterIP).toBe('10.96.0.5');
    expect(() => api.create(service('b', { clusterIP: '10.96.0.5' }))).toThrow(
      'Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.5"]: failed to allocate IP 10.96.0.5: provided IP is already allocated',
    );
    expect(() => api.create(service('c', { clusterIP: '10.200.0.1' }))).toThrow(
      'spec.clusterIPs: Invalid value: ["10.200.0.1"]: failed to allocate IP 10.200.0.1: the provided IP (10.200.0.1) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
    expect(api.get('Service', 'b')).toBeUndefined();
    expect(api.records('~ClusterIP').size).toBe(1);
  });

  it('gives headless and ExternalName Services no cluster IP', () => {
    const api = new Api();
    api.create(service('headless', { clusterIP: 'None' }));
    api.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } });
    expect((api.get('Service', 'headless')!.spec as { clusterIP: string }).clusterIP).toBe('None');
    expect((api.get('Service', 'ext')!.spec as { clusterIP?: string }).clusterIP).toBeUndefined();
    expect(api.records('~ClusterIP').size).toBe(0);
  });

  it('fails with "range is full" when the service CIDR is exhausted, and frees IPs on delete', () => {
    const api = new Api({ serviceCIDR: '10.96.0.0/28' }); // 14 usable
    for (let i = 0; i < 14; i++) api.create(service(`s${i}`));
    const err = (() => {
      try {
        api.create(service('one-too-many'));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InternalError);
    expect((err as Error).message).toBe('Internal error occurred: failed to allocate a serviceIP: range is full');
    const freed = (api.get('Service', 's3')!.spec as { clusterIP: string }).clusterIP;
    api.delete('Service', 's3');
    expect(api.records('~ClusterIP').has(freed)).toBe(false);
    expect((api.create(service('again')).spec as { clusterIP: string }).clusterIP).toBe(freed);
  });

  it('allocates node ports, honours explicit ones and rejects conflicts and out-of-range ports', () => {
    const api = new Api();
    const a = api.create(service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    expect((a.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort).toBe(30080);
    expect(() => api.create(service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))).toThrow(
      'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    );
    expect(() => api.create(service('c', { type: 'NodePort', ports: [{ port: 80, nodePort: 40000 }] }))).toThrow(
      'spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    // The failed calls left neither a cluster IP nor a node port behind.
    expect(api.records('~ClusterIP').size).toBe(1);
    expect([...api.records('~NodePort').keys()]).toEqual(['30080']);
    const d = api.create(service('dns', { type: 'NodePort', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }));
    const [udp, tcp] = (d.spec as { ports: { nodePort: number }[] }).ports;
    expect(udp!.nodePort).toBe(tcp!.nodePort); // same port number, one node port (upstream initNodePorts)
    expect(udp!.nodePort).toBeGreaterThanOrEqual(30000 + 86);
  });

  it('gives a LoadBalancer an ingress IP, node ports and (Local) a health-check node port', () => {
    const api = new Api();
    const lb = api.create(service('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }));
    const spec = lb.spec as { ports: { nodePort: number }[]; healthCheckNodePort: number };
    expect(spec.ports[0]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(spec.healthCheckNodePort).not.toBe(spec.ports[0]!.nodePort);
    expect(lb.status).toEqual({ loadBalancer: { ingress: [{ ip: '203.0.113.1', ipMode: 'VIP' }] } });
    const noPorts = api.create(service('lb2', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }));
    expect((noPorts.spec as { ports: { nodePort?: number }[] }).ports[0]!.nodePort).toBeUndefined();
    expect((noPorts.status as { loadBalancer: { ingress: { ip: string }[] } }).loadBalancer.ingress[0]!.ip).toBe('203.0.113.2');
    api.delete('Service', 'lb');
    expect(api.records('~LoadBalancerIP')).toEqual(new Map([['203.0.113.2', 'Service:default/lb2']]));
    expect(api.records('~NodePort').size).toBe(0);
  });

  it('keeps the allocated values on an update that omits them (patchAllocatedValues)', () => {
    const api = new Api();
    const before = api.create(service('web', { type: 'NodePort' }));
    const ip = (before.spec as { clusterIP: string }).clusterIP;
    const np = (before.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort;
    const after = api.update({ ...service('web', { type: 'NodePort', selector: { app: 'web' } }) });
    expect((after.spec as { clusterIP: string }).clusterIP).toBe(ip);
    expect((after.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort).toBe(np);
    expect(api.records('~NodePort').size).toBe(1);
  });

  it('drops and frees node ports when the type goes back to ClusterIP, allocates when it comes back', () => {
    const api = new Api();
    const np = api.create(service('web', { type: 'NodePort' }));
    const asClusterIP = api.update({ ...np, spec: { ...(np.spec as object), type: 'ClusterIP' } });
    expect((asClusterIP.spec as { ports: { nodePort?: number }[] }).ports[0]!.nodePort).toBeUndefined();
    expect((asClusterIP.spec as { externalTrafficPolicy?: string }).externalTrafficPolicy).toBeUndefined();
    expect(api.records('~NodePort').size).toBe(0);
    const again = api.update({ ...asClusterIP, spec: { ...(asClusterIP.spec as object), type: 'NodePort' } });
    expect((again.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort).toBeGreaterThanOrEqual(30000);
    expect(api.records('~NodePort').size).toBe(1);
  });

  it('frees the cluster IP when a Service becomes ExternalName', () => {
    const api = new Api();
    const svc = api.create(service('web'));
    api.update({ ...svc, spec: { ...(svc.spec as object), type: 'ExternalName', externalName: 'example.com' } });
    expect(api.records('~ClusterIP').size).toBe(0);
    expect((api.get('Service', 'web')!.spec as { clusterIP?: string }).clusterIP).toBeUndefined();
  });

  it('allocates nothing without a network allocator in the write context', () => {
    const api = new Api({}, 1, false);
    const svc = api.create(service('web'));
    expect((svc.spec as { clusterIP?: string }).clusterIP).toBeUndefined();
  });

  it('reports an Invalid error (not a partial write) in a shared batch', () => {
    const api = new Api();
    api.create(service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    expect(() => api.create(service('b', { type: 'NodePort', ports: [{ name: 'x', port: 81 }, { name: 'y', port: 80, nodePort: 30080 }] }))).toThrow(InvalidError);
    expect(api.records('~NodePort').size).toBe(1);
  });
});

describe('pod IPs', () => {
  function withNodes(): Api {
    const api = new Api();
    api.create(node('n1', '10.244.0.0/24', '10.0.0.1'));
    api.create(node('n2', '10.244.1.0/29', '10.0.0.2'));
    api.create(node('n3', undefined, '10.0.0.3'));
    return api;
  }

  // CNI host-local: round-robin after the node's last reserved address
  // (containernetworking/plugins plugins/ipam/host-local/backend/allocator/allocator.go GetIter).
  it("assigns the node podCIDR's addresses in turn at binding from .2, not reusing a freed one", () => {
    const api = withNodes();
    api.create(pod('a'));
    api.create(pod('b'));
    const a = api.bind('a', 'n1');
    expect(a.status).toMatchObject({ podIP: '10.244.0.2', podIPs: [{ ip: '10.244.0.2' }], hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.1' }] });
    expect((api.bind('b', 'n1').status as { podIP: string }).podIP).toBe('10.244.0.3');
    api.delete('Pod', 'a', { gracePeriodSeconds: 0 });
    api.create(pod('c', { nodeName: 'n1' })); // created bound: same assignment
    expect((api.get('Pod', 'c')!.status as { podIP: string }).podIP).toBe('10.244.0.4');
    api.create(pod('d', { nodeName: 'n2' })); // each node keeps its own turn
    expect((api.get('Pod', 'd')!.status as { podIP: string }).podIP).toBe('10.244.1.2');
  });

  it('wraps around to the first free address once the range has gone round', () => {
    const api = withNodes();
    for (let i = 0; i < 5; i++) api.create(pod(`p${i}`, { nodeName: 'n2' })); // /29: .2 … .6
    api.delete('Pod', 'p3', { gracePeriodSeconds: 0 }); // frees .5
    api.delete('Pod', 'p1', { gracePeriodSeconds: 0 }); // frees .3
    api.create(pod('q', { nodeName: 'n2' }));
    expect((api.get('Pod', 'q')!.status as { podIP: string }).podIP).toBe('10.244.1.3');
    api.create(pod('r', { nodeName: 'n2' }));
    expect((api.get('Pod', 'r')!.status as { podIP: string }).podIP).toBe('10.244.1.5');
  });

  it('starts from the beginning of a new podCIDR when the last reserved address is outside it', () => {
    const api = withNodes();
    api.create(pod('a', { nodeName: 'n1' }));
    api.create(pod('b', { nodeName: 'n1' }));
    api.delete('Node', 'n1');
    api.create(node('n1', '10.244.7.0/24', '10.0.0.1'));
    api.create(pod('c', { nodeName: 'n1' }));
    expect((api.get('Pod', 'c')!.status as { podIP: string }).podIP).toBe('10.244.7.2');
  });

  it('gives hostNetwork pods the node IP without allocating', () => {
    const api = withNodes();
    api.create(pod('h', { hostNetwork: true }));
    expect((api.bind('h', 'n1').status as { podIP: string }).podIP).toBe('10.0.0.1');
    expect(api.records('~PodIP').size).toBe(0);
  });

  it('leaves a pod without an IP when the range is exhausted or the node has no podCIDR', () => {
    const api = withNodes();
    for (let i = 0; i < 6; i++) api.create(pod(`p${i}`, { nodeName: 'n2' })); // /29: .2 … .6
    const ips = [0, 1, 2, 3, 4, 5].map((i) => (api.get('Pod', `p${i}`)!.status as { podIP?: string }).podIP);
    expect(ips).toEqual(['10.244.1.2', '10.244.1.3', '10.244.1.4', '10.244.1.5', '10.244.1.6', undefined]);
    api.create(pod('orphan', { nodeName: 'n3' }));
    expect(api.get('Pod', 'orphan')!.status).toMatchObject({ hostIP: '10.0.0.3' });
    expect((api.get('Pod', 'orphan')!.status as { podIP?: string }).podIP).toBeUndefined();
  });

  it('releases the IP only when the pod is finally removed (grace period, finalizers)', () => {
    const api = withNodes();
    api.create({ ...pod('f', { nodeName: 'n1' }), metadata: { name: 'f', finalizers: ['example.com/hold'] } });
    api.delete('Pod', 'f', { gracePeriodSeconds: 0 });
    expect(api.records('~PodIP').size).toBe(1);
    const held = api.get('Pod', 'f')!;
    api.update({ ...held, metadata: { ...held.metadata, finalizers: [] } });
    expect(api.get('Pod', 'f')).toBeUndefined();
    expect(api.records('~PodIP').size).toBe(0);
  });
});

describe('churn', () => {
  // A seeded loop of thousands of creates and deletes: no value is ever held twice, and the
  // tables hold exactly the live objects' allocations.
  it('never hands out a value twice and frees everything it allocated', () => {
    const api = new Api({ serviceCIDR: '10.96.0.0/22', serviceNodePortRange: '30000-30499' });
    for (let n = 0; n < 4; n++) api.create(node(`n${n}`, `10.244.${n}.0/24`, `10.0.0.${n + 1}`));
    const rng = Rng.root('churn');
    const pods = new Set<string>();
    const svcs = new Set<string>();
    for (let step = 0; step < 3000; step++) {
      const r = rng.int(10);
      const id = `x${rng.int(400)}`;
      if (r < 4) {
        if (pods.has(id)) api.delete('Pod', id, { gracePeriodSeconds: 0 });
        else api.create(pod(id, { nodeName: `n${rng.int(4)}` }));
        pods.has(id) ? pods.delete(id) : pods.add(id);
      } else if (r < 7) {
        if (svcs.has(id)) api.delete('Service', id);
        else api.create(service(id, rng.int(2) === 0 ? { type: 'NodePort' } : {}));
        svcs.has(id) ? svcs.delete(id) : svcs.add(id);
      }
    }
    const livePodIPs = [...pods].map((p) => (api.get('Pod', p)!.status as { podIP: string }).podIP);
    const liveSvcIPs = [...svcs].map((s) => (api.get('Service', s)!.spec as { clusterIP: string }).clusterIP);
    const liveNodePorts = [...svcs].flatMap((s) => ((api.get('Service', s)!.spec as { ports: { nodePort?: number }[] }).ports).map((p) => p.nodePort).filter((x) => x !== undefined).map(String));
    expect(new Set(livePodIPs).size).toBe(pods.size);
    expect(new Set(liveSvcIPs).size).toBe(svcs.size);
    expect(new Set(liveNodePorts).size).toBe(liveNodePorts.length);
    expect(new Set(api.records('~PodIP').keys())).toEqual(new Set(livePodIPs));
    expect(new Set(api.records('~ClusterIP').keys())).toEqual(new Set(liveSvcIPs));
    expect(new Set(api.records('~NodePort').keys())).toEqual(new Set(liveNodePorts));
  });
});

import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/model/types.js';
import {
  buildSnapshot,
  computePodNonZeroRequest,
  computePodResourceRequest,
  countImageNodes,
  newNodeInfo,
  nodeAllocatable,
  nodeImageStates,
  podInfoFor,
} from '../../src/scheduler/node-info.js';
import { makeNode, makePod } from './plugins/basic-builders.js';

interface C {
  cpu: string;
  sidecar?: boolean;
}

function pod(containers: string[], init: C[] = [], overhead?: Record<string, string>): Pod {
  const w = makePod();
  for (const cpu of containers) w.req({ cpu });
  for (const c of init) w.initReq({ cpu: c.cpu }, c.sidecar ?? false);
  if (overhead) w.overhead(overhead);
  return w.obj();
}

// Ported from kubernetes/kubernetes pkg/api/v1/resource/helpers_test.go (TestPodResourceRequests,
// the cases that apply to a pending pod: no status resources, overhead included).
describe('computePodResourceRequest (resource.PodRequests)', () => {
  it.each([
    { name: 'larger init container', pod: pod(['1'], [{ cpu: '4' }]), milliCpu: 4000, why: 'max(1, 4)' },
    { name: 'larger containers', pod: pod(['2', '3'], [{ cpu: '2' }]), milliCpu: 5000, why: 'max(2 + 3, 2)' },
    {
      name: 'pod overhead included',
      pod: pod(['2', '3'], [{ cpu: '2' }], { cpu: '1', memory: '1Gi' }),
      milliCpu: 6000,
      memory: 1024 ** 3,
      why: 'max(5, 2) + 1; memory only from overhead',
    },
    { name: 'restartable init container', pod: pod(['1'], [{ cpu: '1', sidecar: true }]), milliCpu: 2000, why: 'sidecar 1 + regular 1' },
    {
      name: 'multiple restartable init containers',
      pod: pod(['1'], [{ cpu: '5' }, { cpu: '1', sidecar: true }, { cpu: '2', sidecar: true }, { cpu: '3', sidecar: true }]),
      milliCpu: 7000,
      why: 'max(5, sidecars 1+2+3 + regular 1)',
    },
    {
      name: 'multiple restartable and regular init containers',
      pod: pod(['1'], [{ cpu: '5' }, { cpu: '1', sidecar: true }, { cpu: '2', sidecar: true }, { cpu: '5' }, { cpu: '3', sidecar: true }]),
      milliCpu: 8000,
      why: 'init-2 needs 5 + the sidecars started before it (1+2)',
    },
    {
      name: 'restartable-init, init and regular',
      pod: pod(['100'], [{ cpu: '10', sidecar: true }, { cpu: '200' }]),
      milliCpu: 210000,
      why: 'max(100 + 10, 200 + 10)',
    },
  ])('$name: $milliCpu m ($why)', ({ pod, milliCpu, memory }) => {
    const r = computePodResourceRequest(pod);
    expect(r.milliCpu).toBe(milliCpu);
    expect(r.memory).toBe(memory ?? 0);
  });

  // Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/fit.go
  // (the computePodResourceRequest doc example).
  it('init containers {2, 1G}, {2, 3G} and containers {2, 1G}, {1, 1G} → cpu 3, memory 3G', () => {
    const p = makePod()
      .req({ cpu: '2', memory: '1G' })
      .req({ cpu: '1', memory: '1G' })
      .initReq({ cpu: '2', memory: '1G' })
      .initReq({ cpu: '2', memory: '3G' })
      .obj();
    expect(computePodResourceRequest(p)).toMatchObject({ milliCpu: 3000, memory: 3e9 });
  });

  it('sums quantities exactly before rounding, and sorts scalar resources into `scalar`', () => {
    const p = makePod().req({ cpu: '0.5m', 'example.com/gpu': '1', 'hugepages-2Mi': '2Mi', 'ephemeral-storage': '1Ki' }).req({ cpu: '0.5m' }).obj();
    const r = computePodResourceRequest(p);
    expect(r.milliCpu).toBe(1); // 0.5m + 0.5m = 1m, not ceil(0.5) + ceil(0.5)
    expect(r.ephemeralStorage).toBe(1024);
    expect(r.scalar).toEqual({ 'example.com/gpu': 1, 'hugepages-2Mi': 2 * 1024 * 1024 });
  });
});

// Ported from kubernetes/kubernetes pkg/scheduler/framework/types_test.go (calculateResource's
// non-zero requests): only a *missing* cpu/memory request takes the default, per container.
describe('computePodNonZeroRequest', () => {
  it.each`
    requests                          | milliCpu | memory              | why
    ${{}}                             | ${100}   | ${200 * 1024 ** 2}  | ${'both missing'}
    ${{ cpu: '0', memory: '0' }}      | ${0}     | ${0}                | ${'explicit zero stays zero'}
    ${{ cpu: '500m' }}                | ${500}   | ${200 * 1024 ** 2}  | ${'memory missing'}
  `('$why', ({ requests, milliCpu, memory }) => {
    const r = computePodNonZeroRequest(makePod().req(requests).obj());
    expect([r.milliCpu, r.memory]).toEqual([milliCpu, memory]);
  });

  it('applies the default to each container, init containers included', () => {
    const p = makePod().container().container().initReq({}, true).obj();
    expect(computePodNonZeroRequest(p).milliCpu).toBe(300);
    expect(computePodResourceRequest(p).milliCpu).toBe(0);
  });
});

describe('podInfoFor / newNodeInfo / buildSnapshot', () => {
  it('caches PodInfo per frozen pod and keeps host ports (sanitized)', () => {
    const p = makePod().ports([{ containerPort: 80, hostPort: 8080 }, { containerPort: 81 }]).obj();
    const info = podInfoFor(p);
    expect(podInfoFor(p)).toBe(info);
    expect(info.hostPorts).toEqual([{ ip: '0.0.0.0', protocol: 'TCP', port: 8080 }]);
    expect(info.key).toBe('default/pod');
  });

  it('totals requests, non-zero requests, ports and affinity lists', () => {
    const node = makeNode('n1').capacity({ cpu: '4', memory: '8Gi', pods: '110', 'example.com/gpu': '2' }).obj();
    const a = makePod().name('a').req({ cpu: '1', memory: '1Gi' }).ports([{ containerPort: 1, hostPort: 53, protocol: 'UDP' }]).obj();
    const b = makePod()
      .name('b')
      .container()
      .affinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone' }] } })
      .obj();
    const ni = newNodeInfo(node, [a, b]);
    expect(ni.name).toBe('n1');
    expect(ni.allocatable).toEqual({ milliCpu: 4000, memory: 8 * 1024 ** 3, ephemeralStorage: 0, allowedPodNumber: 110, scalar: { 'example.com/gpu': 2 } });
    expect(ni.requested.milliCpu).toBe(1000);
    // a's port-only container and b's container each count 100m / 200Mi.
    expect(ni.nonZeroRequested).toMatchObject({ milliCpu: 1200, memory: 1024 ** 3 + 400 * 1024 ** 2 });
    expect(ni.usedPorts).toEqual([{ ip: '0.0.0.0', protocol: 'UDP', port: 53 }]);
    expect(ni.podsWithAffinity.map((p) => p.pod.metadata?.name)).toEqual(['b']);
    expect(ni.podsWithRequiredAntiAffinity.map((p) => p.pod.metadata?.name)).toEqual(['b']);
    const snap = buildSnapshot([ni, newNodeInfo(makeNode('n2').obj())]);
    expect(snap.get('n1')).toBe(ni);
    expect(snap.havePodsWithAffinity).toEqual([ni]);
    expect(snap.havePodsWithRequiredAntiAffinity).toEqual([ni]);
  });

  it('nodeAllocatable of a node without status is all zero', () => {
    expect(nodeAllocatable(makeNode('x').obj())).toEqual({ milliCpu: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {} });
  });

  it('image states count the nodes that have each image', () => {
    const n1 = makeNode('n1').images([{ names: ['nginx:1', 'nginx@sha'], sizeBytes: 100 }]).obj();
    const n2 = makeNode('n2').images([{ names: ['nginx:1'], sizeBytes: 100 }]).obj();
    const counts = countImageNodes([n1, n2]);
    expect(nodeImageStates(n1, counts)).toEqual({ 'nginx:1': { sizeBytes: 100, numNodes: 2 }, 'nginx@sha': { sizeBytes: 100, numNodes: 1 } });
  });
});

describe('podInfoFor on pods of one template', () => {
  it('gives pods of one template equal, frozen requests, and tells other requests apart', () => {
    const a = Object.freeze(makePod().req({ cpu: '250m', memory: '1Gi' }).obj()) as Pod;
    const b = Object.freeze(makePod().req({ cpu: '250m', memory: '1Gi' }).obj()) as Pod;
    const c = Object.freeze(makePod().req({ cpu: '250m' }).obj()) as Pod;
    const d = Object.freeze(makePod().req({ cpu: '250m', memory: '1Gi' }).initReq({ cpu: '2' }, false).obj()) as Pod;
    const ia = podInfoFor(a);
    const ib = podInfoFor(b);
    expect(ib.requests).toEqual(ia.requests);
    expect(ib.nonZeroRequests).toEqual(ia.nonZeroRequests);
    // Shared between pods of a shape, so nobody may change them.
    expect(Object.isFrozen(ia.requests) && Object.isFrozen(ia.requests.scalar) && Object.isFrozen(ia.nonZeroRequests)).toBe(true);
    expect(ia.requests).toMatchObject({ milliCpu: 250, memory: 1024 ** 3 });
    // c: no memory request, so the non-zero default (200Mi) applies.
    expect(podInfoFor(c).nonZeroRequests).toMatchObject({ milliCpu: 250, memory: 200 * 1024 ** 2 });
    expect(podInfoFor(c).requests.memory).toBe(0);
    // d: the init container raises cpu to 2.
    expect(podInfoFor(d).requests).toMatchObject({ milliCpu: 2000, memory: 1024 ** 3 });
  });
});

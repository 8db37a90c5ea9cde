import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../../src/model/types.js';
import { CycleState } from '../../../../src/scheduler/framework.js';
import { buildSnapshot, newNodeInfo } from '../../../../src/scheduler/node-info.js';
import {
  fits,
  nodeResourcesFit,
  type InsufficientResource,
  type NodeResourcesFitArgs,
} from '../../../../src/scheduler/plugins/node-resources/fit.js';
import { makeNode, makePod, runFilter } from '../basic-builders.js';

const A = 'example.com/aaa';
const B = 'example.com/bbb';
const K8S_A = 'kubernetes.io/something';
const K8S_B = 'subdomain.kubernetes.io/something';
const HUGE = 'hugepages-2Mi';

/** upstream framework.Resource shorthand: milli-CPU, memory, ephemeral storage, scalar. */
interface R {
  cpu?: number;
  mem?: number;
  storage?: number;
  scalar?: Record<string, number>;
}

/** A container request list as upstream newResourcePod builds it (cpu and memory always set). */
function reqs(r: R): Record<string, string> {
  const out: Record<string, string> = { cpu: `${r.cpu ?? 0}m`, memory: String(r.mem ?? 0) };
  if (r.storage !== undefined) out['ephemeral-storage'] = String(r.storage);
  for (const k of Object.keys(r.scalar ?? {})) out[k] = String(r.scalar![k]);
  return out;
}

function resourcePod(containers: R[], init: R[] = [], overhead?: Record<string, string>, nodeName?: string): Pod {
  const w = makePod();
  if (nodeName !== undefined) w.node(nodeName);
  for (const c of containers) w.req(reqs(c));
  for (const c of init) w.initReq(reqs(c));
  if (overhead) w.overhead(overhead);
  return w.obj();
}

/** makeAllocatableResources(10, 20, pods, 5, 20, 5): cpu 10m, memory 20, A 5, storage 20, hugepages 5. */
function fitNode(pods = 32): Node {
  return makeNode('node')
    .capacity({ cpu: '10m', memory: '20', pods: String(pods), [A]: '5', 'ephemeral-storage': '20', [HUGE]: '5' })
    .obj();
}

const ins = (name: string, requested: number, used: number, capacity: number): InsufficientResource => ({
  resourceName: name,
  reason: `Insufficient ${name}`,
  requested,
  used,
  capacity,
});

interface Case {
  name: string;
  pod: Pod;
  existing: R;
  args?: NodeResourcesFitArgs;
  want: InsufficientResource[];
}

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/fit_test.go
// (TestEnoughRequests). The node has cpu 10m, memory 20, 32 pods, example.com/aaa 5,
// ephemeral-storage 20, hugepages-2Mi 5; `existing` is the one pod already on it.
const enough: Case[] = [
  { name: 'no resources requested always fits', pod: makePod().obj(), existing: { cpu: 10, mem: 20 }, want: [] },
  {
    name: 'too many resources fails',
    pod: resourcePod([{ cpu: 1, mem: 1 }]),
    existing: { cpu: 10, mem: 20 },
    want: [ins('cpu', 1, 10, 10), ins('memory', 1, 20, 20)],
  },
  {
    name: 'too many resources fails due to init container cpu',
    pod: resourcePod([{ cpu: 1, mem: 1 }], [{ cpu: 3, mem: 1 }]),
    existing: { cpu: 8, mem: 19 },
    want: [ins('cpu', 3, 8, 10)],
  },
  {
    name: 'too many resources fails due to highest init container cpu',
    pod: resourcePod([{ cpu: 1, mem: 1 }], [{ cpu: 3, mem: 1 }, { cpu: 2, mem: 1 }]),
    existing: { cpu: 8, mem: 19 },
    want: [ins('cpu', 3, 8, 10)],
  },
  {
    name: 'too many resources fails due to init container memory',
    pod: resourcePod([{ cpu: 1, mem: 1 }], [{ cpu: 1, mem: 3 }]),
    existing: { cpu: 9, mem: 19 },
    want: [ins('memory', 3, 19, 20)],
  },
  {
    name: 'too many resources fails due to highest init container memory',
    pod: resourcePod([{ cpu: 1, mem: 1 }], [{ cpu: 1, mem: 3 }, { cpu: 1, mem: 2 }]),
    existing: { cpu: 9, mem: 19 },
    want: [ins('memory', 3, 19, 20)],
  },
  {
    name: "init container fits because it's the max, not sum, of containers and init containers",
    pod: resourcePod([{ cpu: 1, mem: 1 }], [{ cpu: 1, mem: 1 }]),
    existing: { cpu: 9, mem: 19 },
    want: [],
  },
  {
    name: "multiple init containers fit because it's the max, not sum, of containers and init containers",
    pod: resourcePod([{ cpu: 1, mem: 1 }], [{ cpu: 1, mem: 1 }, { cpu: 1, mem: 1 }]),
    existing: { cpu: 9, mem: 19 },
    want: [],
  },
  { name: 'both resources fit', pod: resourcePod([{ cpu: 1, mem: 1 }]), existing: { cpu: 5, mem: 5 }, want: [] },
  {
    name: 'one resource memory fits',
    pod: resourcePod([{ cpu: 2, mem: 1 }]),
    existing: { cpu: 9, mem: 5 },
    want: [ins('cpu', 2, 9, 10)],
  },
  {
    name: 'one resource cpu fits',
    pod: resourcePod([{ cpu: 1, mem: 2 }]),
    existing: { cpu: 5, mem: 19 },
    want: [ins('memory', 2, 19, 20)],
  },
  { name: 'equal edge case', pod: resourcePod([{ cpu: 5, mem: 1 }]), existing: { cpu: 5, mem: 19 }, want: [] },
  {
    name: 'equal edge case for init container',
    pod: resourcePod([{ cpu: 4, mem: 1 }], [{ cpu: 5, mem: 1 }]),
    existing: { cpu: 5, mem: 19 },
    want: [],
  },
  { name: 'extended resource fits', pod: resourcePod([{ scalar: { [A]: 1 } }]), existing: {}, want: [] },
  {
    name: 'extended resource fits for init container',
    pod: resourcePod([{}], [{ scalar: { [A]: 1 } }]),
    existing: {},
    want: [],
  },
  {
    name: 'extended resource capacity enforced',
    pod: resourcePod([{ cpu: 1, mem: 1, scalar: { [A]: 10 } }]),
    existing: { scalar: { [A]: 0 } },
    want: [ins(A, 10, 0, 5)],
  },
  {
    name: 'extended resource capacity enforced for init container',
    pod: resourcePod([{}], [{ cpu: 1, mem: 1, scalar: { [A]: 10 } }]),
    existing: { scalar: { [A]: 0 } },
    want: [ins(A, 10, 0, 5)],
  },
  {
    name: 'extended resource allocatable enforced',
    pod: resourcePod([{ cpu: 1, mem: 1, scalar: { [A]: 1 } }]),
    existing: { scalar: { [A]: 5 } },
    want: [ins(A, 1, 5, 5)],
  },
  {
    name: 'extended resource allocatable enforced for init container',
    pod: resourcePod([{}], [{ cpu: 1, mem: 1, scalar: { [A]: 1 } }]),
    existing: { scalar: { [A]: 5 } },
    want: [ins(A, 1, 5, 5)],
  },
  {
    name: 'extended resource allocatable enforced for multiple containers',
    pod: resourcePod([
      { cpu: 1, mem: 1, scalar: { [A]: 3 } },
      { cpu: 1, mem: 1, scalar: { [A]: 3 } },
    ]),
    existing: { scalar: { [A]: 2 } },
    want: [ins(A, 6, 2, 5)],
  },
  {
    name: 'extended resource allocatable admits multiple init containers',
    pod: resourcePod(
      [{}],
      [
        { cpu: 1, mem: 1, scalar: { [A]: 3 } },
        { cpu: 1, mem: 1, scalar: { [A]: 3 } },
      ],
    ),
    existing: { scalar: { [A]: 2 } },
    want: [],
  },
  {
    name: 'extended resource allocatable enforced for multiple init containers',
    pod: resourcePod(
      [{}],
      [
        { cpu: 1, mem: 1, scalar: { [A]: 6 } },
        { cpu: 1, mem: 1, scalar: { [A]: 3 } },
      ],
    ),
    existing: { scalar: { [A]: 2 } },
    want: [ins(A, 6, 2, 5)],
  },
  {
    name: 'extended resource allocatable enforced for unknown resource',
    pod: resourcePod([{ cpu: 1, mem: 1, scalar: { [B]: 1 } }]),
    existing: {},
    want: [ins(B, 1, 0, 0)],
  },
  {
    name: 'extended resource allocatable enforced for unknown resource for init container',
    pod: resourcePod([{}], [{ cpu: 1, mem: 1, scalar: { [B]: 1 } }]),
    existing: {},
    want: [ins(B, 1, 0, 0)],
  },
  {
    name: 'kubernetes.io resource capacity enforced',
    pod: resourcePod([{ cpu: 1, mem: 1, scalar: { [K8S_A]: 10 } }]),
    existing: {},
    want: [ins(K8S_A, 10, 0, 0)],
  },
  {
    name: 'kubernetes.io resource capacity enforced for init container',
    pod: resourcePod([{}], [{ cpu: 1, mem: 1, scalar: { [K8S_B]: 10 } }]),
    existing: {},
    want: [ins(K8S_B, 10, 0, 0)],
  },
  {
    name: 'hugepages resource capacity enforced',
    pod: resourcePod([{ cpu: 1, mem: 1, scalar: { [HUGE]: 10 } }]),
    existing: { scalar: { [HUGE]: 0 } },
    want: [ins(HUGE, 10, 0, 5)],
  },
  {
    name: 'hugepages resource capacity enforced for init container',
    pod: resourcePod([{}], [{ cpu: 1, mem: 1, scalar: { [HUGE]: 10 } }]),
    existing: { scalar: { [HUGE]: 0 } },
    want: [ins(HUGE, 10, 0, 5)],
  },
  {
    name: 'hugepages resource allocatable enforced for multiple containers',
    pod: resourcePod([
      { cpu: 1, mem: 1, scalar: { [HUGE]: 3 } },
      { cpu: 1, mem: 1, scalar: { [HUGE]: 3 } },
    ]),
    existing: { scalar: { [HUGE]: 2 } },
    want: [ins(HUGE, 6, 2, 5)],
  },
  {
    name: 'skip checking ignored extended resource',
    pod: resourcePod([{ cpu: 1, mem: 1, scalar: { [B]: 1 } }]),
    existing: {},
    args: { ignoredResources: [B] },
    want: [],
  },
  {
    name: 'resources + pod overhead fits',
    pod: resourcePod([{ cpu: 1, mem: 1 }], [], { cpu: '3m', memory: '13' }),
    existing: { cpu: 5, mem: 5 },
    want: [],
  },
  {
    name: 'requests + overhead does not fit for memory',
    pod: resourcePod([{ cpu: 1, mem: 1 }], [], { cpu: '1m', memory: '15' }),
    existing: { cpu: 5, mem: 5 },
    want: [ins('memory', 16, 5, 20)],
  },
  {
    name: 'skip checking ignored extended resource via resource groups',
    pod: resourcePod([{ cpu: 1, mem: 1, scalar: { [B]: 1, [K8S_A]: 1 } }]),
    existing: {},
    args: { ignoredResourceGroups: ['example.com'] },
    want: [ins(K8S_A, 1, 0, 0)],
  },
  {
    name: 'skip checking extended resource request with quantity zero via resource groups',
    pod: resourcePod([{ cpu: 1, mem: 1, scalar: { [A]: 0 } }]),
    existing: { scalar: { [A]: 6 } },
    want: [],
  },
  {
    name: 'skip checking resource request with quantity zero',
    pod: resourcePod([{ scalar: { [A]: 1 } }]),
    existing: { cpu: 20, mem: 30, scalar: { [A]: 1 } },
    want: [],
  },
];

describe('NodeResourcesFit Filter: TestEnoughRequests', () => {
  it.each(enough)('$name', ({ pod, existing, args, want }) => {
    const node = fitNode();
    const status = runFilter(nodeResourcesFit(args), pod, node, [resourcePod([existing], [], undefined, 'node')]);
    if (want.length === 0) {
      expect(status.code).toBe('Success');
    } else {
      expect(status).toEqual({ code: 'Unschedulable', reasons: want.map((w) => w.reason) });
    }
    if (args === undefined) expect(fits(pod, newNodeInfo(node, [resourcePod([existing], [], undefined, 'node')]))).toEqual(want);
  });
});

// Ported from the same file (TestNotEnoughRequests): a node with room for one pod, which it has.
describe('NodeResourcesFit Filter: TestNotEnoughRequests', () => {
  it.each([
    { name: 'even without specified resources, predicate fails when there is no space for additional pod', pod: makePod().obj(), existing: { cpu: 10, mem: 20 } },
    { name: 'even if both resources fit, predicate fails when there is no space for additional pod', pod: resourcePod([{ cpu: 1, mem: 1 }]), existing: { cpu: 5, mem: 5 } },
    { name: 'even for equal edge case, predicate fails when there is no space for additional pod', pod: resourcePod([{ cpu: 5, mem: 1 }]), existing: { cpu: 5, mem: 19 } },
    {
      name: 'even for equal edge case, predicate fails when there is no space for additional pod due to init container',
      pod: resourcePod([{ cpu: 5, mem: 1 }], [{ cpu: 5, mem: 1 }]),
      existing: { cpu: 5, mem: 19 },
    },
  ])('$name', ({ pod, existing }) => {
    const node = makeNode('node').capacity({ cpu: '10m', memory: '20', pods: '1' }).obj();
    expect(runFilter(nodeResourcesFit(), pod, node, [resourcePod([existing], [], undefined, 'node')])).toEqual({
      code: 'Unschedulable',
      reasons: ['Too many pods'],
    });
  });
});

// Ported from the same file (TestStorageRequests).
describe('NodeResourcesFit Filter: TestStorageRequests', () => {
  it.each([
    { name: 'empty storage requested, and pod fits', pod: resourcePod([{ cpu: 1, mem: 1 }]), existing: { cpu: 2, mem: 10 }, reasons: [] },
    {
      name: 'storage ephemeral local storage request exceeds allocatable',
      pod: resourcePod([{ storage: 25 }]),
      existing: { cpu: 2, mem: 2 },
      reasons: ['Insufficient ephemeral-storage'],
    },
    {
      name: 'ephemeral local storage is sufficient',
      pod: resourcePod([{ storage: 5 }]),
      existing: { cpu: 2, mem: 2, storage: 10 },
      reasons: [],
    },
    { name: 'pod fits', pod: resourcePod([{ storage: 10 }]), existing: { cpu: 2, mem: 2 }, reasons: [] },
  ])('$name', ({ pod, existing, reasons }) => {
    const status = runFilter(nodeResourcesFit(), pod, fitNode(), [resourcePod([existing], [], undefined, 'node')]);
    expect(status.code).toBe(reasons.length === 0 ? 'Success' : 'Unschedulable');
    expect(status.reasons).toEqual(reasons);
  });
});

describe('NodeResourcesFit', () => {
  it('lists every lacking resource in upstream order: pods, cpu, memory, storage, scalar', () => {
    const node = makeNode('n').capacity({ cpu: '1', memory: '1Gi', pods: '1', 'ephemeral-storage': '1Gi' }).obj();
    const pod = makePod().req({ cpu: '2', memory: '2Gi', 'ephemeral-storage': '2Gi', [A]: '1' }).obj();
    expect(runFilter(nodeResourcesFit(), pod, node, [makePod().node('n').obj()]).reasons).toEqual([
      'Too many pods',
      'Insufficient cpu',
      'Insufficient memory',
      'Insufficient ephemeral-storage',
      `Insufficient ${A}`,
    ]);
  });

  it('without PreFilter, Filter computes the requests itself', () => {
    const info = newNodeInfo(fitNode(), []);
    const p = nodeResourcesFit();
    expect(p.filter(new CycleState(), resourcePod([{ cpu: 11 }]), info).reasons).toEqual(['Insufficient cpu']);
  });

  it('PreFilter succeeds for sidecar pods (SidecarContainers is on in v1.32)', () => {
    const pod = makePod().container().initReq({}, true).obj();
    const cycle = new CycleState();
    expect(nodeResourcesFit().preFilter(cycle, pod, buildSnapshot([])).status.code).toBe('Success');
  });
});

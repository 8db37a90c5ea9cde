import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../../src/model/types.js';
import {
  balancedResourceScorer,
  nodeResourcesBalancedAllocation,
} from '../../../../src/scheduler/plugins/node-resources/balanced-allocation.js';
import { makePod, runScore } from '../basic-builders.js';
import { resNode } from './scoring-helpers.js';

// Pod specs of upstream's table; nodeName says where an existing copy runs.
const cpuAndMemory = (node?: string): Pod => {
  const w = makePod().req({ cpu: '1000m', memory: '2000' }).req({ cpu: '2000m', memory: '3000' });
  return (node ? w.node(node) : w).obj();
};
const cpuOnly = (node?: string): Pod => {
  const w = makePod().req({ cpu: '1000m', memory: '0' }).req({ cpu: '2000m', memory: '0' });
  return (node ? w.node(node) : w).obj();
};
const cpuAndMemoryAndGPU = (node: string): Pod =>
  makePod().req({ cpu: '1000m', memory: '2000' }).req({ cpu: '2000m', memory: '3000', 'nvidia.com/gpu': '3' }).node(node).obj();

const cpuMemGpu = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
  { name: 'nvidia.com/gpu', weight: 1 },
];

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/balanced_allocation_test.go
// (TestNodeResourcesBalancedAllocation; the DRA cases are out of scope, and v1.32 has no
// best-effort Skip, see the last test).
describe('NodeResourcesBalancedAllocation', () => {
  it.each([
    {
      name: 'nothing scheduled, resources requested, differently sized nodes',
      pod: cpuAndMemory(),
      nodes: [resNode('node1', 4000, 10000), resNode('node2', 6000, 10000)],
      existing: [],
      expected: [87, 100],
      why: 'node1 cpu 0.75, mem 0.5, std 0.125 → 87; node2 std 0 → 100',
    },
    {
      name: 'resources requested, pods scheduled with resources',
      pod: cpuAndMemory(),
      nodes: [resNode('node1', 10000, 20000), resNode('node2', 10000, 20000)],
      existing: [cpuOnly('node1'), cpuAndMemory('node2')],
      expected: [82, 95],
      why: 'node1 0.6 vs 0.25 → std 0.175 → 82; node2 0.6 vs 0.5 → 0.05 → 95',
    },
    {
      name: 'resources requested, pods scheduled with resources, differently sized nodes',
      pod: cpuAndMemory(),
      nodes: [resNode('node1', 10000, 20000), resNode('node2', 10000, 50000)],
      existing: [cpuOnly('node1'), cpuAndMemory('node2')],
      expected: [82, 80],
      why: 'node2 0.6 vs 0.2 → std 0.2 → 80',
    },
    {
      name: 'requested resources at node capacity',
      pod: cpuOnly(),
      nodes: [resNode('node1', 6000, 10000), resNode('node2', 6000, 10000)],
      existing: [cpuOnly('node1'), cpuAndMemory('node2')],
      expected: [50, 75],
      why: 'node1 1 vs 0 → 0.5 → 50; node2 1 vs 0.5 → 0.25 → 75',
    },
    {
      name: 'include scalar resource on a node for balanced resource allocation',
      pod: makePod().req({ memory: '0', 'nvidia.com/gpu': '1' }).obj(),
      nodes: [resNode('node1', 3500, 40000, { 'nvidia.com/gpu': 8 }), resNode('node2', 3500, 40000, { 'nvidia.com/gpu': 8 })],
      existing: [cpuAndMemory('node2'), cpuAndMemoryAndGPU('node1')],
      resources: cpuMemGpu,
      expected: [70, 65],
      why: 'three fractions: population std; node1 (0.857, 0.125, 0.5) → 70; node2 (0.857, 0.125, 0.125) → 65',
    },
    {
      name: 'node without the scalar resource should skip the scalar resource',
      pod: cpuAndMemory(),
      nodes: [resNode('node1', 3500, 40000, { 'nvidia.com/gpu': 8 }), resNode('node2', 3500, 40000)],
      existing: [],
      resources: cpuMemGpu,
      expected: [63, 63],
      why: 'gpu not requested: 0.857 vs 0.125 → std 0.366 → 63',
    },
  ])('$name: $expected ($why)', ({ pod, nodes, existing, resources, expected }) => {
    const plugin = nodeResourcesBalancedAllocation(resources ? { resources } : {});
    const { scores, preScore } = runScore(plugin, pod, nodes, existing);
    expect(preScore?.code).toBe('Success');
    expect(scores.map((s) => s.score)).toEqual(expected);
  });

  it('scores the same without PreScore (upstream "if PreScore not called")', () => {
    const { scores } = runScore(
      nodeResourcesBalancedAllocation(),
      cpuAndMemory(),
      [resNode('node1', 10000, 20000), resNode('node2', 10000, 20000)],
      [cpuOnly('node1'), cpuAndMemory('node2')],
      { preScore: false },
    );
    expect(scores.map((s) => s.score)).toEqual([82, 95]);
  });

  it('v1.32 still scores best-effort pods (no PreScore Skip before v1.33)', () => {
    const { scores, preScore } = runScore(nodeResourcesBalancedAllocation(), makePod().obj(), [
      resNode('node1', 4000, 10000),
    ]);
    expect(preScore?.code).toBe('Success');
    expect(scores[0]!.score).toBe(100);
  });

  it.each`
    requested         | allocatable       | expected | why
    ${[3000, 5000]}   | ${[4000, 10000]}  | ${87}    | ${'|0.75 - 0.5| / 2 = 0.125'}
    ${[5000, 0]}      | ${[4000, 10000]}  | ${50}    | ${'fraction capped at 1'}
    ${[1, 1]}         | ${[0, 0]}         | ${100}   | ${'no resources: std 0'}
    ${[1, 0]}         | ${[2, 0]}         | ${100}   | ${'one resource: std 0'}
  `('balancedResourceScorer($requested, $allocatable) = $expected ($why)', ({ requested, allocatable, expected }) => {
    expect(balancedResourceScorer(requested, allocatable)).toBe(expected);
  });
});

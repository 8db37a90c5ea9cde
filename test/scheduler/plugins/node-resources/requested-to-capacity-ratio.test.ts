import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../../src/model/types.js';
import { nodeResourcesFit } from '../../../../src/scheduler/plugins/node-resources/fit.js';
import { buildBrokenLinearFunction } from '../../../../src/scheduler/plugins/node-resources/requested-to-capacity-ratio.js';
import { makeNode, makePod, runScore } from '../basic-builders.js';
import { defaultResources, resNode } from './scoring-helpers.js';

const n = (name: string, cap: Record<string, string>): Node => makeNode(name).capacity(cap).obj();
const GiB10 = 10000 * 1024 * 1024;

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio_test.go
// (TestRequestedToCapacityRatioScoringStrategy): shape {0: 10, 100: 0} (×10 → {0: 100, 100: 0})
// behaves like LeastAllocated, except that the weighted mean is rounded, not truncated.
describe('RequestedToCapacityRatio scoring strategy', () => {
  const shape = [
    { utilization: 0, score: 10 },
    { utilization: 100, score: 0 },
  ];
  it.each([
    {
      name: 'nothing scheduled, nothing requested',
      pod: makePod().obj(),
      nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '4000', memory: '10000' })],
      existing: [makePod().node('node1').obj(), makePod().node('node1').obj()],
      expected: [100, 100],
      why: 'utilization 0 → 100 on both resources',
    },
    {
      name: 'nothing scheduled, resources requested, differently sized nodes',
      pod: makePod().req({ cpu: '1000', memory: '2000' }).req({ cpu: '2000', memory: '3000' }).obj(),
      nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '6000', memory: '10000' })],
      existing: [makePod().node('node1').obj(), makePod().node('node1').obj()],
      expected: [38, 50],
      why: 'node1 cpu 75% → 25, memory 50% → 50, round(75 / 2) = 38; node2 (50 + 50) / 2',
    },
    {
      name: 'no resources requested, pods scheduled with resources',
      pod: makePod().obj(),
      nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '6000', memory: '10000' })],
      existing: [
        makePod().node('node1').req({ cpu: '3000', memory: '5000' }).obj(),
        makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj(),
      ],
      expected: [38, 50],
      why: 'as above, the requests now come from scheduled pods',
    },
  ])('$name: $expected ($why)', ({ pod, nodes, existing, expected }) => {
    const plugin = nodeResourcesFit({
      scoringStrategy: { type: 'RequestedToCapacityRatio', resources: defaultResources, requestedToCapacityRatio: { shape } },
    });
    expect(runScore(plugin, pod, nodes, existing).scores.map((s) => s.score)).toEqual(expected);
  });

  it('requires a shape', () => {
    expect(() => nodeResourcesFit({ scoringStrategy: { type: 'RequestedToCapacityRatio' } })).toThrow('shape');
  });
});

// Ported from the same file (TestBrokenLinearFunction); points are used as given, unscaled.
describe('buildBrokenLinearFunction', () => {
  it.each([
    {
      points: [
        { utilization: 10, score: 1 },
        { utilization: 90, score: 9 },
      ],
      assertions: [[-10, 1], [0, 1], [9, 1], [10, 1], [15, 1], [19, 1], [20, 2], [89, 8], [90, 9], [99, 9], [100, 9], [110, 9]],
    },
    {
      points: [
        { utilization: 0, score: 2 },
        { utilization: 40, score: 10 },
        { utilization: 100, score: 0 },
      ],
      assertions: [[-10, 2], [0, 2], [20, 6], [30, 8], [40, 10], [70, 5], [100, 0], [110, 0]],
    },
    {
      points: [
        { utilization: 0, score: 2 },
        { utilization: 40, score: 2 },
        { utilization: 100, score: 2 },
      ],
      assertions: [[-10, 2], [0, 2], [20, 2], [30, 2], [40, 2], [70, 2], [100, 2], [110, 2]],
    },
  ])('shape %#', ({ points, assertions }) => {
    const f = buildBrokenLinearFunction(points);
    for (const [p, want] of assertions) expect([p, f(p!)]).toEqual([p, want]);
  });
});

interface BinCase {
  name: string;
  pod: Pod;
  existing: Pod[];
  expected: number[];
  why: string;
}

// Ported from the same file (TestResourceBinPackingSingleExtended): shape {0: 0, 100: 1}, ×10
// scaling makes it {0: 0, 100: 10}; only intel.com/foo (weight 1) is scored.
describe('RequestedToCapacityRatio bin packing, one extended resource', () => {
  const nodes = [
    resNode('node1', 4000, GiB10, { 'intel.com/foo': 8 }),
    resNode('node2', 4000, GiB10, { 'intel.com/foo': 4 }),
  ];
  const cases: BinCase[] = [
    { name: 'nothing scheduled, nothing requested', pod: makePod().obj(), existing: [], expected: [0, 0], why: 'not requested: left out' },
    {
      name: 'resources requested, pods scheduled with less resources',
      pod: makePod().req({ 'intel.com/foo': '2' }).obj(),
      existing: [makePod().obj()],
      expected: [2, 5],
      why: 'node1 2/8 → 25% → 2; node2 2/4 → 50% → 5',
    },
    {
      name: 'resources requested, pods scheduled with resources, on node with existing pod running',
      pod: makePod().req({ 'intel.com/foo': '2' }).obj(),
      existing: [makePod().req({ 'intel.com/foo': '2' }).node('node2').obj()],
      expected: [2, 10],
      why: 'node2 (2 + 2)/4 → 100% → 10',
    },
    {
      name: 'resources requested, pods scheduled with more resources',
      pod: makePod().req({ 'intel.com/foo': '4' }).obj(),
      existing: [makePod().obj()],
      expected: [5, 10],
      why: 'node1 4/8 → 5; node2 4/4 → 10',
    },
  ];
  it.each(cases)('$name: $expected ($why)', ({ pod, existing, expected }) => {
    const plugin = nodeResourcesFit({
      scoringStrategy: {
        type: 'RequestedToCapacityRatio',
        resources: [{ name: 'intel.com/foo', weight: 1 }],
        requestedToCapacityRatio: {
          shape: [
            { utilization: 0, score: 0 },
            { utilization: 100, score: 1 },
          ],
        },
      },
    });
    expect(runScore(plugin, pod, nodes, existing).scores.map((s) => s.score)).toEqual(expected);
  });
});

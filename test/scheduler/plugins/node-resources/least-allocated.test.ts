import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../../src/model/types.js';
import { nodeResourcesFit } from '../../../../src/scheduler/plugins/node-resources/fit.js';
import { leastRequestedScore } from '../../../../src/scheduler/plugins/node-resources/least-allocated.js';
import type { ResourceSpec } from '../../../../src/scheduler/plugins/node-resources/resource-allocation.js';
import { makeNode, makePod, runScore } from '../basic-builders.js';
import { defaultResources, extendedRes, extendedResourceSet } from './scoring-helpers.js';

const n = (name: string, cap: Record<string, string>): Node => makeNode(name).capacity(cap).obj();
const twoContainers = () => makePod().req({ cpu: '1000', memory: '2000' }).req({ cpu: '2000', memory: '3000' });

interface Case {
  name: string;
  pod: Pod;
  nodes: Node[];
  existing?: Pod[];
  resources: ResourceSpec[];
  expected: number[];
  why: string;
}

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/least_allocated_test.go
// (TestLeastAllocatedScoringStrategy). Capacities like cpu "4000" are whole cores, as upstream.
const cases: Case[] = [
  {
    name: 'nothing scheduled, nothing requested',
    pod: makePod().obj(),
    nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '4000', memory: '10000' })],
    resources: defaultResources,
    expected: [100, 100],
    why: '(100 + 100) / 2',
  },
  {
    name: 'nothing scheduled, resources requested, differently sized nodes',
    pod: twoContainers().obj(),
    nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '6000', memory: '10000' })],
    resources: defaultResources,
    expected: [37, 50],
    why: 'node1 (25 + 50) / 2; node2 (50 + 50) / 2',
  },
  {
    name: 'no resources requested, pods scheduled',
    pod: makePod().obj(),
    nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '4000', memory: '10000' })],
    existing: [makePod().node('node1').obj(), makePod().node('node1').obj(), makePod().node('node2').obj(), makePod().node('node2').obj()],
    resources: defaultResources,
    expected: [100, 100],
    why: 'pods without containers add no non-zero requests',
  },
  {
    name: 'no resources requested, pods scheduled with resources',
    pod: makePod().obj(),
    nodes: [n('node1', { cpu: '10000', memory: '20000' }), n('node2', { cpu: '10000', memory: '20000' })],
    existing: [
      makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(),
      makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(),
      makePod().node('node2').req({ cpu: '3000', memory: '0' }).obj(),
      makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj(),
    ],
    resources: defaultResources,
    expected: [70, 57],
    why: 'node1 (40 + 100) / 2; node2 (40 + 75) / 2',
  },
  {
    name: 'resources requested, pods scheduled with resources',
    pod: twoContainers().obj(),
    nodes: [n('node1', { cpu: '10000', memory: '20000' }), n('node2', { cpu: '10000', memory: '20000' })],
    existing: [
      makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(),
      makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj(),
    ],
    resources: defaultResources,
    expected: [57, 45],
    why: 'node1 (40 + 75) / 2; node2 (40 + 50) / 2',
  },
  {
    name: 'resources requested, pods scheduled with resources, differently sized nodes',
    pod: twoContainers().obj(),
    nodes: [n('node1', { cpu: '10000', memory: '20000' }), n('node2', { cpu: '10000', memory: '50000' })],
    existing: [
      makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(),
      makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj(),
    ],
    resources: defaultResources,
    expected: [57, 60],
    why: 'node1 (40 + 75) / 2; node2 (40 + 80) / 2',
  },
  {
    name: 'requested resources exceed node capacity',
    pod: makePod().req({ cpu: '3000', memory: '0' }).obj(),
    nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '4000', memory: '10000' })],
    existing: [
      makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(),
      makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj(),
    ],
    resources: defaultResources,
    expected: [50, 25],
    why: 'cpu 6000 > 4000 scores 0; node1 (0 + 100) / 2; node2 (0 + 50) / 2',
  },
  {
    name: 'zero node resources, pods scheduled with resources',
    pod: makePod().obj(),
    nodes: [makeNode('node1').obj(), makeNode('node2').obj()],
    existing: [
      makePod().node('node1').req({ cpu: '3000', memory: '0' }).obj(),
      makePod().node('node2').req({ cpu: '3000', memory: '5000' }).obj(),
    ],
    resources: defaultResources,
    expected: [0, 0],
    why: 'no allocatable: every resource is skipped, weightSum 0',
  },
  {
    name: 'nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes',
    pod: twoContainers().node('node1').obj(),
    nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '6000', memory: '10000' })],
    resources: [
      { name: 'memory', weight: 2 },
      { name: 'cpu', weight: 1 },
    ],
    expected: [41, 50],
    why: 'node1 (25×1 + 50×2) / 3; node2 (50×1 + 50×2) / 3',
  },
  {
    name: 'bypass extended resource if the pod does not request',
    pod: twoContainers().node('node1').obj(),
    nodes: [n('node1', { cpu: '6000', memory: '10000' }), n('node2', { cpu: '6000', memory: '10000', [extendedRes]: '4' })],
    resources: extendedResourceSet,
    expected: [50, 50],
    why: '(50 + 50) / 2 on both; the extended resource is left out',
  },
  {
    name: 'honor extended resource if the pod requests',
    pod: makePod().node('node1').req({ cpu: '3000', memory: '5000', [extendedRes]: '2' }).obj(),
    nodes: [
      n('node1', { cpu: '6000', memory: '10000', [extendedRes]: '4' }),
      n('node2', { cpu: '6000', memory: '10000', [extendedRes]: '10' }),
    ],
    resources: extendedResourceSet,
    expected: [50, 60],
    why: 'node1 (50 + 50 + 50) / 3; node2 (50 + 50 + 80) / 3',
  },
  {
    name: "if the node doesn't have a resource",
    pod: makePod().node('node1').req({ cpu: '3000', memory: '4000' }).obj(),
    nodes: [n('node1', { cpu: '6000', memory: '10000' }), n('node2', { cpu: '6000', memory: '10000', [extendedRes]: '4' })],
    resources: [
      { name: extendedRes, weight: 2 },
      { name: 'cpu', weight: 1 },
      { name: 'memory', weight: 1 },
    ],
    expected: [55, 55],
    why: '(50 + 60) / 2',
  },
];

describe('LeastAllocated scoring strategy', () => {
  it.each(cases)('$name: $expected ($why)', ({ pod, nodes, existing, resources, expected }) => {
    const plugin = nodeResourcesFit({ scoringStrategy: { type: 'LeastAllocated', resources } });
    const { scores, preScore } = runScore(plugin, pod, nodes, existing ?? []);
    expect(preScore?.code).toBe('Success');
    expect(scores.map((s) => s.score)).toEqual(expected);
  });

  // Same file: weights outside [1, 100] are rejected by argument validation.
  it.each`
    resources                                                              | field
    ${[{ name: 'memory', weight: -1 }, { name: 'cpu', weight: 1 }]}        | ${'scoringStrategy.resources[0].weight'}
    ${[{ name: 'memory', weight: 1 }, { name: 'cpu', weight: 0 }]}         | ${'scoringStrategy.resources[1].weight'}
    ${[{ name: 'memory', weight: 1 }, { name: 'cpu', weight: 101 }]}       | ${'scoringStrategy.resources[1].weight'}
  `('rejects $field', ({ resources, field }) => {
    expect(() => nodeResourcesFit({ scoringStrategy: { type: 'LeastAllocated', resources } })).toThrow(field);
  });

  it.each`
    requested | capacity | expected | why
    ${3000}   | ${4000}  | ${25}    | ${'(4000 - 3000) × 100 / 4000'}
    ${1}      | ${3}     | ${66}    | ${'200 / 3 truncates'}
    ${5}      | ${4}     | ${0}     | ${'over capacity'}
    ${0}      | ${0}     | ${0}     | ${'no capacity'}
  `('leastRequestedScore($requested, $capacity) = $expected ($why)', ({ requested, capacity, expected }) => {
    expect(leastRequestedScore(requested, capacity)).toBe(expected);
  });
});

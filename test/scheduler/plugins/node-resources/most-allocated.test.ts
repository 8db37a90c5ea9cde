import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../../src/model/types.js';
import { nodeResourcesFit } from '../../../../src/scheduler/plugins/node-resources/fit.js';
import { mostRequestedScore } from '../../../../src/scheduler/plugins/node-resources/most-allocated.js';
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

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/most_allocated_test.go
// (TestMostAllocatedScoringStrategy).
const cases: Case[] = [
  {
    name: 'nothing scheduled, nothing requested',
    pod: makePod().obj(),
    nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '4000', memory: '10000' })],
    resources: defaultResources,
    expected: [0, 0],
    why: '(0 + 0) / 2',
  },
  {
    name: 'nothing scheduled, resources requested, differently sized nodes',
    pod: twoContainers().obj(),
    nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '6000', memory: '10000' })],
    resources: defaultResources,
    expected: [62, 50],
    why: 'node1 (75 + 50) / 2; node2 (50 + 50) / 2',
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
    expected: [30, 42],
    why: 'node1 (60 + 0) / 2; node2 (60 + 25) / 2',
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
    expected: [42, 55],
    why: 'node1 (60 + 25) / 2; node2 (60 + 50) / 2',
  },
  {
    name: 'resources requested equal node capacity',
    pod: makePod().req({ cpu: '2000', memory: '4000' }).req({ cpu: '3000', memory: '5000' }).obj(),
    nodes: [n('node1', { cpu: '5000', memory: '10000' }), n('node2', { cpu: '10000', memory: '9000' })],
    resources: defaultResources,
    expected: [95, 75],
    why: 'node1 (100 + 90) / 2; node2 (50 + 100) / 2',
  },
  {
    name: 'nothing scheduled, resources requested, differently sized nodes, memory weight 2',
    pod: twoContainers().obj(),
    nodes: [n('node1', { cpu: '4000', memory: '10000' }), n('node2', { cpu: '6000', memory: '10000' })],
    resources: [
      { name: 'memory', weight: 2 },
      { name: 'cpu', weight: 1 },
    ],
    expected: [58, 50],
    why: 'node1 (75×1 + 50×2) / 3; node2 (50×1 + 50×2) / 3',
  },
  {
    name: 'no resources requested, pods scheduled, nonzero request for resource',
    pod: makePod().container().obj(),
    nodes: [n('node1', { cpu: '250m', memory: '1000Mi' }), n('node2', { cpu: '250m', memory: '1000Mi' })],
    existing: [makePod().node('node1').container().obj(), makePod().node('node1').container().obj()],
    resources: defaultResources,
    expected: [80, 30],
    why: 'defaults 100m/200Mi: node1 cpu 300/250 → 100, mem 600/1000 → 60; node2 (40 + 20) / 2',
  },
  {
    name: 'bypass extended resource if the pod does not request',
    pod: twoContainers().obj(),
    nodes: [n('node1', { cpu: '6000', memory: '10000' }), n('node2', { cpu: '6000', memory: '10000', [extendedRes]: '4' })],
    resources: extendedResourceSet,
    expected: [50, 50],
    why: '(50 + 50) / 2',
  },
  {
    name: 'honor extended resource if the pod request',
    pod: makePod().node('node1').req({ cpu: '3000', memory: '5000', [extendedRes]: '2' }).obj(),
    nodes: [
      n('node1', { cpu: '6000', memory: '10000', [extendedRes]: '4' }),
      n('node2', { cpu: '6000', memory: '10000', [extendedRes]: '10' }),
    ],
    resources: extendedResourceSet,
    expected: [50, 40],
    why: 'node1 (50 + 50 + 50) / 3; node2 (50 + 50 + 20) / 3',
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
    expected: [45, 45],
    why: '(50 + 40) / 2',
  },
];

describe('MostAllocated scoring strategy', () => {
  it.each(cases)('$name: $expected ($why)', ({ pod, nodes, existing, resources, expected }) => {
    const plugin = nodeResourcesFit({ scoringStrategy: { type: 'MostAllocated', resources } });
    const { scores } = runScore(plugin, pod, nodes, existing ?? []);
    expect(scores.map((s) => s.score)).toEqual(expected);
  });

  it.each`
    resources                                                        | field
    ${[{ name: 'memory', weight: -1 }, { name: 'cpu', weight: 1 }]}  | ${'scoringStrategy.resources[0].weight'}
    ${[{ name: 'memory', weight: 1 }, { name: 'cpu', weight: 0 }]}   | ${'scoringStrategy.resources[1].weight'}
    ${[{ name: 'memory', weight: 101 }]}                             | ${'scoringStrategy.resources[0].weight'}
  `('rejects $field', ({ resources, field }) => {
    expect(() => nodeResourcesFit({ scoringStrategy: { type: 'MostAllocated', resources } })).toThrow(field);
  });

  it.each`
    requested | capacity | expected | why
    ${3000}   | ${4000}  | ${75}    | ${'3000 × 100 / 4000'}
    ${2}      | ${3}     | ${66}    | ${'200 / 3 truncates'}
    ${300}    | ${250}   | ${100}   | ${'clamped to capacity'}
    ${1}      | ${0}     | ${0}     | ${'no capacity'}
  `('mostRequestedScore($requested, $capacity) = $expected ($why)', ({ requested, capacity, expected }) => {
    expect(mostRequestedScore(requested, capacity)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import type { Node } from '../../../src/model/types.js';
import { calculatePriority, imageLocality, normalizedImageName } from '../../../src/scheduler/plugins/image-locality.js';
import { makeNode, makePod, runScore } from './basic-builders.js';

const mb = 1024 * 1024;
const node403002000 = (name: string): Node =>
  makeNode(name)
    .images([
      { names: ['gcr.io/40:latest', 'gcr.io/40:v1', 'gcr.io/40:v1'], sizeBytes: 40 * mb },
      { names: ['gcr.io/300:latest', 'gcr.io/300:v1'], sizeBytes: 300 * mb },
      { names: ['gcr.io/2000:latest'], sizeBytes: 2000 * mb },
    ])
    .obj();
const node25010 = (name: string): Node =>
  makeNode(name)
    .images([
      { names: ['gcr.io/250:latest'], sizeBytes: 250 * mb },
      { names: ['gcr.io/10:latest', 'gcr.io/10:v1'], sizeBytes: 10 * mb },
    ])
    .obj();

const podWith = (...images: string[]) => {
  const w = makePod();
  for (const i of images) w.container(i);
  return w.obj();
};

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/imagelocality/image_locality_test.go
// (TestImageLocalityPriority). score = 100 × (Σ size × numNodes/totalNodes - 23MB) / (1000MB × containers - 23MB).
describe('ImageLocality', () => {
  it.each([
    {
      name: 'two images spread on two nodes, prefer the larger image one',
      pod: podWith('gcr.io/40', 'gcr.io/250'),
      nodes: [node403002000('machine1'), node25010('machine2')],
      expected: [0, 5],
      why: 'node1 40MB/2 < 23MB → 0; node2 100 × (125MB - 23MB) / (2000MB - 23MB) = 5',
    },
    {
      name: 'two images on one node, prefer this node',
      pod: podWith('gcr.io/40', 'gcr.io/300'),
      nodes: [node403002000('machine1'), node25010('machine2')],
      expected: [7, 0],
      why: '100 × ((40 + 300)MB / 2 - 23MB) / 1977MB = 7',
    },
    {
      name: 'if exceed limit, use limit',
      pod: podWith('gcr.io/2000', 'gcr.io/10'),
      nodes: [node403002000('machine1'), node25010('machine2')],
      expected: [49, 0],
      why: '100 × (1000MB - 23MB) / 1977MB = 49',
    },
    {
      name: 'if exceed limit, use limit (with node which has no images present)',
      pod: podWith('gcr.io/2000', 'gcr.io/10'),
      nodes: [node403002000('machine1'), node25010('machine2'), makeNode('machine3').obj()],
      expected: [32, 0, 0],
      why: 'spread 1/3: 100 × (666.6MB - 23MB) / 1977MB = 32',
    },
    {
      name: 'init containers count too',
      pod: makePod().initImage('gcr.io/300').container('gcr.io/10').obj(),
      nodes: [node403002000('machine1'), node25010('machine2')],
      expected: [6, 0],
      why: 'node1 100 × (150MB - 23MB) / 1977MB = 6; node2 5MB < 23MB',
    },
  ])('$name: $expected ($why)', ({ pod, nodes, expected }) => {
    expect(runScore(imageLocality, pod, nodes).scores.map((s) => s.score)).toEqual(expected);
  });

  it.each`
    name                               | expected
    ${'gcr.io/40'}                     | ${'gcr.io/40:latest'}
    ${'gcr.io/40:v1'}                  | ${'gcr.io/40:v1'}
    ${'localhost:5000/app'}            | ${'localhost:5000/app:latest'}
    ${'localhost:5000/app:1'}          | ${'localhost:5000/app:1'}
  `('normalizedImageName($name) = $expected', ({ name, expected }) => {
    expect(normalizedImageName(name)).toBe(expected);
  });

  it.each`
    sum           | containers | expected
    ${0}          | ${1}       | ${0}
    ${23 * mb}    | ${1}       | ${0}
    ${5000 * mb}  | ${1}       | ${100}
    ${0}          | ${0}       | ${0}
  `('calculatePriority($sum, $containers) = $expected', ({ sum, containers, expected }) => {
    expect(calculatePriority(sum, containers)).toBe(expected);
  });
});

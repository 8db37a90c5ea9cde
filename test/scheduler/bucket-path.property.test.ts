/**
 * The bucketed cycle (fast-buckets.ts): when a cycle looks at every node, the indexed cycle
 * filters and scores once per bucket of nodes in the same state and breaks ties by counting
 * nodes over tied buckets. It must bind every pod where the plain schedulePod does.
 *
 * The clusters here are what makes buckets matter: many nodes cut from two or three shapes
 * (so dozens of nodes share a bucket and ties span buckets), sometimes over 100 nodes with
 * percentageOfNodesToScore 100; pods from a few ReplicaSets (the system default spreading
 * makes the nodes holding a ReplicaSet's pods "special"), of a few sizes, some with a
 * nodeSelector, preferred node affinity or a toleration, some pods deleted on the way and
 * some nodes cordoned or relabelled, so rows move between buckets.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BoundPods, expectSameDecision, profileFor, shapedNode, shapedPod } from './equivalence-support.js';
import type { Node, Pod } from '../../src/model/types.js';
import { Rng } from '../../src/clock/rng.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { resolveConfiguration } from '../../src/scheduler/config.js';
import { fastSchedulePod } from '../../src/scheduler/fast-cycle.js';
import { NamespacedListers } from '../../src/scheduler/listers.js';
import { NodeTable } from '../../src/scheduler/node-table.js';
import { buildProfile, pluginPoints } from '../../src/scheduler/profile.js';
import { DEFAULT_REGISTRY } from '../../src/scheduler/plugins/registry.js';
import { schedulePod, type ScanState } from '../../src/scheduler/schedule-one.js';

const SHAPES = [
  { cpu: '4', memory: '16Gi', pods: 10, disk: 'ssd' },
  { cpu: '8', memory: '32Gi', pods: 110, disk: 'hdd' },
  { cpu: '4', memory: '16Gi', pods: 110, disk: 'ssd', taint: true },
] as const;
const APPS = ['a', 'b', 'c', 'd'];

const CONFIGS = {
  binpack: {
    profiles: [{ percentageOfNodesToScore: 100, pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }],
  },
  full: { percentageOfNodesToScore: 100 },
  // Weights other than 1 (the class cycle sums weighted allocation scores in histograms).
  weighted: {
    profiles: [
      {
        percentageOfNodesToScore: 100,
        plugins: { score: { enabled: [{ name: 'NodeResourcesBalancedAllocation', weight: 4 }] } },
        pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'LeastAllocated', resources: [{ name: 'memory', weight: 3 }, { name: 'cpu', weight: 1 }] } } }],
      },
    ],
  },
  noScores: {
    profiles: [{ percentageOfNodesToScore: 100, plugins: { score: { disabled: [{ name: '*' }] } } }],
  },
} as const;

const nodeGroupArb = fc.record({ shape: fc.integer({ min: 0, max: SHAPES.length - 1 }), zone: fc.constantFrom('z1', 'z2', 'z3'), count: fc.integer({ min: 1, max: 60 }) });

const podArb = fc.record({
  app: fc.option(fc.constantFrom(...APPS), { nil: undefined }),
  cpu: fc.constantFrom(0, 250, 500, 1000, 3000),
  memMi: fc.constantFrom(0, 256, 1024, 8192),
  ssd: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
  prefer: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
  tolerate: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
  image: fc.constantFrom('img-a', 'other'),
  deleteAfter: fc.integer({ min: 0, max: 30 }),
  /** After this pod: 0 nothing, 1 cordon/uncordon a node, 2 relabel a node's disk. */
  event: fc.constantFrom(0, 0, 0, 0, 0, 0, 1, 2),
});
type PodIn = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

interface NodeIn {
  readonly shape: number;
  readonly zone: string;
  cordoned: boolean;
  disk?: string;
}

function makeNode(i: number, n: NodeIn): Node {
  // Shape 1 holds image img-a (ImageLocality scores it); the others report no images.
  return shapedNode(i, SHAPES[n.shape]!, n, n.shape === 1 ? [{ names: ['img-a:latest'], sizeBytes: 500 * 1024 * 1024 }] : []);
}

function makePod(i: number, p: PodIn): Pod {
  return shapedPod(i, p, p.image);
}

describe('bucketed scheduling cycle', () => {
  it.each(Object.keys(CONFIGS) as (keyof typeof CONFIGS)[])('binds every pod where schedulePod does (%s profile)', (which) => {
    let decidedFast = 0;
    let total = 0;
    let shared = 0;
    const clusterArb = fc.record({
      groups: fc.array(nodeGroupArb, { minLength: 1, maxLength: 5 }),
      pods: fc.array(podArb, { minLength: 1, maxLength: 120 }),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(clusterArb, ({ groups, pods, seed }) => {
        const listers = new NamespacedListers();
        for (const app of APPS) {
          listers.apply({
            kind: 'ReplicaSet',
            object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `rs-${app}`, namespace: 'ns' }, spec: { selector: { matchLabels: { app } } } } as never,
            oldObject: undefined,
          } as never);
        }
        const { config, profile } = profileFor(CONFIGS[which], listers, seed);
        const cache = new SchedulerCache();
        const table = new NodeTable(cache);
        const nodes: NodeIn[] = groups.flatMap((g) => Array.from({ length: g.count }, () => ({ shape: g.shape, zone: g.zone, cordoned: false })));
        nodes.forEach((n, i) => cache.setNode(makeNode(i, n)));
        const rngFast = Rng.root(seed);
        const rngPlain = Rng.root(seed);
        const scanFast: ScanState = { nextStartNodeIndex: 0 };
        const scanPlain: ScanState = { nextStartNodeIndex: 0 };
        const position = (name: string) => cache.nodes.findIndex((n) => n.name === name);
        const bound = new BoundPods(cache);
        pods.forEach((spec, i) => {
          const pod = makePod(i, spec);
          const common = { profile, pod, snapshot: cache, percentageOfNodesToScore: config.percentageOfNodesToScore };
          const fast = fastSchedulePod({ ...common, rng: rngFast, scan: scanFast }, table, position);
          total++;
          if (fast !== undefined) decidedFast++;
          if (table.buckets.live.length < table.size) shared++;
          const a = fast ?? schedulePod({ ...common, rng: rngFast, scan: scanFast }, position);
          const b = schedulePod({ ...common, rng: rngPlain, scan: scanPlain }, position);
          expectSameDecision(a, b, scanFast, scanPlain, `pod ${i}`);
          bound.bind(pod, a.nodeName, i + spec.deleteAfter);
          bound.expire(i);
          const victim = (i * 7) % nodes.length;
          if (spec.event === 1) nodes[victim]!.cordoned = !nodes[victim]!.cordoned;
          else if (spec.event === 2) nodes[victim]!.disk = nodes[victim]!.disk === 'hdd' ? 'ssd' : 'hdd';
          if (spec.event !== 0) cache.setNode(makeNode(victim, nodes[victim]!));
        });
      }),
      { numRuns: 40, seed: 20251122 },
    );
    // About the bucketed cycle: most pods go through it, and buckets do hold several nodes.
    expect(decidedFast / total).toBeGreaterThan(0.7);
    expect(shared / total).toBeGreaterThan(0.5);
  });
});

describe('bucketed scheduling cycle, by example', () => {
  it('does not mix a node at its pod limit with one of the same requests below it', () => {
    // n0 holds one pod (500m, 1Gi); n1..n5 two pods (250m, 512Mi) each: the same requested
    // totals, but with pods: 2 only n0 has room. Only pod count tells the buckets apart.
    const listers = new NamespacedListers();
    const config = resolveConfiguration(CONFIGS.noScores as never, pluginPoints(DEFAULT_REGISTRY));
    const profile = buildProfile(config.profiles[0]!, DEFAULT_REGISTRY, { listers, rngFor: (name: string) => Rng.root(`1/${name}`) });
    const cache = new SchedulerCache();
    const table = new NodeTable(cache);
    for (let i = 0; i < 6; i++) {
      const node = makeNode(i, { shape: 0, zone: 'z1', cordoned: false }) as unknown as { status: { allocatable: Record<string, string> } };
      cache.setNode({ ...node, status: { ...node.status, allocatable: { ...node.status.allocatable, pods: '2' } } } as unknown as Node);
    }
    const place = (name: string, node: string, cpu: number, memMi: number) => {
      const pod = makePod(0, { app: undefined, cpu, memMi, ssd: false, prefer: false, tolerate: false, image: 'other', deleteAfter: 0, event: 0 } as PodIn);
      cache.updatePod(undefined, { ...pod, metadata: { ...pod.metadata, name }, spec: { ...pod.spec, nodeName: node } } as Pod);
    };
    place('x', 'n0', 500, 1024);
    for (let i = 1; i < 6; i++) {
      place(`y${i}`, `n${i}`, 250, 512);
      place(`z${i}`, `n${i}`, 250, 512);
    }
    const pod = makePod(99, { app: undefined, cpu: 250, memMi: 0, ssd: false, prefer: false, tolerate: false, image: 'other', deleteAfter: 0, event: 0 } as PodIn);
    const o = { profile, pod, snapshot: cache, percentageOfNodesToScore: 100, rng: Rng.root(1), scan: { nextStartNodeIndex: 0 } };
    const r = fastSchedulePod(o, table);
    expect(r?.nodeName).toBe('n0');
    expect(r?.feasibleNodes).toBe(1);
  });
});

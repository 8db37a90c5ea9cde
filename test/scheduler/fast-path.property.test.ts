/**
 * The indexed cycle (fast-cycle.ts over node-table.ts) must decide exactly as the plain
 * schedulePod. For random clusters (labels, zones, NoSchedule / PreferNoSchedule / NoExecute
 * taints, cordoned nodes, images; sometimes over 100 nodes so percentageOfNodesToScore cuts the
 * scan short) and random pods (requests, nodeSelectors incl. the hostname label, required and
 * preferred node affinity, tolerations, images, host ports, ReplicaSet owners for the system
 * default spreading, topology spread, pod (anti-)affinity, pods too big for any node, a
 * nominated node that may or may not fit or exist), every
 * pod is scheduled twice against the same cache with equal random streams and scan positions:
 * once as the Scheduler does (indexed cycle, plain cycle when it declines) and once plainly.
 * Node, nextStartNodeIndex, error and FailedScheduling message must be equal every time.
 * Nodes change on the way (cordoned, relabelled, added) and bound pods are deleted, so the
 * table's refreshes are exercised.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BoundPods, expectSameDecision, profileFor, replicaSetListers } from './equivalence-support.js';
import type { Node, Pod } from '../../src/model/types.js';
import { Rng } from '../../src/clock/rng.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { fastSchedulePod } from '../../src/scheduler/fast-cycle.js';
import { NodeTable } from '../../src/scheduler/node-table.js';
import { schedulePod, type ScanState } from '../../src/scheduler/schedule-one.js';

const ZONES = ['z1', 'z2', 'z3'];
const APPS = ['a', 'b', 'c'];
const NAMESPACES = ['ns1', 'ns2'];
const TAINTS = [
  { key: 'dedicated', value: 'x', effect: 'NoSchedule' },
  { key: 'dedicated', value: 'x', effect: 'PreferNoSchedule' },
  { key: 'spot', value: 'true', effect: 'PreferNoSchedule' },
  { key: 'gpu', effect: 'NoExecute' },
] as const;
const IMAGES = [
  { names: ['img-a:latest'], sizeBytes: 300 * 1024 * 1024 },
  { names: ['img-b:1'], sizeBytes: 800 * 1024 * 1024 },
  { names: ['img-c:latest', 'registry/img-c:latest'], sizeBytes: 50 * 1024 * 1024 },
];

const nodeArb = fc.record({
  cpu: fc.constantFrom(2000, 4000, 8000),
  memGi: fc.constantFrom(4, 8, 16),
  pods: fc.constantFrom(3, 10, 110),
  zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
  disk: fc.constantFrom('ssd', 'hdd'),
  tier: fc.option(fc.constantFrom('web', 'db'), { nil: undefined }),
  taints: fc.subarray([0, 1, 2, 3], { maxLength: 2 }),
  cordoned: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
  images: fc.subarray([0, 1, 2]),
});
type NodeIn = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;

const termArb = fc.record({
  app: fc.constantFrom(...APPS),
  key: fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone'),
  nsList: fc.option(fc.subarray(NAMESPACES, { minLength: 1 }), { nil: undefined }),
});

const podArb = fc.record({
  app: fc.constantFrom(...APPS),
  ns: fc.constantFrom(...NAMESPACES),
  owned: fc.boolean(),
  cpu: fc.constantFrom(0, 100, 500, 1000, 1500, 9000),
  memMi: fc.constantFrom(0, 128, 512, 2048),
  selector: fc.constantFrom(undefined, undefined, 'ssd', 'hdd', 'host'),
  required: fc.option(fc.constantFrom('tier-in', 'tier-exists', 'host-in', 'name-field'), { nil: undefined }),
  preferred: fc.option(fc.subarray(['disk', 'zone', 'host', 'tier'] as const, { minLength: 1 }), { nil: undefined }),
  tolerate: fc.constantFrom('none', 'dedicated', 'all', 'prefer'),
  image: fc.constantFrom('img-a', 'img-b:1', 'img-c', 'other'),
  hostPort: fc.option(fc.constantFrom(8080, 9090), { nil: undefined }),
  spread: fc.option(
    fc.record({ key: fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone'), hard: fc.boolean(), maxSkew: fc.integer({ min: 1, max: 3 }) }),
    { nil: undefined },
  ),
  affinity: fc.option(fc.record({ kind: fc.constantFrom('reqAff', 'reqAnti', 'prefAff', 'prefAnti'), term: termArb }), { nil: undefined }),
  /**
   * status.nominatedNodeName (left by a preemption): the k-th node from the end of the list
   * (where a short scan stops before it), or with k = 10 a node that is gone.
   */
  nominate: fc.option(fc.integer({ min: 0, max: 10 }), { freq: 3, nil: undefined }),
  deleteAfter: fc.integer({ min: 0, max: 12 }),
  /** Something happens to a node after this pod: 0 nothing, 1 cordon/uncordon, 2 relabel, 3 add a node. */
  event: fc.constantFrom(0, 0, 0, 0, 1, 2, 3),
});
type PodIn = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function makeNode(i: number, n: NodeIn): Node {
  const labels: Record<string, string> = { 'kubernetes.io/hostname': `n${i}`, disk: n.disk };
  if (n.zone) labels['topology.kubernetes.io/zone'] = n.zone;
  if (n.tier) labels.tier = n.tier;
  const spec: Record<string, unknown> = {};
  if (n.taints.length > 0) spec.taints = n.taints.map((t) => ({ ...TAINTS[t]! }));
  if (n.cordoned) spec.unschedulable = true;
  return Object.freeze({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `n${i}`, labels },
    spec,
    status: {
      allocatable: { cpu: `${n.cpu}m`, memory: `${n.memGi}Gi`, pods: String(n.pods) },
      images: n.images.map((k) => IMAGES[k]!),
    },
  }) as Node;
}

function nodeAffinity(p: PodIn): object | undefined {
  const out: Record<string, unknown> = {};
  if (p.required) {
    const term =
      p.required === 'tier-in'
        ? { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }
        : p.required === 'tier-exists'
          ? { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }
          : p.required === 'host-in'
            ? { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1', 'n2', 'n5'] }] }
            : { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n0'] }] };
    out.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
  }
  if (p.preferred) {
    out.preferredDuringSchedulingIgnoredDuringExecution = p.preferred.map((what, i) => {
      const expr =
        what === 'disk'
          ? { key: 'disk', operator: 'In', values: ['ssd'] }
          : what === 'zone'
            ? { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z1'] }
            : what === 'host'
              ? { key: 'kubernetes.io/hostname', operator: 'In', values: ['n3', 'n4'] }
              : { key: 'tier', operator: 'Exists' };
      return { weight: 5 + i * 20, preference: { matchExpressions: [expr] } };
    });
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function makePod(i: number, p: PodIn, nodeCount: number): Pod {
  const requests: Record<string, string> = {};
  if (p.cpu > 0) requests.cpu = `${p.cpu}m`;
  if (p.memMi > 0) requests.memory = `${p.memMi}Mi`;
  const container: Record<string, unknown> = { name: 'c', image: p.image, resources: { requests } };
  if (p.hostPort) container.ports = [{ containerPort: 80, hostPort: p.hostPort }];
  const spec: Record<string, unknown> = { containers: [container] };
  if (p.selector === 'host') spec.nodeSelector = { 'kubernetes.io/hostname': 'n2' };
  else if (p.selector) spec.nodeSelector = { disk: p.selector };
  if (p.tolerate === 'dedicated') spec.tolerations = [{ key: 'dedicated', operator: 'Exists' }];
  else if (p.tolerate === 'all') spec.tolerations = [{ operator: 'Exists' }];
  else if (p.tolerate === 'prefer') spec.tolerations = [{ key: 'spot', operator: 'Equal', value: 'true', effect: 'PreferNoSchedule' }];
  if (p.spread) {
    spec.topologySpreadConstraints = [
      { maxSkew: p.spread.maxSkew, topologyKey: p.spread.key, whenUnsatisfiable: p.spread.hard ? 'DoNotSchedule' : 'ScheduleAnyway', labelSelector: { matchLabels: { app: p.app } } },
    ];
  }
  const affinity: Record<string, unknown> = {};
  const na = nodeAffinity(p);
  if (na) affinity.nodeAffinity = na;
  if (p.affinity) {
    const t = p.affinity.term;
    const term = { labelSelector: { matchLabels: { app: t.app } }, topologyKey: t.key, ...(t.nsList ? { namespaces: t.nsList } : {}) };
    const kind = p.affinity.kind;
    affinity[kind.endsWith('Anti') ? 'podAntiAffinity' : 'podAffinity'] = kind.startsWith('req')
      ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
      : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term }] };
  }
  if (Object.keys(affinity).length > 0) spec.affinity = affinity;
  const metadata: Record<string, unknown> = { name: `p${i}`, namespace: p.ns, uid: `uid-${i}`, labels: { app: p.app } };
  if (p.owned) metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${p.app}`, uid: `rs-${p.app}`, controller: true }];
  const pod: Record<string, unknown> = { apiVersion: 'v1', kind: 'Pod', metadata, spec };
  if (p.nominate !== undefined) pod.status = { nominatedNodeName: p.nominate === 10 ? 'gone' : `n${Math.max(0, nodeCount - 1 - p.nominate)}` };
  return Object.freeze(pod) as unknown as Pod;
}

const CONFIGS = {
  default: undefined,
  binpack: {
    profiles: [{ percentageOfNodesToScore: 100, pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }],
  },
  low: { percentageOfNodesToScore: 10 },
  ratio: {
    profiles: [
      {
        pluginConfig: [
          {
            name: 'NodeResourcesFit',
            args: {
              scoringStrategy: {
                type: 'RequestedToCapacityRatio',
                resources: [{ name: 'memory', weight: 3 }, { name: 'cpu', weight: 1 }],
                requestedToCapacityRatio: { shape: [{ utilization: 0, score: 10 }, { utilization: 60, score: 3 }, { utilization: 100, score: 0 }] },
              },
            },
          },
        ],
      },
    ],
  },
  added: {
    profiles: [
      {
        pluginConfig: [
          {
            name: 'NodeAffinity',
            args: { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 7, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } },
          },
        ],
      },
    ],
  },
} as const;

describe('indexed scheduling cycle', () => {
  it.each(Object.keys(CONFIGS) as (keyof typeof CONFIGS)[])('decides exactly as schedulePod (%s profile)', (which) => {
    let decidedFast = 0;
    let total = 0;
    const clusterArb = fc.record({
      nodes: fc.oneof({ weight: 4, arbitrary: fc.array(nodeArb, { minLength: 2, maxLength: 40 }) }, { weight: 1, arbitrary: fc.array(nodeArb, { minLength: 101, maxLength: 130 }) }),
      pods: fc.array(podArb, { minLength: 1, maxLength: 60 }),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(clusterArb, ({ nodes, pods, seed }) => {
        const listers = replicaSetListers(NAMESPACES, APPS);
        const { config, profile } = profileFor(CONFIGS[which], listers, seed);
        const cache = new SchedulerCache();
        const table = new NodeTable(cache);
        const nodeSpecs = [...nodes];
        nodeSpecs.forEach((n, i) => cache.setNode(makeNode(i, n)));
        const rngFast = Rng.root(seed);
        const rngPlain = Rng.root(seed);
        const scanFast: ScanState = { nextStartNodeIndex: 0 };
        const scanPlain: ScanState = { nextStartNodeIndex: 0 };
        const position = (name: string) => cache.nodes.findIndex((n) => n.name === name);
        const bound = new BoundPods(cache);
        pods.forEach((spec, i) => {
          const pod = makePod(i, spec, nodeSpecs.length);
          const common = { profile, pod, snapshot: cache, percentageOfNodesToScore: config.percentageOfNodesToScore };
          const fast = fastSchedulePod({ ...common, rng: rngFast, scan: scanFast }, table, position);
          total++;
          if (fast !== undefined) decidedFast++;
          const a = fast ?? schedulePod({ ...common, rng: rngFast, scan: scanFast }, position);
          const b = schedulePod({ ...common, rng: rngPlain, scan: scanPlain }, position);
          expectSameDecision(a, b, scanFast, scanPlain, `pod ${i}`);
          bound.bind(pod, a.nodeName, i + spec.deleteAfter);
          bound.expire(i);
          const victim = i % nodeSpecs.length;
          if (spec.event === 1) {
            nodeSpecs[victim] = { ...nodeSpecs[victim]!, cordoned: !nodeSpecs[victim]!.cordoned };
            cache.setNode(makeNode(victim, nodeSpecs[victim]!));
          } else if (spec.event === 2) {
            nodeSpecs[victim] = { ...nodeSpecs[victim]!, tier: nodeSpecs[victim]!.tier === 'web' ? 'db' : 'web', images: [2] };
            cache.setNode(makeNode(victim, nodeSpecs[victim]!));
          } else if (spec.event === 3) {
            nodeSpecs.push({ ...nodeSpecs[victim]!, zone: 'z2' });
            cache.setNode(makeNode(nodeSpecs.length - 1, nodeSpecs[nodeSpecs.length - 1]!));
          }
        });
      }),
      { numRuns: 60, seed: 20251123 },
    );
    // The property is about the indexed cycle: most pods must actually go through it.
    expect(decidedFast / total).toBeGreaterThan(0.5);
  });
});

/**
 * The scheduler's indexes must never change a decision. For random clusters (5–60 nodes, and
 * sometimes over 100 so percentageOfNodesToScore cuts the scan short) and random pod
 * sequences — requests, nodeSelectors, tolerations, owners (system default spreading),
 * topology spread constraints, pod (anti-)affinity, required and preferred — every pod is
 * scheduled twice against the same cache with equal random streams and scan positions: once
 * with the cache as snapshot (plugins count pods through its label index) and once through a
 * view that hides the index (plugins scan every pod of every node, the plain algorithm).
 * Both must choose the same node, every time. Some bound pods are deleted on the way so index
 * removals are exercised too.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BoundPods, plainView, profileFor, replicaSetListers } from './equivalence-support.js';
import type { Node, Pod } from '../../src/model/types.js';
import { Rng } from '../../src/clock/rng.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { schedulePod, type ScanState } from '../../src/scheduler/schedule-one.js';

const ZONES = ['z1', 'z2', 'z3'];
const APPS = ['a', 'b', 'c'];
const NAMESPACES = ['ns1', 'ns2'];
const APP_LABELS: Readonly<Record<string, Readonly<Record<string, string>>>> = Object.fromEntries(APPS.map((app) => [app, Object.freeze({ app })]));

const nodeArb = fc.record({
  cpu: fc.constantFrom(2000, 4000, 8000),
  memGi: fc.constantFrom(4, 8, 16),
  pods: fc.constantFrom(5, 10, 110),
  zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
  disk: fc.constantFrom('ssd', 'hdd'),
  taint: fc.constantFrom(undefined, 'NoSchedule', 'PreferNoSchedule'),
});

const termArb = fc.record({
  app: fc.constantFrom(...APPS),
  key: fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone'),
  nsList: fc.option(fc.subarray(NAMESPACES, { minLength: 1 }), { nil: undefined }),
  allNs: fc.boolean(),
});

const podArb = fc.record({
  app: fc.constantFrom(...APPS),
  ns: fc.constantFrom(...NAMESPACES),
  owned: fc.boolean(),
  cpu: fc.constantFrom(0, 100, 500, 1000, 1500),
  memMi: fc.constantFrom(0, 128, 512, 2048),
  selector: fc.constantFrom(undefined, 'ssd', 'hdd'),
  tolerate: fc.boolean(),
  spread: fc.option(fc.record({ key: fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone'), hard: fc.boolean(), maxSkew: fc.integer({ min: 1, max: 3 }) }), {
    nil: undefined,
  }),
  affinity: fc.option(fc.record({ kind: fc.constantFrom('reqAff', 'reqAnti', 'prefAff', 'prefAnti'), term: termArb }), { nil: undefined }),
  deleteAfter: fc.integer({ min: 0, max: 9 }),
});

type NodeIn = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;

function makeNode(i: number, n: NodeIn): Node {
  const labels: Record<string, string> = { 'kubernetes.io/hostname': `n${i}`, disk: n.disk };
  if (n.zone) labels['topology.kubernetes.io/zone'] = n.zone;
  return Object.freeze({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `n${i}`, labels },
    spec: n.taint ? { taints: [{ key: 'dedicated', value: 'x', effect: n.taint }] } : {},
    status: { allocatable: { cpu: `${n.cpu}m`, memory: `${n.memGi}Gi`, pods: String(n.pods) } },
  }) as Node;
}

type PodSpecIn = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function makePod(i: number, p: PodSpecIn): Pod {
  const requests: Record<string, string> = {};
  if (p.cpu > 0) requests.cpu = `${p.cpu}m`;
  if (p.memMi > 0) requests.memory = `${p.memMi}Mi`;
  const spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'img', resources: { requests } }] };
  if (p.selector) spec.nodeSelector = { disk: p.selector };
  if (p.tolerate) spec.tolerations = [{ key: 'dedicated', operator: 'Exists' }];
  if (p.spread) {
    spec.topologySpreadConstraints = [
      { maxSkew: p.spread.maxSkew, topologyKey: p.spread.key, whenUnsatisfiable: p.spread.hard ? 'DoNotSchedule' : 'ScheduleAnyway', labelSelector: { matchLabels: { app: p.app } } },
    ];
  }
  if (p.affinity) {
    const t = p.affinity.term;
    const term = {
      labelSelector: { matchLabels: { app: t.app } },
      topologyKey: t.key,
      ...(t.nsList ? { namespaces: t.nsList } : {}),
      ...(t.allNs ? { namespaceSelector: {} } : {}),
    };
    const kind = p.affinity.kind;
    const block = kind.endsWith('Anti') ? 'podAntiAffinity' : 'podAffinity';
    spec.affinity = {
      [block]: kind.startsWith('req')
        ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
        : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term }] },
    };
  }
  // Sibling pods share one frozen labels object, as the store interns them (the label index
  // keeps bucket lists per labels object).
  const metadata: Record<string, unknown> = { name: `p${i}`, namespace: p.ns, uid: `uid-${i}`, labels: APP_LABELS[p.app] };
  if (p.owned) metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${p.app}`, uid: `rs-${p.app}`, controller: true }];
  return Object.freeze({ apiVersion: 'v1', kind: 'Pod', metadata, spec }) as unknown as Pod;
}

const CONFIGS = {
  default: undefined,
  binpack: {
    profiles: [{ percentageOfNodesToScore: 100, pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }] }],
  },
  low: { percentageOfNodesToScore: 10 },
} as const;

describe('scheduler indexes', () => {
  it.each(Object.keys(CONFIGS) as (keyof typeof CONFIGS)[])('decide exactly as the plain algorithm (%s profile)', (which) => {
    const clusterArb = fc.record({
      nodes: fc.oneof({ weight: 4, arbitrary: fc.array(nodeArb, { minLength: 5, maxLength: 60 }) }, { weight: 1, arbitrary: fc.array(nodeArb, { minLength: 101, maxLength: 140 }) }),
      pods: fc.array(podArb, { minLength: 1, maxLength: 80 }),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(clusterArb, ({ nodes, pods, seed }) => {
        const listers = replicaSetListers(NAMESPACES, APPS);
        const { config, profile } = profileFor(CONFIGS[which], listers, seed);
        const cache = new SchedulerCache();
        nodes.forEach((n, i) => cache.setNode(makeNode(i, n)));
        const plain = plainView(cache);
        const rngIndexed = Rng.root(seed);
        const rngPlain = Rng.root(seed);
        const scanIndexed: ScanState = { nextStartNodeIndex: 0 };
        const scanPlain: ScanState = { nextStartNodeIndex: 0 };
        const position = (name: string) => cache.nodes.findIndex((n) => n.name === name);
        const bound = new BoundPods(cache);
        pods.forEach((spec, i) => {
          const pod = makePod(i, spec);
          const common = { profile, pod, percentageOfNodesToScore: config.percentageOfNodesToScore };
          const a = schedulePod({ ...common, snapshot: cache, rng: rngIndexed, scan: scanIndexed }, position);
          const b = schedulePod({ ...common, snapshot: plain, rng: rngPlain, scan: scanPlain }, position);
          expect(a.nodeName, `pod ${i}`).toBe(b.nodeName);
          expect(a.error).toBe(b.error);
          expect(scanIndexed.nextStartNodeIndex).toBe(scanPlain.nextStartNodeIndex);
          bound.bind(pod, a.nodeName, i + spec.deleteAfter);
          bound.expire(i);
        });
      }),
      { numRuns: 80, seed: 20251122 },
    );
  });
});

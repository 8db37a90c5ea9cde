/**
 * InterPodAffinity PreFilter and PreScore from the cache's aggregates (index/affinity-aggregates.ts) must equal
 * the per-pod scan. For random clusters (hostname/zone/rack topology, some nodes without
 * labels) and random pods in three namespaces with up to three (anti-)affinity terms each —
 * required and preferred, `=`/In/NotIn/Exists selectors, listed namespaces, `{}` and labelled
 * namespaceSelectors, several weights — every step scores the next pod twice: against the
 * cache and against a view hiding its aggregates and label index. PreFilter's and PreScore's
 * statuses, the filter's counts and every topology pair's score sum must be equal, and so must the full scheduling decision. On the way pods
 * are bound (where scheduled, else to a random node), deleted, marked terminating or
 * Succeeded, and nodes are relabelled, removed and re-added, exercising every cache update.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { plainView } from './equivalence-support.js';
import type { Node, Pod } from '../../src/model/types.js';
import { Rng } from '../../src/clock/rng.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { resolveConfiguration } from '../../src/scheduler/config.js';
import { CycleState, type SchedulerSnapshot } from '../../src/scheduler/framework.js';
import { NamespacedListers } from '../../src/scheduler/listers.js';
import { buildProfile, pluginPoints } from '../../src/scheduler/profile.js';
import { DEFAULT_REGISTRY } from '../../src/scheduler/plugins/registry.js';
import {
  interPodAffinity,
  PRE_FILTER_STATE_KEY,
  PRE_SCORE_STATE_KEY,
  type PreFilterState,
  type PreScoreState,
} from '../../src/scheduler/plugins/inter-pod-affinity/index.js';
import { schedulePod, type ScanState } from '../../src/scheduler/schedule-one.js';

const NAMESPACES = ['ns1', 'ns2', 'ns3'];
const NS_LABELS: Record<string, Record<string, string>> = { ns1: { team: 'x' }, ns2: { team: 'y' }, ns3: { team: 'x', env: 'prod' } };
const APPS = ['a', 'b', 'c'];
const KEYS = ['kubernetes.io/hostname', 'topology.kubernetes.io/zone', 'rack'];

const nodeArb = fc.record({
  zone: fc.option(fc.constantFrom('z1', 'z2', 'z3'), { nil: undefined }),
  rack: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
  bare: fc.integer({ min: 0, max: 7 }).map((x) => x === 0),
});
type NodeIn = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;

const termArb = fc.record({
  kind: fc.constantFrom('reqAff', 'reqAnti', 'prefAff', 'prefAnti'),
  selector: fc.constantFrom('eq', 'in', 'notin', 'exists'),
  app: fc.constantFrom(...APPS),
  key: fc.constantFrom(...KEYS),
  nsList: fc.option(fc.subarray(NAMESPACES, { minLength: 1 }), { nil: undefined }),
  nsSelector: fc.constantFrom(undefined, undefined, 'all', 'team-x'),
  weight: fc.integer({ min: 1, max: 100 }),
});
type TermIn = typeof termArb extends fc.Arbitrary<infer T> ? T : never;

const podArb = fc.record({
  app: fc.constantFrom(...APPS),
  ns: fc.constantFrom(...NAMESPACES),
  terms: fc.array(termArb, { maxLength: 3 }),
  /** Most pods take their terms from one of the cluster's templates, as a Deployment's do. */
  template: fc.option(fc.nat(), { nil: undefined, freq: 3 }),
  /** Where to bind it when the scheduler finds no node (index into the node list). */
  fallbackNode: fc.nat(),
  /** What happens after this pod: 0-3 nothing, 4 delete a pod, 5 terminating, 6 Succeeded, 7 relabel, 8 remove/re-add a node. */
  event: fc.integer({ min: 0, max: 8 }),
  target: fc.nat(),
  relabel: nodeArb,
});
type PodIn = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function makeNode(i: number, n: NodeIn): Node {
  const labels: Record<string, string> = {};
  if (!n.bare) {
    labels['kubernetes.io/hostname'] = `n${i}`;
    if (n.zone) labels['topology.kubernetes.io/zone'] = n.zone;
    if (n.rack) labels.rack = n.rack;
  }
  return Object.freeze({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `n${i}`, labels },
    spec: {},
    status: { allocatable: { cpu: '64', memory: '256Gi', pods: '110' } },
  }) as Node;
}

function selectorOf(t: TermIn): object {
  switch (t.selector) {
    case 'eq':
      return { matchLabels: { app: t.app } };
    case 'in':
      return { matchExpressions: [{ key: 'app', operator: 'In', values: [t.app, 'c'] }] };
    case 'notin':
      return { matchExpressions: [{ key: 'app', operator: 'NotIn', values: [t.app] }] };
    default:
      return { matchExpressions: [{ key: 'app', operator: 'Exists' }] };
  }
}

function affinityOf(terms: readonly TermIn[]): object | undefined {
  if (terms.length === 0) return undefined;
  const out: Record<string, Record<string, object[]>> = {};
  for (const t of terms) {
    const term = {
      labelSelector: selectorOf(t),
      topologyKey: t.key,
      ...(t.nsList ? { namespaces: t.nsList } : {}),
      ...(t.nsSelector === 'all' ? { namespaceSelector: {} } : t.nsSelector === 'team-x' ? { namespaceSelector: { matchLabels: { team: 'x' } } } : {}),
    };
    const block = (out[t.kind.endsWith('Anti') ? 'podAntiAffinity' : 'podAffinity'] ??= {});
    if (t.kind.startsWith('req')) (block.requiredDuringSchedulingIgnoredDuringExecution ??= []).push(term);
    else (block.preferredDuringSchedulingIgnoredDuringExecution ??= []).push({ weight: t.weight, podAffinityTerm: term });
  }
  return out;
}

function makePod(i: number, p: PodIn, templates: readonly (readonly TermIn[])[]): Pod {
  const spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'img', resources: { requests: { cpu: '100m' } } }] };
  const affinity = affinityOf(p.template === undefined ? p.terms : templates[p.template % templates.length]!);
  if (affinity) spec.affinity = affinity;
  return Object.freeze({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `p${i}`, namespace: p.ns, uid: `uid-${i}`, labels: { app: p.app } }, spec }) as unknown as Pod;
}

/** Topology counts as sorted (key, value, count) triples. */
function triples(m: ReadonlyMap<string, ReadonlyMap<string, number>> | undefined): [string, string, number][] {
  const out: [string, string, number][] = [];
  for (const [k, inner] of m ?? []) for (const [v, n] of inner) out.push([k, v, n]);
  return out.sort((a, b) => (a[0] + '\u0000' + a[1] < b[0] + '\u0000' + b[1] ? -1 : 1));
}

/** PreFilter's and PreScore's outcomes in a comparable form: status codes and counts. */
function outcome(plugin: ReturnType<typeof interPodAffinity>, pod: Pod, snapshot: SchedulerSnapshot): unknown {
  const cycle = new CycleState();
  const pf = plugin.preFilter(cycle, pod, snapshot).status.code;
  const f = cycle.read<PreFilterState>(PRE_FILTER_STATE_KEY);
  const st = plugin.preScore(cycle, pod, snapshot.nodes, snapshot);
  const s = cycle.read<PreScoreState>(PRE_SCORE_STATE_KEY);
  return {
    preFilter: pf,
    existingAnti: triples(f?.existingAntiAffinityCounts),
    affinity: triples(f?.affinityCounts),
    anti: triples(f?.antiAffinityCounts),
    preScore: st.code,
    sums: triples(s?.topologyScore),
  };
}

describe('InterPodAffinity aggregates', () => {
  it.each([
    ['hardPodAffinityWeight 1', {}],
    ['hardPodAffinityWeight 7, ignorePreferredTermsOfExistingPods', { hardPodAffinityWeight: 7, ignorePreferredTermsOfExistingPods: true }],
    ['hardPodAffinityWeight 0', { hardPodAffinityWeight: 0 }],
  ])('score exactly as the per-pod scan (%s)', (_name, args) => {
    const clusterArb = fc.record({
      nodes: fc.array(nodeArb, { minLength: 2, maxLength: 25 }),
      pods: fc.array(podArb, { minLength: 1, maxLength: 70 }),
      templates: fc.array(fc.array(termArb, { maxLength: 3 }), { minLength: 1, maxLength: 3 }),
      seed: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(clusterArb, ({ nodes, pods, templates, seed }) => {
        const listers = new NamespacedListers();
        for (const ns of NAMESPACES) {
          listers.apply({ kind: 'Namespace', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: NS_LABELS[ns] } }, oldObject: undefined } as never);
        }
        const nsLabels = (ns: string) => listers.namespaceLabels(ns);
        const plugin = interPodAffinity(args, nsLabels);
        const config = resolveConfiguration({ profiles: [{ pluginConfig: [{ name: 'InterPodAffinity', args }] }] } as never, pluginPoints(DEFAULT_REGISTRY));
        const profile = buildProfile(config.profiles[0]!, DEFAULT_REGISTRY, { listers, rngFor: (name: string) => Rng.root(`${seed}/${name}`) });
        const cache = new SchedulerCache();
        const nodeObjs = nodes.map((n, i) => makeNode(i, n));
        for (const n of nodeObjs) cache.setNode(n);
        const plain = plainView(cache);
        const rngA = Rng.root(seed);
        const rngB = Rng.root(seed);
        const scanA: ScanState = { nextStartNodeIndex: 0 };
        const scanB: ScanState = { nextStartNodeIndex: 0 };
        const position = (name: string) => cache.nodes.findIndex((n) => n.name === name);
        const bound: Pod[] = [];
        pods.forEach((spec, i) => {
          const pod = makePod(i, spec, templates);
          expect(outcome(plugin, pod, cache), `pod ${i}`).toEqual(outcome(plugin, pod, plain));
          const common = { profile, pod, percentageOfNodesToScore: config.percentageOfNodesToScore };
          const a = schedulePod({ ...common, snapshot: cache, rng: rngA, scan: scanA }, position);
          const b = schedulePod({ ...common, snapshot: plain, rng: rngB, scan: scanB }, position);
          expect(a.nodeName, `pod ${i}`).toBe(b.nodeName);
          expect(a.error).toBe(b.error);
          const nodeName = a.nodeName ?? `n${spec.fallbackNode % nodeObjs.length}`;
          const boundPod = Object.freeze({ ...pod, spec: { ...pod.spec, nodeName } }) as Pod;
          cache.updatePod(undefined, boundPod);
          bound.push(boundPod);
          const t = spec.target;
          if (spec.event === 4 && bound.length > 0) {
            cache.updatePod(bound.splice(t % bound.length, 1)[0], undefined);
          } else if ((spec.event === 5 || spec.event === 6) && bound.length > 0) {
            const j = t % bound.length;
            const old = bound[j]!;
            const next = (
              spec.event === 5
                ? { ...old, metadata: { ...old.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } }
                : { ...old, status: { phase: 'Succeeded' } }
            ) as Pod;
            cache.updatePod(old, Object.freeze(next));
            bound[j] = next;
          } else if (spec.event === 7) {
            const j = t % nodeObjs.length;
            nodeObjs[j] = makeNode(j, spec.relabel);
            cache.setNode(nodeObjs[j]);
          } else if (spec.event === 8) {
            // Pods bound to a removed node stop counting; re-adding it does not bring them back.
            const j = t % nodeObjs.length;
            cache.removeNode(`n${j}`);
            cache.setNode(nodeObjs[j]!);
          }
        });
      }),
      { numRuns: 60, seed: 20261122 },
    );
  });
});

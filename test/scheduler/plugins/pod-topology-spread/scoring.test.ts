import { describe, it, expect } from 'vitest';
import type { Node, Pod, ReplicaSet, Service } from '../../../../src/model/types.js';
import { CycleState, type NodeScore } from '../../../../src/scheduler/framework.js';
import {
  podTopologySpread,
  type PodTopologySpreadArgs,
  type PodTopologySpreadListers,
} from '../../../../src/scheduler/plugins/pod-topology-spread/index.js';
import { scoreForCount, topologyNormalizingWeight } from '../../../../src/scheduler/plugins/pod-topology-spread/scoring.js';
import { barSelector, fooPods, fooSelector, HOST, makeNode, makePod, snapshotOf } from './helpers.js';

function runScore(pod: Pod, nodes: Node[], failed: Node[], existing: Pod[], args: PodTopologySpreadArgs = { defaultingType: 'List' }) {
  const pl = podTopologySpread(args);
  const snap = snapshotOf(existing, [...nodes, ...failed]);
  const filtered = nodes.map((n) => snap.get(n.metadata!.name!)!);
  const cycle = new CycleState();
  const st = pl.preScore(cycle, pod, filtered, snap);
  if (st.code !== 'Success') return st.code;
  const scores: NodeScore[] = filtered.map((ni) => ({ name: ni.name, score: pl.score(cycle, pod, ni) }));
  pl.normalizeScore!(cycle, pod, scores);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

const host = (...names: string[]): Node[] => names.map((n) => makeNode().name(n).label(HOST, n).obj());
const zoned = (spec: [string, string][]): Node[] => spec.map(([n, z]) => makeNode().name(n).label('zone', z).label(HOST, n).obj());
const p = () => makePod().name('p').label('foo');
const pf = () => makePod().name('p').label('foo').label('bar');
const renamed = (pods: Pod[], suffix: string): Pod[] => pods.map((x) => ({ ...x, metadata: { ...x.metadata, name: `${x.metadata!.name}${suffix}` } }));

interface Case {
  name: string;
  pod: Pod;
  nodes: Node[];
  failed?: Node[];
  existing: Pod[];
  want: Record<string, number>;
  why?: string;
  args?: PodTopologySpreadArgs;
}

const fooService: Service = { metadata: { name: 's', namespace: '' }, spec: { selector: { foo: '' } } };
const serviceListers: PodTopologySpreadListers = { servicesFor: () => [fooService], replicaSetsFor: () => [], replicationControllersFor: () => [] };

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/scoring_test.go (TestPodTopologySpreadScore, selected)
const cases: Case[] = [
  { name: 'one constraint on node, no existing pods', pod: p().spread(1, HOST, 'ScheduleAnyway', fooSelector).obj(), nodes: host('node-a', 'node-b'), existing: [], want: { 'node-a': 100, 'node-b': 100 }, why: 'max raw 0 → all 100' },
  { name: 'one constraint on node, only one node is candidate', pod: p().spread(1, HOST, 'ScheduleAnyway', fooSelector).obj(), nodes: host('node-a'), failed: host('node-b'), existing: fooPods({ 'node-a': 2, 'node-b': 1 }), want: { 'node-a': 100 } },
  { name: 'one constraint on node, all nodes have the same number of matching pods', pod: p().spread(1, HOST, 'ScheduleAnyway', fooSelector).obj(), nodes: host('node-a', 'node-b'), existing: fooPods({ 'node-a': 1, 'node-b': 1 }), want: { 'node-a': 100, 'node-b': 100 } },
  { name: 'one constraint on node, all 4 nodes are candidates', pod: p().spread(1, HOST, 'ScheduleAnyway', fooSelector).obj(), nodes: host('node-a', 'node-b', 'node-c', 'node-d'), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-d': 3 }), want: { 'node-a': 20, 'node-b': 60, 'node-c': 100, 'node-d': 0 }, why: 'w=ln6; raw round(2w)=4, 2, 0, 5; 100*(5+0-s)/5' },
  { name: 'one constraint on node, null selector', pod: p().spread(1, HOST, 'ScheduleAnyway', undefined).obj(), nodes: host('node-a', 'node-b', 'node-c', 'node-d'), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-d': 3 }), want: { 'node-a': 100, 'node-b': 100, 'node-c': 100, 'node-d': 100 } },
  { name: 'one constraint on node, all 4 nodes are candidates, maxSkew=2', pod: p().spread(2, HOST, 'ScheduleAnyway', fooSelector).obj(), nodes: host('node-a', 'node-b', 'node-c', 'node-d'), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-d': 3 }), want: { 'node-a': 33, 'node-b': 66, 'node-c': 100, 'node-d': 16 }, why: 'raw 5, 3, 1, 6 (+maxSkew-1)' },
  { name: 'one constraint on node, all 4 nodes are candidates, maxSkew=3', pod: p().spread(3, HOST, 'ScheduleAnyway', fooSelector).obj(), nodes: host('node-a', 'node-b', 'node-c', 'node-d'), existing: fooPods({ 'node-a': 4, 'node-b': 3, 'node-c': 2, 'node-d': 1 }), want: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 } },
  {
    name: "system defaulting, nodes don't have zone, pods match service",
    pod: makePod().name('p').label('foo').obj(),
    nodes: host('node-a', 'node-b', 'node-c', 'node-d'),
    existing: fooPods({ 'node-a': 4, 'node-b': 3, 'node-c': 2, 'node-d': 1 }),
    want: { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
    why: 'hostname maxSkew 3 as above; nodes lack the zone label, so zone adds nothing',
    args: { defaultingType: 'System', listers: serviceListers },
  },
  { name: 'one constraint on node, 3 out of 4 nodes are candidates', pod: p().spread(1, HOST, 'ScheduleAnyway', fooSelector).obj(), nodes: host('node-a', 'node-b', 'node-x'), failed: host('node-y'), existing: fooPods({ 'node-a': 4, 'node-b': 2, 'node-x': 1, 'node-y': 3 }), want: { 'node-a': 33, 'node-b': 83, 'node-x': 100 } },
  {
    name: "one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key",
    pod: p().spread(1, HOST, 'ScheduleAnyway', fooSelector).obj(),
    nodes: [makeNode().name('node-a').label(HOST, 'node-a').obj(), makeNode().name('node-b').label('n', 'node-b').obj(), makeNode().name('node-x').label(HOST, 'node-x').obj()],
    failed: host('node-y'),
    existing: fooPods({ 'node-a': 4, 'node-b': 2, 'node-x': 1, 'node-y': 3 }),
    want: { 'node-a': 16, 'node-b': 0, 'node-x': 100 },
  },
  { name: 'one constraint on zone, 3 out of 4 nodes are candidates', pod: p().spread(1, 'zone', 'ScheduleAnyway', fooSelector).obj(), nodes: zoned([['node-a', 'zone1'], ['node-b', 'zone1'], ['node-x', 'zone2']]), failed: zoned([['node-y', 'zone2']]), existing: fooPods({ 'node-a': 4, 'node-b': 2, 'node-x': 1, 'node-y': 3 }), want: { 'node-a': 75, 'node-b': 75, 'node-x': 100 } },
  {
    name: 'two Constraints on zone and node, 2 out of 4 nodes are candidates',
    pod: p().spread(1, 'zone', 'ScheduleAnyway', fooSelector).spread(1, HOST, 'ScheduleAnyway', fooSelector).obj(),
    nodes: zoned([['node-a', 'zone1'], ['node-x', 'zone2']]),
    failed: zoned([['node-b', 'zone1'], ['node-y', 'zone2']]),
    existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-x': 2, 'node-y': 4 }),
    want: { 'node-a': 100, 'node-x': 63 },
  },
  {
    name: 'two Constraints on zone, 2 out of 4 nodes are candidates',
    pod: pf().spread(1, 'zone', 'ScheduleAnyway', fooSelector).spread(1, 'zone', 'ScheduleAnyway', barSelector).obj(),
    nodes: [makeNode().name('node-a').label('zone', 'zone1').obj(), makeNode().name('node-x').label('zone', 'zone2').obj()],
    failed: [makeNode().name('node-b').label('zone', 'zone1').obj(), makeNode().name('node-y').label('zone', 'zone2').obj()],
    existing: [...fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }, { foo: '', bar: '' }), ...renamed(fooPods({ 'node-a': 1, 'node-y': 2 }), '-f')],
    want: { 'node-a': 85, 'node-x': 100 },
  },
  {
    name: 'two Constraints on zone and node, with different labelSelectors',
    pod: pf().spread(1, 'zone', 'ScheduleAnyway', fooSelector).spread(1, HOST, 'ScheduleAnyway', barSelector).obj(),
    nodes: zoned([['node-a', 'zone1'], ['node-b', 'zone1'], ['node-x', 'zone2'], ['node-y', 'zone2']]),
    existing: [...fooPods({ 'node-a': 1, 'node-y': 1 }), ...fooPods({ 'node-b': 1 }, { foo: '', bar: '' }), ...renamed(fooPods({ 'node-y': 1 }, { bar: '' }), '-b')],
    want: { 'node-a': 60, 'node-b': 20, 'node-x': 100, 'node-y': 60 },
  },
  {
    name: 'two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods',
    pod: pf().spread(1, 'zone', 'ScheduleAnyway', fooSelector).spread(1, HOST, 'ScheduleAnyway', barSelector).obj(),
    nodes: zoned([['node-a', 'zone1'], ['node-b', 'zone1'], ['node-x', 'zone2'], ['node-y', 'zone2']]),
    existing: [...fooPods({ 'node-b': 1 }, { bar: '' }), ...fooPods({ 'node-x': 1 }), ...fooPods({ 'node-y': 1 }, { foo: '', bar: '' })],
    want: { 'node-a': 100, 'node-b': 60, 'node-x': 40, 'node-y': 0 },
  },
  {
    name: 'two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates',
    pod: pf().spread(1, 'zone', 'ScheduleAnyway', fooSelector).spread(1, HOST, 'ScheduleAnyway', barSelector).obj(),
    nodes: zoned([['node-a', 'zone1'], ['node-b', 'zone1'], ['node-x', 'zone2']]),
    failed: zoned([['node-y', 'zone2']]),
    existing: [...fooPods({ 'node-a': 1, 'node-y': 1 }), ...fooPods({ 'node-b': 1 }, { foo: '', bar: '' }), ...renamed(fooPods({ 'node-y': 1 }, { bar: '' }), '-b')],
    want: { 'node-a': 50, 'node-b': 25, 'node-x': 100 },
  },
  {
    name: 'existing pods in a different namespace do not count',
    pod: p().spread(1, HOST, 'ScheduleAnyway', fooSelector).obj(),
    nodes: host('node-a', 'node-b'),
    existing: [makePod().name('p-a1').ns('ns1').node('node-a').label('foo').obj(), ...fooPods({ 'node-a': 1, 'node-b': 2 })],
    want: { 'node-a': 100, 'node-b': 33 },
  },
  {
    name: 'terminating Pods should be excluded',
    pod: p().spread(1, HOST, 'ScheduleAnyway', fooSelector).obj(),
    nodes: host('node-a', 'node-b'),
    existing: [makePod().name('p-a').node('node-a').label('foo').terminating().obj(), makePod().name('p-b').node('node-b').label('foo').obj()],
    want: { 'node-a': 100, 'node-b': 0 },
  },
];

describe('PodTopologySpread Score', () => {
  it.each(cases)('$name', ({ pod, nodes, failed, existing, want, args }) => {
    expect(runScore(pod, nodes, failed ?? [], existing, args)).toEqual(want);
  });

  it('skips pods without soft constraints, and system defaults without listers', () => {
    const nodes = host('node-a');
    expect(runScore(p().spread(1, HOST, 'DoNotSchedule', fooSelector).obj(), nodes, [], [])).toBe('Skip');
    expect(runScore(p().obj(), nodes, [], [], {})).toBe('Skip');
  });

  it('weights and per-count scores use ln(domains + 2) in float64', () => {
    expect(topologyNormalizingWeight(4)).toBe(Math.log(6));
    expect(scoreForCount(2, 1, Math.log(6))).toBeCloseTo(3.5835, 4);
    expect(scoreForCount(0, 3, Math.log(6))).toBe(2);
  });
});

describe('PodTopologySpread system default selector', () => {
  const nodes = host('node-a', 'node-b');
  const rs: ReplicaSet = { metadata: { name: 'rs1', namespace: '' }, spec: { selector: { matchLabels: { app: 'web' } }, template: {} } };
  const listers: PodTopologySpreadListers = { servicesFor: () => [], replicaSetsFor: () => [rs], replicationControllersFor: () => [] };
  const existing = [
    ...fooPods({ 'node-a': 2 }, { app: 'web' }),
    ...renamed(fooPods({ 'node-b': 3 }, { app: 'other' }), '-o'),
  ];

  it('uses the owning ReplicaSet selector (hostname maxSkew 3 spreads away from node-a)', () => {
    const pod = makePod().name('p').label('app', 'web').owner('ReplicaSet', 'apps/v1', 'rs1').obj();
    // hostname weight ln(2+2) ≈ 1.386: raw round(2*1.386 + 2) = 5 and 0 + 2 = 2; the zone
    // constraint adds nothing as the nodes lack the label. 100*(5+2-5)/5 = 40, 100*(5+2-2)/5 = 100
    expect(runScore(pod, nodes, [], existing, { listers })).toEqual({ 'node-a': 40, 'node-b': 100 });
  });

  it('applies no defaults when the pod has no owner or Service', () => {
    const pod = makePod().name('p').label('app', 'web').obj();
    expect(runScore(pod, nodes, [], existing, { listers })).toBe('Skip');
  });
});

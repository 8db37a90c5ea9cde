import { describe, it, expect } from 'vitest';
import type { Node, Pod } from '../../../../src/model/types.js';
import { CycleState, type Code } from '../../../../src/scheduler/framework.js';
import { podInfoFor } from '../../../../src/scheduler/node-info.js';
import {
  podTopologySpread,
  PRE_FILTER_STATE_KEY,
  ERR_REASON_CONSTRAINTS_NOT_MATCH,
  ERR_REASON_NODE_LABEL_NOT_MATCH,
  type PreFilterState,
} from '../../../../src/scheduler/plugins/pod-topology-spread/index.js';
import { barSelector, fooPods, fooSelector, fourNodes, makeNode, makePod, snapshotOf, unschedulableTaint } from './helpers.js';

const taints = [unschedulableTaint];

function runFilter(pod: Pod, nodes: Node[], existing: Pod[]): Record<string, Code> {
  const pl = podTopologySpread({ defaultingType: 'List' });
  const snap = snapshotOf(existing, nodes);
  const cycle = new CycleState();
  const pre = pl.preFilter(cycle, pod, snap);
  expect(pre.status.code).toBe('Success');
  const out: Record<string, Code> = {};
  for (const ni of snap.nodes) out[ni.name] = pl.filter(cycle, pod, ni).code;
  return out;
}

const S = 'Success' as const;
const U = 'Unschedulable' as const;
const UU = 'UnschedulableAndUnresolvable' as const;

interface Case {
  name: string;
  pod: Pod;
  nodes: Node[];
  existing: Pod[];
  want: Record<string, Code>;
}

const n3 = (): Node[] => [
  makeNode().name('node-a').label('node', 'node-a').obj(),
  makeNode().name('node-b').label('node', 'node-b').obj(),
  makeNode().name('node-c').label('node', 'node-c').obj(),
];
const fooNodes = (taintY = false): Node[] => {
  const y = makeNode().name('node-y').label('node', 'node-y');
  if (taintY) y.taints(taints);
  return [
    makeNode().name('node-a').label('node', 'node-a').label('foo', '').obj(),
    makeNode().name('node-b').label('node', 'node-b').label('foo', '').obj(),
    makeNode().name('node-x').label('node', 'node-x').label('foo', '').obj(),
    y.obj(),
  ];
};
const p = () => makePod().name('p').label('foo');

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go (TestSingleConstraint)
const singleConstraint: Case[] = [
  { name: 'no existing pods', pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).obj(), nodes: fourNodes(), existing: [], want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S } },
  { name: "no existing pods, incoming pod doesn't match itself", pod: p().spread(1, 'zone', 'DoNotSchedule', barSelector).obj(), nodes: fourNodes(), existing: [], want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S } },
  {
    name: 'existing pods in a different namespace do not count',
    pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).obj(),
    nodes: fourNodes(),
    existing: [
      makePod().name('p-a1').ns('ns1').node('node-a').label('foo').obj(),
      makePod().name('p-b1').ns('ns2').node('node-a').label('foo').obj(),
      ...fooPods({ 'node-x': 1, 'node-y': 1 }),
    ],
    want: { 'node-a': S, 'node-b': S, 'node-x': U, 'node-y': U },
  },
  { name: 'existing pods do not match null selector', pod: p().spread(1, 'zone', 'DoNotSchedule', undefined).obj(), nodes: fourNodes(), existing: fooPods({ 'node-x': 1, 'node-y': 1 }), want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S } },
  { name: 'pods spread across zones as 3/3, all nodes fit', pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 3 }), want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S } },
  {
    name: "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
    pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).obj(),
    nodes: [
      makeNode().name('node-a').label('zone', 'zone1').label('node', 'node-a').obj(),
      makeNode().name('node-b').label('zon', 'zone1').label('node', 'node-b').obj(),
      makeNode().name('node-x').label('zone', 'zone2').label('node', 'node-x').obj(),
      makeNode().name('node-y').label('zone', 'zone2').label('node', 'node-y').obj(),
    ],
    existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-x': 1, 'node-y': 1 }),
    want: { 'node-a': S, 'node-b': UU, 'node-x': U, 'node-y': U },
  },
  {
    name: "pod cannot be scheduled as all nodes don't have label 'rack'",
    pod: p().spread(1, 'rack', 'DoNotSchedule', fooSelector).obj(),
    nodes: [makeNode().name('node-a').label('zone', 'zone1').label('node', 'node-a').obj(), makeNode().name('node-x').label('zone', 'zone2').label('node', 'node-x').obj()],
    existing: [],
    want: { 'node-a': UU, 'node-x': UU },
  },
  { name: 'pods spread across nodes as 2/1/0/3, only node-x fits', pod: p().spread(1, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 3 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U } },
  { name: 'pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit', pod: p().spread(2, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 3 }), want: { 'node-a': U, 'node-b': S, 'node-x': S, 'node-y': U } },
  { name: "pods spread across nodes as 2/1/0/3, but pod doesn't match itself", pod: makePod().name('p').label('bar').spread(1, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 3 }), want: { 'node-a': U, 'node-b': S, 'node-x': S, 'node-y': U } },
  { name: 'incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits', pod: p().nodeAffinityIn('node', ['node-a', 'node-y']).spread(1, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 3 }), want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': U } },
  {
    name: 'terminating Pods should be excluded',
    pod: p().spread(1, 'node', 'DoNotSchedule', fooSelector).obj(),
    nodes: [makeNode().name('node-a').label('node', 'node-a').obj(), makeNode().name('node-b').label('node', 'node-b').obj()],
    existing: [makePod().name('p-a').node('node-a').label('foo').terminating().obj(), makePod().name('p-b').node('node-b').label('foo').obj()],
    want: { 'node-a': S, 'node-b': U },
  },
  { name: 'incoming pod has nodeAffinity, pods spread as 0/~2~/0/1, hence node-a fits', pod: p().nodeAffinityNotIn('node', ['node-b']).spread(1, 'zone', 'DoNotSchedule', fooSelector).obj(), nodes: fourNodes(), existing: fooPods({ 'node-b': 2, 'node-y': 1 }), want: { 'node-a': S, 'node-b': S, 'node-x': U, 'node-y': U } },
  { name: 'pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains < minDomains, then the third node fits', pod: p().spread(2, 'node', 'DoNotSchedule', fooSelector, { minDomains: 4 }).obj(), nodes: n3(), existing: fooPods({ 'node-a': 2, 'node-b': 2, 'node-c': 1 }), want: { 'node-a': U, 'node-b': U, 'node-c': S } },
  { name: 'pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains > minDomains, then the all nodes fit', pod: p().spread(2, 'node', 'DoNotSchedule', fooSelector, { minDomains: 2 }).obj(), nodes: n3(), existing: fooPods({ 'node-a': 2, 'node-b': 2, 'node-c': 1 }), want: { 'node-a': S, 'node-b': S, 'node-c': S } },
  { name: 'pods spread across zone as 2/1, maxSkew is 2 and the number of domains < minDomains, then the third and fourth nodes fit', pod: p().spread(2, 'zone', 'DoNotSchedule', fooSelector, { minDomains: 3 }).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S } },
  { name: 'pods spread across zone as 2/1, maxSkew is 2 and the number of domains > minDomains, then the all nodes fit', pod: p().spread(2, 'zone', 'DoNotSchedule', fooSelector, { minDomains: 1 }).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': S, 'node-b': S, 'node-x': S, 'node-y': S } },
  // pods spread across node as 1/1/0/~0~
  { name: 'NodeAffinityPolicy honored with labelSelectors', pod: p().nodeSelector({ foo: '' }).spread(1, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: fooNodes(), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S } },
  // pods spread across node as 1/1/0/~1~
  { name: 'NodeAffinityPolicy ignored with labelSelectors', pod: p().nodeSelector({ foo: '' }).spread(1, 'node', 'DoNotSchedule', fooSelector, { nodeAffinityPolicy: 'Ignore' }).obj(), nodes: fooNodes(), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U } },
  { name: 'NodeAffinityPolicy honored with nodeAffinity', pod: p().nodeAffinityIn('foo', ['']).spread(1, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: fooNodes(), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S } },
  { name: 'NodeAffinityPolicy ignored with nodeAffinity', pod: p().nodeAffinityIn('foo', ['']).spread(1, 'node', 'DoNotSchedule', fooSelector, { nodeAffinityPolicy: 'Ignore' }).obj(), nodes: fooNodes(), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U } },
  { name: 'NodeTaintsPolicy honored', pod: p().spread(1, 'node', 'DoNotSchedule', fooSelector, { nodeTaintsPolicy: 'Honor' }).obj(), nodes: fooNodes(true), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S } },
  { name: 'NodeTaintsPolicy ignored', pod: p().spread(1, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: fooNodes(true), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U } },
];

const zn = (taintY: boolean, fooOn: string[]): Node[] =>
  fourNodes().map((n) => {
    const name = n.metadata!.name!;
    if (fooOn.includes(name)) n.metadata!.labels!['foo'] = '';
    if (taintY && name === 'node-y') n.spec = { taints };
    return n;
  });
const pf = () => makePod().name('p').label('foo').label('bar');

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go (TestMultipleConstraints)
const multipleConstraints: Case[] = [
  { name: 'two Constraints on zone and node, spreads = [3/3, 2/1/0/3]', pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 3 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U } },
  { name: 'two Constraints on zone and node, spreads = [3/4, 2/1/0/4]', pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 4 }), want: { 'node-a': U, 'node-b': U, 'node-x': U, 'node-y': U } },
  { name: 'Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]', pod: pf().spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', barSelector).obj(), nodes: fourNodes(), existing: [...fooPods({ 'node-a': 1 }), ...fooPods({ 'node-y': 1 }, { bar: '' })], want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U } },
  { name: 'Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]', pod: pf().spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', barSelector).obj(), nodes: fourNodes(), existing: [...fooPods({ 'node-a': 1 }), ...fooPods({ 'node-x': 1, 'node-y': 1 }, { bar: '' })], want: { 'node-a': U, 'node-b': U, 'node-x': U, 'node-y': U } },
  {
    name: 'Constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]',
    pod: pf().spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', barSelector).obj(),
    nodes: fourNodes(),
    existing: [...fooPods({ 'node-a': 1, 'node-y': 2 }), ...fooPods({ 'node-a': 1, 'node-y': 1 }, { foo: '', bar: '' }).map((x) => ({ ...x, metadata: { ...x.metadata, name: `${x.metadata!.name}-fb` } }))],
    want: { 'node-a': U, 'node-b': S, 'node-x': U, 'node-y': U },
  },
  { name: "Constraints hold different labelSelectors but pod doesn't match itself on 'zone' constraint", pod: makePod().name('p').label('bar').spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', barSelector).obj(), nodes: fourNodes(), existing: [...fooPods({ 'node-a': 1 }), ...fooPods({ 'node-x': 1, 'node-y': 1 }, { bar: '' })], want: { 'node-a': S, 'node-b': S, 'node-x': U, 'node-y': U } },
  {
    name: "two Constraints on zone and node, absence of label 'node' on node-x, spreads = [1/1, 1/0/0/1]",
    pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', fooSelector).obj(),
    nodes: fourNodes().map((n) => (n.metadata!.name === 'node-x' ? makeNode().name('node-x').label('zone', 'zone2').obj() : n)),
    existing: fooPods({ 'node-a': 1, 'node-y': 1 }),
    want: { 'node-a': U, 'node-b': S, 'node-x': UU, 'node-y': U },
  },
  { name: 'two node inclusion Constraints, zone: honor/ignore, node: ignore/ignore', pod: p().nodeSelector({ foo: '' }).spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', fooSelector, { nodeAffinityPolicy: 'Ignore' }).obj(), nodes: zn(false, ['node-a', 'node-b', 'node-x']), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U } },
  { name: 'two node inclusion Constraints, zone: honor/honor, node: honor/ignore', pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector, { nodeTaintsPolicy: 'Honor' }).spread(1, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: zn(true, ['node-a', 'node-b', 'node-x']), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U } },
  { name: 'two node inclusion Constraints, zone: honor/ignore, node: honor/ignore', pod: p().nodeSelector({ foo: '' }).spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', fooSelector).obj(), nodes: zn(true, ['node-a', 'node-x', 'node-y']), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': S, 'node-x': S, 'node-y': U } },
  { name: 'two node inclusion Constraints, zone: honor/honor, node: ignore/ignore', pod: p().nodeSelector({ foo: '' }).spread(1, 'zone', 'DoNotSchedule', fooSelector, { nodeTaintsPolicy: 'Honor' }).spread(1, 'node', 'DoNotSchedule', fooSelector, { nodeAffinityPolicy: 'Ignore' }).obj(), nodes: zn(true, ['node-a', 'node-x', 'node-y']), existing: fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': U } },
  {
    // per-constraint counts (current upstream); see the report on v1.32's shared-key counting
    name: 'two Constraints on zone, spreads = [3/3, 2/1]',
    pod: pf().spread(1, 'zone', 'DoNotSchedule', barSelector).spread(1, 'zone', 'DoNotSchedule', fooSelector).obj(),
    nodes: fourNodes(),
    existing: [...fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }, { foo: '', bar: '' }), ...fooPods({ 'node-a': 1, 'node-y': 2 }).map((x) => ({ ...x, metadata: { ...x.metadata, name: `${x.metadata!.name}-f` } }))],
    want: { 'node-a': U, 'node-b': U, 'node-x': S, 'node-y': S },
  },
  {
    name: 'two Constraints on zone, spreads = [3/4, 2/1]',
    pod: pf().spread(1, 'zone', 'DoNotSchedule', barSelector).spread(1, 'zone', 'DoNotSchedule', fooSelector).obj(),
    nodes: fourNodes(),
    existing: [...fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }, { foo: '', bar: '' }), ...fooPods({ 'node-a': 1, 'node-y': 3 }).map((x) => ({ ...x, metadata: { ...x.metadata, name: `${x.metadata!.name}-f` } }))],
    want: { 'node-a': U, 'node-b': U, 'node-x': U, 'node-y': U },
  },
];

describe('PodTopologySpread Filter', () => {
  it.each(singleConstraint)('single constraint: $name', ({ pod, nodes, existing, want }) => {
    expect(runFilter(pod, nodes, existing)).toEqual(want);
  });
  it.each(multipleConstraints)('multiple constraints: $name', ({ pod, nodes, existing, want }) => {
    expect(runFilter(pod, nodes, existing)).toEqual(want);
  });

  it('reports upstream reasons', () => {
    const pl = podTopologySpread({ defaultingType: 'List' });
    const nodes = [...fourNodes(), makeNode().name('node-z').label('other', 'x').obj()];
    const snap = snapshotOf(fooPods({ 'node-a': 2 }), nodes);
    const pod = p().spread(1, 'node', 'DoNotSchedule', fooSelector).obj();
    const cycle = new CycleState();
    pl.preFilter(cycle, pod, snap);
    expect(pl.filter(cycle, pod, snap.get('node-a')!)).toEqual({ code: 'Unschedulable', reasons: [ERR_REASON_CONSTRAINTS_NOT_MATCH] });
    expect(pl.filter(cycle, pod, snap.get('node-z')!)).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [ERR_REASON_NODE_LABEL_NOT_MATCH] });
    expect(ERR_REASON_NODE_LABEL_NOT_MATCH).toBe("node(s) didn't match pod topology spread constraints (missing required label)");
  });

  it('PreFilter skips pods without hard constraints; Filter without PreFilter is an Error', () => {
    const pl = podTopologySpread({ defaultingType: 'List' });
    const snap = snapshotOf([], fourNodes());
    const soft = p().spread(1, 'zone', 'ScheduleAnyway', fooSelector).obj();
    expect(pl.preFilter(new CycleState(), soft, snap).status.code).toBe('Skip');
    expect(pl.filter(new CycleState(), soft, snap.nodes[0]!).code).toBe('Error');
  });
});

interface StateCase {
  name: string;
  pod: Pod;
  nodes: Node[];
  existing: Pod[];
  /** Per constraint: topology value → count, and the minimum. */
  want: { counts: Record<string, number>; min: number }[];
}

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go (TestPreFilterState, selected)
const preFilterStates: StateCase[] = [
  { name: 'clean cluster with one spreadConstraint', pod: p().spread(5, 'zone', 'DoNotSchedule', { matchLabels: { foo: 'bar' } }).obj(), nodes: fourNodes(), existing: [], want: [{ counts: { zone1: 0, zone2: 0 }, min: 0 }] },
  { name: 'normal case with one spreadConstraint', pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 2 }), want: [{ counts: { zone1: 3, zone2: 2 }, min: 2 }] },
  { name: 'normal case with null label selector', pod: p().spread(1, 'zone', 'DoNotSchedule', undefined).obj(), nodes: fourNodes(), existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 2 }), want: [{ counts: { zone1: 0, zone2: 0 }, min: 0 }] },
  {
    name: 'normal case with one spreadConstraint, on a 3-zone cluster',
    pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).obj(),
    nodes: [...fourNodes(), makeNode().name('node-o').label('zone', 'zone3').label('node', 'node-o').obj(), makeNode().name('node-p').label('zone', 'zone3').label('node', 'node-p').obj()],
    existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 2 }),
    want: [{ counts: { zone1: 3, zone2: 2, zone3: 0 }, min: 0 }],
  },
  {
    name: "namespace mismatch doesn't count",
    pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).obj(),
    nodes: fourNodes(),
    existing: [...fooPods({ 'node-a': 1, 'node-b': 1, 'node-y': 1 }), makePod().name('p-a2').ns('ns1').node('node-a').label('foo').obj(), makePod().name('p-y1').ns('ns2').node('node-y').label('foo').obj()],
    want: [{ counts: { zone1: 2, zone2: 1 }, min: 1 }],
  },
  {
    name: 'normal case with two spreadConstraints',
    pod: p().spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', fooSelector).obj(),
    nodes: fourNodes(),
    existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 4 }),
    want: [
      { counts: { zone1: 3, zone2: 4 }, min: 3 },
      { counts: { 'node-a': 2, 'node-b': 1, 'node-x': 0, 'node-y': 4 }, min: 0 },
    ],
  },
  {
    name: 'soft spreadConstraints should be bypassed',
    pod: p().spread(1, 'zone', 'ScheduleAnyway', fooSelector).spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'ScheduleAnyway', fooSelector).spread(1, 'node', 'DoNotSchedule', fooSelector).obj(),
    nodes: fourNodes().filter((n) => n.metadata!.name !== 'node-x'),
    existing: fooPods({ 'node-a': 2, 'node-b': 1, 'node-y': 4 }),
    want: [
      { counts: { zone1: 3, zone2: 4 }, min: 3 },
      { counts: { 'node-a': 2, 'node-b': 1, 'node-y': 4 }, min: 1 },
    ],
  },
  {
    name: 'different labelSelectors - simple version',
    pod: pf().spread(1, 'zone', 'DoNotSchedule', fooSelector).spread(1, 'node', 'DoNotSchedule', barSelector).obj(),
    nodes: fourNodes().filter((n) => n.metadata!.name !== 'node-x'),
    existing: [...fooPods({ 'node-a': 1 }), ...fooPods({ 'node-b': 1 }, { bar: '' })],
    want: [
      { counts: { zone1: 1, zone2: 0 }, min: 0 },
      { counts: { 'node-a': 0, 'node-b': 1, 'node-y': 0 }, min: 0 },
    ],
  },
  {
    // ours: matchLabelKeys merges `key=<pod value>` into the selector
    name: 'matchLabelKeys narrows the selector to the pod revision',
    pod: makePod().name('p').label('foo').label('rev', 'v2').spread(1, 'zone', 'DoNotSchedule', fooSelector, { matchLabelKeys: ['rev'] }).obj(),
    nodes: fourNodes(),
    existing: [...fooPods({ 'node-a': 2 }, { foo: '', rev: 'v1' }), ...fooPods({ 'node-x': 1 }, { foo: '', rev: 'v2' })],
    want: [{ counts: { zone1: 0, zone2: 1 }, min: 0 }],
  },
];

describe('PodTopologySpread PreFilter state', () => {
  it.each(preFilterStates)('$name', ({ pod, nodes, existing, want }) => {
    const pl = podTopologySpread({ defaultingType: 'List' });
    const cycle = new CycleState();
    expect(pl.preFilter(cycle, pod, snapshotOf(existing, nodes)).status.code).toBe('Success');
    const s = cycle.read<PreFilterState>(PRE_FILTER_STATE_KEY)!;
    expect(s.tpValueToMatchNum.map((m) => Object.fromEntries(m))).toEqual(want.map((w) => w.counts));
    expect(s.criticalPaths.map((c) => c.num0)).toEqual(want.map((w) => w.min));
  });

  it('addPod / removePod update counts and critical paths (preemption)', () => {
    const pl = podTopologySpread({ defaultingType: 'List' });
    const pod = p().spread(1, 'zone', 'DoNotSchedule', fooSelector).obj();
    const nodes = fourNodes();
    const cycle = new CycleState();
    pl.preFilter(cycle, pod, snapshotOf(fooPods({ 'node-a': 1 }), nodes));
    const added = podInfoFor(makePod().name('new').label('foo').node('node-x').obj());
    pl.addPod(cycle, pod, added, nodes[2]!);
    let s = cycle.read<PreFilterState>(PRE_FILTER_STATE_KEY)!;
    expect(Object.fromEntries(s.tpValueToMatchNum[0]!)).toEqual({ zone1: 1, zone2: 1 });
    expect(s.criticalPaths[0]!.num0).toBe(1);
    pl.removePod(cycle, pod, added, nodes[2]!);
    s = cycle.read<PreFilterState>(PRE_FILTER_STATE_KEY)!;
    expect(Object.fromEntries(s.tpValueToMatchNum[0]!)).toEqual({ zone1: 1, zone2: 0 });
    expect(s.criticalPaths[0]!.num0).toBe(0);
  });
});

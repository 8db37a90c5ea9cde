import { describe, expect, it } from 'vitest';
import type { Node, Pod, PodDisruptionBudget } from '../../../../src/model/types.js';
import { SUCCESS, status, type CycleState, type PodInfo, type PreFilterPlugin, type Status } from '../../../../src/scheduler/framework.js';
import {
  defaultPreemption,
  filterPodsWithPDBViolation,
  moreImportantPod,
  podEligibleToPreemptOthers,
  resolveDefaultPreemptionArgs,
} from '../../../../src/scheduler/plugins/default-preemption/index.js';
import { nodeResourcesFit } from '../../../../src/scheduler/plugins/node-resources/fit.js';
import { podTopologySpread } from '../../../../src/scheduler/plugins/pod-topology-spread/index.js';
import {
  epoch,
  highPriority,
  largeRes,
  lowPriority,
  makeNode,
  makePDB,
  makePod,
  mediumRes,
  midPriority,
  runPreFilters,
  scriptedRng,
  smallRes,
  snapshotOf,
  veryHighPriority,
  veryLargeRes,
} from './helpers.js';

/** The upstream test's TestPlugin: AddPod/RemovePod fail on nodes labelled error=true. */
const testPlugin: PreFilterPlugin & {
  addPod(c: CycleState, p: Pod, pi: PodInfo, n: Node): Status;
  removePod(c: CycleState, p: Pod, pi: PodInfo, n: Node): Status;
} = {
  name: 'test-plugin',
  preFilter: () => ({ status: SUCCESS }),
  addPod: (_c, p, _pi, n) => (n.metadata?.labels?.error === 'true' ? status('Error', `failed to add pod: ${p.metadata?.name}`) : SUCCESS),
  removePod: (_c, p, _pi, n) => (n.metadata?.labels?.error === 'true' ? status('Error', `failed to remove pod: ${p.metadata?.name}`) : SUCCESS),
};

const onePodRes = { pods: '1' };
const nodeRes = { cpu: '200m', memory: '400' };
const U = status('Unschedulable');
const UU = status('UnschedulableAndUnresolvable');

interface PostFilterCase {
  readonly name: string;
  readonly pod: Pod;
  readonly pods: readonly Pod[];
  readonly pdbs?: readonly PodDisruptionBudget[];
  readonly nodes: readonly Node[];
  readonly statuses: Readonly<Record<string, Status>>;
  readonly wantNominated: string | undefined;
  readonly wantCode: string;
  readonly wantMessage?: string;
}

const onePodNode = (n: string) => makeNode(n, onePodRes);
const violating = { key: 'test.kubernetes.io/is-violating-pdb', yes: 'violating', no: 'non-violating' };

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go
// (TestPostFilter; the extender and pod-group cases are out of scope: kubesim has neither).
// The profile is NodeResourcesFit (PreFilter + Filter) plus test-plugin (PreFilter with AddPod/RemovePod).
const postFilterCases: PostFilterCase[] = [
  {
    name: 'pod with higher priority can be made schedulable',
    pod: makePod('p').priority(highPriority).obj(),
    pods: [makePod('p1').node('node1').obj()],
    nodes: [onePodNode('node1')],
    statuses: { node1: U },
    wantNominated: 'node1',
    wantCode: 'Success',
  },
  {
    name: 'pod with tied priority is still unschedulable',
    pod: makePod('p').obj(),
    pods: [makePod('p1').node('node1').obj()],
    nodes: [onePodNode('node1')],
    statuses: { node1: U },
    wantNominated: '',
    wantCode: 'Unschedulable',
    wantMessage: 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
  },
  {
    name: 'preemption should respect filteredNodesStatuses',
    pod: makePod('p').priority(highPriority).obj(),
    pods: [makePod('p1').node('node1').obj()],
    nodes: [onePodNode('node1')],
    statuses: { node1: UU },
    wantNominated: '',
    wantCode: 'Unschedulable',
    wantMessage: 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
  },
  {
    name: 'preemption should respect absent NodeToStatusReader entry meaning UnschedulableAndUnresolvable',
    pod: makePod('p').priority(highPriority).obj(),
    pods: [makePod('p1').node('node1').obj()],
    nodes: [onePodNode('node1')],
    statuses: {},
    wantNominated: '',
    wantCode: 'Unschedulable',
    wantMessage: 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
  },
  {
    name: 'pod can be made schedulable on one node',
    pod: makePod('p').priority(midPriority).obj(),
    pods: [makePod('p1').priority(highPriority).node('node1').obj(), makePod('p2').priority(lowPriority).node('node2').obj()],
    nodes: [onePodNode('node1'), onePodNode('node2')],
    statuses: { node1: U, node2: U },
    wantNominated: 'node2',
    wantCode: 'Success',
  },
  {
    name: 'pod can be made schedulable on minHighestPriority node',
    pod: makePod('p').priority(veryHighPriority).obj(),
    pods: [
      makePod('p1').label(violating.key, violating.no).priority(highPriority).node('node1').obj(),
      makePod('p2').label(violating.key, violating.yes).priority(lowPriority).node('node1').obj(),
      makePod('p3').label(violating.key, violating.yes).priority(midPriority).node('node2').obj(),
    ],
    pdbs: [
      // MinAvailable 100%: the disruption controller would report disruptionsAllowed 0.
      makePDB({ name: 'violating-pdb', matchLabels: { [violating.key]: violating.yes }, disruptionsAllowed: 0 }),
      makePDB({ name: 'non-violating-pdb', matchLabels: { [violating.key]: violating.no }, disruptionsAllowed: 2147483647 }),
    ],
    nodes: [onePodNode('node1'), onePodNode('node2')],
    statuses: { node1: U, node2: U },
    wantNominated: 'node2',
    wantCode: 'Success',
  },
  {
    name: 'no candidate nodes found, no enough resource after removing low priority pods',
    pod: makePod('p').priority(highPriority).req(largeRes).obj(),
    pods: [makePod('p1').node('node1').obj(), makePod('p2').node('node2').obj()],
    nodes: [makeNode('node1', nodeRes), makeNode('node2', nodeRes)],
    statuses: { node1: U, node2: U },
    wantNominated: '',
    wantCode: 'Unschedulable',
    wantMessage: 'preemption: 0/2 nodes are available: 2 Insufficient cpu.',
  },
  {
    name: 'no candidate nodes found with mixed reasons, no lower priority pod and no enough CPU resource',
    pod: makePod('p').priority(highPriority).req(largeRes).obj(),
    pods: [
      makePod('p1').node('node1').priority(highPriority).obj(),
      makePod('p2').node('node2').obj(),
      makePod('p3').node('node3').priority(highPriority).obj(),
    ],
    nodes: [onePodNode('node1'), makeNode('node2', nodeRes), onePodNode('node3')],
    statuses: { node1: U, node2: U, node3: U },
    wantNominated: '',
    wantCode: 'Unschedulable',
    wantMessage: 'preemption: 0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims found for incoming pod.',
  },
  {
    name: 'no candidate nodes found with mixed reason, 2 UnschedulableAndUnresolvable nodes and 2 nodes don\'t have enough CPU resource',
    pod: makePod('p').priority(highPriority).req(largeRes).obj(),
    pods: [makePod('p1').node('node1').obj(), makePod('p2').node('node2').obj()],
    nodes: ['node1', 'node2', 'node3', 'node4'].map((n) => makeNode(n, nodeRes)),
    statuses: { node1: U, node2: U, node4: UU },
    wantNominated: '',
    wantCode: 'Unschedulable',
    wantMessage: 'preemption: 0/4 nodes are available: 2 Insufficient cpu, 2 Preemption is not helpful for scheduling.',
  },
  {
    name: 'only one node but failed with TestPlugin',
    pod: makePod('p').priority(highPriority).req(largeRes).obj(),
    pods: [makePod('p1').node('node1').obj()],
    nodes: [makeNode('node1', largeRes, { error: 'true' })],
    statuses: { node1: U },
    wantNominated: undefined,
    wantCode: 'Error',
    wantMessage: 'preemption: running RemovePod on PreFilter plugin "test-plugin": failed to remove pod: p',
  },
  {
    name: 'one failed with TestPlugin and the other pass',
    pod: makePod('p').priority(highPriority).req(largeRes).obj(),
    pods: [makePod('p1').node('node1').obj(), makePod('p2').node('node2').req(mediumRes).obj()],
    nodes: [makeNode('node1', largeRes, { error: 'true' }), makeNode('node2', largeRes)],
    statuses: { node1: U, node2: U },
    wantNominated: 'node2',
    wantCode: 'Success',
  },
];

function fitProfile() {
  const fit = nodeResourcesFit();
  return { preFilter: [fit, testPlugin] as PreFilterPlugin[], filter: [fit] };
}

describe('DefaultPreemption.postFilter', () => {
  it.each(postFilterCases)('$name', (tc) => {
    const snapshot = snapshotOf(tc.nodes, tc.pods);
    const profile = fitProfile();
    const pl = defaultPreemption({}, { profile: () => profile, rng: scriptedRng([0]), podDisruptionBudgets: () => tc.pdbs ?? [] });
    const r = pl.postFilter(runPreFilters(profile.preFilter, tc.pod, snapshot), tc.pod, new Map(Object.entries(tc.statuses)), snapshot);
    expect(r.status.code).toBe(tc.wantCode);
    expect(r.nominatedNodeName).toBe(tc.wantNominated);
    if (tc.wantMessage !== undefined) expect(r.status.reasons).toEqual([tc.wantMessage]);
    if (tc.wantCode === 'Success') expect(r.victims?.length).toBeGreaterThan(0);
    else expect(r.victims).toBeUndefined();
  });
});

interface PreemptCase {
  readonly name: string;
  readonly pod: Pod;
  readonly pods: readonly Pod[];
  readonly nodeNames: readonly string[];
  readonly plugin: 'fit' | 'pts';
  readonly want: string | undefined;
  readonly expectedPods: readonly string[];
}

const fooExists = { matchExpressions: [{ key: 'foo', operator: 'Exists' }] };

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go
// (TestPreempt; extender cases left out). Every node is Unschedulable going in.
const preemptCases: PreemptCase[] = [
  {
    name: 'basic preemption logic',
    pod: makePod('p').priority(highPriority).req(veryLargeRes).preemptionPolicy('PreemptLowerPriority').obj(),
    pods: [
      makePod('p1.1').node('node1').priority(lowPriority).req(smallRes).obj(),
      makePod('p1.2').node('node1').priority(lowPriority).req(smallRes).obj(),
      makePod('p2.1').node('node2').priority(highPriority).req(largeRes).obj(),
      makePod('p3.1').node('node3').priority(midPriority).req(mediumRes).obj(),
    ],
    nodeNames: ['node1', 'node2', 'node3'],
    plugin: 'fit',
    want: 'node1',
    expectedPods: ['p1.1', 'p1.2'],
  },
  {
    name: 'preemption for topology spread constraints',
    pod: makePod('p').label('foo', '').priority(highPriority).spreadConstraint(1, 'zone', fooExists).spreadConstraint(1, 'hostname', fooExists).obj(),
    pods: [
      makePod('p-a1').node('node-a').label('foo', '').priority(highPriority).obj(),
      makePod('p-a2').node('node-a').label('foo', '').priority(highPriority).obj(),
      makePod('p-b1').node('node-b').label('foo', '').priority(lowPriority).obj(),
      makePod('p-x1').node('node-x').label('foo', '').priority(highPriority).obj(),
      makePod('p-x2').node('node-x').label('foo', '').priority(highPriority).obj(),
    ],
    nodeNames: ['node-a/zone1', 'node-b/zone1', 'node-x/zone2'],
    plugin: 'pts',
    want: 'node-b',
    expectedPods: ['p-b1'],
  },
  {
    name: 'no preempting in pod',
    pod: makePod('p').priority(highPriority).req(veryLargeRes).preemptionPolicy('Never').obj(),
    pods: [
      makePod('p1.1').node('node1').priority(lowPriority).req(smallRes).obj(),
      makePod('p1.2').node('node1').priority(lowPriority).req(smallRes).obj(),
      makePod('p2.1').node('node2').priority(highPriority).req(largeRes).obj(),
      makePod('p3.1').node('node3').priority(midPriority).req(mediumRes).obj(),
    ],
    nodeNames: ['node1', 'node2', 'node3'],
    plugin: 'fit',
    want: undefined,
    expectedPods: [],
  },
  {
    name: 'PreemptionPolicy is nil',
    pod: makePod('p').priority(highPriority).req(veryLargeRes).obj(),
    pods: [
      makePod('p1.1').node('node1').priority(lowPriority).req(smallRes).obj(),
      makePod('p1.2').node('node1').priority(lowPriority).req(smallRes).obj(),
      makePod('p2.1').node('node2').priority(highPriority).req(largeRes).obj(),
      makePod('p3.1').node('node3').priority(midPriority).req(mediumRes).obj(),
    ],
    nodeNames: ['node1', 'node2', 'node3'],
    plugin: 'fit',
    want: 'node1',
    expectedPods: ['p1.1', 'p1.2'],
  },
];

describe('Preempt', () => {
  it.each(preemptCases)('$name', (tc) => {
    const snapshot = snapshotOf(tc.nodeNames.map((n) => makeNode(n, veryLargeRes)), tc.pods);
    const pl0 = tc.plugin === 'fit' ? nodeResourcesFit() : podTopologySpread({ defaultingType: 'List' });
    const profile = { preFilter: [pl0], filter: [pl0] };
    const rng = scriptedRng([4]);
    const pl = defaultPreemption({}, { profile: () => profile, rng, podDisruptionBudgets: () => [] });
    const statuses = new Map(snapshot.nodes.map((n) => [n.name, U]));
    const r = pl.postFilter(runPreFilters(profile.preFilter, tc.pod, snapshot), tc.pod, statuses, snapshot);
    expect(r.nominatedNodeName).toBe(tc.want);
    expect((r.victims ?? []).map((p) => p.metadata!.name).sort()).toEqual(tc.expectedPods);
    if (tc.want === undefined) {
      expect(r.status).toEqual(status('Unschedulable', 'preemption: not eligible due to preemptionPolicy=Never.'));
      expect(rng.calls).toEqual([]);
    } else expect(rng.calls).toEqual([snapshot.nodes.length]);
  });
});

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go
// (TestPodEligibleToPreemptOthers).
describe('PodEligibleToPreemptOthers', () => {
  it.each([
    {
      name: 'Pod with nominated node',
      pod: makePod('p_with_nominated_node').priority(highPriority).nominatedNodeName('node1').obj(),
      pods: [makePod('p1').priority(lowPriority).node('node1').terminating().obj()],
      nodes: ['node1'],
      nominatedNodeStatus: status('UnschedulableAndUnresolvable', "node(s) had untolerated taint {foo: bar}"),
      expected: true,
    },
    {
      name: 'Pod without nominated node',
      pod: makePod('p_without_nominated_node').priority(highPriority).obj(),
      pods: [],
      nodes: [],
      nominatedNodeStatus: undefined,
      expected: true,
    },
    {
      name: "Pod with 'PreemptNever' preemption policy",
      pod: makePod('p_with_preempt_never_policy').priority(highPriority).preemptionPolicy('Never').obj(),
      pods: [],
      nodes: [],
      nominatedNodeStatus: undefined,
      expected: false,
    },
    {
      name: 'preemption victim pod terminating, as indicated by the dedicated DisruptionTarget condition',
      pod: makePod('p_with_nominated_node').priority(highPriority).nominatedNodeName('node1').obj(),
      pods: [makePod('p1').priority(lowPriority).node('node1').terminating().condition('DisruptionTarget', 'True', 'PreemptionByScheduler').obj()],
      nodes: ['node1'],
      nominatedNodeStatus: undefined,
      expected: false,
    },
    {
      name: 'non-victim Pods terminating',
      pod: makePod('p_with_nominated_node').priority(highPriority).nominatedNodeName('node1').obj(),
      pods: [makePod('p1').priority(lowPriority).node('node1').terminating().obj()],
      nodes: ['node1'],
      nominatedNodeStatus: undefined,
      expected: true,
    },
  ])('$name', ({ pod, pods, nodes, nominatedNodeStatus, expected }) => {
    const snapshot = snapshotOf(nodes.map((n) => makeNode(n)), pods);
    expect(podEligibleToPreemptOthers(pod, snapshot, nominatedNodeStatus).eligible).toBe(expected);
  });

  it('the PostFilter reports a terminating victim on the nominated node', () => {
    const pod = makePod('p').priority(highPriority).nominatedNodeName('node1').obj();
    const victim = makePod('p1').priority(lowPriority).node('node1').terminating().condition('DisruptionTarget', 'True', 'PreemptionByScheduler').obj();
    const snapshot = snapshotOf([makeNode('node1', { pods: '1' })], [victim]);
    const profile = fitProfile();
    const pl = defaultPreemption({}, { profile: () => profile, rng: scriptedRng([]), podDisruptionBudgets: () => [] });
    const r = pl.postFilter(runPreFilters(profile.preFilter, pod, snapshot), pod, new Map([['node1', U]]), snapshot);
    expect(r).toEqual({ status: status('Unschedulable', 'preemption: not eligible due to a terminating pod on the nominated node.') });
  });
});

describe('SelectVictimsOnNode order and PDBs', () => {
  it('returns victims most important first, PDB-violating ones reprieved first', () => {
    // Node 500m. Preemptor 300m. v-pdb (low, PDB with 0 allowed) and v-mid (mid) and v-low (low),
    // 100m each: all three off → fits; reprieve v-pdb first (violating) → 100 + 300 fits, stays;
    // then v-mid → 200 + 300 fits, stays; then v-low → 300 + 300 > 500 → victim.
    const pods = [
      makePod('v-low').node('n1').priority(lowPriority).req(smallRes).startTime(epoch(1)).obj(),
      makePod('v-mid').node('n1').priority(midPriority).req(smallRes).obj(),
      makePod('v-pdb').node('n1').label('app', 'db').priority(lowPriority).req(smallRes).startTime(epoch(2)).obj(),
    ];
    const snapshot = snapshotOf([makeNode('n1', veryLargeRes)], pods);
    const profile = fitProfile();
    const pdb = makePDB({ matchLabels: { app: 'db' }, disruptionsAllowed: 0 });
    const pod = makePod('p').priority(highPriority).req(largeRes).obj();
    const pl = defaultPreemption({}, { profile: () => profile, rng: scriptedRng([]), podDisruptionBudgets: () => [pdb] });
    const r = pl.postFilter(runPreFilters(profile.preFilter, pod, snapshot), pod, new Map([['n1', U]]), snapshot);
    expect(r.victims?.map((p) => p.metadata!.name)).toEqual(['v-low']);
  });

  // Worked examples of upstream filterPodsWithPDBViolation
  // (kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go).
  it.each([
    { why: 'budget 1, two matching pods: the second violates', allowed: 1, ns: 'default', sel: { app: 'foo' }, expected: [['b'], ['a']] },
    { why: 'budget 0: both violate', allowed: 0, ns: 'default', sel: { app: 'foo' }, expected: [['a', 'b'], []] },
    { why: 'other namespace: no match', allowed: 0, ns: 'other', sel: { app: 'foo' }, expected: [[], ['a', 'b']] },
    { why: 'empty selector matches nothing', allowed: 0, ns: 'default', sel: {}, expected: [[], ['a', 'b']] },
  ] as { why: string; allowed: number; ns: string; sel: Record<string, string>; expected: string[][] }[])('$why', ({ allowed, ns, sel, expected }) => {
    const pods = ['a', 'b'].map((n) => makePod(n).label('app', 'foo').obj());
    const pdb = makePDB({ namespace: ns, matchLabels: sel, disruptionsAllowed: allowed });
    const r = filterPodsWithPDBViolation(pods, (p) => p, [pdb]);
    expect([r.violating.map((p) => p.metadata!.name), r.nonViolating.map((p) => p.metadata!.name)]).toEqual(expected);
  });

  it('MoreImportantPod: priority, then earlier start', () => {
    const a = makePod('a').priority(midPriority).startTime(epoch(5)).obj();
    const b = makePod('b').priority(lowPriority).startTime(epoch(1)).obj();
    const c = makePod('c').priority(midPriority).startTime(epoch(2)).obj();
    expect(moreImportantPod(a, b)).toBe(true);
    expect(moreImportantPod(c, a)).toBe(true);
    expect(moreImportantPod(a, c)).toBe(false);
  });
});

// Ported from kubernetes/kubernetes pkg/scheduler/apis/config/validation/validation_pluginargs.go
// (ValidateDefaultPreemptionArgs) and v1 defaults.
describe('DefaultPreemptionArgs', () => {
  it('defaults to 10% and 100', () => {
    expect(resolveDefaultPreemptionArgs({})).toEqual({ minCandidateNodesPercentage: 10, minCandidateNodesAbsolute: 100 });
  });
  it.each([
    { args: { minCandidateNodesPercentage: -1 }, msg: 'minCandidateNodesPercentage: Invalid value: -1: not in valid range [0, 100]' },
    { args: { minCandidateNodesPercentage: 101 }, msg: 'minCandidateNodesPercentage: Invalid value: 101: not in valid range [0, 100]' },
    { args: { minCandidateNodesAbsolute: -1 }, msg: 'minCandidateNodesAbsolute: Invalid value: -1: not in valid range [0, inf)' },
    {
      args: { minCandidateNodesPercentage: 0, minCandidateNodesAbsolute: 0 },
      msg: '[minCandidateNodesPercentage: Invalid value: 0: cannot be zero at the same time as minCandidateNodesAbsolute, minCandidateNodesAbsolute: Invalid value: 0: cannot be zero at the same time as minCandidateNodesPercentage]',
    },
  ])('rejects $args', ({ args, msg }) => {
    expect(() => resolveDefaultPreemptionArgs(args)).toThrow(`DefaultPreemptionArgs: ${msg}`);
  });
});

describe('nominated pods (RunFilterPluginsWithNominatedPods)', () => {
  // Node 500m with a low-priority 300m pod; the preemptor asks 300m. A pod of equal or higher
  // priority nominated to the node (300m) will come back, so evicting cannot make room:
  // 300 (nominated) + 300 > 500 → Insufficient cpu (and memory, 300 + 300 > 500). A lower-priority nominated pod is ignored.
  it.each([
    { nominatedPriority: highPriority, want: undefined, message: 'preemption: 0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.' },
    { nominatedPriority: lowPriority, want: 'n1', message: undefined },
  ])('nominated pod of priority $nominatedPriority', ({ nominatedPriority, want, message }) => {
    const snapshot = snapshotOf([makeNode('n1', veryLargeRes)], [makePod('low').node('n1').priority(lowPriority).req(largeRes).obj()]);
    const nominated = makePod('nom').priority(nominatedPriority).req(largeRes).nominatedNodeName('n1').obj();
    const pod = makePod('p').priority(highPriority).req(largeRes).obj();
    const profile = fitProfile();
    const pl = defaultPreemption({}, {
      profile: () => profile,
      rng: scriptedRng([]),
      podDisruptionBudgets: () => [],
      nominatedPodsForNode: (n) => (n === 'n1' ? [nominated] : []),
    });
    const r = pl.postFilter(runPreFilters(profile.preFilter, pod, snapshot), pod, new Map([['n1', U]]), snapshot);
    if (want) expect(r.nominatedNodeName).toBe(want);
    else expect(r.status.reasons).toEqual([message]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Pod, PodDisruptionBudget } from '../../../../src/model/types.js';
import { SUCCESS, status, type Code, type FilterPlugin, type PreFilterPlugin } from '../../../../src/scheduler/framework.js';
import {
  calculateNumCandidates,
  dryRunPreemption,
  nodesWherePreemptionMightHelp,
  resolveDefaultPreemptionArgs,
  victimSelector,
  type DefaultPreemptionArgs,
} from '../../../../src/scheduler/plugins/default-preemption/index.js';
import { interPodAffinity } from '../../../../src/scheduler/plugins/inter-pod-affinity/index.js';
import { nodeResourcesFit } from '../../../../src/scheduler/plugins/node-resources/fit.js';
import { podTopologySpread } from '../../../../src/scheduler/plugins/pod-topology-spread/index.js';
import {
  fakeFilter,
  falseFilter,
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
  trueFilter,
  veryHighPriority,
  veryLargeRes,
  epoch,
} from './helpers.js';

type PluginName = 'fit' | 'pts' | 'ipa' | 'true' | 'false' | 'match';

/** tf.NewMatchFilterPlugin: the pod fits only the node with its own name. */
const matchFilter: FilterPlugin = {
  name: 'MatchFilter',
  filter: (_c, pod, node) => (pod.metadata?.name === node.name ? SUCCESS : status('Unschedulable', 'pod name does not match')),
};

function plugin(n: PluginName): Partial<PreFilterPlugin & FilterPlugin> {
  switch (n) {
    case 'fit':
      return nodeResourcesFit();
    case 'pts':
      return podTopologySpread({ defaultingType: 'List' });
    case 'ipa':
      return interPodAffinity();
    case 'true':
      return trueFilter;
    case 'false':
      return falseFilter;
    case 'match':
      return matchFilter;
  }
}

interface ExpectedCandidate {
  readonly name: string;
  readonly victims: readonly string[];
  readonly numPDBViolations?: number;
}

interface DryRunCase {
  readonly name: string;
  readonly args?: DefaultPreemptionArgs;
  readonly plugins: readonly PluginName[];
  readonly nodeNames: readonly string[];
  readonly testPods: readonly Pod[];
  readonly initPods: readonly Pod[];
  readonly pdbs?: readonly PodDisruptionBudget[];
  readonly fakeFilterRC?: Code;
  /** Per test pod (scheduling cycle): candidates sorted by name, victims sorted by name. */
  readonly expected: readonly (readonly ExpectedCandidate[])[];
  readonly expectedNumFilterCalled: readonly number[];
}

const fooPDB = (allowed: number, disrupted?: Record<string, string>) =>
  makePDB({ matchLabels: { app: 'foo' }, disruptionsAllowed: allowed, ...(disrupted ? { disruptedPods: disrupted } : {}) });
const fooExists = { matchExpressions: [{ key: 'foo', operator: 'Exists' }] };

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go
// (TestDryRunPreemption). The offset source is seeded like upstream's rand.NewSource(4): with
// five nodes it yields 4, 1, 3 over three cycles. Upstream's extra "node2 (no)" notes are kept.
const cases: DryRunCase[] = [
  {
    name: 'a pod that does not fit on any node',
    plugins: ['false'],
    nodeNames: ['node1', 'node2'],
    testPods: [makePod('p').priority(highPriority).obj()],
    initPods: [makePod('p1').node('node1').priority(midPriority).obj(), makePod('p2').node('node2').priority(midPriority).obj()],
    expected: [[]],
    expectedNumFilterCalled: [2],
  },
  {
    name: 'a pod that fits with no preemption',
    plugins: ['true'],
    nodeNames: ['node1', 'node2'],
    testPods: [makePod('p').priority(highPriority).obj()],
    initPods: [makePod('p1').node('node1').priority(midPriority).obj(), makePod('p2').node('node2').priority(midPriority).obj()],
    fakeFilterRC: 'Unschedulable',
    expected: [[]],
    expectedNumFilterCalled: [2],
  },
  {
    name: 'a pod that fits on one node with no preemption',
    plugins: ['match'],
    nodeNames: ['node1', 'node2'],
    testPods: [makePod('node1').priority(highPriority).obj()],
    initPods: [makePod('p1').node('node1').priority(midPriority).obj(), makePod('p2').node('node2').priority(midPriority).obj()],
    fakeFilterRC: 'Unschedulable',
    expected: [[]],
    expectedNumFilterCalled: [2],
  },
  {
    name: 'a pod that fits on both nodes when lower priority pods are preempted',
    plugins: ['fit'],
    nodeNames: ['node1', 'node2'],
    testPods: [makePod('p').priority(highPriority).req(largeRes).obj()],
    initPods: [
      makePod('p1').node('node1').priority(midPriority).req(largeRes).obj(),
      makePod('p2').node('node2').priority(midPriority).req(largeRes).obj(),
    ],
    expected: [[{ name: 'node1', victims: ['p1'] }, { name: 'node2', victims: ['p2'] }]],
    expectedNumFilterCalled: [4],
  },
  {
    name: 'a pod that would fit on the nodes, but other pods running are higher priority, no preemption would happen',
    plugins: ['fit'],
    nodeNames: ['node1', 'node2'],
    testPods: [makePod('p').priority(lowPriority).req(largeRes).obj()],
    initPods: [
      makePod('p1').node('node1').priority(midPriority).req(largeRes).obj(),
      makePod('p2').node('node2').priority(midPriority).req(largeRes).obj(),
    ],
    expected: [[]],
    expectedNumFilterCalled: [0],
  },
  {
    name: 'medium priority pod is preempted, but lower priority one stays as it is small',
    plugins: ['fit'],
    nodeNames: ['node1', 'node2'],
    testPods: [makePod('p').priority(highPriority).req(largeRes).obj()],
    initPods: [
      makePod('p1.1').node('node1').priority(lowPriority).req(smallRes).obj(),
      makePod('p1.2').node('node1').priority(midPriority).req(largeRes).obj(),
      makePod('p2').node('node2').priority(midPriority).req(largeRes).obj(),
    ],
    expected: [[{ name: 'node1', victims: ['p1.2'] }, { name: 'node2', victims: ['p2'] }]],
    expectedNumFilterCalled: [5],
  },
  {
    name: 'mixed priority pods are preempted',
    plugins: ['fit'],
    nodeNames: ['node1', 'node2'],
    testPods: [makePod('p').priority(highPriority).req(largeRes).obj()],
    initPods: [
      makePod('p1.1').node('node1').priority(midPriority).req(smallRes).obj(),
      makePod('p1.2').node('node1').priority(lowPriority).req(smallRes).obj(),
      makePod('p1.3').node('node1').priority(midPriority).req(mediumRes).obj(),
      makePod('p1.4').node('node1').priority(highPriority).req(smallRes).obj(),
      makePod('p2').node('node2').priority(highPriority).req(largeRes).obj(),
    ],
    expected: [[{ name: 'node1', victims: ['p1.2', 'p1.3'] }]],
    expectedNumFilterCalled: [4],
  },
  {
    name: 'mixed priority pods are preempted, pick later StartTime one when priorities are equal',
    plugins: ['fit'],
    nodeNames: ['node1', 'node2'],
    testPods: [makePod('p').priority(highPriority).req(largeRes).obj()],
    initPods: [
      makePod('p1.1').node('node1').priority(lowPriority).req(smallRes).startTime(epoch(5)).obj(),
      makePod('p1.2').node('node1').priority(lowPriority).req(smallRes).startTime(epoch(4)).obj(),
      makePod('p1.3').node('node1').priority(midPriority).req(mediumRes).startTime(epoch(3)).obj(),
      makePod('p1.4').node('node1').priority(highPriority).req(smallRes).startTime(epoch(2)).obj(),
      makePod('p2').node('node2').priority(highPriority).req(largeRes).startTime(epoch(1)).obj(),
    ],
    expected: [[{ name: 'node1', victims: ['p1.1', 'p1.3'] }]],
    expectedNumFilterCalled: [4],
  },
  {
    name: 'pod with anti-affinity is preempted',
    plugins: ['fit', 'ipa'],
    nodeNames: ['node1', 'node2'],
    testPods: [makePod('p').label('foo', '').priority(highPriority).req(smallRes).obj()],
    initPods: [
      makePod('p1.1').node('node1').label('foo', '').priority(lowPriority).req(smallRes).antiAffinityExists('foo', 'hostname').obj(),
      makePod('p1.2').node('node1').priority(midPriority).req(smallRes).obj(),
      makePod('p1.3').node('node1').priority(highPriority).req(smallRes).obj(),
      makePod('p2').node('node2').priority(highPriority).req(smallRes).obj(),
    ],
    expected: [[{ name: 'node1', victims: ['p1.1'] }]],
    expectedNumFilterCalled: [3],
  },
  {
    name: 'preemption to resolve pod topology spread filter failure',
    plugins: ['pts'],
    nodeNames: ['node-a/zone1', 'node-b/zone1', 'node-x/zone2'],
    testPods: [
      makePod('p').label('foo', '').priority(highPriority).spreadConstraint(1, 'zone', fooExists).spreadConstraint(1, 'hostname', fooExists).obj(),
    ],
    initPods: [
      makePod('pod-a1').node('node-a').label('foo', '').priority(midPriority).obj(),
      makePod('pod-a2').node('node-a').label('foo', '').priority(lowPriority).obj(),
      makePod('pod-b1').node('node-b').label('foo', '').priority(lowPriority).obj(),
      makePod('pod-x1').node('node-x').label('foo', '').priority(highPriority).obj(),
      makePod('pod-x2').node('node-x').label('foo', '').priority(highPriority).obj(),
    ],
    expected: [[{ name: 'node-a', victims: ['pod-a2'] }, { name: 'node-b', victims: ['pod-b1'] }]],
    expectedNumFilterCalled: [5], // node-a (3), node-b (2), node-x (0)
  },
  {
    name: 'get Unschedulable in the preemption phase when the filter plugins filtering the nodes',
    plugins: ['fit'],
    nodeNames: ['node1', 'node2'],
    testPods: [makePod('p').priority(highPriority).req(largeRes).obj()],
    initPods: [
      makePod('p1').node('node1').priority(midPriority).req(largeRes).obj(),
      makePod('p2').node('node2').priority(midPriority).req(largeRes).obj(),
    ],
    fakeFilterRC: 'Unschedulable',
    expected: [[]],
    expectedNumFilterCalled: [2],
  },
  {
    name: 'preemption with violation of same pdb',
    plugins: ['fit'],
    nodeNames: ['node1'],
    testPods: [makePod('p').priority(highPriority).req(veryLargeRes).obj()],
    initPods: [
      makePod('p1.1').node('node1').label('app', 'foo').priority(midPriority).req(mediumRes).obj(),
      makePod('p1.2').node('node1').label('app', 'foo').priority(midPriority).req(mediumRes).obj(),
    ],
    pdbs: [fooPDB(1)],
    expected: [[{ name: 'node1', victims: ['p1.1', 'p1.2'], numPDBViolations: 1 }]],
    expectedNumFilterCalled: [3],
  },
  {
    name: "preemption with violation of the pdb with pod whose eviction was processed, the victim doesn't belong to DisruptedPods",
    plugins: ['fit'],
    nodeNames: ['node1'],
    testPods: [makePod('p').priority(highPriority).req(veryLargeRes).obj()],
    initPods: [
      makePod('p1.1').node('node1').label('app', 'foo').priority(midPriority).req(mediumRes).obj(),
      makePod('p1.2').node('node1').label('app', 'foo').priority(midPriority).req(mediumRes).obj(),
    ],
    pdbs: [fooPDB(1, { p2: epoch(0) })],
    expected: [[{ name: 'node1', victims: ['p1.1', 'p1.2'], numPDBViolations: 1 }]],
    expectedNumFilterCalled: [3],
  },
  {
    name: 'preemption with violation of the pdb with pod whose eviction was processed, the victim belongs to DisruptedPods',
    plugins: ['fit'],
    nodeNames: ['node1'],
    testPods: [makePod('p').priority(highPriority).req(veryLargeRes).obj()],
    initPods: [
      makePod('p1.1').node('node1').label('app', 'foo').priority(midPriority).req(mediumRes).obj(),
      makePod('p1.2').node('node1').label('app', 'foo').priority(midPriority).req(mediumRes).obj(),
    ],
    pdbs: [fooPDB(1, { 'p1.2': epoch(0) })],
    expected: [[{ name: 'node1', victims: ['p1.1', 'p1.2'], numPDBViolations: 0 }]],
    expectedNumFilterCalled: [3],
  },
  {
    name: "preemption with violation of the pdb with pod whose eviction was processed, the victim which belongs to DisruptedPods is treated as 'nonViolating'",
    plugins: ['fit'],
    nodeNames: ['node1'],
    testPods: [makePod('p').priority(highPriority).req(veryLargeRes).obj()],
    initPods: [
      makePod('p1.1').node('node1').label('app', 'foo').priority(midPriority).req(mediumRes).obj(),
      makePod('p1.2').node('node1').label('app', 'foo').priority(midPriority).req(mediumRes).obj(),
      makePod('p1.3').node('node1').label('app', 'foo').priority(midPriority).req(mediumRes).obj(),
    ],
    pdbs: [fooPDB(1, { 'p1.3': epoch(0) })],
    expected: [[{ name: 'node1', victims: ['p1.1', 'p1.2', 'p1.3'], numPDBViolations: 1 }]],
    expectedNumFilterCalled: [4],
  },
  {
    name: 'all nodes are possible candidates, but DefaultPreemptionArgs limits to 2',
    args: { minCandidateNodesPercentage: 40, minCandidateNodesAbsolute: 1 },
    plugins: ['fit'],
    nodeNames: ['node1', 'node2', 'node3', 'node4', 'node5'],
    testPods: [makePod('p').priority(highPriority).req(largeRes).obj()],
    initPods: [1, 2, 3, 4, 5].map((i) => makePod(`p${i}`).node(`node${i}`).priority(midPriority).req(largeRes).obj()),
    // cycle 0: offset 4 → node5 (yes), node1 (yes)
    expected: [[{ name: 'node1', victims: ['p1'] }, { name: 'node5', victims: ['p5'] }]],
    expectedNumFilterCalled: [4],
  },
  {
    name: 'some nodes are not possible candidates, DefaultPreemptionArgs limits to 2',
    args: { minCandidateNodesPercentage: 40, minCandidateNodesAbsolute: 1 },
    plugins: ['fit'],
    nodeNames: ['node1', 'node2', 'node3', 'node4', 'node5'],
    testPods: [makePod('p').priority(highPriority).req(largeRes).obj()],
    initPods: [
      makePod('p1').node('node1').priority(midPriority).req(largeRes).obj(),
      makePod('p2').node('node2').priority(veryHighPriority).req(largeRes).obj(),
      makePod('p3').node('node3').priority(midPriority).req(largeRes).obj(),
      makePod('p4').node('node4').priority(midPriority).req(largeRes).obj(),
      makePod('p5').node('node5').priority(veryHighPriority).req(largeRes).obj(),
    ],
    // cycle 0: offset 4 → node5 (no), node1 (yes), node2 (no), node3 (yes)
    expected: [[{ name: 'node1', victims: ['p1'] }, { name: 'node3', victims: ['p3'] }]],
    expectedNumFilterCalled: [4],
  },
  {
    name: 'preemption offset across multiple scheduling cycles and wrap around',
    args: { minCandidateNodesPercentage: 40, minCandidateNodesAbsolute: 1 },
    plugins: ['fit'],
    nodeNames: ['node1', 'node2', 'node3', 'node4', 'node5'],
    testPods: ['tp1', 'tp2', 'tp3'].map((n) => makePod(n).priority(highPriority).req(largeRes).obj()),
    initPods: [1, 2, 3, 4, 5].map((i) => makePod(`p${i}`).node(`node${i}`).priority(midPriority).req(largeRes).obj()),
    expected: [
      [{ name: 'node1', victims: ['p1'] }, { name: 'node5', victims: ['p5'] }], // offset 4 → node5, node1
      [{ name: 'node2', victims: ['p2'] }, { name: 'node3', victims: ['p3'] }], // offset 1 → node2, node3
      [{ name: 'node4', victims: ['p4'] }, { name: 'node5', victims: ['p5'] }], // offset 3 → node4, node5
    ],
    expectedNumFilterCalled: [4, 4, 4],
  },
  {
    name: 'preemption looks past numCandidates until a non-PDB violating node is found',
    args: { minCandidateNodesPercentage: 40, minCandidateNodesAbsolute: 2 },
    plugins: ['fit'],
    nodeNames: ['node1', 'node2', 'node3', 'node4', 'node5'],
    testPods: [makePod('p').priority(highPriority).req(largeRes).obj()],
    initPods: [
      makePod('p1').node('node1').label('app', 'foo').priority(midPriority).req(largeRes).obj(),
      makePod('p2').node('node2').label('app', 'foo').priority(midPriority).req(largeRes).obj(),
      makePod('p3').node('node3').priority(midPriority).req(largeRes).obj(),
      makePod('p4').node('node4').priority(midPriority).req(largeRes).obj(),
      makePod('p5').node('node5').label('app', 'foo').priority(midPriority).req(largeRes).obj(),
    ],
    pdbs: [fooPDB(0)],
    // offset 4 → node5 (yes, pdb), node1 (yes, pdb), node2 (dry-run, but the violating list is
    // full at 2), node3 (yes, no pdb: stop). Three candidates, over the minimum of two.
    expected: [
      [
        { name: 'node1', victims: ['p1'], numPDBViolations: 1 },
        { name: 'node3', victims: ['p3'] },
        { name: 'node5', victims: ['p5'], numPDBViolations: 1 },
      ],
    ],
    expectedNumFilterCalled: [8],
  },
];

describe('DryRunPreemption', () => {
  it.each(cases)('$name', (tc) => {
    const nodes = tc.nodeNames.map((n) => makeNode(n, veryLargeRes));
    const snapshot = snapshotOf(nodes, tc.initPods);
    const codes: Record<string, Code> = {};
    for (const n of snapshot.nodes) codes[n.name] = tc.fakeFilterRC ?? 'Success';
    const ff = fakeFilter(codes);
    const pls = tc.plugins.map(plugin);
    const profile = {
      preFilter: pls.filter((p): p is PreFilterPlugin => typeof p.preFilter === 'function'),
      filter: [ff, ...pls.filter((p): p is FilterPlugin => typeof p.filter === 'function')],
    };
    const args = resolveDefaultPreemptionArgs(tc.args ?? {});
    const rng = scriptedRng([4, 1, 3]);
    const sorted = [...snapshot.nodes].sort((a, b) => (a.name < b.name ? -1 : 1));
    let prevCalls = 0;
    tc.testPods.forEach((pod, cycleNo) => {
      const cycle = runPreFilters(profile.preFilter, pod, snapshot);
      const offset = rng.int(sorted.length);
      const num = calculateNumCandidates(sorted.length, args.minCandidateNodesPercentage, args.minCandidateNodesAbsolute);
      const run = dryRunPreemption(sorted, offset, num, victimSelector(profile, cycle, pod, snapshot), tc.pdbs ?? []);
      const got = run.candidates
        .map((c) => ({
          name: c.name,
          victims: c.victims.map((v) => v.metadata!.name!).sort(),
          numPDBViolations: c.numPDBViolations,
        }))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      const want = tc.expected[cycleNo]!.map((c) => ({ ...c, numPDBViolations: c.numPDBViolations ?? 0 }));
      expect(got).toEqual(want);
      expect(ff.calls - prevCalls).toBe(tc.expectedNumFilterCalled[cycleNo]);
      prevCalls = ff.calls;
    });
  });
});

describe('calculateNumCandidates', () => {
  // Worked examples of upstream calculateNumCandidates (default_preemption.go): Go int32 division.
  it.each`
    numNodes | percentage | absolute | expected | why
    ${10}    | ${10}      | ${100}   | ${10}    | ${'max(1, 100) capped at 10 nodes'}
    ${1000}  | ${10}      | ${100}   | ${100}   | ${'1000 × 10% = 100'}
    ${1000}  | ${40}      | ${100}   | ${400}   | ${'1000 × 40% = 400'}
    ${1000}  | ${10}      | ${50}    | ${100}   | ${'10% = 100 ≥ 50'}
    ${1000}  | ${10}      | ${500}   | ${500}   | ${'absolute 500 > 10% = 100'}
    ${1000}  | ${0}       | ${50}    | ${50}    | ${'0% → absolute 50'}
    ${5000}  | ${10}      | ${100}   | ${500}   | ${'5000 × 10% = 500'}
    ${5}     | ${40}      | ${1}     | ${2}     | ${'trunc(5 × 40 / 100) = 2'}
  `('$numNodes nodes, $percentage%, at least $absolute → $expected ($why)', ({ numNodes, percentage, absolute, expected }) => {
    expect(calculateNumCandidates(numNodes, percentage, absolute)).toBe(expected);
  });
});

describe('nodesWherePreemptionMightHelp', () => {
  it('keeps only Unschedulable nodes, in snapshot order; absent nodes count as UnschedulableAndUnresolvable', () => {
    const snapshot = snapshotOf(['n1', 'n2', 'n3', 'n4'].map((n) => makeNode(n)), []);
    const statuses = new Map([
      ['n4', status('Unschedulable', 'Insufficient cpu')],
      ['n1', status('Unschedulable', 'Too many pods')],
      ['n2', status('UnschedulableAndUnresolvable', "node(s) didn't match Pod's node affinity/selector")],
    ]);
    expect(nodesWherePreemptionMightHelp(snapshot, statuses).map((n) => n.name)).toEqual(['n1', 'n4']);
  });
});

describe('DryRunPreemption determinism', () => {
  it('draws the offset from the injected rng only', () => {
    const rng = scriptedRng([2]);
    expect(rng.int(5)).toBe(2);
    expect(rng.calls).toEqual([5]);
  });
  it('an Error from a dry run is reported with the node status', () => {
    const nodes = [makeNode('node1', largeRes)];
    const pods = [makePod('p1').node('node1').priority(lowPriority).obj()];
    const snapshot = snapshotOf(nodes, pods);
    const broken: FilterPlugin = { name: 'Broken', filter: () => status('Error', 'boom') };
    const pod = makePod('p').priority(highPriority).obj();
    const run = dryRunPreemption(snapshot.nodes, 0, 1, victimSelector({ preFilter: [], filter: [broken] }, runPreFilters([], pod, snapshot), pod, snapshot), []);
    expect(run.candidates).toEqual([]);
    expect(run.errors).toEqual(['boom']);
    expect(run.nodeStatuses.get('node1')?.code).toBe('Error');
  });
});

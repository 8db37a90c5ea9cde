import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../../src/model/types.js';
import { status } from '../../../../src/scheduler/framework.js';
import {
  defaultPreemption,
  earliestStartOfHighestPriority,
  pickOneNodeForPreemption,
  type Candidate,
} from '../../../../src/scheduler/plugins/default-preemption/index.js';
import { nodeResourcesFit } from '../../../../src/scheduler/plugins/node-resources/fit.js';
import {
  epoch,
  highPriority,
  largeRes,
  lowPriority,
  makeNode,
  makePod,
  mediumRes,
  midPriority,
  negPriority,
  runPreFilters,
  scriptedRng,
  smallRes,
  snapshotOf,
  veryHighPriority,
  veryLargeRes,
} from './helpers.js';

interface SelectCase {
  readonly name: string;
  readonly nodeNames: readonly string[];
  readonly pod: Pod;
  readonly pods: readonly Pod[];
  /** Any of these is valid (upstream's own ties). */
  readonly expected: readonly string[];
}

const at = epoch(0);
const p = (name: string, node: string, prio: number, req: Record<string, string>, start = at) =>
  makePod(name).node(node).priority(prio).req(req).startTime(start).obj();

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go
// (TestSelectBestCandidate). Nodes have 500m / 500 and the preemptor asks for all of it where
// it asks for veryLargeRes, so every lower-priority pod on a node is a victim there.
const cases: SelectCase[] = [
  {
    name: 'a pod that fits on both nodes when lower priority pods are preempted',
    nodeNames: ['node1', 'node2'],
    pod: makePod('p').priority(highPriority).req(largeRes).obj(),
    pods: [p('p1', 'node1', midPriority, largeRes), p('p2', 'node2', midPriority, largeRes)],
    expected: ['node1', 'node2'],
  },
  {
    name: 'node with min highest priority pod is picked',
    nodeNames: ['node1', 'node2', 'node3'],
    pod: makePod('p').priority(highPriority).req(veryLargeRes).obj(),
    pods: [
      p('p1.1', 'node1', midPriority, mediumRes),
      p('p1.2', 'node1', midPriority, largeRes),
      p('p2.1', 'node2', midPriority, mediumRes),
      p('p2.2', 'node2', lowPriority, mediumRes),
      p('p3.1', 'node3', lowPriority, mediumRes),
      p('p3.2', 'node3', lowPriority, mediumRes),
    ],
    expected: ['node3'],
  },
  {
    name: 'when highest priorities are the same, minimum sum of priorities is picked',
    nodeNames: ['node1', 'node2', 'node3'],
    pod: makePod('p').priority(highPriority).req(veryLargeRes).obj(),
    pods: [
      p('p1.1', 'node1', midPriority, mediumRes),
      p('p1.2', 'node1', midPriority, largeRes),
      p('p2.1', 'node2', midPriority, largeRes),
      p('p2.2', 'node2', lowPriority, mediumRes),
      p('p3.1', 'node3', midPriority, mediumRes),
      p('p3.2', 'node3', midPriority, mediumRes),
    ],
    expected: ['node2'],
  },
  {
    name: 'when highest priority and sum are the same, minimum number of pods is picked',
    nodeNames: ['node1', 'node2', 'node3'],
    pod: makePod('p').priority(highPriority).req(veryLargeRes).obj(),
    pods: [
      p('p1.1', 'node1', midPriority, smallRes),
      p('p1.2', 'node1', negPriority, smallRes),
      p('p1.3', 'node1', midPriority, smallRes),
      p('p1.4', 'node1', negPriority, smallRes),
      p('p2.1', 'node2', midPriority, largeRes),
      p('p2.2', 'node2', negPriority, mediumRes),
      p('p3.1', 'node3', midPriority, mediumRes),
      p('p3.2', 'node3', negPriority, smallRes),
      p('p3.3', 'node3', lowPriority, smallRes),
    ],
    expected: ['node2'],
  },
  {
    name: 'sum of adjusted priorities is considered',
    nodeNames: ['node1', 'node2', 'node3'],
    pod: makePod('p').priority(highPriority).req(veryLargeRes).obj(),
    pods: [
      p('p1.1', 'node1', midPriority, smallRes),
      p('p1.2', 'node1', negPriority, smallRes),
      p('p1.3', 'node1', negPriority, smallRes),
      p('p2.1', 'node2', midPriority, largeRes),
      p('p2.2', 'node2', negPriority, mediumRes),
      p('p3.1', 'node3', midPriority, mediumRes),
      p('p3.2', 'node3', negPriority, smallRes),
      p('p3.3', 'node3', lowPriority, smallRes),
    ],
    expected: ['node2'],
  },
  {
    name: 'non-overlapping lowest high priority, sum priorities, and number of pods',
    nodeNames: ['node1', 'node2', 'node3', 'node4'],
    pod: makePod('p').priority(veryHighPriority).req(veryLargeRes).obj(),
    pods: [
      p('p1.1', 'node1', midPriority, smallRes),
      p('p1.2', 'node1', lowPriority, smallRes),
      p('p1.3', 'node1', lowPriority, smallRes),
      p('p2.1', 'node2', highPriority, largeRes),
      p('p3.1', 'node3', midPriority, mediumRes),
      p('p3.2', 'node3', lowPriority, smallRes),
      p('p3.3', 'node3', lowPriority, smallRes),
      p('p3.4', 'node3', lowPriority, mediumRes),
      p('p4.1', 'node4', midPriority, mediumRes),
      p('p4.2', 'node4', midPriority, smallRes),
      p('p4.3', 'node4', midPriority, smallRes),
      p('p4.4', 'node4', negPriority, smallRes),
    ],
    expected: ['node1'],
  },
  {
    name: "same priority, same number of victims, different start time for each node's pod",
    nodeNames: ['node1', 'node2', 'node3'],
    pod: makePod('p').priority(highPriority).req(veryLargeRes).obj(),
    pods: [
      p('p1.1', 'node1', midPriority, mediumRes, epoch(2)),
      p('p1.2', 'node1', midPriority, mediumRes, epoch(2)),
      p('p2.1', 'node2', midPriority, mediumRes, epoch(3)),
      p('p2.2', 'node2', midPriority, mediumRes, epoch(3)),
      p('p3.1', 'node3', midPriority, mediumRes, epoch(1)),
      p('p3.2', 'node3', midPriority, mediumRes, epoch(1)),
    ],
    expected: ['node2'],
  },
  {
    name: 'same priority, same number of victims, different start time for all pods',
    nodeNames: ['node1', 'node2', 'node3'],
    pod: makePod('p').priority(highPriority).req(veryLargeRes).obj(),
    pods: [
      p('p1.1', 'node1', midPriority, mediumRes, epoch(4)),
      p('p1.2', 'node1', midPriority, mediumRes, epoch(2)),
      p('p2.1', 'node2', midPriority, mediumRes, epoch(5)),
      p('p2.2', 'node2', midPriority, mediumRes, epoch(1)),
      p('p3.1', 'node3', midPriority, mediumRes, epoch(3)),
      p('p3.2', 'node3', midPriority, mediumRes, epoch(6)),
    ],
    expected: ['node3'],
  },
  {
    name: 'different priority, same number of victims, different start time for all pods',
    nodeNames: ['node1', 'node2', 'node3'],
    pod: makePod('p').priority(highPriority).req(veryLargeRes).obj(),
    pods: [
      p('p1.1', 'node1', lowPriority, mediumRes, epoch(4)),
      p('p1.2', 'node1', midPriority, mediumRes, epoch(2)),
      p('p2.1', 'node2', midPriority, mediumRes, epoch(6)),
      p('p2.2', 'node2', lowPriority, mediumRes, epoch(1)),
      p('p3.1', 'node3', lowPriority, mediumRes, epoch(3)),
      p('p3.2', 'node3', midPriority, mediumRes, epoch(5)),
    ],
    expected: ['node2'],
  },
];

describe('SelectCandidate through PostFilter', () => {
  it.each(cases)('$name', (tc) => {
    const nodes = tc.nodeNames.map((n) => makeNode(n, veryLargeRes));
    const snapshot = snapshotOf(nodes, tc.pods);
    const fit = nodeResourcesFit();
    const profile = { preFilter: [fit], filter: [fit] };
    const pl = defaultPreemption({}, { profile: () => profile, rng: scriptedRng([4]), podDisruptionBudgets: () => [] });
    const statuses = new Map(tc.nodeNames.map((n) => [n, status('Unschedulable')]));
    const r = pl.postFilter(runPreFilters(profile.preFilter, tc.pod, snapshot), tc.pod, statuses, snapshot);
    expect(r.status.code).toBe('Success');
    expect(tc.expected).toContain(r.nominatedNodeName);
  });
});

const v = (name: string, prio: number, start?: string): Pod => {
  const b = makePod(name).priority(prio);
  return (start ? b.startTime(start) : b).obj();
};
const cand = (name: string, victims: Pod[], numPDBViolations = 0): Candidate => ({ name, victims, numPDBViolations });

describe('pickOneNodeForPreemption', () => {
  // Worked examples of each rule of upstream pickOneNodeForPreemption (preemption.go).
  it.each([
    {
      why: 'fewest PDB violations wins over everything else',
      candidates: [cand('a', [v('a1', lowPriority)], 1), cand('b', [v('b1', highPriority), v('b2', midPriority)], 0)],
      expected: 'b',
    },
    {
      why: 'lowest highest-victim priority',
      candidates: [cand('a', [v('a1', midPriority)]), cand('b', [v('b1', lowPriority), v('b2', lowPriority)])],
      expected: 'b',
    },
    {
      why: 'sum shifted by 2^31: two -100 victims (2·(2^31-100)) cost more than one (2^31-100)',
      candidates: [cand('a', [v('a1', negPriority), v('a2', negPriority)]), cand('b', [v('b1', negPriority)])],
      expected: 'b',
    },
    {
      why: 'latest earliest-start among the highest-priority victims',
      candidates: [cand('a', [v('a1', midPriority, epoch(2)), v('a2', lowPriority, epoch(9))]), cand('b', [v('b1', midPriority, epoch(3)), v('b2', lowPriority, epoch(1))])],
      expected: 'b',
    },
    {
      why: 'full tie: the first candidate in dry-run order',
      candidates: [cand('z', [v('z1', lowPriority, epoch(1))]), cand('a', [v('a1', lowPriority, epoch(1))])],
      expected: 'z',
    },
    { why: 'no candidates', candidates: [], expected: '' },
  ])('$why', ({ candidates, expected }) => {
    expect(pickOneNodeForPreemption(candidates)).toBe(expected);
  });

  it('a victim without startTime counts as started after every started pod', () => {
    expect(earliestStartOfHighestPriority([v('x', midPriority), v('y', midPriority, epoch(7))])).toBe(7000);
    expect(pickOneNodeForPreemption([cand('a', [v('a1', lowPriority, epoch(7))]), cand('b', [v('b1', lowPriority)])])).toBe('b');
  });
});

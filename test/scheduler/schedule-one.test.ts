import { describe, expect, it } from 'vitest';
import { nodeInfoNodeOrder } from '../../src/scheduler/cache-helpers.js';
import { status } from '../../src/scheduler/framework.js';
import { formatFitError, numFeasibleNodesToFind } from '../../src/scheduler/schedule-one.js';

// Ported from kubernetes/kubernetes pkg/scheduler/schedule_one_test.go TestNumFeasibleNodesToFind.
describe('numFeasibleNodesToFind', () => {
  it.each`
    name                                                    | percentage | numAllNodes | expected
    ${'not set percentageOfNodesToScore and nodes number not more than 50'} | ${0} | ${10}   | ${10}
    ${'set percentageOfNodesToScore and nodes number not more than 50'}     | ${40} | ${10}  | ${10}
    ${'not set percentageOfNodesToScore and nodes number more than 50'}     | ${0} | ${1000} | ${420}
    ${'set percentageOfNodesToScore and nodes number more than 50'}         | ${40} | ${1000} | ${400}
    ${'not set percentageOfNodesToScore and nodes number more than 50*125'} | ${0} | ${6000} | ${300}
    ${'set percentageOfNodesToScore and nodes number more than 50*125'}     | ${40} | ${6000} | ${2400}
    ${'5000 nodes, adaptive: 50 - 5000/125 = 10% → 500'}                     | ${0} | ${5000} | ${500}
    ${'100 nodes at 1% still scores at least 100'}                          | ${1} | ${100}  | ${100}
  `('$name', ({ percentage, numAllNodes, expected }) => {
    expect(numFeasibleNodesToFind(percentage, numAllNodes)).toBe(expected);
  });
});

// Ported from kubernetes/kubernetes pkg/scheduler/backend/cache/node_tree_test.go (list order).
describe('nodeTree order', () => {
  it.each([
    [{ 'zone-1': ['n1', 'n2'], 'zone-2': ['n3'], 'zone-3': ['n4', 'n5', 'n6'] }, ['n1', 'n3', 'n4', 'n2', 'n5', 'n6']],
    [{ '': ['a', 'b', 'c'] }, ['a', 'b', 'c']],
    [{ a: ['a1'], b: ['b1', 'b2', 'b3'], c: [] }, ['a1', 'b1', 'b2', 'b3']],
  ])('%j → %j', (zones, expected) => {
    expect(nodeInfoNodeOrder(new Map(Object.entries(zones)))).toEqual(expected);
  });
});

// FitError.Error() from pkg/scheduler/framework/types.go: reasons counted, "N reason" strings
// sorted as Go's sort.Strings does (byte order, so "10 x" sorts before "2 y").
describe('formatFitError', () => {
  it('counts reasons over nodes and sorts the histogram strings', () => {
    const nodeToStatus = new Map([
      ['n1', status('Unschedulable', 'Insufficient cpu')],
      ['n2', status('Unschedulable', 'Insufficient cpu', 'Insufficient memory')],
      ['n3', status('UnschedulableAndUnresolvable', 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }')],
    ]);
    expect(formatFitError({ numAllNodes: 3, nodeToStatus })).toBe(
      '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.',
    );
  });

  it('uses the PreFilter message alone when PreFilter rejected the pod', () => {
    const nodeToStatus = new Map([['n1', status('UnschedulableAndUnresolvable', 'x')]]);
    expect(formatFitError({ numAllNodes: 1, nodeToStatus, preFilterMsg: "node(s) didn't match Pod's node affinity/selector" })).toBe(
      "0/1 nodes are available: node(s) didn't match Pod's node affinity/selector.",
    );
  });

  it('sorts counts as strings, like Go', () => {
    const nodeToStatus = new Map<string, ReturnType<typeof status>>();
    for (let i = 0; i < 10; i++) nodeToStatus.set(`a${i}`, status('Unschedulable', 'Too many pods'));
    for (let i = 0; i < 2; i++) nodeToStatus.set(`b${i}`, status('Unschedulable', 'Insufficient cpu'));
    expect(formatFitError({ numAllNodes: 12, nodeToStatus })).toBe('0/12 nodes are available: 10 Too many pods, 2 Insufficient cpu.');
  });
});

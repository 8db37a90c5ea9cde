import { describe, expect, it } from 'vitest';
import { nodeUnschedulable } from '../../../src/scheduler/plugins/node-unschedulable.js';
import { makeNode, makePod, runFilter } from './basic-builders.js';

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable_test.go
describe('NodeUnschedulable', () => {
  it.each([
    { name: 'schedulable node, no tolerations', unschedulable: false, tolerations: [], code: 'Success' },
    { name: 'unschedulable node, no tolerations', unschedulable: true, tolerations: [], code: 'UnschedulableAndUnresolvable' },
    {
      name: 'unschedulable node, pod tolerates the unschedulable taint',
      unschedulable: true,
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
      code: 'Success',
    },
    { name: 'unschedulable node, Exists-all toleration', unschedulable: true, tolerations: [{ operator: 'Exists' }], code: 'Success' },
  ])('$name → $code', ({ unschedulable, tolerations, code }) => {
    const status = runFilter(nodeUnschedulable, makePod().tolerations(tolerations).obj(), makeNode('n').unschedulable(unschedulable).obj());
    expect(status.code).toBe(code);
    expect(status.reasons).toEqual(code === 'Success' ? [] : ['node(s) were unschedulable']);
  });
});

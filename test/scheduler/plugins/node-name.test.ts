import { describe, expect, it } from 'vitest';
import { nodeName } from '../../../src/scheduler/plugins/node-name.js';
import { makeNode, makePod, runFilter } from './basic-builders.js';

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/nodename/node_name_test.go
describe('NodeName', () => {
  it.each([
    { name: 'no host specified', podNode: undefined, code: 'Success' },
    { name: 'host matches', podNode: 'foo', code: 'Success' },
    { name: 'host does not match', podNode: 'bar', code: 'UnschedulableAndUnresolvable' },
  ])('$name → $code', ({ podNode, code }) => {
    const w = makePod();
    if (podNode) w.node(podNode);
    const status = runFilter(nodeName, w.obj(), makeNode('foo').obj());
    expect(status.code).toBe(code);
    expect(status.reasons).toEqual(code === 'Success' ? [] : ["node(s) didn't match the requested node name"]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Taint, Toleration } from '../../../src/model/types.js';
import { taintToleration, toleratesTaint } from '../../../src/scheduler/plugins/taint-toleration.js';
import { makeNode, makePod, runFilter, runScore } from './basic-builders.js';

const t = (key: string, value: string, effect: string): Taint => ({ key, value, effect });
const eq = (key: string, value: string, effect?: string): Toleration =>
  effect === undefined ? { key, operator: 'Equal', value } : { key, operator: 'Equal', value, effect };

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/tainttoleration/taint_toleration_test.go
// (TestTaintTolerationScore): raw score = intolerable PreferNoSchedule taints, normalized reversed.
describe('TaintToleration Score', () => {
  it.each([
    {
      name: 'node with taints tolerated by the pod gets a higher score than a node with intolerable taints',
      tolerations: [eq('foo', 'bar', 'PreferNoSchedule')],
      taints: [[t('foo', 'bar', 'PreferNoSchedule')], [t('foo', 'blah', 'PreferNoSchedule')]],
      expected: [100, 0],
      why: 'counts 0, 1 → 100 - 0, 100 - 100',
    },
    {
      name: 'nodes whose taints are all tolerated get the same score, however many taints',
      tolerations: [eq('cpu-type', 'arm64', 'PreferNoSchedule'), eq('disk-type', 'ssd', 'PreferNoSchedule')],
      taints: [[], [t('cpu-type', 'arm64', 'PreferNoSchedule')], [t('cpu-type', 'arm64', 'PreferNoSchedule'), t('disk-type', 'ssd', 'PreferNoSchedule')]],
      expected: [100, 100, 100],
      why: 'all counts 0',
    },
    {
      name: 'the more intolerable taints a node has, the lower score it gets',
      tolerations: [eq('foo', 'bar', 'PreferNoSchedule')],
      taints: [[], [t('cpu-type', 'arm64', 'PreferNoSchedule')], [t('cpu-type', 'arm64', 'PreferNoSchedule'), t('disk-type', 'ssd', 'PreferNoSchedule')]],
      expected: [100, 50, 0],
      why: 'counts 0, 1, 2 → 100 - 100×1/2 = 50',
    },
    {
      name: 'only PreferNoSchedule taints and tolerations count',
      tolerations: [eq('cpu-type', 'arm64', 'NoSchedule'), eq('disk-type', 'ssd', 'NoSchedule')],
      taints: [[], [t('cpu-type', 'arm64', 'NoSchedule')], [t('cpu-type', 'arm64', 'PreferNoSchedule'), t('disk-type', 'ssd', 'PreferNoSchedule')]],
      expected: [100, 100, 0],
      why: 'NoSchedule tolerations do not tolerate PreferNoSchedule taints',
    },
    {
      name: 'no taints and tolerations: lands on the node with no taints',
      tolerations: [],
      taints: [[], [t('cpu-type', 'arm64', 'PreferNoSchedule')]],
      expected: [100, 0],
      why: 'counts 0, 1',
    },
  ])('$name: $expected ($why)', ({ tolerations, taints, expected }) => {
    const nodes = taints.map((ts, i) => makeNode(`node${i}`).taints(ts).obj());
    const { scores } = runScore(taintToleration, makePod().container().tolerations(tolerations).obj(), nodes);
    expect(scores.map((s) => s.score)).toEqual(expected);
  });

  it('scores the same without PreScore', () => {
    const nodes = [makeNode('a').obj(), makeNode('b').taints([t('x', 'y', 'PreferNoSchedule')]).obj()];
    expect(runScore(taintToleration, makePod().obj(), nodes, [], { preScore: false }).scores.map((s) => s.score)).toEqual([100, 0]);
  });
});

// Ported from the same file (TestTaintTolerationFilter).
describe('TaintToleration Filter', () => {
  it.each([
    {
      name: "a pod having no tolerations can't be scheduled onto a node with nonempty taints",
      tolerations: [],
      taints: [t('dedicated', 'user1', 'NoSchedule')],
      reason: 'node(s) had untolerated taint {dedicated: user1}',
    },
    {
      name: 'a pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule',
      tolerations: [eq('dedicated', 'user1', 'NoSchedule')],
      taints: [t('dedicated', 'user1', 'NoSchedule')],
    },
    {
      name: "a pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
      tolerations: [eq('dedicated', 'user2', 'NoSchedule')],
      taints: [t('dedicated', 'user1', 'NoSchedule')],
      reason: 'node(s) had untolerated taint {dedicated: user1}',
    },
    {
      name: 'a toleration with operator Exists tolerates the taint',
      tolerations: [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }],
      taints: [t('foo', 'bar', 'NoSchedule')],
    },
    {
      name: 'multiple tolerations tolerate all the taints',
      tolerations: [eq('dedicated', 'user2', 'NoSchedule'), { key: 'foo', operator: 'Exists', effect: 'NoSchedule' }],
      taints: [t('dedicated', 'user2', 'NoSchedule'), t('foo', 'bar', 'NoSchedule')],
    },
    {
      name: "key and value match but a (non-empty) effect doesn't",
      tolerations: [eq('foo', 'bar', 'PreferNoSchedule')],
      taints: [t('foo', 'blah', 'NoSchedule')],
      reason: 'node(s) had untolerated taint {foo: blah}',
    },
    {
      name: 'a toleration with empty effect tolerates a NoSchedule taint',
      tolerations: [eq('foo', 'bar')],
      taints: [t('foo', 'bar', 'NoSchedule')],
    },
    {
      name: 'an untolerated PreferNoSchedule taint does not filter',
      tolerations: [eq('dedicated', 'user2', 'NoSchedule')],
      taints: [t('dedicated', 'user1', 'PreferNoSchedule')],
    },
    { name: 'no tolerations, PreferNoSchedule taint', tolerations: [], taints: [t('dedicated', 'user1', 'PreferNoSchedule')] },
  ])('$name', ({ tolerations, taints, reason }) => {
    const status = runFilter(taintToleration, makePod().tolerations(tolerations).obj(), makeNode('n').taints(taints).obj());
    if (reason === undefined) expect(status.code).toBe('Success');
    else expect(status).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [reason] });
  });

  it('reports the first untolerated NoExecute taint too, with an empty value', () => {
    const node = makeNode('n').taints([{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]).obj();
    expect(runFilter(taintToleration, makePod().obj(), node).reasons).toEqual(['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']);
  });
});

// Toleration.ToleratesTaint as in kubernetes/kubernetes pkg/apis/core/v1/helper (Toleration_test.go cases).
describe('toleratesTaint', () => {
  const taint = t('foo', 'bar', 'NoSchedule');
  it.each`
    toleration                                                          | expected
    ${{ operator: 'Exists' }}                                           | ${true}
    ${{ key: 'foo', operator: 'Exists' }}                               | ${true}
    ${{ key: 'foo', operator: 'Equal', value: 'bar' }}                  | ${true}
    ${{ key: 'foo', value: 'bar' }}                                     | ${true}
    ${{ key: 'foo', operator: 'Equal', value: 'baz' }}                  | ${false}
    ${{ key: 'foo', operator: 'Exists', effect: 'NoExecute' }}          | ${false}
    ${{ key: 'other', operator: 'Exists' }}                             | ${false}
    ${{ key: 'foo', operator: 'Lt', value: 'bar' }}                     | ${false}
  `('$toleration → $expected', ({ toleration, expected }) => {
    expect(toleratesTaint(toleration, taint)).toBe(expected);
  });
});

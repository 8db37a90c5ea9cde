import { describe, expect, it } from 'vitest';
import type { NodeSelectorTerm, PreferredSchedulingTerm } from 'kubernetes-types/core/v1.js';
import type { Pod } from '../../../src/model/types.js';
import { CycleState } from '../../../src/scheduler/framework.js';
import { buildSnapshot } from '../../../src/scheduler/node-info.js';
import { nodeAffinity, type NodeAffinityArgs } from '../../../src/scheduler/plugins/node-affinity.js';
import { makeNode, makePod, nodeInfos, runScore } from './basic-builders.js';

const expr = (key: string, operator: string, values?: string[]) => (values ? { key, operator, values } : { key, operator });
const nameIn = (...values: string[]) => ({ key: 'metadata.name', operator: 'In', values });

const ERR_POD = "node(s) didn't match Pod's node affinity/selector";

interface FilterCase {
  name: string;
  pod: Pod;
  labels?: Record<string, string>;
  nodeName?: string;
  fits: boolean;
  /** Expected PreFilter nodeNames, sorted; undefined for none. */
  nodeNames?: string[];
  args?: NodeAffinityArgs;
  reason?: string;
}

const terms = (...ts: NodeSelectorTerm[]) => makePod().requiredNodeTerms(ts).obj();

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeaffinity/node_affinity_test.go (TestNodeAffinity).
const filterCases: FilterCase[] = [
  { name: 'no selector', pod: makePod().obj(), fits: true },
  { name: 'missing labels', pod: makePod().nodeSelector({ foo: 'bar' }).obj(), fits: false },
  { name: 'same labels', pod: makePod().nodeSelector({ foo: 'bar' }).obj(), labels: { foo: 'bar' }, fits: true },
  { name: 'node labels are superset', pod: makePod().nodeSelector({ foo: 'bar' }).obj(), labels: { foo: 'bar', baz: 'blah' }, fits: true },
  { name: 'node labels are subset', pod: makePod().nodeSelector({ foo: 'bar', baz: 'blah' }).obj(), labels: { foo: 'bar' }, fits: false },
  { name: 'matchExpressions In matches', pod: terms({ matchExpressions: [expr('foo', 'In', ['bar', 'value2'])] }), labels: { foo: 'bar' }, fits: true },
  {
    name: 'matchExpressions Gt matches',
    pod: terms({ matchExpressions: [expr('kernel-version', 'Gt', ['0204'])] }),
    labels: { 'kernel-version': '0206' },
    fits: true,
  },
  {
    name: 'matchExpressions NotIn matches',
    pod: terms({ matchExpressions: [expr('mem-type', 'NotIn', ['DDR', 'DDR2'])] }),
    labels: { 'mem-type': 'DDR3' },
    fits: true,
  },
  { name: 'matchExpressions Exists matches', pod: terms({ matchExpressions: [expr('GPU', 'Exists')] }), labels: { GPU: 'NVIDIA-GRID-K1' }, fits: true },
  {
    name: "affinity that doesn't match node's labels",
    pod: terms({ matchExpressions: [expr('foo', 'In', ['value1', 'value2'])] }),
    labels: { foo: 'bar' },
    fits: false,
  },
  { name: 'empty MatchExpressions matches no objects', pod: terms({ matchExpressions: [] }), labels: { foo: 'bar' }, fits: false },
  { name: 'no Affinity', pod: makePod().obj(), labels: { foo: 'bar' }, fits: true },
  { name: 'Affinity but nil NodeSelector', pod: makePod().affinity({ nodeAffinity: {} }).obj(), labels: { foo: 'bar' }, fits: true },
  {
    name: 'multiple matchExpressions ANDed that match',
    pod: terms({ matchExpressions: [expr('GPU', 'Exists'), expr('GPU', 'NotIn', ['AMD', 'INTER'])] }),
    labels: { GPU: 'NVIDIA-GRID-K1' },
    fits: true,
  },
  {
    name: "multiple matchExpressions ANDed that don't match",
    pod: terms({ matchExpressions: [expr('GPU', 'Exists'), expr('GPU', 'In', ['AMD', 'INTER'])] }),
    labels: { GPU: 'NVIDIA-GRID-K1' },
    fits: false,
  },
  {
    name: 'multiple NodeSelectorTerms ORed',
    pod: terms({ matchExpressions: [expr('foo', 'In', ['bar', 'value2'])] }, { matchExpressions: [expr('diffkey', 'In', ['wrong', 'value2'])] }),
    labels: { foo: 'bar' },
    fits: true,
  },
  {
    name: 'Affinity and nodeSelector both satisfied',
    pod: makePod()
      .nodeSelector({ foo: 'bar' })
      .requiredNodeTerms([{ matchExpressions: [expr('foo', 'Exists')] }])
      .obj(),
    labels: { foo: 'bar' },
    fits: true,
  },
  {
    name: 'Affinity matches but nodeSelector does not',
    pod: makePod()
      .nodeSelector({ foo: 'bar' })
      .requiredNodeTerms([{ matchExpressions: [expr('foo', 'Exists')] }])
      .obj(),
    labels: { foo: 'barrrrrr' },
    fits: false,
  },
  {
    name: 'invalid value in an Affinity term never matches',
    pod: terms({ matchExpressions: [expr('foo', 'NotIn', ['invalid value: ___@#$%^'])] }),
    labels: { foo: 'bar' },
    fits: false,
  },
  { name: 'matchFields In matches', pod: terms({ matchFields: [nameIn('node1')] }), nodeName: 'node1', fits: true, nodeNames: ['node1'] },
  { name: "matchFields In doesn't match", pod: terms({ matchFields: [nameIn('node1')] }), nodeName: 'node2', fits: false, nodeNames: ['node1'] },
  {
    name: 'two terms: matchFields does not match, but matchExpressions matches',
    pod: terms({ matchFields: [nameIn('node1')] }, { matchExpressions: [expr('foo', 'In', ['bar'])] }),
    nodeName: 'node2',
    labels: { foo: 'bar' },
    fits: true,
  },
  {
    name: 'one term: matchFields does not match, but matchExpressions matches',
    pod: terms({ matchFields: [nameIn('node1')], matchExpressions: [expr('foo', 'In', ['bar'])] }),
    nodeName: 'node2',
    labels: { foo: 'bar' },
    fits: false,
    nodeNames: ['node1'],
  },
  {
    name: 'one term: both matchFields and matchExpressions match',
    pod: terms({ matchFields: [nameIn('node1')], matchExpressions: [expr('foo', 'In', ['bar'])] }),
    nodeName: 'node1',
    labels: { foo: 'bar' },
    fits: true,
    nodeNames: ['node1'],
  },
  {
    name: 'two terms: both matchFields and matchExpressions do not match',
    pod: terms({ matchFields: [nameIn('node1')] }, { matchExpressions: [expr('foo', 'In', ['not-match-to-bar'])] }),
    nodeName: 'node2',
    labels: { foo: 'bar' },
    fits: false,
  },
  {
    name: 'two terms of node.Name affinity',
    pod: terms({ matchFields: [nameIn('node1')] }, { matchFields: [nameIn('node2')] }),
    nodeName: 'node2',
    fits: true,
    nodeNames: ['node1', 'node2'],
  },
  {
    name: 'matchFields NotIn',
    pod: terms({ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node1'] }] }),
    nodeName: 'node2',
    fits: true,
  },
  {
    name: 'matches added affinity and Pod node affinity',
    pod: terms({ matchExpressions: [expr('zone', 'In', ['foo'])] }),
    labels: { zone: 'foo' },
    fits: true,
    args: {
      addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr('zone', 'In', ['foo'])] }] } },
    },
  },
  {
    name: 'matches Pod node affinity but not added affinity',
    pod: makePod().nodeSelector({ zone: 'foo' }).obj(),
    labels: { zone: 'foo' },
    fits: false,
    reason: "node(s) didn't match scheduler-enforced node affinity",
    args: {
      addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr('zone', 'In', ['bar'])] }] } },
    },
  },
];

describe('NodeAffinity Filter', () => {
  it.each(filterCases)('$name → fits $fits', ({ pod, labels, nodeName, fits, nodeNames, args, reason }) => {
    const w = makeNode(nodeName ?? 'node');
    if (labels) w.labels(labels);
    const infos = nodeInfos([w.obj()]);
    const plugin = nodeAffinity(args);
    const cycle = new CycleState();
    const pre = plugin.preFilter(cycle, pod, buildSnapshot(infos));
    expect(pre.result?.nodeNames ? [...pre.result.nodeNames].sort() : undefined).toEqual(nodeNames);
    // Skip means the framework does not run Filter: the node fits.
    const status = pre.status.code === 'Skip' ? { code: 'Success', reasons: [] } : plugin.filter(cycle, pod, infos[0]!);
    if (fits) expect(status.code).toBe('Success');
    else expect(status).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: [reason ?? ERR_POD] });
  });

  it('PreFilter rejects conflicting node name requirements in one term', () => {
    const pod = terms({ matchFields: [nameIn('node1'), nameIn('node2')] });
    const pre = nodeAffinity().preFilter(new CycleState(), pod, buildSnapshot([]));
    expect(pre.status).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ['pod affinity terms conflict'] });
  });

  it('PreFilter skips pods without node selector, required affinity or added affinity', () => {
    expect(nodeAffinity().preFilter(new CycleState(), makePod().obj(), buildSnapshot([])).status.code).toBe('Skip');
  });

  it('Filter works without PreFilter', () => {
    const infos = nodeInfos([makeNode('n').labels({ foo: 'bar' }).obj()]);
    expect(nodeAffinity().filter(new CycleState(), makePod().nodeSelector({ foo: 'baz' }).obj(), infos[0]!).code).toBe(
      'UnschedulableAndUnresolvable',
    );
  });
});

const label1 = { foo: 'bar' };
const label2 = { key: 'value' };
const label3 = { az: 'az1' };
const label4 = { abc: 'az11', def: 'az22' };
const label5 = { foo: 'bar', key: 'value', az: 'az1' };

const affinity1: PreferredSchedulingTerm[] = [{ weight: 2, preference: { matchExpressions: [expr('foo', 'In', ['bar'])] } }];
const affinity2: PreferredSchedulingTerm[] = [
  { weight: 2, preference: { matchExpressions: [expr('foo', 'In', ['bar'])] } },
  { weight: 4, preference: { matchExpressions: [expr('key', 'In', ['value'])] } },
  {
    weight: 5,
    preference: { matchExpressions: [expr('foo', 'In', ['bar']), expr('key', 'In', ['value']), expr('az', 'In', ['az1'])] },
  },
];

// Ported from the same file (TestNodeAffinityPriority): raw score = Σ matching weights,
// normalized as 100 × score / max.
describe('NodeAffinity Score', () => {
  it.each([
    {
      name: 'all nodes are same priority as NodeAffinity is nil',
      preferred: undefined,
      labels: [label1, label2, label3],
      expected: [0, 0, 0],
      why: 'PreScore skips; nothing to score',
    },
    {
      name: 'no node matches preferred scheduling requirements',
      preferred: affinity1,
      labels: [label4, label2, label3],
      expected: [0, 0, 0],
      why: 'max 0',
    },
    {
      name: 'only node1 matches the preferred scheduling requirements of pod',
      preferred: affinity1,
      labels: [label1, label2, label3],
      expected: [100, 0, 0],
      why: '2 / 2',
    },
    {
      name: 'all nodes match the preferred scheduling requirements of pod but with different priorities',
      preferred: affinity2,
      labels: [label1, label5, label2],
      expected: [18, 100, 36],
      why: 'raw 2, 11, 4 → 200/11, 1100/11, 400/11',
    },
    {
      name: 'added affinity',
      preferred: undefined,
      added: [{ weight: 5, preference: { matchExpressions: [expr('foo', 'In', ['bar'])] } }],
      labels: [label1, label2],
      expected: [100, 0],
      why: '5 / 5',
    },
    {
      name: 'added affinity and pod has default affinity',
      preferred: affinity1,
      added: [{ weight: 3, preference: { matchExpressions: [expr('key', 'In', ['value'])] } }],
      labels: [label1, label2, label5],
      expected: [40, 60, 100],
      why: 'raw 2, 3, 5',
    },
  ])('$name: $expected ($why)', ({ preferred, added, labels, expected }) => {
    const pod = preferred ? makePod().preferredNodeTerms(preferred).obj() : makePod().obj();
    const nodes = labels.map((l, i) => makeNode(`machine${i + 1}`).labels(l).obj());
    const plugin = nodeAffinity(added ? { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: added } } : {});
    const { scores, preScore } = runScore(plugin, pod, nodes);
    if (preferred === undefined && added === undefined) expect(preScore?.code).toBe('Skip');
    expect(scores.map((s) => s.score)).toEqual(expected);
  });

  it('PreScore fails on a preferred term that does not parse', () => {
    const pod = makePod().preferredNodeTerms([{ weight: 1, preference: { matchExpressions: [expr('foo', 'Gt', ['x'])] } }]).obj();
    const infos = nodeInfos([makeNode('n').obj()]);
    const status = nodeAffinity().preScore(new CycleState(), pod, infos, buildSnapshot(infos));
    expect(status.code).toBe('Error');
    expect(status.reasons[0]).toContain("for 'Gt', 'Lt' operators, the value must be an integer");
  });
});

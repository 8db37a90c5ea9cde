import { describe, it, expect } from 'vitest';
import type { Node, Pod } from '../../../../src/model/types.js';
import type { Affinity, PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { LabelSelectorRequirement } from '../../../../src/model/types.js';
import { CycleState, type NodeScore } from '../../../../src/scheduler/framework.js';
import { interPodAffinity, type InterPodAffinityArgs } from '../../../../src/scheduler/plugins/inter-pod-affinity/index.js';
import { DoesNotExist, Exists, In, NotIn, node, pod, snapshotOf, term } from './helpers.js';

const nsLabels = (ns: string): Record<string, string> | undefined =>
  ({
    'subteam1.team1': { team: 'team1' },
    'subteam2.team1': { team: 'team1' },
    'subteam1.team2': { team: 'team2' },
    'subteam2.team2': { team: 'team2' },
  })[ns];

function run(incoming: Pod, pods: Pod[], nodes: Node[], args: InterPodAffinityArgs): Record<string, number> | string {
  const pl = interPodAffinity({ namespaceLabels: nsLabels, ...args });
  const snap = snapshotOf(pods, nodes);
  const cycle = new CycleState();
  const st = pl.preScore(cycle, incoming, snap.nodes, snap);
  if (st.code !== 'Success') return st.code;
  const scores: NodeScore[] = snap.nodes.map((ni) => ({ name: ni.name, score: pl.score(cycle, incoming, ni) }));
  pl.normalizeScore!(cycle, incoming, scores);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

const w = (weight: number, topologyKey: string, ...exprs: LabelSelectorRequirement[]) => ({ weight, podAffinityTerm: term(topologyKey, ...exprs) });
const rgChina = { region: 'China' };
const rgIndia = { region: 'India' };
const az1 = { az: 'az1' };
const az2 = { az: 'az2' };
const rgChinaAz1 = { region: 'China', az: 'az1' };
const S1 = { security: 'S1' };
const S2 = { security: 'S2' };

const stayWithS1InRegion: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(5, 'region', In('security', 'S1'))] } };
const stayWithS2InRegion: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(6, 'region', In('security', 'S2'))] } };
const affinity3: Affinity = {
  podAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [w(8, 'region', NotIn('security', 'S1'), In('security', 'S2')), w(2, 'region', Exists('security'), DoesNotExist('wrongkey'))],
  },
};
const hardAffinity: Affinity = {
  podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('region', In('security', 'S1', 'value2')), term('region', Exists('security'), DoesNotExist('wrongkey'))] },
};
const awayFromS1InAz: Affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(5, 'az', In('security', 'S1'))] } };
const awayFromS2InAz: Affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(5, 'az', In('security', 'S2'))] } };
const stayWithS1InRegionAwayFromS2InAz: Affinity = {
  podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(8, 'region', In('security', 'S1'))] },
  podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(5, 'az', In('security', 'S2'))] },
};
const nsTerm: PodAffinityTerm = {
  labelSelector: { matchExpressions: [In('security', 'S1')] },
  topologyKey: 'region',
  namespaces: ['subteam2.team2'],
  namespaceSelector: { matchExpressions: [In('team', 'team1')] },
};
const affinityNamespaceSelector: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: nsTerm }] } };
const antiAffinityNamespaceSelector: Affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: nsTerm }] } };
const invalidAffinityLabels: Affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [w(8, 'region', In('security', '{{.bad-value.}}'))] } };

interface Case {
  name: string;
  pod: Pod;
  pods: Pod[];
  nodes: Node[];
  want: Record<string, number> | string;
  ignorePreferredTermsOfExistingPods?: boolean;
  why?: string;
}
const n = (name: string, labels: Record<string, string>) => node(name, labels);

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/scoring_test.go (TestPreferredAffinity)
const preferred: Case[] = [
  { name: 'all nodes are same priority as Affinity is nil', pod: pod({ labels: S1 }), pods: [], nodes: [n('node1', rgChina), n('node2', rgIndia), n('node3', az1)], want: 'Skip' },
  {
    name: 'Affinity: pod that matches topology key & pods in nodes will get high score comparing to others which doesn\'t match either pods in nodes or in topology key',
    pod: pod({ labels: S1, raw: stayWithS1InRegion }),
    pods: [pod({ node: 'node1', labels: S1 }), pod({ node: 'node2', labels: S2 }), pod({ node: 'node3', labels: S1 })],
    nodes: [n('node1', rgChina), n('node2', rgIndia), n('node3', az1)],
    want: { node1: 100, node2: 0, node3: 0 },
  },
  {
    name: 'All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score',
    pod: pod({ raw: stayWithS1InRegion }),
    pods: [pod({ node: 'node1', labels: S1 })],
    nodes: [n('node1', rgChina), n('node2', rgChinaAz1), n('node3', rgIndia)],
    want: { node1: 100, node2: 100, node3: 0 },
  },
  {
    name: 'Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score',
    pod: pod({ labels: S1, raw: stayWithS2InRegion }),
    pods: ['node1', 'node1', 'node2', 'node3', 'node4', 'node5'].map((nn) => pod({ node: nn, labels: S2 })),
    nodes: [n('node1', rgChina), n('node2', rgIndia), n('node3', rgChina), n('node4', rgChina), n('node5', rgIndia)],
    want: { node1: 100, node2: 0, node3: 100, node4: 100, node5: 0 },
    why: 'China 4*6=24, India 2*6=12 → (24-12)/12, 0',
  },
  {
    name: 'Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures',
    pod: pod({ labels: S1, raw: affinity3 }),
    pods: [pod({ node: 'node1', labels: S1 }), pod({ node: 'node2', labels: S2 }), pod({ node: 'node3', labels: S1 })],
    nodes: [n('node1', rgChina), n('node2', rgIndia), n('node3', az1)],
    want: { node1: 20, node2: 100, node3: 0 },
    why: 'China 2, India 8+2=10, node3 0 → 100*2/10 = 20',
  },
  {
    name: 'Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry',
    pod: pod({ labels: S2 }),
    pods: [pod({ node: 'node1', labels: S1, raw: stayWithS1InRegion }), pod({ node: 'node2', labels: S2, raw: stayWithS2InRegion })],
    nodes: [n('node1', rgChina), n('node2', rgIndia), n('node3', az1)],
    want: { node1: 0, node2: 100, node3: 0 },
  },
  {
    name: 'Affinity symmetry with namespace selector',
    pod: pod({ ns: 'subteam1.team1', labels: S1 }),
    pods: [pod({ node: 'node1', labels: S1, raw: affinityNamespaceSelector }), pod({ node: 'node2', labels: S2, raw: stayWithS2InRegion })],
    nodes: [n('node1', rgChina), n('node2', rgIndia), n('node3', az1)],
    want: { node1: 100, node2: 0, node3: 0 },
  },
  {
    name: 'AntiAffinity symmetry with namespace selector',
    pod: pod({ ns: 'subteam1.team1', labels: S1 }),
    pods: [pod({ node: 'node1', labels: S1, raw: antiAffinityNamespaceSelector }), pod({ node: 'node2', labels: S2, raw: stayWithS2InRegion })],
    nodes: [n('node1', rgChina), n('node2', rgIndia), n('node3', az1)],
    want: { node1: 0, node2: 100, node3: 100 },
  },
  {
    name: 'Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry',
    pod: pod({ labels: S1 }),
    pods: [pod({ node: 'node1', labels: S1, raw: hardAffinity }), pod({ node: 'node2', labels: S2, raw: hardAffinity })],
    nodes: [n('node1', rgChina), n('node2', rgIndia), n('node3', az1)],
    want: { node1: 100, node2: 100, node3: 0 },
  },
  {
    name: 'Anti Affinity: pod that does not match existing pods in node will get high score',
    pod: pod({ labels: S1, raw: awayFromS1InAz }),
    pods: [pod({ node: 'node1', labels: S1 }), pod({ node: 'node2', labels: S2 })],
    nodes: [n('node1', az1), n('node2', rgChina)],
    want: { node1: 0, node2: 100 },
  },
  {
    name: 'Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score comparing to others',
    pod: pod({ labels: S1, raw: awayFromS1InAz }),
    pods: [pod({ node: 'node1', labels: S1 }), pod({ node: 'node2', labels: S1 })],
    nodes: [n('node1', az1), n('node2', rgChina)],
    want: { node1: 0, node2: 100 },
  },
  {
    name: 'Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score',
    pod: pod({ labels: S1, raw: awayFromS1InAz }),
    pods: [pod({ node: 'node1', labels: S1 }), pod({ node: 'node1', labels: S1 }), pod({ node: 'node2', labels: S2 })],
    nodes: [n('node1', az1), n('node2', rgIndia)],
    want: { node1: 0, node2: 100 },
  },
  {
    name: 'Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score',
    pod: pod({ labels: S2 }),
    pods: [pod({ node: 'node1', labels: S1, raw: awayFromS2InAz }), pod({ node: 'node2', labels: S2, raw: awayFromS1InAz })],
    nodes: [n('node1', az1), n('node2', az2)],
    want: { node1: 0, node2: 100 },
  },
  {
    name: 'Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity',
    pod: pod({ labels: S1, raw: stayWithS1InRegionAwayFromS2InAz }),
    pods: [pod({ node: 'node1', labels: S1 }), pod({ node: 'node2', labels: S1 })],
    nodes: [n('node1', rgChina), n('node2', az1)],
    want: { node1: 100, node2: 0 },
  },
  {
    name: 'Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing pods have the same labels',
    pod: pod({ labels: S1, raw: stayWithS1InRegionAwayFromS2InAz }),
    pods: ['node1', 'node1', 'node2', 'node3', 'node3', 'node4', 'node5'].map((nn) => pod({ node: nn, labels: S1 })),
    nodes: [n('node1', rgChinaAz1), n('node2', rgIndia), n('node3', rgChina), n('node4', rgChina), n('node5', rgIndia)],
    want: { node1: 100, node2: 0, node3: 100, node4: 100, node5: 0 },
  },
  {
    name: 'Affinity and Anti Affinity and symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & symmetry',
    pod: pod({ labels: S1, raw: stayWithS1InRegionAwayFromS2InAz }),
    pods: [pod({ node: 'node1', labels: S1 }), pod({ node: 'node2', labels: S2 }), pod({ node: 'node3', raw: stayWithS1InRegionAwayFromS2InAz }), pod({ node: 'node4', raw: awayFromS1InAz })],
    nodes: [n('node1', rgChina), n('node2', az1), n('node3', rgIndia), n('node4', az2)],
    want: { node1: 100, node2: 0, node3: 100, node4: 0 },
    why: 'raw 8, -5, 8, -5',
  },
  {
    name: "Avoid panic when partial nodes in a topology don't have pods with affinity",
    pod: pod({ labels: S1 }),
    pods: [pod({ node: 'node1', labels: S1 }), pod({ node: 'node2', raw: stayWithS1InRegionAwayFromS2InAz })],
    nodes: [n('node1', rgChina), n('node2', rgChina)],
    want: { node1: 0, node2: 0 },
  },
  { name: 'invalid Affinity fails PreScore', pod: pod({ raw: invalidAffinityLabels }), pods: [], nodes: [n('node1', rgChina), n('node2', rgChina)], want: 'Error' },
  {
    name: 'Affinity with pods matching NamespaceSelector',
    pod: pod({ ns: 'subteam1.team1', labels: S1, raw: affinityNamespaceSelector }),
    pods: [pod({ node: 'node1', ns: 'subteam1.team1', labels: S1 }), pod({ node: 'node1', ns: 'subteam1.team1', labels: S1 }), pod({ node: 'node1', ns: 'subteam1.team2', labels: S1 }), pod({ node: 'node2', ns: 'subteam2.team1', labels: S1 })],
    nodes: [n('node1', rgChina), n('node2', rgIndia)],
    want: { node1: 100, node2: 0 },
  },
  {
    name: 'Affinity with pods matching both NamespaceSelector and Namespaces fields',
    pod: pod({ ns: 'subteam1.team1', labels: S1, raw: affinityNamespaceSelector }),
    pods: [pod({ node: 'node1', ns: 'subteam1.team1', labels: S1 }), pod({ node: 'node1', ns: 'subteam1.team1', labels: S1 }), pod({ node: 'node1', ns: 'subteam2.team2', labels: S1 }), pod({ node: 'node2', ns: 'subteam2.team1', labels: S1 })],
    nodes: [n('node1', rgChina), n('node2', rgIndia)],
    want: { node1: 100, node2: 0 },
  },
  {
    name: 'Anti-affinity with pods matching NamespaceSelector',
    pod: pod({ ns: 'subteam1.team1', labels: S1, raw: antiAffinityNamespaceSelector }),
    pods: [pod({ node: 'node1', ns: 'subteam1.team1', labels: S1 }), pod({ node: 'node1', ns: 'subteam1.team1', labels: S1 }), pod({ node: 'node1', ns: 'subteam1.team2', labels: S1 }), pod({ node: 'node2', ns: 'subteam2.team1', labels: S1 })],
    nodes: [n('node1', rgChina), n('node2', rgIndia)],
    want: { node1: 0, node2: 100 },
  },
  {
    name: 'Ignore preferred terms of existing pods',
    pod: pod({ labels: S2 }),
    pods: [pod({ node: 'node1', labels: S1, raw: stayWithS1InRegionAwayFromS2InAz }), pod({ node: 'node2', labels: S2, raw: stayWithS2InRegion })],
    nodes: [n('node1', rgChina), n('node2', rgIndia)],
    want: 'Skip',
    ignorePreferredTermsOfExistingPods: true,
  },
  {
    name: 'Do not ignore preferred terms of existing pods',
    pod: pod({ labels: S2 }),
    pods: [pod({ node: 'node1', labels: S1, raw: stayWithS1InRegionAwayFromS2InAz }), pod({ node: 'node2', labels: S2, raw: stayWithS2InRegion })],
    nodes: [n('node1', rgChina), n('node2', rgIndia)],
    want: { node1: 0, node2: 100 },
  },
  { name: 'No nodes to score', pod: pod({ labels: S2 }), pods: [], nodes: [], want: 'Skip' },
];

describe('InterPodAffinity Score', () => {
  it.each(preferred)('$name', ({ pod: p, pods, nodes, want, ignorePreferredTermsOfExistingPods }) => {
    expect(run(p, pods, nodes, { hardPodAffinityWeight: 1, ignorePreferredTermsOfExistingPods: ignorePreferredTermsOfExistingPods ?? false })).toEqual(want);
  });
});

const hardPodAffinity: Affinity = {
  podAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      {
        labelSelector: { matchExpressions: [In('service', 'S1')] },
        namespaces: ['', 'subteam2.team2'],
        namespaceSelector: { matchExpressions: [In('team', 'team1')] },
        topologyKey: 'region',
      },
    ],
  },
};
const three = () => [n('node1', rgChina), n('node2', rgIndia), n('node3', az1)];
const twoHard = () => [pod({ node: 'node1', raw: hardPodAffinity }), pod({ node: 'node2', raw: hardPodAffinity })];

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/scoring_test.go (TestPreferredAffinityWithHardPodAffinitySymmetricWeight)
const hardWeight: { name: string; pod: Pod; weight: number; want: Record<string, number> | string }[] = [
  { name: 'with default weight', pod: pod({ labels: { service: 'S1' } }), weight: 1, want: { node1: 100, node2: 100, node3: 0 } },
  { name: 'with zero weight', pod: pod({ labels: { service: 'S1' } }), weight: 0, want: 'Skip' },
  { name: 'with no matching namespace', pod: pod({ ns: 'subteam1.team2', labels: { service: 'S1' } }), weight: 1, want: 'Skip' },
  { name: 'with matching NamespaceSelector', pod: pod({ ns: 'subteam1.team1', labels: { service: 'S1' } }), weight: 1, want: { node1: 100, node2: 100, node3: 0 } },
  { name: 'with matching Namespaces', pod: pod({ ns: 'subteam2.team2', labels: { service: 'S1' } }), weight: 1, want: { node1: 100, node2: 100, node3: 0 } },
];

describe('InterPodAffinity Score with hardPodAffinityWeight', () => {
  it.each(hardWeight)('$name', ({ pod: p, weight, want }) => {
    expect(run(p, twoHard(), three(), { hardPodAffinityWeight: weight })).toEqual(want);
  });

  it('defaults hardPodAffinityWeight to 1 and normalizes in float64 with truncation (ours)', () => {
    // node1: +8 (incoming prefers S1 in region China), node2: -5 (S2 in az1), node3: 0
    // → 100*(8+5)/13 = 100, 0, 100*(0+5)/13 = 38.46 → 38
    const incoming = pod({ labels: S1, raw: stayWithS1InRegionAwayFromS2InAz });
    const pods = [pod({ node: 'node1', labels: S1 }), pod({ node: 'node2', labels: S2 })];
    expect(run(incoming, pods, [n('node1', rgChina), n('node2', az1), n('node3', { other: 'x' })], {})).toEqual({ node1: 100, node2: 0, node3: 38 });
  });
});

import { describe, it, expect } from 'vitest';
import type { Node, Pod } from '../../../../src/model/types.js';
import { CycleState, type Status } from '../../../../src/scheduler/framework.js';
import { podInfoFor } from '../../../../src/scheduler/node-info.js';
import {
  interPodAffinity,
  ERR_REASON_AFFINITY_RULES_NOT_MATCH as AFF,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH as ANTI,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH as EXISTING,
  type InterPodAffinityArgs,
} from '../../../../src/scheduler/plugins/inter-pod-affinity/index.js';
import { DoesNotExist, Exists, In, NotIn, node, pod, snapshotOf, term } from './helpers.js';

const OK = 'Success';
const uAff: Status = { code: 'UnschedulableAndUnresolvable', reasons: [AFF] };
const uAnti: Status = { code: 'Unschedulable', reasons: [ANTI] };
const uExisting: Status = { code: 'Unschedulable', reasons: [EXISTING] };
type Want = typeof OK | Status;

function run(incoming: Pod, pods: Pod[], nodes: Node[], args: InterPodAffinityArgs = {}): Want[] {
  const pl = interPodAffinity(args);
  const snap = snapshotOf(pods, nodes);
  const cycle = new CycleState();
  const pre = pl.preFilter(cycle, incoming, snap);
  if (pre.status.code === 'Skip') return snap.nodes.map(() => OK);
  expect(pre.status.code).toBe('Success');
  return snap.nodes.map((ni) => {
    const s = pl.filter(cycle, incoming, ni);
    return s.code === 'Success' ? OK : { code: s.code, reasons: [...s.reasons] };
  });
}

const podLabel = { service: 'securityscan' };
const podLabel2 = { security: 'S1' };
const node1 = node('machine1', { region: 'r1', zone: 'z11' });

interface SingleCase {
  name: string;
  pod: Pod;
  pods: Pod[];
  want: Want;
}

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/filtering_test.go (TestRequiredAffinitySingleNode)
const single: SingleCase[] = [
  { name: 'A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods', pod: pod({}), pods: [], want: OK },
  { name: 'satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod', pod: pod({ labels: podLabel2, affinity: [term('region', In('service', 'securityscan', 'value2'))] }), pods: [pod({ node: 'machine1', labels: podLabel })], want: OK },
  { name: 'satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod', pod: pod({ labels: podLabel2, affinity: [term('region', NotIn('service', 'securityscan3', 'value3'))] }), pods: [pod({ node: 'machine1', labels: podLabel })], want: OK },
  {
    name: 'Does not satisfy the PodAffinity with labelSelector because of diff Namespace',
    pod: pod({ labels: podLabel2, affinity: [{ labelSelector: { matchExpressions: [In('service', 'securityscan', 'value2')] }, namespaces: ['DiffNameSpace'], topologyKey: '' }] }),
    pods: [pod({ node: 'machine1', labels: podLabel, ns: 'ns' })],
    want: uAff,
  },
  { name: "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod", pod: pod({ labels: podLabel, affinity: [term('', In('service', 'antivirusscan', 'value2'))] }), pods: [pod({ node: 'machine1', labels: podLabel })], want: uAff },
  {
    name: 'satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution',
    pod: pod({ labels: podLabel2, affinity: [term('region', Exists('service'), DoesNotExist('wrongkey')), term('region', In('service', 'securityscan'), NotIn('service', 'WrongValue'))] }),
    pods: [pod({ node: 'machine1', labels: podLabel })],
    want: OK,
  },
  {
    name: "The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match.",
    pod: pod({ labels: podLabel2, affinity: [term('region', Exists('service'), DoesNotExist('wrongkey')), term('region', In('service', 'securityscan2'), NotIn('service', 'WrongValue'))] }),
    pods: [pod({ node: 'machine1', labels: podLabel })],
    want: uAff,
  },
  { name: 'satisfies the PodAffinity and PodAntiAffinity with the existing pod', pod: pod({ labels: podLabel2, affinity: [term('region', In('service', 'securityscan', 'value2'))], anti: [term('node', In('service', 'antivirusscan', 'value2'))] }), pods: [pod({ node: 'machine1', labels: podLabel })], want: OK },
  {
    name: 'satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod',
    pod: pod({ labels: podLabel2, affinity: [term('region', In('service', 'securityscan', 'value2'))], anti: [term('node', In('service', 'antivirusscan', 'value2'))] }),
    pods: [pod({ node: 'machine1', labels: podLabel, anti: [term('node', In('service', 'antivirusscan', 'value2'))] })],
    want: OK,
  },
  { name: "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod", pod: pod({ labels: podLabel2, affinity: [term('region', In('service', 'securityscan', 'value2'))], anti: [term('zone', In('service', 'securityscan', 'value2'))] }), pods: [pod({ node: 'machine1', labels: podLabel })], want: uAnti },
  {
    name: "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod",
    pod: pod({ labels: podLabel, affinity: [term('region', In('service', 'securityscan', 'value2'))], anti: [term('node', In('service', 'antivirusscan', 'value2'))] }),
    pods: [pod({ node: 'machine1', labels: podLabel, anti: [term('zone', In('service', 'securityscan', 'value2'))] })],
    want: uExisting,
  },
  { name: 'pod matches its own Label in PodAffinity and that matches the existing pod Labels', pod: pod({ labels: podLabel, affinity: [term('region', NotIn('service', 'securityscan', 'value2'))] }), pods: [], want: uAff },
  {
    name: "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod",
    pod: pod({ labels: podLabel }),
    pods: [pod({ node: 'machine1', labels: podLabel, anti: [term('zone', In('service', 'securityscan', 'value2'))] })],
    want: uExisting,
  },
  {
    name: 'verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod',
    pod: pod({ labels: podLabel }),
    pods: [pod({ node: 'machine1', labels: podLabel, anti: [term('zone', NotIn('service', 'securityscan', 'value2'))] })],
    want: OK,
  },
  {
    name: "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod",
    pod: pod({ labels: podLabel, anti: [term('region', Exists('service')), term('region', Exists('security'))] }),
    pods: [pod({ node: 'machine1', labels: podLabel2, anti: [term('zone', Exists('security'))] })],
    want: uAnti,
  },
  {
    name: 'PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on AffinityTerms',
    pod: pod({ labels: podLabel, anti: [term('zone', Exists('service')), term('zone', Exists('security'))] }),
    pods: [pod({ node: 'machine1', labels: podLabel2, anti: [term('zone', Exists('security'))] })],
    want: uAnti,
  },
  {
    name: 'PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other on AffinityTerms',
    pod: pod({ labels: podLabel2, anti: [term('zone', Exists('security'))] }),
    pods: [pod({ node: 'machine1', labels: podLabel, anti: [term('zone', Exists('service')), term('zone', Exists('security'))] })],
    want: uExisting,
  },
  {
    name: 'PodAntiAffinity symmetry check b1: incoming pod and existing pod partially match each other on AffinityTerms',
    pod: pod({ labels: { abc: '', xyz: '' }, anti: [term('zone', Exists('abc')), term('zone', Exists('def'))] }),
    pods: [pod({ node: 'machine1', labels: { def: '', xyz: '' }, anti: [term('zone', Exists('abc')), term('zone', Exists('def'))] })],
    // the incoming pod's own anti-affinity is checked before existing pods' (filter order since v1.20)
    want: uAnti,
  },
  {
    name: 'PodAntiAffinity symmetry check b2: incoming pod and existing pod partially match each other on AffinityTerms',
    pod: pod({ labels: { def: '', xyz: '' }, anti: [term('zone', Exists('abc')), term('zone', Exists('def'))] }),
    pods: [pod({ node: 'machine1', labels: { abc: '', xyz: '' }, anti: [term('zone', Exists('abc')), term('zone', Exists('def'))] })],
    // the incoming pod's own anti-affinity is checked before existing pods' (filter order since v1.20)
    want: uAnti,
  },
];

describe('InterPodAffinity Filter, single node', () => {
  it.each(single)('$name', ({ pod: p, pods, want }) => {
    expect(run(p, pods, [node1])).toEqual([want]);
  });
});

interface MultiCase {
  name: string;
  pod: Pod;
  pods: Pod[];
  nodes: Node[];
  want: Want[];
}

const rgChina = { region: 'China' };
const rgChinaAz1 = { region: 'China', az: 'az1' };
const rgIndia = { region: 'India' };
const hz = (name: string, region: string, zone: string) => node(name, { region, zone, hostname: name });

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/filtering_test.go (TestRequiredAffinityMultipleNodes)
const multi: MultiCase[] = [
  {
    name: 'A pod can be scheduled onto all the nodes that have the same topology key & label value with one of them has an existing pod that matches the affinity rules',
    pod: pod({ affinity: [term('region', In('foo', 'bar'))] }),
    pods: [pod({ node: 'machine1', labels: { foo: 'bar' } })],
    nodes: [node('machine1', rgChina), node('machine2', rgChinaAz1), node('machine3', rgIndia)],
    want: [OK, OK, uAff],
  },
  {
    name: "The affinity rule is to schedule all of the pods of this collection to the same zone. The first pod of the collection should not be blocked from being scheduled onto any node, even there's no existing pod that matches the rule anywhere.",
    pod: pod({ labels: { foo: 'bar', service: 'securityscan' }, affinity: [term('zone', In('foo', 'bar')), term('zone', In('service', 'securityscan'))] }),
    pods: [pod({ node: 'nodeA', labels: { foo: 'bar' } })],
    nodes: [node('nodeA', { zone: 'az1', hostname: 'h1' }), node('nodeB', { zone: 'az2', hostname: 'h2' })],
    want: [OK, OK],
  },
  {
    name: 'NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB.',
    pod: pod({ anti: [term('region', In('foo', 'abc'))] }),
    pods: [pod({ node: 'nodeA', labels: { foo: 'abc' } })],
    nodes: [node('nodeA', { region: 'r1', hostname: 'nodeA' }), node('nodeB', { region: 'r1', hostname: 'nodeB' })],
    want: [uAnti, uAnti],
  },
  {
    name: 'This test ensures that anti-affinity matches a pod when any term of the anti-affinity rule matches a pod.',
    pod: pod({ anti: [term('region', In('foo', 'abc')), term('zone', In('service', 'securityscan'))] }),
    pods: [pod({ node: 'nodeA', labels: { foo: 'abc', service: 'securityscan' } })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z2')],
    want: [uAnti, uAnti],
  },
  {
    name: 'NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and nodeB but can be scheduled onto nodeC',
    pod: pod({ anti: [term('region', In('foo', 'abc'))] }),
    pods: [pod({ node: 'nodeA', labels: { foo: 'abc' } })],
    nodes: [node('nodeA', rgChina), node('nodeB', rgChinaAz1), node('nodeC', rgIndia)],
    want: [uAnti, uAnti, OK],
  },
  {
    name: 'NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that matches the inter pod affinity rule. The pod can not be scheduled onto nodeA, nodeB, but can be scheduled onto nodeC (NodeC has an existing pod that match the inter pod affinity rule but in different namespace)',
    pod: pod({ ns: 'NS1', labels: { foo: '123' }, anti: [term('region', In('foo', 'bar'))] }),
    pods: [pod({ ns: 'NS1', node: 'nodeA', labels: { foo: 'bar' } }), pod({ ns: 'NS2', node: 'nodeC', anti: [term('region', In('foo', '123'))] })],
    nodes: [node('nodeA', rgChina), node('nodeB', rgChinaAz1), node('nodeC', rgIndia)],
    want: [uAnti, uAnti, OK],
  },
  {
    name: "Test existing pod's anti-affinity: if an existing pod has a term with invalid topologyKey, labelSelector of the term is firstly checked, and then topologyKey of the term is also checked",
    pod: pod({ labels: { foo: '' } }),
    pods: [pod({ node: 'nodeA', anti: [term('invalid-node-label', Exists('foo'))] })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z1')],
    want: [OK, OK],
  },
  {
    name: "Test incoming pod's anti-affinity: even if labelSelector matches, we still check if topologyKey matches",
    pod: pod({ anti: [term('invalid-node-label', Exists('foo'))] }),
    pods: [pod({ node: 'nodeA', labels: { foo: '' } })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z1')],
    want: [OK, OK],
  },
  {
    name: "Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it violates each existingPod's terms on all nodes",
    pod: pod({ labels: { foo: '', bar: '' } }),
    pods: [pod({ node: 'nodeA', anti: [term('zone', Exists('foo'))] }), pod({ node: 'nodeA', anti: [term('region', Exists('bar'))] })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z2')],
    want: [uExisting, uExisting],
  },
  {
    name: "Test incoming pod's anti-affinity: incoming pod wouldn't considered as a fit as it at least violates one anti-affinity rule of existingPod",
    pod: pod({ anti: [term('zone', Exists('foo')), term('region', Exists('bar'))] }),
    pods: [pod({ node: 'nodeA', labels: { foo: '' } }), pod({ node: 'nodeB', labels: { bar: '' } })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z2')],
    want: [uAnti, uAnti],
  },
  {
    name: "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey",
    pod: pod({ labels: { foo: '', bar: '' } }),
    pods: [pod({ node: 'nodeA', anti: [term('invalid-node-label', Exists('foo')), term('zone', Exists('bar'))] })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z2')],
    want: [uExisting, OK],
  },
  {
    name: "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when one term has invalid topologyKey",
    pod: pod({ anti: [term('invalid-node-label', Exists('foo')), term('zone', Exists('bar'))] }),
    pods: [pod({ node: 'nodeA', labels: { foo: '', bar: '' } })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z2')],
    want: [uAnti, OK],
  },
  {
    name: "Test existing pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey",
    pod: pod({ labels: { foo: '', bar: '' } }),
    pods: [pod({ node: 'nodeA', anti: [term('region', Exists('foo')), term('zone', Exists('bar'))] })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z2')],
    want: [uExisting, uExisting],
  },
  {
    name: "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both match, it's counted as a single term match - case when all terms have valid topologyKey",
    pod: pod({ anti: [term('region', Exists('foo')), term('zone', Exists('bar'))] }),
    pods: [pod({ node: 'nodeA', labels: { foo: '', bar: '' } })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z2')],
    want: [uAnti, uAnti],
  },
  {
    name: "Test existing pod's anti-affinity: existingPod on nodeA and nodeB has at least one anti-affinity term matches incoming pod, so incoming pod can only be scheduled to nodeC",
    pod: pod({ labels: { foo: '', bar: '' } }),
    pods: [pod({ node: 'nodeA', anti: [term('zone', Exists('foo')), term('zone', Exists('labelA'))] }), pod({ node: 'nodeB', anti: [term('zone', Exists('bar')), term('zone', Exists('labelB'))] })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z2'), hz('nodeC', 'r1', 'z3')],
    want: [uExisting, uExisting, OK],
  },
  {
    name: "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match",
    pod: pod({ affinity: [term('region', Exists('foo')), term('zone', Exists('bar'))] }),
    pods: [pod({ node: 'nodeA', labels: { foo: '', bar: '' } })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z1')],
    want: [OK, OK],
  },
  {
    name: "Test incoming pod's affinity: firstly check if all affinityTerms match, and then check if all topologyKeys match, and the match logic should be satisfied on the same pod",
    pod: pod({ affinity: [term('region', Exists('foo')), term('zone', Exists('bar'))] }),
    pods: [pod({ node: 'nodeA', labels: { foo: '' } }), pod({ node: 'nodeB', labels: { bar: '' } })],
    nodes: [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z2')],
    want: [uAff, uAff],
  },
];

describe('InterPodAffinity Filter, multiple nodes', () => {
  it.each(multi)('$name', ({ pod: p, pods, nodes, want }) => {
    expect(run(p, pods, nodes)).toEqual(want);
  });
});

describe('InterPodAffinity namespaceSelector (ours)', () => {
  const nsLabels = (ns: string) => ({ 'team-a': { team: 'a' }, 'team-b': { team: 'b' } })[ns];
  const nodes = [hz('nodeA', 'r1', 'z1'), hz('nodeB', 'r1', 'z2')];
  const teamA = { labelSelector: { matchLabels: { app: 'db' } }, namespaceSelector: { matchLabels: { team: 'a' } }, topologyKey: 'zone' };

  it('affinity to pods in namespaces selected by labels', () => {
    const incoming = pod({ ns: 'other', affinity: [teamA] });
    const pods = [pod({ ns: 'team-a', node: 'nodeB', labels: { app: 'db' } }), pod({ ns: 'team-b', node: 'nodeA', labels: { app: 'db' } })];
    expect(run(incoming, pods, nodes, { namespaceLabels: nsLabels })).toEqual([uAff, OK]);
  });

  it('without a namespaceLabels lookup a non-empty namespaceSelector selects nothing', () => {
    const incoming = pod({ ns: 'other', anti: [teamA] });
    const pods = [pod({ ns: 'team-a', node: 'nodeB', labels: { app: 'db' } })];
    expect(run(incoming, pods, nodes)).toEqual([OK, OK]);
    expect(run(incoming, pods, nodes, { namespaceLabels: nsLabels })).toEqual([OK, uAnti]);
  });

  it("existing pods' anti-affinity namespaceSelector is matched against the incoming pod's namespace labels", () => {
    const existing = pod({ ns: 'x', node: 'nodeA', anti: [{ labelSelector: { matchLabels: { app: 'web' } }, namespaceSelector: {}, topologyKey: 'zone' }] });
    const incoming = pod({ ns: 'team-b', labels: { app: 'web' } });
    expect(run(incoming, [existing], nodes, { namespaceLabels: nsLabels })).toEqual([uExisting, OK]);
  });

  it('addPod / removePod adjust the counts (preemption)', () => {
    const pl = interPodAffinity();
    const incoming = pod({ anti: [term('zone', Exists('foo'))] });
    const snap = snapshotOf([], nodes);
    const cycle = new CycleState();
    expect(pl.preFilter(cycle, incoming, snap).status.code).toBe('Success');
    expect(pl.filter(cycle, incoming, snap.nodes[0]!).code).toBe('Success');
    const victim = podInfoFor(pod({ node: 'nodeA', labels: { foo: '' } }));
    pl.addPod(cycle, incoming, victim, nodes[0]!);
    expect(pl.filter(cycle, incoming, snap.nodes[0]!).code).toBe('Unschedulable');
    pl.removePod(cycle, incoming, victim, nodes[0]!);
    expect(pl.filter(cycle, incoming, snap.nodes[0]!).code).toBe('Success');
  });

  it('PreFilter skips a pod with no required terms when no existing pod has anti-affinity', () => {
    const pl = interPodAffinity();
    expect(pl.preFilter(new CycleState(), pod({}), snapshotOf([], nodes)).status.code).toBe('Skip');
  });
});

import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/sim/cluster.js';
import { disruptionController, formatLabelSelector } from '../../src/reconcilers/disruption.js';
import { formatRFC3339, parseRFC3339 } from '../../src/model/time.js';
import type { StoredObject } from '../../src/model/types.js';

const FOO_BAR = { foo: 'bar' };

function newCluster(): Cluster {
  return createCluster({ nodes: 1, scheduler: false, controllers: false, reconcilers: [disruptionController()] });
}

function pdb(c: Cluster, spec: Record<string, unknown>, selector: unknown = { matchLabels: FOO_BAR }) {
  c.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'foobar' }, spec: { ...spec, selector } });
}

function owner(obj: StoredObject) {
  return [{ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, uid: obj.metadata.uid, controller: true }];
}

/** A pod as upstream's newPod makes it: labels foo=bar, Ready (unless told otherwise). */
function pod(c: Cluster, name: string, o: { ready?: boolean; owner?: StoredObject; labels?: Record<string, string>; nodeName?: string } = {}) {
  c.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: o.labels ?? FOO_BAR, ...(o.owner ? { ownerReferences: owner(o.owner) } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(o.nodeName ? { nodeName: o.nodeName } : {}) },
  });
  setReady(c, name, o.ready ?? true);
}

function setReady(c: Cluster, name: string, ready: boolean) {
  c.updateStatus({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    status: { phase: 'Running', conditions: ready ? [{ type: 'Ready', status: 'True' }] : [] },
  });
}

function workload(c: Cluster, kind: 'ReplicaSet' | 'ReplicationController' | 'Deployment', name: string, replicas: number, extra: Record<string, unknown> = {}): StoredObject {
  const selector = kind === 'ReplicationController' ? FOO_BAR : { matchLabels: FOO_BAR };
  const apiVersion = kind === 'ReplicationController' ? 'v1' : 'apps/v1';
  return c.create({
    apiVersion,
    kind,
    metadata: { name, ...extra },
    spec: { replicas, selector, template: { metadata: { labels: FOO_BAR }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  })[0]!;
}

function scale(c: Cluster, kind: string, name: string, replicas: number) {
  c.scale({ kind, name }, replicas);
}

/** [disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods], as VerifyPdbStatus checks. */
function status(c: Cluster) {
  const s = c.get('pdb', 'foobar').status as Record<string, unknown> & { conditions?: { type: string; status: string; reason: string }[] };
  const cond = s.conditions?.find((x) => x.type === 'DisruptionAllowed');
  expect(cond?.status).toBe((s.disruptionsAllowed as number) > 0 ? 'True' : 'False');
  expect(s.observedGeneration).toBe(c.get('pdb', 'foobar').metadata.generation);
  return [s.disruptionsAllowed, s.currentHealthy, s.desiredHealthy, s.expectedPods];
}

function eventReasons(c: Cluster): string[] {
  return c.get('events').map((e) => (e as unknown as { reason: string }).reason);
}

// Ported from kubernetes/kubernetes pkg/controller/disruption/disruption_test.go
describe('disruption controller (disruption_test.go)', () => {
  it('TestNoSelector: an empty selector matches every pod', () => {
    const c = newCluster();
    pdb(c, { minAvailable: 3 }, {});
    expect(status(c)).toEqual([0, 0, 3, 0]);
    pod(c, 'yo-yo-yo', { labels: { any: 'thing' } });
    expect(status(c)).toEqual([0, 1, 3, 1]);
  });

  it('TestUnavailable: counts go up with pods, down when one turns unready', () => {
    const c = newCluster();
    pdb(c, { minAvailable: 3 });
    for (let i = 0; i < 4; i++) {
      expect(status(c)).toEqual([0, i, 3, i]);
      pod(c, `yo-yo-yo-${i}`);
    }
    expect(status(c)).toEqual([1, 4, 3, 4]);
    const cond = c.get('pdb', 'foobar').status as { conditions: { reason: string }[] };
    expect(cond.conditions[0]!.reason).toBe('SufficientPods');
    setReady(c, 'yo-yo-yo-0', false);
    expect(status(c)).toEqual([0, 3, 3, 4]);
    expect((c.get('pdb', 'foobar').status as { conditions: { reason: string }[] }).conditions[0]!.reason).toBe('InsufficientPods');
  });

  it('TestIntegerMaxUnavailable: a naked pod allows no disruption and warns UnmanagedPods', () => {
    const c = newCluster();
    pdb(c, { maxUnavailable: 1 });
    expect(status(c)[0]).toBe(0);
    pod(c, 'naked');
    expect(status(c)).toEqual([0, 1, 0, 0]);
    expect(eventReasons(c)).toContain('UnmanagedPods');
    const ev = c.get('events').find((e) => (e as unknown as { reason: string }).reason === 'UnmanagedPods') as unknown as { message: string };
    expect(ev.message).toContain('(selector: &LabelSelector{MatchLabels:map[string]string{foo: bar,},MatchExpressions:[]LabelSelectorRequirement{},})');
  });

  // maxUnavailable (int or percent) takes expectedPods from the controller's scale.
  it.each`
    test                                         | maxUnavailable | before          | after
    ${'TestIntegerMaxUnavailableWithScaling'}    | ${2}           | ${[0, 1, 5, 7]} | ${[0, 1, 3, 5]}
    ${'TestPercentageMaxUnavailableWithScaling'} | ${'30%'}       | ${[0, 1, 4, 7]} | ${[0, 1, 2, 3]}
  `('$test: status follows the ReplicaSet scale', ({ maxUnavailable, before, after }) => {
    const c = newCluster();
    pdb(c, { maxUnavailable });
    const rs = workload(c, 'ReplicaSet', 'foobar', 7);
    pod(c, 'pod', { owner: rs });
    expect(status(c)).toEqual(before);
    scale(c, 'ReplicaSet', 'foobar', after[3]);
    expect(status(c)).toEqual(after);
  });

  it.each`
    test                                | minAvailable
    ${'TestNakedPod'}                   | ${'28%'}
    ${'TestStatusForUnmanagedPod'}      | ${'28%'}
  `('$test: a percentage budget over an unmanaged pod allows nothing, without failing', ({ minAvailable }) => {
    const c = newCluster();
    pdb(c, { minAvailable });
    expect(status(c)[0]).toBe(0);
    pod(c, 'naked');
    expect(status(c)[0]).toBe(0);
    expect(eventReasons(c)).toContain('UnmanagedPods');
    const conds = (c.get('pdb', 'foobar').status as { conditions: { reason: string }[] }).conditions;
    expect(conds.map((x) => x.reason)).not.toContain('SyncFailed');
  });

  it('TestUnsupportedControllerPod: an unknown controller fails the sync safe', () => {
    const c = newCluster();
    pdb(c, { minAvailable: '28%' });
    c.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'naked', labels: FOO_BAR, ownerReferences: [{ apiVersion: 'apps.test.io/v1', kind: 'TestWorkload', name: 'fake-controller', uid: 'b7329742-8daa-493a-8881-6ca07139172b', controller: true }] },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    const s = c.get('pdb', 'foobar').status as { disruptionsAllowed: number; conditions: { reason: string; status: string; message: string }[] };
    expect(s.disruptionsAllowed).toBe(0);
    expect(s.conditions[0]).toMatchObject({ status: 'False', reason: 'SyncFailed', message: 'no matches for kind "TestWorkload" in version "apps.test.io/v1"' });
    expect(eventReasons(c)).toContain('CalculateExpectedPodCountFailed');
  });

  it('TestReplicaSet: the scale of a ReplicaSet without a Deployment counts', () => {
    const c = newCluster();
    pdb(c, { minAvailable: '20%' });
    pod(c, 'pod', { owner: workload(c, 'ReplicaSet', 'foobar', 10) });
    expect(status(c)).toEqual([0, 1, 2, 10]);
  });

  it('TestDeploymentFinderFunction: a Deployment-owned ReplicaSet counts the Deployment scale', () => {
    const c = newCluster();
    pdb(c, { minAvailable: '50%' });
    const d = workload(c, 'Deployment', 'foobar', 10);
    const rs = workload(c, 'ReplicaSet', 'foobar-abc', 5, { ownerReferences: owner(d) });
    pod(c, 'pod', { owner: rs });
    expect(status(c)).toEqual([0, 1, 5, 10]);
  });

  it('TestReplicationController: 34% of 3 rounds up to 2; a rogue unmanaged pod still counts healthy', () => {
    const c = newCluster();
    const labels = { foo: 'bar', baz: 'quux' };
    pdb(c, { minAvailable: '34%' });
    const rc = workload(c, 'ReplicationController', 'foobar', 3);
    expect(status(c)).toEqual([0, 0, 0, 0]);
    const want = [[0, 1, 2, 3], [0, 2, 2, 3], [1, 3, 2, 3]];
    for (let i = 0; i < 3; i++) {
      pod(c, `foobar-${i}`, { owner: rc, labels });
      expect(status(c)).toEqual(want[i]);
    }
    pod(c, 'rogue');
    expect(status(c)[0]).toBe(2);
  });

  it('TestUpdateDisruptedPods: terminating, expired and missing entries are dropped', () => {
    const c = newCluster();
    c.advance('10m');
    const now = parseRFC3339(c.nowTimestamp);
    pod(c, 'p1', { nodeName: 'node-1' });
    pod(c, 'p2');
    pod(c, 'p3');
    c.delete('pod', 'p1'); // graceful: p1 is terminating
    pdb(c, { minAvailable: 1 });
    const stored = c.get('pdb', 'foobar');
    c.updateStatus({
      ...stored,
      status: {
        ...(stored.status as object),
        disruptedPods: {
          p1: formatRFC3339(now),
          p2: formatRFC3339(now - 3 * 60_000),
          p3: formatRFC3339(now - 60_000),
          notthere: formatRFC3339(now),
        },
      },
    });
    expect(status(c)).toEqual([0, 1, 1, 3]);
    expect((c.get('pdb', 'foobar').status as { disruptedPods: unknown }).disruptedPods).toEqual({ p3: formatRFC3339(now - 60_000) });
    // p3's entry expires two minutes after its eviction: then it counts as healthy again.
    c.advance('61s');
    expect(status(c)).toEqual([1, 2, 1, 3]);
    expect((c.get('pdb', 'foobar').status as { disruptedPods?: unknown }).disruptedPods).toBeUndefined();
  });

  it('TestKeepExistingPDBConditionDuringSync: other conditions are kept', () => {
    const c = newCluster();
    pdb(c, { minAvailable: 3 }, {});
    const stored = c.get('pdb', 'foobar');
    const s = stored.status as { conditions: unknown[] };
    c.updateStatus({ ...stored, status: { ...s, conditions: [...s.conditions, { type: 'ExistingTestCondition', status: 'True', reason: 'Test', message: 'This is a test condition', lastTransitionTime: c.nowTimestamp }] } });
    pod(c, 'p');
    expect(status(c)).toEqual([0, 1, 3, 1]);
    expect((c.get('pdb', 'foobar').status as { conditions: { type: string }[] }).conditions.map((x) => x.type).sort()).toEqual(['DisruptionAllowed', 'ExistingTestCondition']);
  });
});

// Ported from kubernetes/kubernetes pkg/controller/disruption/disruption_test.go (TestStalePodDisruption)
describe('stale DisruptionTarget conditions', () => {
  it.each`
    name                              | passed    | terminating | want
    ${'stale pod disruption'}         | ${'121s'} | ${false}    | ${'False'}
    ${'pod disruption in progress'}   | ${'119s'} | ${false}    | ${'True'}
    ${'pod disruption actuated'}      | ${'121s'} | ${true}     | ${'True'}
  `('$name', ({ passed, terminating, want }) => {
    const c = newCluster();
    pod(c, 'foo', { nodeName: 'node-1' });
    c.updateStatus({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'foo', namespace: 'default' },
      status: { phase: 'Running', conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', lastTransitionTime: c.nowTimestamp }] },
    });
    if (terminating) c.delete('pod', 'foo', { gracePeriodSeconds: 600 });
    c.advance(passed);
    const conds = (c.get('pod', 'foo').status as { conditions: { type: string; status: string }[] }).conditions;
    expect(conds.find((x) => x.type === 'DisruptionTarget')?.status).toBe(want);
  });
});

describe('formatLabelSelector (Go %v of *LabelSelector)', () => {
  it.each`
    selector                                                                       | want
    ${undefined}                                                                   | ${'nil'}
    ${{}}                                                                          | ${'&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}'}
    ${{ matchLabels: { b: '2', a: '1' } }}                                         | ${'&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{},}'}
    ${{ matchExpressions: [{ key: 'k', operator: 'In', values: ['x', 'y'] }] }}    | ${'&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}'}
  `('$want', ({ selector, want }) => {
    expect(formatLabelSelector(selector)).toBe(want);
  });
});

import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/sim/cluster.js';
import { DisruptionBudgetError, evictPod } from '../../src/model/eviction.js';
import { ForbiddenError, InternalError, KubesimError, NotFoundError, TooManyRequestsError } from '../../src/model/errors.js';
import { StoreBatch } from '../../src/model/store.js';
import { parseRFC3339 } from '../../src/model/time.js';
import type { WriteContext } from '../../src/model/writes.js';

type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

interface PdbInit {
  name?: string;
  match?: Record<string, string>;
  allowed: number;
  current?: number;
  desired?: number;
  policy?: 'IfHealthyBudget' | 'AlwaysAllow';
  observedGeneration?: number;
  conditions?: unknown[];
}

/** A cluster with no controllers: the budgets' status is whatever the test writes. */
function setup(pdbs: PdbInit[], podName: string, phase: Phase, o: { ready?: boolean; terminating?: boolean } = {}): Cluster {
  const c = createCluster({ nodes: 1, scheduler: false, controllers: false });
  c.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName, labels: { a: 'true' } },
    spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
  });
  c.updateStatus({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName, namespace: 'default' },
    status: { phase, conditions: o.ready === undefined ? [] : [{ type: 'Ready', status: o.ready ? 'True' : 'False' }] },
  });
  if (o.terminating) c.delete('pod', podName, { gracePeriodSeconds: 300 });
  for (const p of pdbs) {
    const name = p.name ?? 'foo';
    c.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { selector: { matchLabels: p.match ?? { a: 'true' } }, ...(p.policy ? { unhealthyPodEvictionPolicy: p.policy } : {}) } });
    const stored = c.get('pdb', name);
    c.updateStatus({
      ...stored,
      status: {
        observedGeneration: p.observedGeneration ?? 1,
        disruptionsAllowed: p.allowed,
        currentHealthy: p.current ?? 0,
        desiredHealthy: p.desired ?? 0,
        expectedPods: 0,
        ...(p.conditions ? { conditions: p.conditions } : {}),
      },
    });
  }
  return c;
}

function ctxOf(c: Cluster): WriteContext {
  return { nowMs: c.now, epochMs: parseRFC3339(c.nowTimestamp) - c.now, ids: { uuid: () => 'u', nameSuffix: () => 'xxxxx' } };
}

/** Evicts in a batch over the cluster's state; returns the batch and the error, if any. */
function evict(c: Cluster, name: string, gracePeriodSeconds?: number) {
  const batch = new StoreBatch(c.state);
  try {
    const r = evictPod(batch, 'default', name, ctxOf(c), gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds });
    return { batch, result: r, error: undefined };
  } catch (e) {
    return { batch, result: undefined, error: e as KubesimError };
  }
}

// Ported from kubernetes/kubernetes pkg/registry/core/pod/storage/eviction_test.go (TestEviction)
describe('evictPod (TestEviction)', () => {
  it.each`
    name                                                       | pdb                                       | pod     | phase          | ready        | expectError | expectDeleted
    ${'matching pdbs with no disruptions allowed, pod running'} | ${{ allowed: 0 }}                         | ${'t1'} | ${'Running'}   | ${true}      | ${true}     | ${false}
    ${'matching pdbs with no disruptions allowed, pod pending'} | ${{ allowed: 0 }}                         | ${'t2'} | ${'Pending'}   | ${undefined} | ${false}    | ${true}
    ${'matching pdbs with no disruptions allowed, pod succeeded'} | ${{ allowed: 0 }}                       | ${'t3'} | ${'Succeeded'} | ${undefined} | ${false}    | ${true}
    ${'matching pdbs with no disruptions allowed, pod failed'}  | ${{ allowed: 0 }}                         | ${'t4'} | ${'Failed'}    | ${undefined} | ${false}    | ${true}
    ${'matching pdbs with disruptions allowed'}                 | ${{ allowed: 1 }}                         | ${'t5'} | ${'Running'}   | ${true}      | ${false}    | ${true}
    ${'non-matching pdbs'}                                      | ${{ allowed: 0, match: { b: 'true' } }}   | ${'t6'} | ${'Running'}   | ${true}      | ${false}    | ${true}
  `('$name', ({ pdb, pod, phase, ready, expectError, expectDeleted }) => {
    const c = setup([pdb], pod, phase, { ready });
    const { batch, error } = evict(c, pod, 0);
    expect(error !== undefined).toBe(expectError);
    if (expectError) {
      expect(error).toBeInstanceOf(TooManyRequestsError);
      expect(error!.code).toBe(429);
      expect(batch.changes).toHaveLength(0);
    }
    expect(batch.get('Pod', 'default', pod) === undefined).toBe(expectDeleted);
  });

  it('refuses with upstream message and the budget detail', () => {
    const c = setup([{ allowed: 0, current: 2, desired: 2 }], 't7', 'Running', { ready: true });
    const { error } = evict(c, 't7');
    expect(error).toBeInstanceOf(DisruptionBudgetError);
    expect(error!.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect((error as DisruptionBudgetError).causes).toEqual([{ type: 'DisruptionBudget', message: 'The disruption budget foo needs 2 healthy pods and has 2 currently' }]);
  });

  it('a missing pod is NotFound', () => {
    const c = setup([], 'x', 'Running');
    expect(evict(c, 'nope').error).toBeInstanceOf(NotFoundError);
  });
});

// Ported from kubernetes/kubernetes pkg/registry/core/pod/storage/eviction_test.go (TestEvictionIgnorePDB)
describe('evictPod: pods that need no budget (TestEvictionIgnorePDB)', () => {
  it.each`
    name                                                                          | pdb                                                        | phase        | ready    | terminating | expectError
    ${'matching pdbs with no disruptions allowed, pod terminating'}               | ${{ allowed: 0 }}                                          | ${'Running'} | ${true}  | ${true}     | ${false}
    ${'no disruptions allowed, pod running, pod healthy, unhealthy pod not ours'} | ${{ allowed: 0, current: 2, desired: 2 }}                  | ${'Running'} | ${true}  | ${false}    | ${true}
    ${'no disruptions allowed, pod running, pod unhealthy, unhealthy pod ours'}   | ${{ allowed: 0, current: 2, desired: 2 }}                  | ${'Running'} | ${false} | ${false}    | ${false}
    ${'unhealthy pod, budget below desired, IfHealthyBudget'}                     | ${{ allowed: 0, current: 1, desired: 2, policy: 'IfHealthyBudget' }} | ${'Running'} | ${false} | ${false} | ${true}
    ${'unhealthy pod, budget below desired, AlwaysAllow'}                         | ${{ allowed: 0, current: 1, desired: 2, policy: 'AlwaysAllow' }}     | ${'Running'} | ${false} | ${false} | ${false}
    ${'unhealthy pod, desiredHealthy 0 (default policy)'}                         | ${{ allowed: 0, current: 0, desired: 0 }}                  | ${'Running'} | ${false} | ${false}    | ${true}
  `('$name', ({ pdb, phase, ready, terminating, expectError }) => {
    const c = setup([pdb], 'p', phase, { ready, terminating });
    const before = c.get('pdb', 'foo');
    const { batch, error } = evict(c, 'p');
    expect(error !== undefined).toBe(expectError);
    if (!expectError) {
      // No budget was spent.
      expect(batch.get('PodDisruptionBudget', 'default', 'foo')).toBe(before);
      const pod = batch.get('Pod', 'default', 'p');
      expect(pod?.metadata.deletionTimestamp).toBeDefined();
    }
  });
});

// Ported from kubernetes/kubernetes pkg/registry/core/pod/storage/eviction_test.go (TestEvictionPDBStatus)
describe('evictPod: the budget is charged (TestEvictionPDBStatus)', () => {
  const sufficient = [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }];
  it.each`
    name                                                          | allowed | expectedAllowed | expectedReason
    ${'pdb status is updated after eviction'}                     | ${1}    | ${0}            | ${'InsufficientPods'}
    ${'condition reason is only updated if AllowedDisruptions becomes 0'} | ${3} | ${2}     | ${'SufficientPods'}
  `('$name', ({ allowed, expectedAllowed, expectedReason }) => {
    const c = setup([{ allowed, conditions: sufficient }], 'foo-1', 'Running', { ready: true });
    c.advance('7s');
    const { batch, error, result } = evict(c, 'foo-1');
    expect(error).toBeUndefined();
    expect(result?.pdb).toBe('foo');
    const status = batch.get('PodDisruptionBudget', 'default', 'foo')!.status as { disruptionsAllowed: number; disruptedPods: Record<string, string>; conditions: { reason: string; status: string }[] };
    expect(status.disruptionsAllowed).toBe(expectedAllowed);
    expect(status.conditions[0]!.reason).toBe(expectedReason);
    expect(status.disruptedPods).toEqual({ 'foo-1': '2025-01-01T00:00:07Z' });
    // The pod is marked and terminating gracefully (30s default), not gone.
    const pod = batch.get('Pod', 'default', 'foo-1')!;
    expect(pod.metadata.deletionTimestamp).toBe('2025-01-01T00:00:37Z');
    expect((pod.status as { conditions: unknown[] }).conditions).toContainEqual(
      expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }),
    );
  });
});

describe('evictPod: budget states upstream refuses', () => {
  it('more than one budget is a 500', () => {
    const c = setup([{ name: 'a', allowed: 1 }, { name: 'b', allowed: 1 }], 'p', 'Running', { ready: true });
    const { error, batch } = evict(c, 'p');
    expect(error).toBeInstanceOf(InternalError);
    expect(error!.code).toBe(500);
    expect(error!.message).toBe('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    expect(batch.changes).toHaveLength(0);
  });

  it('a budget not yet observed is a 429 "still being processed"', () => {
    const c = setup([{ allowed: 1, observedGeneration: 0 }], 'p', 'Running', { ready: true });
    const { error } = evict(c, 'p');
    expect((error as DisruptionBudgetError).causes[0]!.message).toBe('The disruption budget foo is still being processed by the server.');
  });

  it('a negative disruptionsAllowed is Forbidden', () => {
    const c = setup([{ allowed: -1 }], 'p', 'Running', { ready: true });
    const { error } = evict(c, 'p');
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error!.message).toBe('poddisruptionbudget.policy "foo" is forbidden: pdb disruptions allowed is negative');
  });

  it('two evictions in one batch spend the budget once each', () => {
    const c = setup([{ allowed: 1 }], 'p1', 'Running', { ready: true });
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p2', labels: { a: 'true' } }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] } });
    c.updateStatus({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p2', namespace: 'default' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    const batch = new StoreBatch(c.state);
    evictPod(batch, 'default', 'p1', ctxOf(c));
    expect(() => evictPod(batch, 'default', 'p2', ctxOf(c))).toThrow(DisruptionBudgetError);
  });
});

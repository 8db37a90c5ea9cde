import { describe, expect, it } from 'vitest';
import {
  cleanupUnhealthyReplicas,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  scaleDownOldReplicaSetsForRollingUpdate,
} from '../../../src/reconcilers/deployment/rolling.js';
import { newDeployment, rs, syncContext } from './helpers.js';

// Ported from kubernetes/kubernetes pkg/controller/deployment/rolling_test.go
// (TestDeploymentController_reconcileNewReplicaSet); maxUnavailable 0.
describe('reconcileNewReplicaSet', () => {
  it.each`
    deploymentReplicas | maxSurge | oldReplicas | newReplicas | scaleExpected | expectedNewReplicas
    ${10}              | ${0}     | ${10}       | ${0}        | ${false}      | ${0}
    ${10}              | ${2}     | ${10}       | ${0}        | ${true}       | ${2}
    ${10}              | ${2}     | ${5}        | ${0}        | ${true}       | ${7}
    ${10}              | ${2}     | ${10}       | ${2}        | ${false}      | ${2}
    ${10}              | ${2}     | ${2}        | ${11}       | ${true}       | ${10}
  `('d=$deploymentReplicas surge=$maxSurge old=$oldReplicas new=$newReplicas → $expectedNewReplicas', (t) => {
    const ctx = syncContext(newDeployment(t.deploymentReplicas, t.maxSurge, 0));
    const newRS = rs('foo-new', t.newReplicas);
    const oldRS = rs('foo-old', t.oldReplicas);
    expect(reconcileNewReplicaSet(ctx, [newRS, oldRS], newRS)).toBe(t.scaleExpected);
    expect(newRS.spec!.replicas).toBe(t.expectedNewReplicas);
    expect(ctx.writes.length).toBe(t.scaleExpected ? 1 : 0);
  });
});

// Ported from rolling_test.go (TestDeploymentController_reconcileOldReplicaSets); maxSurge 0.
describe('reconcileOldReplicaSets', () => {
  it.each`
    deploymentReplicas | maxUnavailable | oldReplicas | newReplicas | readyOld | readyNew | scaleExpected | expectedOldReplicas
    ${10}              | ${0}           | ${10}       | ${0}        | ${10}    | ${0}     | ${true}       | ${9}
    ${10}              | ${2}           | ${10}       | ${0}        | ${10}    | ${0}     | ${true}       | ${8}
    ${10}              | ${2}           | ${10}       | ${0}        | ${8}     | ${0}     | ${true}       | ${8}
    ${10}              | ${2}           | ${10}       | ${0}        | ${9}     | ${0}     | ${true}       | ${8}
    ${10}              | ${2}           | ${8}        | ${2}        | ${8}     | ${0}     | ${false}      | ${8}
  `('old=$oldReplicas ready=$readyOld new=$newReplicas → $expectedOldReplicas', (t) => {
    const ctx = syncContext(newDeployment(t.deploymentReplicas, 0, t.maxUnavailable));
    const newRS = rs('foo-new', t.newReplicas, t.readyNew, 1);
    const oldRS = rs('foo-old', t.oldReplicas, t.readyOld, 0);
    expect(reconcileOldReplicaSets(ctx, [oldRS, newRS], [oldRS], newRS)).toBe(t.scaleExpected);
    expect(oldRS.spec!.replicas).toBe(t.expectedOldReplicas);
  });
});

// Ported from rolling_test.go (TestDeploymentController_cleanupUnhealthyReplicas); 10 replicas, 2/2.
describe('cleanupUnhealthyReplicas', () => {
  it.each`
    oldReplicas | readyPods | maxCleanupCount | cleanupCountExpected
    ${10}       | ${8}      | ${1}            | ${1}
    ${10}       | ${8}      | ${3}            | ${2}
    ${10}       | ${8}      | ${0}            | ${0}
    ${10}       | ${10}     | ${3}            | ${0}
  `('ready $readyPods of $oldReplicas, max $maxCleanupCount → $cleanupCountExpected', (t) => {
    const ctx = syncContext(newDeployment(10, 2, 2));
    const oldRS = rs('foo-v2', t.oldReplicas, t.readyPods);
    const { cleanupCount } = cleanupUnhealthyReplicas(ctx, [oldRS], t.maxCleanupCount);
    expect(cleanupCount).toBe(t.cleanupCountExpected);
    expect(oldRS.spec!.replicas).toBe(t.oldReplicas - t.cleanupCountExpected);
  });
});

// Ported from rolling_test.go (TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate).
describe('scaleDownOldReplicaSetsForRollingUpdate', () => {
  it.each`
    deploymentReplicas | maxUnavailable | readyPods | oldReplicas | scaleExpected | expectedOldReplicas | why
    ${10}              | ${0}           | ${10}     | ${10}       | ${true}       | ${9}                | ${'0/0 resolves to unavailable 1: 10 - 9'}
    ${10}              | ${2}           | ${10}     | ${10}       | ${true}       | ${8}                | ${'10 available - 8 min = 2'}
    ${10}              | ${2}           | ${8}      | ${10}       | ${false}      | ${10}               | ${'8 available is the minimum'}
    ${10}              | ${2}           | ${10}     | ${0}        | ${false}      | ${0}                | ${'nothing to scale down'}
    ${10}              | ${2}           | ${1}      | ${10}       | ${false}      | ${10}               | ${'below the minimum'}
  `('$why', (t) => {
    const ctx = syncContext(newDeployment(t.deploymentReplicas, 0, t.maxUnavailable));
    const oldRS = rs('foo-v2', t.oldReplicas, t.readyPods);
    const scaled = scaleDownOldReplicaSetsForRollingUpdate(ctx, [oldRS], [oldRS]);
    expect(scaled > 0).toBe(t.scaleExpected);
    expect(oldRS.spec!.replicas).toBe(t.expectedOldReplicas);
  });

  it('records the ScalingReplicaSet event with upstream wording', () => {
    const ctx = syncContext(newDeployment(10, 0, 2));
    const oldRS = rs('foo-v2', 10, 10);
    scaleDownOldReplicaSetsForRollingUpdate(ctx, [oldRS], [oldRS]);
    expect(ctx.events).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({ reason: 'ScalingReplicaSet', message: 'Scaled down replica set foo-v2 from 10 to 8' }),
      }),
    ]);
  });
});

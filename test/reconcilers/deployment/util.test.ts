import { describe, expect, it } from 'vitest';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
} from '../../../src/reconcilers/deployment/conditions.js';
import {
  getDesiredReplicasAnnotation,
  getProportion,
  getReplicaCountForReplicaSets,
  getActualReplicaCountForReplicaSets,
  isSaturated,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  replicasAnnotationsNeedUpdate,
  resolveFenceposts,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from '../../../src/reconcilers/deployment/util.js';
import { newDeployment, rs } from './helpers.js';

// Ported from kubernetes/kubernetes pkg/controller/deployment/util/deployment_util_test.go (TestResolveFenceposts)
describe('resolveFenceposts', () => {
  it.each`
    surge        | unavailable  | desired | expectSurge | expectUnavailable | error
    ${'0'}       | ${'0'}       | ${0}    | ${0}        | ${1}              | ${true}
    ${'39%'}     | ${'39%'}     | ${10}   | ${4}        | ${3}              | ${false}
    ${'oops'}    | ${'39%'}     | ${10}   | ${0}        | ${0}              | ${true}
    ${'55%'}     | ${'urg'}     | ${10}   | ${0}        | ${0}              | ${true}
    ${undefined} | ${'39%'}     | ${10}   | ${0}        | ${3}              | ${false}
    ${'39%'}     | ${undefined} | ${10}   | ${4}        | ${0}              | ${false}
    ${undefined} | ${undefined} | ${10}   | ${0}        | ${1}              | ${false}
  `('surge=$surge unavailable=$unavailable of $desired', (t) => {
    if (t.error) {
      expect(() => resolveFenceposts(t.surge, t.unavailable, t.desired)).toThrow();
      return;
    }
    expect(resolveFenceposts(t.surge, t.unavailable, t.desired)).toEqual({ surge: t.expectSurge, unavailable: t.expectUnavailable });
  });
});

// Ported from deployment_util_test.go (TestMaxUnavailable); maxSurge 1.
describe('maxUnavailable', () => {
  it.each`
    replicas | value     | expected | why
    ${10}    | ${5}      | ${5}     | ${'less than replicas'}
    ${10}    | ${10}     | ${10}    | ${'equal replicas'}
    ${5}     | ${10}     | ${5}     | ${'greater than replicas'}
    ${0}     | ${10}     | ${0}     | ${'replicas is 0'}
    ${10}    | ${'50%'}  | ${5}     | ${'percent less than replicas'}
    ${10}    | ${'100%'} | ${10}    | ${'percent equal replicas'}
    ${5}     | ${'100%'} | ${5}     | ${'percent greater than replicas'}
  `('$why', ({ replicas, value, expected }) => {
    expect(maxUnavailable(newDeployment(replicas, 1, value))).toBe(expected);
  });

  it('is 0 for Recreate, and so is maxSurge', () => {
    expect(maxUnavailable(newDeployment(10, undefined, undefined, 'Recreate'))).toBe(0);
    expect(maxSurge(newDeployment(10, undefined, undefined, 'Recreate'))).toBe(0);
  });

  it('maxSurge rounds up: 25% of 10 is 3', () => {
    expect(maxSurge(newDeployment(10, '25%', '25%'))).toBe(3);
  });
});

// Ported from deployment_util_test.go (TestNewRSNewReplicas).
describe('newRSNewReplicas', () => {
  it.each`
    name                              | strategy           | depReplicas | newRSReplicas | surge | oldRSReplicas | expected
    ${'can not scale up'}             | ${'RollingUpdate'} | ${1}        | ${5}          | ${1}  | ${5}          | ${5}
    ${'scale up to depReplicas'}      | ${'RollingUpdate'} | ${6}        | ${2}          | ${10} | ${5}          | ${6}
    ${'recreate goes to depReplicas'} | ${'Recreate'}      | ${3}        | ${1}          | ${1}  | ${1}          | ${3}
  `('$name', (t) => {
    const d = newDeployment(t.depReplicas, t.surge, 0, t.strategy);
    const newRS = rs('new', t.newRSReplicas);
    expect(newRSNewReplicas(d, [newRS, rs('old', t.oldRSReplicas)], newRS)).toBe(t.expected);
  });
});

// Ported from deployment_util_test.go (TestGetReplicaCountForReplicaSets).
describe('replica counts', () => {
  const rs1 = { ...rs('rs1', 1), status: { replicas: 2 } };
  const rs2 = { ...rs('rs2', 2), status: { replicas: 3 } };
  it.each`
    sets            | spec | actual
    ${[rs1]}        | ${1} | ${2}
    ${[rs1, rs2]}   | ${3} | ${5}
    ${[undefined]}  | ${0} | ${0}
    ${[]}           | ${0} | ${0}
  `('spec $spec actual $actual', ({ sets, spec, actual }) => {
    expect(getReplicaCountForReplicaSets(sets)).toBe(spec);
    expect(getActualReplicaCountForReplicaSets(sets)).toBe(actual);
  });
});

// GetReplicaSetProportion cases in the spirit of deployment_util_test.go / sync_test.go TestScale.
describe('getProportion', () => {
  it.each`
    rsReplicas | annotatedMax | depReplicas | surge | toAdd | added | expected | why
    ${3}       | ${13}        | ${15}       | ${3}  | ${5}  | ${0}  | ${1}     | ${'round(3 × 18 / 13) - 3 = 1'}
    ${8}       | ${13}        | ${15}       | ${3}  | ${5}  | ${0}  | ${3}     | ${'round(8 × 18 / 13) - 8 = 3'}
    ${8}       | ${13}        | ${15}       | ${3}  | ${5}  | ${4}  | ${1}     | ${'capped by what is left: 5 - 4'}
    ${5}       | ${10}        | ${5}        | ${0}  | ${-5} | ${0}  | ${-2}    | ${'round(5 × 5 / 10) - 5 = -2 (2.5 rounds away from 0)'}
    ${0}       | ${10}        | ${5}        | ${0}  | ${5}  | ${0}  | ${0}     | ${'never scale up from zero'}
    ${4}       | ${10}        | ${0}        | ${0}  | ${-4} | ${0}  | ${-4}    | ${'to zero: the whole size'}
  `('$why', (t) => {
    const d = newDeployment(t.depReplicas, t.surge, 1);
    const r = rs('x', t.rsReplicas, 0, 0, { 'deployment.kubernetes.io/max-replicas': String(t.annotatedMax) });
    expect(getProportion(r, d, t.toAdd, t.added)).toBe(t.expected);
  });
});

// Ported from deployment_util_test.go (TestDeploymentComplete).
describe('deploymentComplete', () => {
  const d = (desired: number, current: number, updated: number, available: number, mu: number, ms: number) => {
    const dep = newDeployment(desired, ms, mu);
    return { dep, status: { replicas: current, updatedReplicas: updated, availableReplicas: available, observedGeneration: 1 } };
  };
  it.each`
    name                                             | args                   | expected
    ${'not complete: min but not all available'}     | ${[5, 5, 5, 4, 1, 0]} | ${false}
    ${'not complete: min availability not honored'}  | ${[5, 5, 5, 3, 1, 0]} | ${false}
    ${'complete'}                                    | ${[5, 5, 5, 5, 0, 1]} | ${true}
    ${'not complete: all available but not updated'} | ${[5, 5, 4, 5, 0, 1]} | ${false}
    ${'not complete: still running old pods'}        | ${[1, 2, 1, 1, 0, 1]} | ${false}
    ${'not complete: one replica never comes up'}    | ${[1, 1, 1, 0, 0, 1]} | ${false}
  `('$name', ({ args, expected }) => {
    const { dep, status } = d(...(args as [number, number, number, number, number, number]));
    expect(deploymentComplete(dep, status)).toBe(expected);
  });
});

// Ported from deployment_util_test.go (TestDeploymentProgressing): old status vs new status.
describe('deploymentProgressing', () => {
  const st = (replicas: number, updated: number, ready: number, available: number) => ({
    replicas,
    updatedReplicas: updated,
    readyReplicas: ready,
    availableReplicas: available,
  });
  it.each`
    name                                          | old                  | now                  | expected
    ${'progressing: updated pods'}                | ${st(10, 4, 4, 4)}   | ${st(10, 5, 4, 4)}   | ${true}
    ${'not progressing'}                          | ${st(10, 4, 4, 4)}   | ${st(10, 4, 4, 4)}   | ${false}
    ${'progressing: old pods removed'}            | ${st(10, 4, 6, 6)}   | ${st(8, 4, 6, 6)}    | ${true}
    ${'not progressing: less new pods'}           | ${st(10, 7, 3, 3)}   | ${st(10, 6, 3, 3)}   | ${false}
    ${'progressing: less overall, more new pods'} | ${st(10, 4, 7, 7)}   | ${st(8, 8, 5, 5)}    | ${true}
    ${'progressing: more ready pods'}             | ${st(10, 10, 9, 8)}  | ${st(10, 10, 10, 8)} | ${true}
    ${'progressing: more available pods'}         | ${st(10, 10, 10, 9)} | ${st(10, 10, 10, 10)} | ${true}
  `('$name', ({ old, now, expected }) => {
    const d = { ...newDeployment(10, 1, 1), status: old };
    expect(deploymentProgressing(d, now)).toBe(expected);
  });
});

// Ported from deployment_util_test.go (TestDeploymentTimedOut): now is 00:01:20.
describe('deploymentTimedOut', () => {
  const now = Date.UTC(2016, 0, 1, 0, 1, 20);
  it.each`
    name                                          | pds          | reason                      | from                      | expected
    ${'no progressDeadlineSeconds: no timeout'}   | ${undefined} | ${''}                       | ${'2016-01-01T00:01:09Z'} | ${false}
    ${'10s deadline, 11s since last progress'}    | ${10}        | ${''}                       | ${'2016-01-01T00:01:09Z'} | ${true}
    ${'10s deadline, 9s since last progress'}     | ${10}        | ${''}                       | ${'2016-01-01T00:01:11Z'} | ${false}
    ${'completed rollout never times out'}        | ${10}        | ${'NewReplicaSetAvailable'} | ${'2016-01-01T00:01:09Z'} | ${false}
    ${'already timed out'}                        | ${10}        | ${'ProgressDeadlineExceeded'} | ${'2016-01-01T00:01:19Z'} | ${true}
  `('$name', ({ pds, reason, from, expected }) => {
    const d = newDeployment(1, 1, 0);
    d.spec!.progressDeadlineSeconds = pds;
    const status = { conditions: [{ type: 'Progressing', status: 'True', reason, lastUpdateTime: from, lastTransitionTime: from }] };
    expect(deploymentTimedOut(d, status, now)).toBe(expected);
  });
});

// Ported from deployment_util_test.go (TestAnnotationUtils).
describe('annotation utils', () => {
  it('SetNewReplicaSetAnnotations raises the revision each time', () => {
    const d = newDeployment(1, 1, 0);
    const r = rs('x', 1);
    for (let i = 0; i < 10; i++) {
      setNewReplicaSetAnnotations(d, r, String(i + 1), false);
      expect(r.metadata.annotations![REVISION_ANNOTATION]).toBe(String(i + 1));
    }
    expect(r.metadata.annotations![REVISION_HISTORY_ANNOTATION]).toBe('1,2,3,4,5,6,7,8,9');
  });

  it('never lowers a revision, and trims the history to the character limit', () => {
    const d = newDeployment(1, 1, 0);
    const r = rs('x', 1, 0, 0, { [REVISION_ANNOTATION]: '5', [REVISION_HISTORY_ANNOTATION]: '1,2,3' });
    expect(setNewReplicaSetAnnotations(d, r, '4', true)).toBe(false);
    setNewReplicaSetAnnotations(d, r, '6', true, 5);
    expect(r.metadata.annotations![REVISION_HISTORY_ANNOTATION]).toBe('2,3,5');
  });

  it('SetReplicasAnnotations / GetDesiredReplicasAnnotation / ReplicasAnnotationsNeedUpdate', () => {
    const r = rs('x', 1);
    expect(setReplicasAnnotations(r, 10, 11)).toBe(true);
    expect(r.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/desired-replicas': '10',
      'deployment.kubernetes.io/max-replicas': '11',
    });
    expect(getDesiredReplicasAnnotation(r)).toBe(10);
    expect(replicasAnnotationsNeedUpdate(r, 10, 11)).toBe(false);
    expect(replicasAnnotationsNeedUpdate(r, 10, 12)).toBe(true);
    r.metadata.annotations!['deployment.kubernetes.io/desired-replicas'] = 'hello';
    expect(getDesiredReplicasAnnotation(r)).toBeUndefined();
  });

  it('isSaturated needs size, annotation and availability to agree', () => {
    const d = newDeployment(3, 1, 0);
    const r = rs('x', 3, 3, 0, { 'deployment.kubernetes.io/desired-replicas': '3' });
    expect(isSaturated(d, r)).toBe(true);
    expect(isSaturated(d, rs('x', 3, 2, 0, { 'deployment.kubernetes.io/desired-replicas': '3' }))).toBe(false);
    expect(isSaturated(d, rs('x', 3, 3, 0, { 'deployment.kubernetes.io/desired-replicas': '2' }))).toBe(false);
  });
});

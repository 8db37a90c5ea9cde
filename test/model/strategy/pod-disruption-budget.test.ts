import { describe, it, expect } from 'vitest';
import { formatFieldError } from '../../../src/model/errors.js';
import { podDisruptionBudgetStrategy } from '../../../src/model/strategy/pod-disruption-budget.js';

/** The object type the strategy takes (kubernetes-types plus KubeObject's index signature). */
type PodDisruptionBudget = Parameters<typeof podDisruptionBudgetStrategy.validateCreate>[0];

function pdb(spec: any): PodDisruptionBudget {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'default' }, spec } as unknown as PodDisruptionBudget;
}

const validate = (spec: any) => podDisruptionBudgetStrategy.validateCreate(pdb(spec)).map(formatFieldError);

describe('podDisruptionBudgetStrategy', () => {
  // Ported from kubernetes/kubernetes pkg/apis/policy/validation/validation_test.go
  // (TestValidateMinAvailablePodDisruptionBudgetSpec, TestValidateMinAvailablePodAndMaxUnavailableDisruptionBudgetSpec,
  //  TestValidatePodDisruptionBudgetSpec, TestValidateUnhealthyPodEvictionPolicyDisruptionBudgetSpec)
  it.each`
    minAvailable | maxUnavailable | ok
    ${'0%'}      | ${undefined}   | ${true}
    ${'10%'}     | ${undefined}   | ${true}
    ${'100%'}    | ${undefined}   | ${true}
    ${0}         | ${undefined}   | ${true}
    ${10}        | ${undefined}   | ${true}
    ${1000}      | ${undefined}   | ${true}
    ${undefined} | ${'10%'}       | ${true}
    ${undefined} | ${1}           | ${true}
    ${'1.1%'}    | ${undefined}   | ${false}
    ${'nope'}    | ${undefined}   | ${false}
    ${'-1%'}     | ${undefined}   | ${false}
    ${'101%'}    | ${undefined}   | ${false}
    ${-1}        | ${undefined}   | ${false}
    ${undefined} | ${'110%'}      | ${false}
    ${undefined} | ${-1}          | ${false}
    ${'10%'}     | ${1}           | ${false}
  `('minAvailable=$minAvailable maxUnavailable=$maxUnavailable ok=$ok', ({ minAvailable, maxUnavailable, ok }) => {
    const errs = validate({ minAvailable, maxUnavailable });
    expect(errs.length === 0).toBe(ok);
  });

  it('reports both-set on the spec', () => {
    expect(validate({ minAvailable: '10%', maxUnavailable: 1 })).toEqual([
      'spec: Invalid value: {"minAvailable":"10%","maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set',
    ]);
  });

  it.each`
    policy               | ok
    ${'IfHealthyBudget'} | ${true}
    ${'AlwaysAllow'}     | ${true}
    ${undefined}         | ${true}
    ${'Invalid'}         | ${false}
  `('unhealthyPodEvictionPolicy $policy ok=$ok', ({ policy, ok }) => {
    const errs = validate({ minAvailable: 1, unhealthyPodEvictionPolicy: policy });
    expect(errs.length === 0).toBe(ok);
    if (!ok) {
      expect(errs).toEqual([
        'spec.unhealthyPodEvictionPolicy: Unsupported value: "Invalid": supported values: "AlwaysAllow", "IfHealthyBudget"',
      ]);
    }
  });

  it('validates the selector', () => {
    expect(validate({ minAvailable: 1, selector: { matchLabels: { 'a/b/c': 'x' } } })[0]).toMatch(/^spec\.selector\.matchLabels: Invalid value: "a\/b\/c"/);
    expect(validate({ minAvailable: 1, selector: { matchExpressions: 'x' } })).toEqual([
      'spec.selector.matchExpressions: Invalid value: "x": must be an array',
    ]);
  });

  it('validates updates like creates (policy/v1 allows spec updates)', () => {
    expect(podDisruptionBudgetStrategy.validateUpdate(pdb({ minAvailable: 2 }), pdb({ minAvailable: 1 }))).toEqual([]);
    expect(podDisruptionBudgetStrategy.validateUpdate(pdb({ minAvailable: -2 }), pdb({ minAvailable: 1 }))).toHaveLength(1);
  });
});

import { describe, it, expect } from 'vitest';
import { BadRequestError } from '../../src/model/errors.js';
import {
  getScaledValueFromIntOrPercent,
  isNotMoreThan100Percent,
  isPercent,
  validatePositiveIntOrPercent,
} from '../../src/model/intstr.js';

describe('getScaledValueFromIntOrPercent', () => {
  // Ported from kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/intstr/intstr_test.go
  // (TestGetScaledValueFromIntOrPercent)
  it.each`
    input    | total  | roundUp  | expected | why
    ${123}   | ${0}   | ${false} | ${123}   | ${'an integer is returned as is'}
    ${'90%'} | ${100} | ${true}  | ${90}    | ${'90 × 100 / 100'}
    ${'90%'} | ${95}  | ${true}  | ${86}    | ${'ceil(85.5)'}
    ${'90%'} | ${95}  | ${false} | ${85}    | ${'floor(85.5)'}
    ${'25%'} | ${10}  | ${true}  | ${3}     | ${'maxSurge 25% of 10 replicas: ceil(2.5)'}
    ${'25%'} | ${10}  | ${false} | ${2}     | ${'maxUnavailable 25% of 10 replicas: floor(2.5)'}
  `('$input of $total (roundUp=$roundUp) is $expected: $why', ({ input, total, roundUp, expected }) => {
    expect(getScaledValueFromIntOrPercent(input, total, roundUp)).toBe(expected);
  });

  it.each`
    input         | why
    ${'%'}        | ${'no digits'}
    ${'90#'}      | ${'not a percentage'}
    ${'#%'}       | ${'not a number'}
    ${'90'}       | ${'a string without % is not a percentage'}
    ${undefined}  | ${'nil value'}
  `('rejects $input ($why)', ({ input }) => {
    expect(() => getScaledValueFromIntOrPercent(input, 100, true)).toThrow(BadRequestError);
  });

  it('words errors like upstream', () => {
    expect(() => getScaledValueFromIntOrPercent(undefined, 1, true)).toThrow('nil value for IntOrString');
    expect(() => getScaledValueFromIntOrPercent('90', 1, true)).toThrow(
      'invalid value for IntOrString: invalid type: string is not a percentage',
    );
  });
});

describe('apps IntOrString validation', () => {
  // Ported from kubernetes/kubernetes pkg/apis/apps/validation/validation_test.go
  // (TestValidateDeployment rollingUpdate cases) and pkg/apis/policy/validation/validation_test.go
  it.each`
    value          | errors
    ${0}           | ${[]}
    ${5}           | ${[]}
    ${'0%'}        | ${[]}
    ${'93%'}       | ${[]}
    ${-1}          | ${['must be greater than or equal to 0']}
    ${'20Percent'} | ${["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]}
    ${'-10%'}      | ${["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]}
    ${true}        | ${["must be an integer or percentage (e.g '5%%')"]}
    ${1.5}         | ${["must be an integer or percentage (e.g '5%%')"]}
  `('validatePositiveIntOrPercent($value)', ({ value, errors }) => {
    expect(validatePositiveIntOrPercent(value, 'spec.minAvailable').map((e) => e.detail)).toEqual(errors);
  });

  it.each`
    value     | ok
    ${'100%'} | ${true}
    ${'101%'} | ${false}
    ${200}    | ${true}
    ${'x'}    | ${true}
  `('isNotMoreThan100Percent($value) ok=$ok', ({ value, ok }) => {
    const errs = isNotMoreThan100Percent(value, 'spec.maxUnavailable');
    expect(errs.length === 0).toBe(ok);
    if (!ok) expect(errs[0]).toMatchObject({ field: 'spec.maxUnavailable', detail: 'must not be greater than 100%' });
  });

  it('isPercent recognises only well-formed percentages', () => {
    expect(isPercent('25%')).toBe(true);
    expect(isPercent('25')).toBe(false);
    expect(isPercent(25)).toBe(false);
    expect(isPercent('2.5%')).toBe(false);
  });
});

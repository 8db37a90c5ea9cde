import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFieldError } from '../../../src/model/errors.js';
import type { PriorityClass } from '../../../src/model/types.js';
import { priorityClassStrategy } from '../../../src/model/strategy/priority-class.js';

const pc = (name: string, value: number, extra: Record<string, unknown> = {}): PriorityClass =>
  ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra }) as PriorityClass;
const msgs = (p: PriorityClass): string[] => priorityClassStrategy.validateCreate(p).map(formatFieldError);

// Ported from kubernetes/kubernetes pkg/apis/scheduling/validation/validation_test.go
// (TestValidatePriorityClass, TestValidatePriorityClassUpdate)
describe('priorityClassStrategy', () => {
  it('defaults preemptionPolicy to PreemptLowerPriority', () => {
    const p = pc('high', 100);
    priorityClassStrategy.applyDefaults(p);
    expect(p.preemptionPolicy).toBe('PreemptLowerPriority');
  });

  it.each`
    why                                | p                                                         | expected
    ${'user class'}                    | ${pc('tier1', 100)}                                       | ${[]}
    ${'user class at the maximum'}     | ${pc('tier1', 1000000000)}                                | ${[]}
    ${'system-node-critical'}          | ${pc('system-node-critical', 2000001000)}                 | ${[]}
    ${'system-cluster-critical'}       | ${pc('system-cluster-critical', 2000000000)}              | ${[]}
    ${'preemptionPolicy Never'}        | ${pc('tier1', 1, { preemptionPolicy: 'Never' })}          | ${[]}
    ${'too high for a user class'}     | ${pc('tier1', 1000000001)}                                | ${['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']}
    ${'unknown system- class'}         | ${pc('system-foo', 100)}                                  | ${["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-foo is not a known system priority class"]}
    ${'system class with wrong value'} | ${pc('system-node-critical', 100)}                        | ${["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"]}
    ${'bad preemptionPolicy'}          | ${pc('tier1', 1, { preemptionPolicy: 'Sometimes' })}      | ${['preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']}
  `('$why', ({ p, expected }) => {
    expect(msgs(p)).toEqual(expected);
  });

  it('makes value and preemptionPolicy immutable', () => {
    const old = pc('tier1', 100, { preemptionPolicy: 'PreemptLowerPriority' });
    expect(priorityClassStrategy.validateUpdate(pc('tier1', 100, { preemptionPolicy: 'PreemptLowerPriority', description: 'x' }), old)).toEqual([]);
    expect(
      priorityClassStrategy.validateUpdate(pc('tier1', 200, { preemptionPolicy: 'Never' }), old).map(formatFieldError),
    ).toEqual(['value: Forbidden: may not be changed in an update.', 'preemptionPolicy: Invalid value: "Never": field is immutable']);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ metadata: fc.jsonValue(), value: fc.jsonValue(), preemptionPolicy: fc.jsonValue() })), fc.jsonValue(), (obj, old) => {
        const p = structuredClone(obj) as unknown as PriorityClass;
        if (typeof p === 'object' && p !== null) priorityClassStrategy.applyDefaults(p);
        priorityClassStrategy.validateCreate(p);
        priorityClassStrategy.validateUpdate(p, old as unknown as PriorityClass);
      }),
      { numRuns: 300 },
    );
  });
});

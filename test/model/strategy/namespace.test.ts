import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFieldError } from '../../../src/model/errors.js';
import type { Namespace } from '../../../src/model/types.js';
import { namespaceStrategy } from '../../../src/model/strategy/namespace.js';

describe('namespaceStrategy', () => {
  it('defaults finalizers, phase and the name label', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { env: 'prod' } } } as Namespace;
    namespaceStrategy.applyDefaults(ns);
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
    expect(ns.metadata!.labels).toEqual({ env: 'prod', 'kubernetes.io/metadata.name': 'team-a' });
  });

  // Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (TestValidateNamespace)
  it.each`
    name                 | valid
    ${'abc'}             | ${true}
    ${'abc-123'}         | ${true}
    ${'a'.repeat(63)}    | ${true}
    ${'a'.repeat(64)}    | ${false}
    ${'abc.def'}         | ${false}
    ${'Abc'}             | ${false}
    ${'abc-'}            | ${false}
  `('name $name valid=$valid (DNS-1123 label)', ({ name, valid }) => {
    expect(namespaceStrategy.nameValidator(name).length === 0).toBe(valid);
  });

  it.each`
    finalizers                     | expected
    ${['kubernetes']}              | ${[]}
    ${['example.com/cleanup']}     | ${[]}
    ${['foo']}                     | ${['spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified']}
  `('spec.finalizers $finalizers', ({ finalizers, expected }) => {
    const ns = { metadata: { name: 'n' }, spec: { finalizers } } as Namespace;
    expect(namespaceStrategy.validateCreate(ns).map(formatFieldError)).toEqual(expected);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ metadata: fc.jsonValue(), spec: fc.jsonValue(), status: fc.jsonValue() })), (obj) => {
        const ns = structuredClone(obj) as Namespace;
        if (typeof ns === 'object' && ns !== null) namespaceStrategy.applyDefaults(ns);
        namespaceStrategy.validateCreate(ns);
        namespaceStrategy.validateUpdate(ns, ns);
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFieldError, type FieldError } from '../../../src/model/errors.js';
import type { ObjectMeta } from '../../../src/model/types.js';
import { isDNS1123Subdomain } from '../../../src/model/validation/names.js';
import {
  maskTrailingDash,
  semanticEqual,
  validateAnnotations,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../../src/model/strategy/object-meta.js';

const fmt = (errs: FieldError[]): string[] => errs.map(formatFieldError);
const opts = { namespaced: true, nameValidator: isDNS1123Subdomain };
const meta = (m: Record<string, unknown>): ObjectMeta => ({ name: 'test', namespace: 'ns', ...m }) as ObjectMeta;
const ref = (m: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'customresourceVersion',
  kind: 'customresourceKind',
  name: 'name',
  uid: '1',
  ...m,
});

describe('validateObjectMeta', () => {
  it('accepts a plain namespaced object', () => {
    expect(validateObjectMeta(meta({ labels: { app: 'web' } }), opts)).toEqual([]);
  });

  it('requires a name', () => {
    expect(fmt(validateObjectMeta({ namespace: 'ns' }, opts))).toEqual([
      'metadata.name: Required value: name or generateName is required',
    ]);
  });

  // generateName is a prefix: a trailing dash is fine (upstream maskTrailingDash).
  it.each`
    generateName | valid
    ${'web-'}    | ${true}
    ${'web'}     | ${true}
    ${'-'}       | ${false}
    ${'Web-'}    | ${false}
  `('generateName $generateName valid=$valid', ({ generateName, valid }) => {
    const errs = validateObjectMeta(meta({ generateName }), opts);
    expect(errs.length === 0).toBe(valid);
  });

  it('masks the trailing dash as upstream does', () => {
    expect(maskTrailingDash('abc-')).toBe('aba');
    expect(maskTrailingDash('-')).toBe('-');
  });

  // Ported from kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta_test.go
  // (TestValidateObjectMetaNamespaces)
  it.each`
    namespace        | expected
    ${''}            | ${'metadata.namespace: Required value'}
    ${'a'.repeat(64)} | ${`metadata.namespace: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`}
    ${'foo.bar'}     | ${'metadata.namespace: Invalid value: "foo.bar": must not contain dots'}
  `('rejects namespace "$namespace"', ({ namespace, expected }) => {
    expect(fmt(validateObjectMeta(meta({ namespace }), opts))[0]).toBe(expected);
  });

  it('does not require a namespace for cluster-scoped kinds', () => {
    expect(validateObjectMeta({ name: 'n' }, { namespaced: false, nameValidator: isDNS1123Subdomain })).toEqual([]);
  });

  // Ported from objectmeta_test.go (TestValidateObjectMetaOwnerReferences)
  it.each`
    why                        | refs                                                   | expected
    ${'valid reference'}       | ${[ref()]}                                              | ${undefined}
    ${'missing apiVersion'}    | ${[ref({ apiVersion: '' })]}                             | ${'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty'}
    ${'missing kind'}          | ${[ref({ kind: '' })]}                                   | ${'metadata.ownerReferences.kind: Invalid value: "": must not be empty'}
    ${'missing name'}          | ${[ref({ name: '' })]}                                   | ${'metadata.ownerReferences.name: Invalid value: "": must not be empty'}
    ${'missing uid'}           | ${[ref({ uid: '' })]}                                    | ${'metadata.ownerReferences.uid: Invalid value: "": must not be empty'}
    ${'Event owner'}           | ${[ref({ apiVersion: 'v1', kind: 'Event' })]}            | ${'/v1, Kind=Event is disallowed from being an owner'}
    ${'two controllers'}       | ${[ref({ controller: true }), ref({ name: 'b', uid: '2', controller: true })]} | ${'Only one reference can have Controller set to true. Found "true" in references for customresourceKind/name and customresourceKind/b'}
  `('ownerReferences: $why', ({ refs, expected }) => {
    const msgs = fmt(validateObjectMeta(meta({ ownerReferences: refs }), opts));
    if (expected === undefined) expect(msgs).toEqual([]);
    else expect(msgs.some((m) => m.includes(expected)), msgs.join('\n')).toBe(true);
  });

  // Ported from objectmeta_test.go (TestValidateFinalizersPreventConflictingFinalizers) and core's
  // standard finalizer name rule
  it.each`
    finalizers                          | expected
    ${['kubernetes', 'example.com/x']}  | ${[]}
    ${['orphan', 'foregroundDeletion']} | ${['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set']}
    ${['custom']}                       | ${['metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']}
  `('finalizers $finalizers', ({ finalizers, expected }) => {
    expect(fmt(validateObjectMeta(meta({ finalizers }), opts))).toEqual(expected);
  });

  it('rejects a negative generation and malformed labels', () => {
    const msgs = fmt(validateObjectMeta(meta({ generation: -1, labels: { a: 5 } }), opts));
    expect(msgs).toEqual([
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
      'metadata.labels[a]: Invalid value: 5: must be a string',
    ]);
  });

  // Absent and null collections have nothing to check; present ones are checked in the order
  // labels, annotations, ownerReferences, finalizers.
  it.each`
    collections                                                                     | expected
    ${{ labels: null, annotations: null, ownerReferences: null, finalizers: null }} | ${[]}
    ${{ annotations: { 'bad key': 'v' } }}                                          | ${['metadata.annotations: Invalid value: "bad key": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')']}
    ${{ finalizers: ['custom'], labels: { a: 5 }, annotations: null }}              | ${['metadata.labels[a]: Invalid value: 5: must be a string', 'metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified']}
  `('collections $collections', ({ collections, expected }) => {
    expect(fmt(validateObjectMeta(meta(collections), opts))).toEqual(expected);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.dictionary(fc.constantFrom('name', 'generateName', 'namespace', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'generation'), fc.jsonValue())), fc.jsonValue(), (m, o) => {
        validateObjectMeta(m as ObjectMeta, opts);
        validateObjectMetaUpdate(m as ObjectMeta, o as ObjectMeta);
      }),
      { numRuns: 300 },
    );
  });
});

// Ported from objectmeta_test.go (TestValidateAnnotations)
describe('validateAnnotations', () => {
  it.each([['a'], ['A'], ['AB'], ['a.b.c.d/e'], ['example.com/A_B'], ['a-b_c']])('accepts key %s', (key) => {
    expect(validateAnnotations({ [key]: 'v' }, 'metadata.annotations')).toEqual([]);
  });
  it.each([['nospecialchars%^=@'], ['cantendwithadash-'], ['only/one/slash'], ['a'.repeat(254)]])('rejects key %s', (key) => {
    expect(validateAnnotations({ [key]: 'v' }, 'metadata.annotations').length).toBeGreaterThan(0);
  });
  it('limits the total size to 256 KiB', () => {
    expect(validateAnnotations({ a: 'x'.repeat(256 * 1024 - 1) }, 'p')).toEqual([]);
    expect(fmt(validateAnnotations({ a: 'x'.repeat(256 * 1024) }, 'p'))).toEqual([
      'p: Too long: may not be more than 262144 bytes',
    ]);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old = meta({ uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z', generation: 2 });
  it('accepts label and annotation changes', () => {
    expect(validateObjectMetaUpdate({ ...old, labels: { a: 'b' }, annotations: { x: 'y' } }, old)).toEqual([]);
  });
  // Ported from objectmeta_test.go (TestValidateObjectMetaUpdateIgnoresCreationTimestamp,
  // TestValidateObjectMetaUpdatePreventsDeletionFieldMutation, TestObjectMetaGenerationUpdate)
  it.each`
    field                           | value                      | expected
    ${'name'}                       | ${'other'}                 | ${'metadata.name: Invalid value: "other": field is immutable'}
    ${'namespace'}                  | ${'other'}                 | ${'metadata.namespace: Invalid value: "other": field is immutable'}
    ${'uid'}                        | ${'u2'}                    | ${'metadata.uid: Invalid value: "u2": field is immutable'}
    ${'creationTimestamp'}          | ${'2025-01-01T00:00:00Z'}  | ${'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable'}
    ${'deletionTimestamp'}          | ${'2025-01-01T00:00:00Z'}  | ${'metadata.deletionTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable'}
    ${'deletionGracePeriodSeconds'} | ${30}                      | ${'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable'}
    ${'generation'}                 | ${1}                       | ${'metadata.generation: Invalid value: 1: must not be decremented'}
  `('rejects changing $field', ({ field, value, expected }) => {
    expect(fmt(validateObjectMetaUpdate({ ...old, [field]: value }, old))).toEqual([expected]);
  });
  // Ported from objectmeta_test.go (TestValidateFinalizersUpdate)
  it('forbids new finalizers once deletion started', () => {
    const deleting = { ...old, deletionTimestamp: '2025-01-01T00:00:00Z', finalizers: ['x/a'] } as ObjectMeta;
    expect(fmt(validateObjectMetaUpdate({ ...deleting, finalizers: ['x/a', 'x/b'] }, deleting))).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ["x/b"]',
    ]);
    expect(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting)).toEqual([]);
  });
});

describe('semanticEqual', () => {
  it.each`
    a                 | b               | equal
    ${undefined}      | ${[]}           | ${true}
    ${{}}             | ${undefined}    | ${true}
    ${{ a: false }}   | ${{}}           | ${true}
    ${{ a: [1] }}     | ${{ a: [1] }}   | ${true}
    ${{ a: 1 }}       | ${{ a: 2 }}     | ${false}
    ${[1, 2]}         | ${[2, 1]}       | ${false}
  `('$a vs $b -> $equal', ({ a, b, equal }) => {
    expect(semanticEqual(a, b)).toBe(equal);
  });
});

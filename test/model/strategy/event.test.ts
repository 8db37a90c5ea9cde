import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFieldError } from '../../../src/model/errors.js';
import type { Event } from '../../../src/model/types.js';
import { eventStrategy } from '../../../src/model/strategy/event.js';
import { leaseStrategy } from '../../../src/model/strategy/lease.js';
import type { Lease } from '../../../src/model/types.js';

const event = (e: Record<string, unknown>, namespace = 'default'): Event =>
  ({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'pod.1', namespace }, ...e }) as Event;
const msgs = (e: Event): string[] => eventStrategy.validateCreate(e).map(formatFieldError);

// Ported from kubernetes/kubernetes pkg/apis/core/validation/events_test.go (TestValidateEvent,
// TestLegacyValidateEvent): the v1 API applies the legacy rules only.
describe('eventStrategy', () => {
  it.each`
    why                                       | e                                                                        | namespace   | ok
    ${'same namespace'}                       | ${{ involvedObject: { namespace: 'foo', kind: 'Pod', name: 'p' } }}      | ${'foo'}    | ${true}
    ${'cluster-scoped object in default'}     | ${{ involvedObject: { kind: 'Node', name: 'n' } }}                       | ${'default'} | ${true}
    ${'cluster-scoped object in other ns'}    | ${{ involvedObject: { kind: 'Node', name: 'n' } }}                       | ${'foo'}    | ${false}
    ${'namespace mismatch'}                   | ${{ involvedObject: { namespace: 'bar', kind: 'Pod', name: 'p' } }}      | ${'foo'}    | ${false}
    ${'invalid namespace'}                    | ${{ involvedObject: { namespace: 'foo_bar' } }}                          | ${'foo_bar'} | ${false}
  `('$why ok=$ok', ({ e, namespace, ok }) => {
    expect(msgs(event(e, namespace)).length === 0).toBe(ok);
  });

  it('reports the namespace mismatch with upstream wording', () => {
    expect(msgs(event({ involvedObject: { namespace: 'bar' } }, 'foo'))).toEqual([
      'involvedObject.namespace: Invalid value: "bar": does not match event.namespace',
    ]);
  });

  it('requires the reporting fields and limits lengths when eventTime is set', () => {
    const m = msgs(
      event({ involvedObject: { kind: 'Pod', namespace: 'default' }, eventTime: '2024-01-01T00:00:00.000000Z', reason: 'r'.repeat(129), message: 'm'.repeat(1025) }),
    );
    expect(m).toEqual([
      'reportingController: Required value',
      'reportingController: Invalid value: "": name part must be non-empty',
      expect.stringContaining('reportingController: Invalid value: "": name part must consist of'),
      'reportingInstance: Required value',
      'action: Required value',
      'reason: Invalid value: "": can have at most 128 characters',
      'message: Invalid value: "": can have at most 1024 characters',
    ]);
  });

  it('requires involvedObject and a known type (kubesim rules)', () => {
    expect(msgs(event({ type: 'Info' }))).toEqual([
      'involvedObject: Required value',
      'type: Invalid value: "": has invalid value: Info',
    ]);
    expect(msgs(event({ involvedObject: {}, type: 'Warning' }))).toEqual([]);
  });

  it('accepts path-segment names', () => {
    expect(eventStrategy.nameValidator('web-7d4f.17a1b2c3d4e5f6')).toEqual([]);
    expect(eventStrategy.nameValidator('a/b')).toEqual(["may not contain '/'"]);
    expect(eventStrategy.nameValidator('..')).toEqual(["may not be '..'"]);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ metadata: fc.jsonValue(), involvedObject: fc.jsonValue(), eventTime: fc.jsonValue(), reason: fc.jsonValue() })), (obj) => {
        eventStrategy.validateCreate(obj as Event);
        eventStrategy.validateUpdate(obj as Event, obj as Event);
      }),
      { numRuns: 300 },
    );
  });
});

// Ported from kubernetes/kubernetes pkg/apis/coordination/validation/validation_test.go (TestValidateLeaseSpec*)
describe('leaseStrategy', () => {
  it.each`
    spec                                               | expected
    ${{ holderIdentity: 'node-1', leaseDurationSeconds: 40 }} | ${[]}
    ${{ leaseDurationSeconds: 0 }}                     | ${['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']}
    ${{ leaseTransitions: -1 }}                        | ${['spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0']}
    ${{ preferredHolder: 'x' }}                        | ${['spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined']}
  `('spec $spec', ({ spec, expected }) => {
    expect(leaseStrategy.validateCreate({ metadata: { name: 'l' }, spec } as Lease).map(formatFieldError)).toEqual(expected);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ spec: fc.jsonValue() })), (obj) => {
        leaseStrategy.validateCreate(obj as Lease);
      }),
      { numRuns: 200 },
    );
  });
});

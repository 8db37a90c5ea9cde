import { describe, it, expect } from 'vitest';
import { formatFieldError } from '../../../src/model/errors.js';
import { replicationControllerStrategy } from '../../../src/model/strategy/replication-controller.js';

/** The object type the strategy takes (kubernetes-types plus KubeObject's index signature). */
type ReplicationController = Parameters<typeof replicationControllerStrategy.validateCreate>[0];

function rc(spec: any, labels?: Record<string, string>): ReplicationController {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'abc', namespace: 'default', ...(labels ? { labels } : {}) },
    spec,
  } as unknown as ReplicationController;
}

const podTemplate = (labels: Record<string, string>) => ({
  metadata: { labels },
  spec: { containers: [{ name: 'abc', image: 'image' }] },
});

describe('replicationControllerStrategy.applyDefaults', () => {
  // Ported from kubernetes/kubernetes pkg/apis/core/v1/defaults_test.go
  // (TestSetDefaultReplicationControllerSelector, TestSetDefaultReplicationControllerLabels,
  //  TestSetDefaultReplicationControllerReplicas)
  it.each`
    name                                  | spec                                                          | ownLabels         | selector          | labels
    ${'selector from template labels'}    | ${{ template: podTemplate({ foo: 'bar' }) }}                  | ${undefined}      | ${{ foo: 'bar' }} | ${{ foo: 'bar' }}
    ${'explicit selector kept'}           | ${{ selector: { x: 'y' }, template: podTemplate({ foo: 'bar' }) }} | ${undefined} | ${{ x: 'y' }}     | ${{ foo: 'bar' }}
    ${'explicit labels kept'}             | ${{ template: podTemplate({ foo: 'bar' }) }}                  | ${{ own: 'yes' }} | ${{ foo: 'bar' }} | ${{ own: 'yes' }}
    ${'empty selector replaced'}          | ${{ selector: {}, template: podTemplate({ foo: 'bar' }) }}    | ${undefined}      | ${{ foo: 'bar' }} | ${{ foo: 'bar' }}
  `('$name', ({ spec, ownLabels, selector, labels }) => {
    const obj = rc(structuredClone(spec), ownLabels);
    replicationControllerStrategy.applyDefaults(obj);
    expect(obj.spec?.selector).toEqual(selector);
    expect(obj.metadata?.labels).toEqual(labels);
  });

  it.each`
    replicas     | expected
    ${undefined} | ${1}
    ${0}         | ${0}
    ${3}         | ${3}
  `('replicas $replicas defaults to $expected', ({ replicas, expected }) => {
    const obj = rc({ replicas, template: podTemplate({ foo: 'bar' }) });
    replicationControllerStrategy.applyDefaults(obj);
    expect(obj.spec?.replicas).toBe(expected);
  });

  it('copies the labels rather than sharing the template map', () => {
    const obj = rc({ template: podTemplate({ foo: 'bar' }) });
    replicationControllerStrategy.applyDefaults(obj);
    expect(obj.spec?.selector).not.toBe(obj.spec?.template?.metadata?.labels);
  });
});

describe('replicationControllerStrategy.validateCreate', () => {
  const valid = () => {
    const obj = rc({ selector: { a: 'b' }, template: podTemplate({ a: 'b' }) });
    replicationControllerStrategy.applyDefaults(obj);
    return obj;
  };

  it('accepts a valid RC', () => {
    expect(replicationControllerStrategy.validateCreate(valid())).toEqual([]);
  });

  // Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (TestValidateReplicationController)
  it.each`
    name                          | edit                                                               | message
    ${'zero-length selector'}     | ${(s: any) => (s.selector = {})}                                   | ${'spec.selector: Required value'}
    ${'selector_doesnt_match'}    | ${(s: any) => (s.selector = { foo: 'bar' })}                       | ${'spec.template.metadata.labels: Invalid value: {"a":"b"}: `selector` does not match template `labels`'}
    ${'invalid_template'}         | ${(s: any) => delete s.template}                                   | ${'spec.template: Required value'}
    ${'negative_replicas'}        | ${(s: any) => (s.replicas = -1)}                                   | ${'spec.replicas: Invalid value: -1: must be greater than or equal to 0'}
    ${'invalid restart policy'}   | ${(s: any) => (s.template.spec.restartPolicy = 'OnFailure')}       | ${'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'}
    ${'activeDeadlineSeconds'}    | ${(s: any) => (s.template.spec.activeDeadlineSeconds = 5)}         | ${'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not Supported'}
    ${'selector value not string'} | ${(s: any) => (s.selector = { a: 1 })}                            | ${'spec.selector[a]: Invalid value: 1: must be a string'}
  `('$name', ({ edit, message }) => {
    const obj = valid();
    edit(obj.spec);
    expect(replicationControllerStrategy.validateCreate(obj).map(formatFieldError)).toContain(message);
  });

  it('allows a selector change on update (RC selectors are mutable)', () => {
    const old = valid();
    const updated = valid();
    updated.spec!.selector = { a: 'b', c: 'd' };
    updated.spec!.template!.metadata!.labels = { a: 'b', c: 'd' };
    expect(replicationControllerStrategy.validateUpdate(updated, old)).toEqual([]);
  });
});

import { describe, it, expect } from 'vitest';
import { formatFieldError } from '../../../src/model/errors.js';
import { replicaSetStrategy } from '../../../src/model/strategy/replica-set.js';

/** The object type the strategy takes (kubernetes-types plus KubeObject's index signature). */
type ReplicaSet = Parameters<typeof replicaSetStrategy.validateCreate>[0];

const LABELS = { a: 'b' };

function replicaSet(edit: (spec: any) => void = () => {}): ReplicaSet {
  const spec: any = {
    selector: { matchLabels: LABELS },
    template: { metadata: { labels: LABELS }, spec: { containers: [{ name: 'abc', image: 'image' }] } },
  };
  edit(spec);
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'abc', namespace: 'default' }, spec } as unknown as ReplicaSet;
  replicaSetStrategy.applyDefaults(rs);
  return rs;
}

describe('replicaSetStrategy', () => {
  it('defaults replicas to 1 and the pod template', () => {
    const rs = replicaSet();
    expect(rs.spec?.replicas).toBe(1);
    expect(rs.spec?.template?.spec?.restartPolicy).toBe('Always');
  });

  it('keeps an explicit replicas: 0', () => {
    expect(replicaSet((s) => (s.replicas = 0)).spec?.replicas).toBe(0);
  });

  it('accepts a valid ReplicaSet', () => {
    expect(replicaSetStrategy.validateCreate(replicaSet())).toEqual([]);
  });

  // Ported from kubernetes/kubernetes pkg/apis/apps/validation/validation_test.go (TestValidateReplicaSet)
  it.each`
    name                              | edit                                                                    | message
    ${'zero-length selector'}         | ${(s: any) => (s.selector = {})}                                        | ${'spec.selector: Invalid value: {}: empty selector is invalid for deployment'}
    ${'missing selector'}             | ${(s: any) => delete s.selector}                                        | ${'spec.selector: Required value'}
    ${'selector_doesnt_match'}        | ${(s: any) => (s.selector = { matchLabels: { foo: 'bar' } })}           | ${'spec.template.metadata.labels: Invalid value: {"a":"b"}: `selector` does not match template `labels`'}
    ${'negative_replicas'}            | ${(s: any) => (s.replicas = -1)}                                        | ${'spec.replicas: Invalid value: -1: must be greater than or equal to 0'}
    ${'negative minReadySeconds'}     | ${(s: any) => (s.minReadySeconds = -1)}                                 | ${'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0'}
    ${'invalid restart policy 1'}     | ${(s: any) => (s.template.spec.restartPolicy = 'OnFailure')}            | ${'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'}
    ${'invalid restart policy 2'}     | ${(s: any) => (s.template.spec.restartPolicy = 'Never')}                | ${'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'}
    ${'template as a string'}         | ${(s: any) => (s.template = 'pod')}                                     | ${'spec.template: Invalid value: "pod": must be an object'}
    ${'matchLabels as an array'}      | ${(s: any) => (s.selector = { matchLabels: ['a'] })}                    | ${'spec.selector.matchLabels: Invalid value: ["a"]: must be an object'}
  `('$name', ({ edit, message }) => {
    expect(replicaSetStrategy.validateCreate(replicaSet(edit)).map(formatFieldError)).toContain(message);
  });

  it('rejects a selector change on update (apps/v1)', () => {
    const updated = replicaSet((s) => {
      s.selector = { matchLabels: { a: 'b', x: 'y' } };
      s.template.metadata.labels = { a: 'b', x: 'y' };
    });
    expect(replicaSetStrategy.validateUpdate(updated, replicaSet()).map((e) => e.field)).toEqual(['spec.selector']);
  });

  it('allows scaling on update', () => {
    expect(replicaSetStrategy.validateUpdate(replicaSet((s) => (s.replicas = 9)), replicaSet())).toEqual([]);
  });
});

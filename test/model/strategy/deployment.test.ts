import { describe, it, expect } from 'vitest';
import { formatFieldError, type FieldError } from '../../../src/model/errors.js';
import { deploymentStrategy } from '../../../src/model/strategy/deployment.js';

/** The object type the strategy takes (kubernetes-types plus KubeObject's index signature). */
type Deployment = Parameters<typeof deploymentStrategy.validateCreate>[0];

const LABELS = { a: 'b' };

function template(labels: Record<string, string> = LABELS): Record<string, unknown> {
  return {
    metadata: { labels },
    spec: { restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', containers: [{ name: 'abc', image: 'image' }] },
  };
}

/** A valid, defaulted Deployment; `edit` changes the spec before defaulting. */
function deployment(edit: (spec: Record<string, unknown>) => void = () => {}): Deployment {
  const spec: Record<string, unknown> = { selector: { matchLabels: LABELS }, template: template() };
  edit(spec);
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'abc', namespace: 'default' }, spec } as unknown as Deployment;
  deploymentStrategy.applyDefaults(d);
  return d;
}

function messages(errs: FieldError[]): string[] {
  return errs.map(formatFieldError);
}

describe('deploymentStrategy.applyDefaults', () => {
  // Ported from kubernetes/kubernetes pkg/apis/apps/v1/defaults_test.go (TestSetDefaultDeployment)
  it.each`
    name                           | spec                                                                                     | expected
    ${'empty spec'}                | ${{}}                                                                                    | ${{ replicas: 1, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 }}
    ${'maxSurge set'}              | ${{ replicas: 5, strategy: { rollingUpdate: { maxSurge: 1 } } }}                         | ${{ replicas: 5, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 }}
    ${'maxUnavailable set'}        | ${{ replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } }} | ${{ replicas: 3, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 }}
    ${'Recreate gets no rollingUpdate'} | ${{ replicas: 5, strategy: { type: 'Recreate' } }}                                 | ${{ replicas: 5, strategy: { type: 'Recreate' }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 }}
    ${'progressDeadlineSeconds kept'} | ${{ replicas: 5, strategy: { type: 'Recreate' }, progressDeadlineSeconds: 30 }}       | ${{ replicas: 5, strategy: { type: 'Recreate' }, revisionHistoryLimit: 10, progressDeadlineSeconds: 30 }}
    ${'replicas 0 kept'}           | ${{ replicas: 0 }}                                                                       | ${{ replicas: 0, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }, revisionHistoryLimit: 10, progressDeadlineSeconds: 600 }}
  `('$name', ({ spec, expected }) => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: structuredClone(spec) } as unknown as Deployment;
    deploymentStrategy.applyDefaults(d);
    expect(d.spec).toEqual(expected);
  });

  it('defaults the pod template spec', () => {
    const d = deployment((s) => {
      s.template = { metadata: { labels: LABELS }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    });
    expect(d.spec?.template.spec?.restartPolicy).toBe('Always');
    expect(d.spec?.template.spec?.dnsPolicy).toBe('ClusterFirst');
  });

  it('adds a spec when missing', () => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } } as unknown as Deployment;
    deploymentStrategy.applyDefaults(d);
    expect(d.spec?.replicas).toBe(1);
  });
});

describe('deploymentStrategy.validateCreate', () => {
  it('accepts a valid deployment', () => {
    expect(deploymentStrategy.validateCreate(deployment())).toEqual([]);
  });

  // Ported from kubernetes/kubernetes pkg/apis/apps/validation/validation_test.go
  // (TestValidateDeployment error cases; the metadata cases live with object-meta validation)
  it.each`
    name                                       | edit                                                                                                               | message
    ${'selector missing'}                      | ${(s: any) => delete s.selector}                                                                                   | ${'spec.selector: Required value'}
    ${'empty selector'}                        | ${(s: any) => (s.selector = {})}                                                                                   | ${'spec.selector: Invalid value: {}: empty selector is invalid for deployment'}
    ${'selector does not match labels'}        | ${(s: any) => (s.selector = { matchLabels: { name: 'def' } })}                                                     | ${'spec.template.metadata.labels: Invalid value: {"a":"b"}: `selector` does not match template `labels`'}
    ${'restartPolicy Never'}                   | ${(s: any) => (s.template.spec.restartPolicy = 'Never')}                                                          | ${'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'}
    ${'activeDeadlineSeconds'}                 | ${(s: any) => (s.template.spec.activeDeadlineSeconds = 10)}                                                       | ${'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'}
    ${'invalid strategy type'}                 | ${(s: any) => (s.strategy = { type: 'randomType' })}                                                              | ${'spec.strategy: Unsupported value: {"type":"randomType"}: supported values: "Recreate", "RollingUpdate"'}
    ${'Recreate with rollingUpdate'}           | ${(s: any) => (s.strategy = { type: 'Recreate', rollingUpdate: {} })}                                             | ${"spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"}
    ${'maxSurge not a percent'}                | ${(s: any) => (s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '20Percent', maxUnavailable: 1 } })} | ${"spec.strategy.rollingUpdate.maxSurge: Invalid value: \"20Percent\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"}
    ${'maxSurge and maxUnavailable both 0'}    | ${(s: any) => (s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '0%', maxUnavailable: 0 } })}     | ${'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'}
    ${'maxUnavailable over 100%'}              | ${(s: any) => (s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '110%' } })}                | ${'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "110%": must not be greater than 100%'}
    ${'negative maxUnavailable'}               | ${(s: any) => (s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: -1 } })}                    | ${'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0'}
    ${'negative replicas'}                     | ${(s: any) => (s.replicas = -1)}                                                                                   | ${'spec.replicas: Invalid value: -1: must be greater than or equal to 0'}
    ${'negative minReadySeconds'}              | ${(s: any) => (s.minReadySeconds = -1)}                                                                            | ${'spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0'}
    ${'negative revisionHistoryLimit'}         | ${(s: any) => (s.revisionHistoryLimit = -2)}                                                                       | ${'spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0'}
    ${'progressDeadlineSeconds = minReady'}    | ${(s: any) => { s.progressDeadlineSeconds = 10; s.minReadySeconds = 10; }}                                          | ${'spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds'}
    ${'progressDeadlineSeconds < minReady'}    | ${(s: any) => { s.progressDeadlineSeconds = 5; s.minReadySeconds = 10; }}                                           | ${'spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds'}
    ${'invalid selector operator'}             | ${(s: any) => (s.selector = { matchExpressions: [{ key: 'a', operator: 'Bogus' }] })}                             | ${'spec.selector.matchExpressions[0].operator: Invalid value: "Bogus": not a valid selector operator'}
    ${'rollbackTo is not apps/v1'}             | ${(s: any) => (s.rollbackTo = { revision: 1 })}                                                                   | ${'spec.rollbackTo: Forbidden: not supported in apps/v1; use `kubectl rollout undo`'}
    ${'replicas as a string'}                  | ${(s: any) => (s.replicas = '3')}                                                                                  | ${'spec.replicas: Invalid value: "3": must be an integer'}
    ${'paused as a string'}                    | ${(s: any) => (s.paused = 'yes')}                                                                                  | ${'spec.paused: Invalid value: "yes": must be a boolean'}
    ${'selector as a number'}                  | ${(s: any) => (s.selector = 5)}                                                                                    | ${'spec.selector: Invalid value: 5: must be an object'}
  `('$name', ({ edit, message }) => {
    expect(messages(deploymentStrategy.validateCreate(deployment(edit)))).toContain(message);
  });

  it('accepts maxSurge 0 with maxUnavailable 1 and percentages up to 100%', () => {
    const d = deployment((s) => (s.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '100%' } }));
    expect(deploymentStrategy.validateCreate(d)).toEqual([]);
  });

  it('accepts matchExpressions selectors that match the template', () => {
    const d = deployment((s) => (s.selector = { matchExpressions: [{ key: 'a', operator: 'In', values: ['b', 'c'] }] }));
    expect(deploymentStrategy.validateCreate(d)).toEqual([]);
  });
});

describe('deploymentStrategy.validateUpdate', () => {
  // Ported from kubernetes/kubernetes pkg/registry/apps/deployment/strategy_test.go
  // (TestSelectorImmutability: apps/v1 rejects selector changes)
  it('rejects a selector change', () => {
    const old = deployment();
    const updated = deployment((s) => {
      s.selector = { matchLabels: { a: 'b', c: 'd' } };
      s.template = template({ a: 'b', c: 'd' });
    });
    expect(messages(deploymentStrategy.validateUpdate(updated, old))).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"a":"b","c":"d"}}: field is immutable',
    ]);
  });

  it('accepts a template and replica change under the same selector', () => {
    const old = deployment();
    const updated = deployment((s) => {
      s.replicas = 7;
      (s.template as any).spec.containers[0].image = 'image:v2';
    });
    expect(deploymentStrategy.validateUpdate(updated, old)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/index.js';
import { listObjects } from '../../src/model/store.js';
import { KINDS } from '../../src/model/kinds.js';
import { BadRequestError } from '../../src/model/errors.js';
import { decodeManifestsStrict, findTypeError, findUnknownFields, strictDecodeError } from '../../src/model/strict-decode.js';
import { WEB } from './fixture.js';

const deploy = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } }, ...spec },
});

describe('findUnknownFields', () => {
  it.each`
    obj                                                                                                   | expected
    ${deploy({ replicaz: 3 })}                                                                             | ${['spec.replicaz']}
    ${deploy({ template: { spec: { containers: [{ name: 'a', image: 'b', imagee: 'c' }] } } })}           | ${['spec.template.spec.containers[0].imagee']}
    ${deploy({ template: { metadata: { labelz: {} }, spec: { containers: [] } } })}                       | ${['spec.template.metadata.labelz']}
    ${deploy({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxSurgee: 2 } } })}      | ${['spec.strategy.rollingUpdate.maxSurgee']}
    ${{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, tragetPort: 80 }] }, extra: 1 }} | ${['spec.ports[0].tragetPort', 'extra']}
    ${{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { anything: 'x' } }, spec: { containers: [{ name: 'a', image: 'b', resources: { requests: { cpu: '1', 'example.com/gpu': 1 } } }] } }} | ${[]}
    ${{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { whatever: 1 } }}               | ${[]}
    ${{ apiVersion: 'example.com/v1', kind: 'Widget', spec: { foo: 1 } }}                                | ${[]}
  `('$expected', ({ obj, expected }) => {
    expect(findUnknownFields(obj)).toEqual(expected);
  });

  it('reports nothing for every object a busy cluster stores (the schema covers what kubesim writes)', () => {
    const c = createCluster({ nodes: 2, zones: 2, controlPlane: { masters: 1 } });
    c.apply(WEB);
    c.advance('2m');
    for (const info of KINDS) {
      for (const o of listObjects(c.state, info.kind)) expect([info.kind, o.metadata.name, findUnknownFields(o)]).toEqual([info.kind, o.metadata.name, []]);
    }
  });
});

describe('strictDecodeError', () => {
  it('prints the API server message for unknown fields', () => {
    const e = strictDecodeError(deploy({ replicaz: 3, foo: 1 }));
    expect(e).toBeInstanceOf(BadRequestError);
    expect(e!.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz", unknown field "spec.foo"');
  });

  it.each`
    obj                                                                                | message
    ${deploy({ replicas: '3' })}                                                        | ${'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'}
    ${deploy({ replicas: 1.5 })}                                                        | ${'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32'}
    ${deploy({ paused: 'yes' })}                                                        | ${'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool'}
    ${deploy({ template: { spec: { containers: { name: 'a' } } } })}                    | ${'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container'}
    ${{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: 1 } } }}    | ${'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels.a of type string'}
  `('type error: $message', ({ obj, message }) => {
    expect(findTypeError(obj)).toBe(message);
  });

  it('lets good manifests through and names the document of a bad one', () => {
    expect(decodeManifestsStrict(WEB)).toHaveLength(2);
    expect(() => decodeManifestsStrict(`${WEB}---\napiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {portz: []}\n`)).toThrow(
      /^error in document 2 \(line \d+\): Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.portz"$/,
    );
  });
});

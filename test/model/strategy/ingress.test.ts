import { describe, it, expect } from 'vitest';
import { formatFieldError } from '../../../src/model/errors.js';
import { ingressStrategy } from '../../../src/model/strategy/ingress.js';

/** The object type the strategy takes (kubernetes-types plus KubeObject's index signature). */
type Ingress = Parameters<typeof ingressStrategy.validateCreate>[0];

const svcBackend = { service: { name: 'test', port: { number: 80 } } };

function ingress(spec: any, annotations?: Record<string, string>): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'foo', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec,
  } as unknown as Ingress;
}

function withPath(p: any) {
  return ingress({ rules: [{ host: 'foo.bar.com', http: { paths: [{ backend: svcBackend, ...p }] } }] });
}

const messages = (i: Ingress) => ingressStrategy.validateCreate(i).map(formatFieldError);

describe('ingressStrategy', () => {
  // Ported from kubernetes/kubernetes pkg/apis/networking/validation/validation_test.go
  // (TestValidateIngressCreate, TestValidateIngressRuleValue / validateHTTPIngressPath path tables)
  it.each`
    pathType                    | path               | ok
    ${'Exact'}                  | ${'/'}             | ${true}
    ${'Exact'}                  | ${'/foo'}          | ${true}
    ${'Exact'}                  | ${'/foo/bar/'}     | ${true}
    ${'Exact'}                  | ${''}              | ${false}
    ${'Exact'}                  | ${'foo'}           | ${false}
    ${'Exact'}                  | ${'/foo//bar'}     | ${false}
    ${'Exact'}                  | ${'/foo/./bar'}    | ${false}
    ${'Exact'}                  | ${'/foo/../bar'}   | ${false}
    ${'Exact'}                  | ${'/foo%2fbar'}    | ${false}
    ${'Exact'}                  | ${'/foo/..'}       | ${false}
    ${'Exact'}                  | ${'/foo/.'}        | ${false}
    ${'Prefix'}                 | ${'/foo'}          | ${true}
    ${'Prefix'}                 | ${'/foo%2Fbar'}    | ${false}
    ${'Prefix'}                 | ${'foo'}           | ${false}
    ${'ImplementationSpecific'} | ${''}              | ${true}
    ${'ImplementationSpecific'} | ${'/foo/.*'}       | ${true}
    ${'ImplementationSpecific'} | ${'/foo//bar'}     | ${true}
    ${'ImplementationSpecific'} | ${'foo'}           | ${false}
  `('pathType $pathType path "$path" ok=$ok', ({ pathType, path, ok }) => {
    expect(messages(withPath({ pathType, path })).length === 0).toBe(ok);
  });

  it.each`
    name                          | p                                                                                       | message
    ${'pathType missing'}         | ${{ path: '/foo' }}                                                                     | ${'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'}
    ${'pathType unsupported'}     | ${{ path: '/foo', pathType: 'Regex' }}                                                  | ${'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'}
    ${'relative path'}            | ${{ path: 'foo', pathType: 'Prefix' }}                                                  | ${'spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path'}
    ${'double slash'}             | ${{ path: '/foo//bar', pathType: 'Exact' }}                                             | ${"spec.rules[0].http.paths[0].path: Invalid value: \"/foo//bar\": must not contain '//'"}
    ${'dot suffix'}               | ${{ path: '/foo/..', pathType: 'Exact' }}                                               | ${"spec.rules[0].http.paths[0].path: Invalid value: \"/foo/..\": cannot end with '/..'"}
    ${'both backends'}            | ${{ path: '/', pathType: 'Prefix', backend: { ...svcBackend, resource: { apiGroup: 'example.com', kind: 'foo', name: 'bar' } } }} | ${'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends'}
    ${'no backend'}               | ${{ path: '/', pathType: 'Prefix', backend: {} }}                                       | ${'spec.rules[0].http.paths[0].backend: Invalid value: "": resource or service backend is required'}
    ${'port name and number'}     | ${{ path: '/', pathType: 'Prefix', backend: { service: { name: 'test', port: { name: 'http', number: 80 } } } }} | ${'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number'}
    ${'no port'}                  | ${{ path: '/', pathType: 'Prefix', backend: { service: { name: 'test' } } }}            | ${'spec.rules[0].http.paths[0].backend: Required value: port name or number is required'}
    ${'bad port number'}          | ${{ path: '/', pathType: 'Prefix', backend: { service: { name: 'test', port: { number: 70000 } } } }} | ${'spec.rules[0].http.paths[0].backend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive'}
    ${'bad port name'}            | ${{ path: '/', pathType: 'Prefix', backend: { service: { name: 'test', port: { name: 'HTTP' } } } }} | ${'spec.rules[0].http.paths[0].backend.service.port.name: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'}
    ${'service name missing'}     | ${{ path: '/', pathType: 'Prefix', backend: { service: { port: { number: 80 } } } }}    | ${'spec.rules[0].http.paths[0].backend.service.name: Required value'}
    ${'resource kind missing'}    | ${{ path: '/', pathType: 'Prefix', backend: { resource: { apiGroup: 'example.com', name: 'bar' } } }} | ${'spec.rules[0].http.paths[0].backend.resource.kind: Required value: kind is required'}
  `('$name', ({ p, message }) => {
    expect(messages(withPath(p))).toContain(message);
  });

  it('accepts a resource backend and a named service port', () => {
    expect(messages(withPath({ path: '/', pathType: 'Prefix', backend: { resource: { apiGroup: 'example.com', kind: 'foo', name: 'bar' } } }))).toEqual([]);
    expect(messages(withPath({ path: '/', pathType: 'Prefix', backend: { service: { name: 'test', port: { name: 'http' } } } }))).toEqual([]);
  });

  it.each`
    name                       | spec                                                                                     | message
    ${'no rules or default'}   | ${{}}                                                                                    | ${'spec: Invalid value: null: either `defaultBackend` or `rules` must be specified'}
    ${'IP host'}               | ${{ rules: [{ host: '127.0.0.1' }] }}                                                    | ${'spec.rules[0].host: Invalid value: "127.0.0.1": must be a DNS name, not an IP address'}
    ${'http without paths'}    | ${{ rules: [{ host: 'foo.com', http: { paths: [] } }] }}                                  | ${'spec.rules[0].http.paths: Required value'}
    ${'bad wildcard'}          | ${{ rules: [{ host: 'foo.*.bar.com' }] }}                                                 | ${"spec.rules[0].host: Invalid value: \"foo.*.bar.com\": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"}
  `('$name', ({ spec, message }) => {
    expect(messages(ingress(spec))).toContain(message);
  });

  it('accepts a default backend alone and wildcard hosts', () => {
    expect(messages(ingress({ defaultBackend: svcBackend }))).toEqual([]);
    expect(messages(ingress({ rules: [{ host: '*.bar.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: svcBackend }] } }] }))).toEqual([]);
  });

  it('requires the class annotation to agree with ingressClassName on create only', () => {
    const i = ingress({ defaultBackend: svcBackend, ingressClassName: 'bar' }, { 'kubernetes.io/ingress.class': 'foo' });
    expect(messages(i)).toEqual([
      'annotations.kubernetes.io/ingress.class: Invalid value: "foo": must match `ingressClassName` when both are specified',
    ]);
    expect(ingressStrategy.validateUpdate(i, i)).toEqual([]);
  });
});

import { describe, it, expect } from 'vitest';
import { formatFieldError } from '../../../src/model/errors.js';
import { serviceStrategy } from '../../../src/model/strategy/service.js';

/** The object type the strategy takes (kubernetes-types plus KubeObject's index signature). */
type Service = Parameters<typeof serviceStrategy.validateCreate>[0];

function svc(spec: any): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'abc123', namespace: 'default' }, spec } as unknown as Service;
}

function defaulted(spec: any): Service {
  const s = svc(structuredClone(spec));
  serviceStrategy.applyDefaults(s);
  return s;
}

const base = () => ({ selector: { key: 'val' }, ports: [{ name: 'p', port: 8675, protocol: 'TCP', targetPort: 8675 }] });

describe('serviceStrategy.applyDefaults', () => {
  // Ported from kubernetes/kubernetes pkg/apis/core/v1/defaults_test.go (TestSetDefaultService,
  // TestSetDefaultServiceSessionAffinityConfig, TestSetDefaultServiceTargetPort,
  // TestSetDefaultServiceExternalTraffic, TestSetDefaultServiceInternalTrafficPolicy,
  // TestSetDefaultServiceLoadBalancerAllocateNodePorts)
  it('fills in a ClusterIP service', () => {
    const s = defaulted({ ports: [{ port: 80 }] });
    expect(s.spec).toEqual({
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
  });

  it.each`
    spec                                                                     | expected
    ${{ sessionAffinity: 'None', sessionAffinityConfig: { clientIP: { timeoutSeconds: 1 } } }} | ${undefined}
    ${{ sessionAffinity: 'ClientIP' }}                                       | ${{ clientIP: { timeoutSeconds: 10800 } }}
    ${{ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }} | ${{ clientIP: { timeoutSeconds: 60 } }}
  `('sessionAffinityConfig for $spec.sessionAffinity', ({ spec, expected }) => {
    expect(defaulted(spec).spec?.sessionAffinityConfig).toEqual(expected);
  });

  it.each`
    targetPort   | expected
    ${undefined} | ${1234}
    ${0}         | ${1234}
    ${''}        | ${1234}
    ${'http'}    | ${'http'}
    ${8080}      | ${8080}
  `('targetPort $targetPort becomes $expected', ({ targetPort, expected }) => {
    expect(defaulted({ ports: [{ port: 1234, targetPort }] }).spec?.ports?.[0]?.targetPort).toEqual(expected);
  });

  it.each`
    type              | externalIPs       | etp          | itp          | alloc
    ${'ClusterIP'}    | ${undefined}      | ${undefined} | ${'Cluster'} | ${undefined}
    ${'ClusterIP'}    | ${['1.2.3.4']}    | ${'Cluster'} | ${'Cluster'} | ${undefined}
    ${'NodePort'}     | ${undefined}      | ${'Cluster'} | ${'Cluster'} | ${undefined}
    ${'LoadBalancer'} | ${undefined}      | ${'Cluster'} | ${'Cluster'} | ${true}
    ${'ExternalName'} | ${undefined}      | ${undefined} | ${undefined} | ${undefined}
  `('$type: externalTrafficPolicy=$etp internalTrafficPolicy=$itp allocateLoadBalancerNodePorts=$alloc', ({ type, externalIPs, etp, itp, alloc }) => {
    const s = defaulted({ type, externalIPs, externalName: 'foo.bar', ports: [{ port: 80 }] });
    expect(s.spec?.externalTrafficPolicy).toBe(etp);
    expect(s.spec?.internalTrafficPolicy).toBe(itp);
    expect(s.spec?.allocateLoadBalancerNodePorts).toBe(alloc);
  });

  it('keeps an explicit Local policy and syncs clusterIPs from clusterIP', () => {
    const s = defaulted({ type: 'NodePort', externalTrafficPolicy: 'Local', clusterIP: '10.0.0.5', ports: [{ port: 80 }] });
    expect(s.spec?.externalTrafficPolicy).toBe('Local');
    expect(s.spec?.clusterIPs).toEqual(['10.0.0.5']);
  });

  it('does not give ExternalName services IP families', () => {
    const s = defaulted({ type: 'ExternalName', externalName: 'db.example.com' });
    expect(s.spec?.ipFamilies).toBeUndefined();
    expect(s.spec?.ipFamilyPolicy).toBeUndefined();
  });
});

describe('serviceStrategy.validateCreate', () => {
  it('uses DNS-1035 labels for names', () => {
    expect(serviceStrategy.nameValidator('abc-123')).toEqual([]);
    expect(serviceStrategy.nameValidator('123-abc')).not.toEqual([]);
  });

  it.each`
    name                     | spec
    ${'ClusterIP'}           | ${base()}
    ${'headless, no ports'}  | ${{ selector: { key: 'val' }, clusterIP: 'None' }}
    ${'NodePort with nodePort'} | ${{ ...base(), type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }}
    ${'LoadBalancer'}        | ${{ ...base(), type: 'LoadBalancer' }}
    ${'ExternalName'}        | ${{ type: 'ExternalName', externalName: 'foo.bar.example.com.' }}
    ${'explicit clusterIP'}  | ${{ ...base(), clusterIP: '10.0.0.10' }}
    ${'ClientIP affinity'}   | ${{ ...base(), sessionAffinity: 'ClientIP' }}
    ${'two named ports'}     | ${{ ...base(), ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81, targetPort: 'http' }] }}
    ${'same port, other protocol'} | ${{ ...base(), ports: [{ name: 'a', port: 53 }, { name: 'b', port: 53, protocol: 'UDP' }] }}
  `('accepts $name', ({ spec }) => {
    expect(serviceStrategy.validateCreate(defaulted(spec)).map(formatFieldError)).toEqual([]);
  });

  // Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (TestValidateServiceCreate,
  // selected cases); the metadata cases live with object-meta validation.
  it.each`
    name                            | spec                                                                                    | message
    ${'missing ports'}              | ${{ selector: { key: 'val' } }}                                                         | ${'spec.ports: Required value'}
    ${'empty port[1] name'}         | ${{ ...base(), ports: [{ name: 'p', port: 80 }, { port: 81 }] }}                        | ${'spec.ports[1].name: Required value'}
    ${'invalid port name'}          | ${{ ...base(), ports: [{ name: 'INVALID', port: 80 }] }}                                 | ${'spec.ports[0].name: Invalid value: "INVALID": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\')'}
    ${'dup port name'}              | ${{ ...base(), ports: [{ name: 'p', port: 80 }, { name: 'p', port: 81 }] }}             | ${'spec.ports[1].name: Duplicate value: "p"'}
    ${'invalid port 0'}             | ${{ ...base(), ports: [{ port: 0, targetPort: 80 }] }}                                  | ${'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'}
    ${'invalid port 65536'}         | ${{ ...base(), ports: [{ port: 65536 }] }}                                              | ${'spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive'}
    ${'invalid protocol'}           | ${{ ...base(), ports: [{ port: 80, protocol: 'INVALID' }] }}                            | ${'spec.ports[0].protocol: Unsupported value: "INVALID": supported values: "SCTP", "TCP", "UDP"'}
    ${'invalid targetPort name'}    | ${{ ...base(), ports: [{ port: 80, targetPort: 'INVALID' }] }}                          | ${'spec.ports[0].targetPort: Invalid value: "INVALID": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'}
    ${'dup port'}                   | ${{ ...base(), ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] }}              | ${'spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}'}
    ${'invalid type'}               | ${{ ...base(), type: 'Bogus' }}                                                         | ${'spec.type: Unsupported value: "Bogus": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'}
    ${'nodePort on ClusterIP'}      | ${{ ...base(), ports: [{ port: 80, nodePort: 30001 }] }}                                | ${"spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"}
    ${'dup nodePort'}               | ${{ ...base(), type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30001 }, { name: 'b', port: 81, nodePort: 30001 }] }} | ${'spec.ports[1].nodePort: Duplicate value: 30001'}
    ${'invalid clusterIP'}          | ${{ ...base(), clusterIP: 'invalid' }}                                                  | ${'spec.clusterIPs[0]: Invalid value: "invalid": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'}
    ${'headless NodePort'}          | ${{ ...base(), type: 'NodePort', clusterIP: 'None' }}                                   | ${"spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"}
    ${'headless LoadBalancer'}      | ${{ ...base(), type: 'LoadBalancer', clusterIP: 'None' }}                               | ${"spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"}
    ${'externalTrafficPolicy on ClusterIP'} | ${{ ...base(), externalTrafficPolicy: 'Local' }}                                | ${'spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'}
    ${'invalid externalTrafficPolicy'} | ${{ ...base(), type: 'NodePort', externalTrafficPolicy: 'Global' }}                  | ${'spec.externalTrafficPolicy: Unsupported value: "Global": supported values: "Cluster", "Local"'}
    ${'invalid selector key'}       | ${{ ...base(), selector: { 'NoUppercaseOrSpecialCharsLike=Equals': 'b' } }}             | ${'spec.selector: Invalid value: "NoUppercaseOrSpecialCharsLike=Equals": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')'}
    ${'ExternalName without name'}  | ${{ type: 'ExternalName' }}                                                             | ${'spec.externalName: Required value'}
    ${'ExternalName with clusterIP'} | ${{ type: 'ExternalName', externalName: 'a.b', clusterIP: '1.2.3.4', clusterIPs: ['1.2.3.4'] }} | ${'spec.clusterIPs: Forbidden: may not be set for ExternalName services'}
    ${'ClientIP timeout too big'}   | ${{ ...base(), sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86401 } } }} | ${'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400'}
    ${'invalid externalIP'}         | ${{ ...base(), externalIPs: ['myhost.mydomain'] }}                                      | ${'spec.externalIPs[0]: Invalid value: "myhost.mydomain": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'}
    ${'loopback externalIP'}        | ${{ ...base(), externalIPs: ['127.0.0.1'] }}                                            | ${'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'}
    ${'source ranges on ClusterIP'} | ${{ ...base(), loadBalancerSourceRanges: ['10.0.0.0/8'] }}                              | ${"spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"}
    ${'bad source range'}           | ${{ ...base(), type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/33'] }}       | ${'spec.LoadBalancerSourceRanges[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'}
    ${'ports as an object'}         | ${{ ...base(), ports: {} }}                                                             | ${'spec.ports: Invalid value: {}: must be an array'}
    ${'port as a string'}           | ${{ ...base(), ports: [{ port: '80' }] }}                                               | ${'spec.ports[0].port: Invalid value: "80": must be between 1 and 65535, inclusive'}
    ${'two clusterIPs same family'} | ${{ ...base(), clusterIP: '10.0.0.1', clusterIPs: ['10.0.0.1', '10.0.0.2'] }}            | ${'spec.clusterIPs: Invalid value: ["10.0.0.1","10.0.0.2"]: may specify no more than one IP for each IP family'}
  `('$name', ({ spec, message }) => {
    expect(serviceStrategy.validateCreate(defaulted(spec)).map(formatFieldError)).toContain(message);
  });

  it('does not check the node-port range (the network layer allocates and checks it)', () => {
    const s = defaulted({ ...base(), type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] });
    expect(serviceStrategy.validateCreate(s)).toEqual([]);
  });
});

describe('serviceStrategy.validateUpdate', () => {
  // Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (TestValidateServiceUpdate)
  it('allows filling in an unallocated clusterIP', () => {
    const old = defaulted(base());
    const updated = defaulted({ ...base(), clusterIP: '10.0.0.7' });
    expect(serviceStrategy.validateUpdate(updated, old)).toEqual([]);
  });

  it('rejects changing an allocated clusterIP', () => {
    const old = defaulted({ ...base(), clusterIP: '10.0.0.7' });
    const updated = defaulted({ ...base(), clusterIP: '10.0.0.8' });
    expect(serviceStrategy.validateUpdate(updated, old).map(formatFieldError)).toEqual([
      'spec.clusterIPs[0]: Invalid value: ["10.0.0.8"]: may not change once set',
    ]);
  });

  it('allows changing to ExternalName', () => {
    const old = defaulted({ ...base(), clusterIP: '10.0.0.7' });
    const updated = defaulted({ type: 'ExternalName', externalName: 'db.example.com' });
    expect(serviceStrategy.validateUpdate(updated, old)).toEqual([]);
  });
});

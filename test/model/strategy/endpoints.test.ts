import { describe, it, expect } from 'vitest';
import { formatFieldError } from '../../../src/model/errors.js';
import { endpointsStrategy, parseIPv4, validateNonSpecialIP } from '../../../src/model/strategy/endpoints.js';
import { endpointSliceStrategy } from '../../../src/model/strategy/endpoint-slice.js';

/** The object type the strategy takes (kubernetes-types plus KubeObject's index signature). */
type Endpoints = Parameters<typeof endpointsStrategy.validateCreate>[0];
/** The object type the strategy takes (kubernetes-types plus KubeObject's index signature). */
type EndpointSlice = Parameters<typeof endpointSliceStrategy.validateCreate>[0];

function ep(subsets: any): Endpoints {
  const e = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'mysvc', namespace: 'default' }, subsets } as unknown as Endpoints;
  endpointsStrategy.applyDefaults(e);
  return e;
}

describe('endpointsStrategy', () => {
  it('judges a shared, frozen address list the same on every write that carries it', () => {
    const good = Object.freeze([Object.freeze({ ip: '10.10.1.1' }), Object.freeze({ ip: '10.10.2.2' })]);
    const bad = Object.freeze([Object.freeze({ ip: '127.0.0.1' })]);
    for (let write = 0; write < 2; write++) {
      expect(endpointsStrategy.validateCreate(ep([{ addresses: good }]))).toEqual([]);
      expect(endpointsStrategy.validateUpdate(ep([{ notReadyAddresses: good }]), ep([]))).toEqual([]);
      expect(endpointsStrategy.validateCreate(ep([{ addresses: bad }])).map(formatFieldError)).toEqual([
        'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      ]);
    }
    // The subset's own rule comes before its addresses' problems, as upstream orders them.
    expect(endpointsStrategy.validateCreate(ep([{ addresses: 'x', notReadyAddresses: [] }, { addresses: bad }])).map((e) => e.field)).toEqual([
      'subsets[0].addresses',
      'subsets[0]',
      'subsets[1].addresses[0].ip',
    ]);
  });

  it('defaults port protocols to TCP', () => {
    expect(ep([{ addresses: [{ ip: '10.10.1.1' }], ports: [{ port: 8675 }] }]).subsets?.[0]?.ports?.[0]?.protocol).toBe('TCP');
  });

  it.each`
    name                | subsets
    ${'empty subsets'}  | ${[]}
    ${'no subsets'}     | ${undefined}
    ${'ports and addresses'} | ${[{ addresses: [{ ip: '10.10.1.1' }, { ip: '10.10.2.2' }], ports: [{ name: 'a', port: 8675, protocol: 'TCP' }, { name: 'b', port: 309, protocol: 'UDP' }] }]}
    ${'no ports (headless)'} | ${[{ addresses: [{ ip: '10.10.1.1' }] }]}
    ${'not ready only'} | ${[{ notReadyAddresses: [{ ip: '10.10.1.1', nodeName: 'node-1', hostname: 'web-0' }] }]}
  `('accepts $name', ({ subsets }) => {
    expect(endpointsStrategy.validateCreate(ep(subsets))).toEqual([]);
  });

  // Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (TestValidateEndpointsCreate)
  it.each`
    name                        | subsets                                                                                         | message
    ${'empty addresses'}        | ${[{ ports: [{ name: 'a', port: 93, protocol: 'TCP' }] }]}                                      | ${'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`'}
    ${'invalid IP'}             | ${[{ addresses: [{ ip: '[2001:0db8:85a3:0042:1000:8a2e:0370:7334]' }] }]}                       | ${'subsets[0].addresses[0].ip: Invalid value: "[2001:0db8:85a3:0042:1000:8a2e:0370:7334]": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'}
    ${'multiple ports, no name'} | ${[{ addresses: [{ ip: '10.10.1.1' }], ports: [{ port: 1 }, { name: 'b', port: 2 }] }]}        | ${'subsets[0].ports[0].name: Required value'}
    ${'invalid port'}           | ${[{ addresses: [{ ip: '10.10.1.1' }], ports: [{ name: 'a', port: 66000 }] }]}                  | ${'subsets[0].ports[0].port: Invalid value: 66000: must be between 1 and 65535, inclusive'}
    ${'invalid protocol'}       | ${[{ addresses: [{ ip: '10.10.1.1' }], ports: [{ name: 'a', port: 93, protocol: 'Protocol' }] }]} | ${'subsets[0].ports[0].protocol: Unsupported value: "Protocol": supported values: "SCTP", "TCP", "UDP"'}
    ${'loopback address'}       | ${[{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'a', port: 93 }] }]}                     | ${'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)'}
    ${'link-local address'}     | ${[{ addresses: [{ ip: '169.254.169.254' }] }]}                                                 | ${'subsets[0].addresses[0].ip: Invalid value: "169.254.169.254": may not be in the link-local range (169.254.0.0/16, fe80::/10)'}
    ${'link-local multicast'}   | ${[{ addresses: [{ ip: '224.0.0.1' }] }]}                                                       | ${'subsets[0].addresses[0].ip: Invalid value: "224.0.0.1": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'}
    ${'invalid nodeName'}       | ${[{ addresses: [{ ip: '10.0.0.1', nodeName: 'Node_1' }] }]}                                    | ${'subsets[0].addresses[0].nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')'}
    ${'subsets as an object'}   | ${{}}                                                                                           | ${'subsets: Invalid value: {}: must be an array'}
  `('$name', ({ subsets, message }) => {
    expect(endpointsStrategy.validateCreate(ep(subsets)).map(formatFieldError)).toContain(message);
  });
});

function slice(fields: any): EndpointSlice {
  const s = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'hello', namespace: 'default' }, ...fields } as unknown as EndpointSlice;
  endpointSliceStrategy.applyDefaults(s);
  return s;
}

describe('endpointSliceStrategy', () => {
  it('defaults port name and protocol', () => {
    expect(slice({ addressType: 'IPv4', ports: [{ port: 80 }] }).ports).toEqual([{ port: 80, name: '', protocol: 'TCP' }]);
  });

  it.each`
    name               | fields
    ${'IPv4'}          | ${{ addressType: 'IPv4', endpoints: [{ addresses: ['10.1.2.3'], conditions: { ready: true } }], ports: [{ name: 'http', port: 80 }] }}
    ${'IPv6'}          | ${{ addressType: 'IPv6', endpoints: [{ addresses: ['2001:db8::1'] }] }}
    ${'FQDN'}          | ${{ addressType: 'FQDN', endpoints: [{ addresses: ['foo.example.com'] }] }}
    ${'no endpoints'}  | ${{ addressType: 'IPv4' }}
  `('accepts $name', ({ fields }) => {
    expect(endpointSliceStrategy.validateCreate(slice(fields))).toEqual([]);
  });

  // Ported from kubernetes/kubernetes pkg/apis/discovery/validation/validation_test.go
  // (TestValidateEndpointSliceCreate, TestValidateEndpointSliceUpdate)
  it.each`
    name                     | fields                                                                            | message
    ${'missing addressType'} | ${{}}                                                                             | ${'addressType: Required value'}
    ${'bad addressType'}     | ${{ addressType: 'IP' }}                                                          | ${'addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'}
    ${'IPv6 in IPv4 slice'}  | ${{ addressType: 'IPv4', endpoints: [{ addresses: ['2001:db8::1'] }] }}           | ${'endpoints[0].addresses[0]: Invalid value: "2001:db8::1": must be a valid IPv4 address'}
    ${'no addresses'}        | ${{ addressType: 'IPv4', endpoints: [{ addresses: [] }] }}                        | ${'endpoints[0].addresses: Required value: must contain at least 1 address'}
    ${'duplicate port name'} | ${{ addressType: 'IPv4', ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }} | ${'ports[1].name: Duplicate value: "a"'}
    ${'bad protocol'}        | ${{ addressType: 'IPv4', ports: [{ name: 'a', protocol: 'HTTP' }] }}              | ${'ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'}
  `('$name', ({ fields, message }) => {
    expect(endpointSliceStrategy.validateCreate(slice(fields)).map(formatFieldError)).toContain(message);
  });

  it('makes addressType immutable', () => {
    const old = slice({ addressType: 'IPv4' });
    const updated = slice({ addressType: 'IPv6' });
    expect(endpointSliceStrategy.validateUpdate(updated, old).map(formatFieldError)).toEqual([
      'addressType: Invalid value: "IPv6": field is immutable',
    ]);
  });
});

// ParseIPSloppy's IPv4 form, as the endpoint validators read it: four dot-separated groups of
// one to three ASCII digits (leading zeros allowed), each at most 255, nothing else.
// @see kubernetes/kubernetes vendor/k8s.io/utils/net/parse.go (ParseIPSloppy)
describe('parseIPv4', () => {
  it.each([
    ['10.0.0.1', [10, 0, 0, 1]],
    ['255.255.255.255', [255, 255, 255, 255]],
    ['0.0.0.0', [0, 0, 0, 0]],
    ['010.001.0.9', [10, 1, 0, 9]],
  ])('reads %s', (s, bytes) => {
    expect(parseIPv4(s)).toEqual(bytes);
  });

  it.each(['', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.1000', '.1.2.3', '1.2.3.', '1..2.3', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4\n', '1.2.3.a', '١.2.3.4', '0001.2.3.4', '1:2:3:4'])(
    'rejects %j',
    (s) => {
      expect(parseIPv4(s)).toBeUndefined();
    },
  );

  it('lets special IPv4 endpoint addresses be reported and ordinary ones pass', () => {
    const errs = (ip: string) => validateNonSpecialIP(ip, 'ip').map((e) => e.detail);
    expect(errs('10.1.2.3')).toEqual([]);
    expect(errs('0.0.0.0')).toEqual(['may not be unspecified (0.0.0.0, ::)']);
    expect(errs('127.0.0.2')).toEqual(['may not be in the loopback range (127.0.0.0/8, ::1/128)']);
    expect(errs('169.254.1.1')).toEqual(['may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
    expect(errs('224.0.0.5')).toEqual(['may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']);
    expect(errs('169.1.1.1')).toEqual([]);
    expect(errs('224.1.0.0')).toEqual([]);
  });
});

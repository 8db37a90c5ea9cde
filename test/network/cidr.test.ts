import { describe, expect, it } from 'vitest';
import { cidrContains, formatCIDR, formatIPv4, parseCIDR, parseIPv4, subnet } from '../../src/network/cidr.js';
import { DEFAULT_NETWORK_OPTIONS, parsePortRange, resolveNetworkOptions } from '../../src/network/options.js';
import { BadRequestError } from '../../src/model/errors.js';

describe('IPv4 helpers', () => {
  it.each`
    text                 | value
    ${'0.0.0.0'}         | ${0}
    ${'10.96.0.10'}      | ${174063626}
    ${'255.255.255.255'} | ${4294967295}
  `('$text ↔ $value', ({ text, value }) => {
    expect(parseIPv4(text)).toBe(value);
    expect(formatIPv4(value)).toBe(text);
  });

  it.each(['256.0.0.1', '10.0.0', '10.0.0.1.2', 'a.b.c.d', '', '::1'])('rejects %j', (s) => {
    expect(parseIPv4(s)).toBeUndefined();
  });

  it('parses CIDRs with zero host bits only', () => {
    expect(parseCIDR('10.96.0.0/12')).toEqual({ base: parseIPv4('10.96.0.0'), prefix: 12, size: 1048576 });
    expect(parseCIDR('10.96.0.5/12')).toBeUndefined();
    expect(parseCIDR('10.0.0.0/33')).toBeUndefined();
    expect(formatCIDR(parseCIDR('192.168.1.0/24')!)).toBe('192.168.1.0/24');
  });

  it('finds subnets and containment', () => {
    const c = parseCIDR('10.244.0.0/16')!;
    expect(formatCIDR(subnet(c, 24, 3)!)).toBe('10.244.3.0/24');
    expect(subnet(c, 24, 256)).toBeUndefined();
    expect(cidrContains(c, parseIPv4('10.244.255.255')!)).toBe(true);
    expect(cidrContains(c, parseIPv4('10.245.0.0')!)).toBe(false);
  });
});

describe('network options', () => {
  it('defaults to the documented ranges', () => {
    const net = resolveNetworkOptions();
    expect(net.options).toEqual(DEFAULT_NETWORK_OPTIONS);
    expect(net.nodePorts).toEqual({ base: 30000, size: 2768 });
  });

  it.each`
    input                                          | message
    ${{ serviceCIDR: '10.0.0.0/8' }}               | ${'network.serviceCIDR: the mask must be between /12 and /30'}
    ${{ serviceCIDR: 'nope' }}                     | ${'network.serviceCIDR: must be an IPv4 CIDR'}
    ${{ nodeCIDRMaskSize: 16 }}                    | ${'network.nodeCIDRMaskSize'}
    ${{ serviceNodePortRange: '32767-30000' }}     | ${'network.serviceNodePortRange'}
    ${{ proxyMode: 'nftables' }}                   | ${'network.proxyMode'}
    ${{ clusterDomain: 'Bad_Domain' }}             | ${'network.clusterDomain'}
  `('rejects $input', ({ input, message }) => {
    expect(() => resolveNetworkOptions(input)).toThrow(BadRequestError);
    expect(() => resolveNetworkOptions(input)).toThrow(message);
  });

  // utilnet.ParsePortRange forms (k8s.io/apimachinery pkg/util/net/port_range_test.go).
  it.each`
    input            | base     | size
    ${'30000-32767'} | ${30000} | ${2768}
    ${'30000+10'}    | ${30000} | ${11}
    ${'80'}          | ${80}    | ${1}
  `('parses port range $input', ({ input, base, size }) => {
    expect(parsePortRange(input)).toEqual({ base, size });
  });
  it.each(['0-10', '10-1', 'x', '1-70000'])('rejects port range %j', (s) => expect(parsePortRange(s)).toBeUndefined());
});

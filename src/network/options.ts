/**
 * The cluster's network configuration (`createCluster({ network })`): the ranges the
 * allocators hand out and kube-proxy's mode. Names follow the upstream flags: kube-controller-
 * manager --cluster-cidr / --node-cidr-mask-size, kube-apiserver --service-cluster-ip-range /
 * --service-node-port-range, kube-proxy --proxy-mode, kubelet --cluster-domain.
 *
 * Invalid options are a BadRequestError naming the field, raised once at cluster creation.
 */
import { BadRequestError } from '../model/errors.js';
import { formatCIDR, parseCIDR, type IPv4CIDR } from './cidr.js';
import type { ProxyMode } from './types.js';

export interface NetworkOptions {
  /** Pod network; each node gets a /nodeCIDRMaskSize block of it as spec.podCIDR. */
  readonly clusterCIDR: string;
  readonly nodeCIDRMaskSize: number;
  /** Where nodes' InternalIPs come from, by registration order (.1 is the first node). */
  readonly nodeAddressCIDR: string;
  /** ClusterIPs (kube-apiserver --service-cluster-ip-range). */
  readonly serviceCIDR: string;
  /** NodePorts, `first-last` inclusive (--service-node-port-range). */
  readonly serviceNodePortRange: string;
  /** The simulated cloud's pool for LoadBalancer ingress IPs. */
  readonly loadBalancerCIDR: string;
  readonly proxyMode: ProxyMode;
  readonly clusterDomain: string;
}

export const DEFAULT_NETWORK_OPTIONS: NetworkOptions = Object.freeze({
  clusterCIDR: '10.244.0.0/16',
  nodeCIDRMaskSize: 24,
  nodeAddressCIDR: '10.0.0.0/16',
  serviceCIDR: '10.96.0.0/12',
  serviceNodePortRange: '30000-32767',
  loadBalancerCIDR: '203.0.113.0/24',
  proxyMode: 'iptables',
  clusterDomain: 'cluster.local',
});

/** A port range as the apiserver flag spells it: `30000-32767` or `30000+2768`. */
export interface PortRange {
  readonly base: number;
  readonly size: number;
}

export function formatPortRange(r: PortRange): string {
  return `${r.base}-${r.base + r.size - 1}`;
}

/** utilnet.ParsePortRange: `a-b` (inclusive) or `a+n` (a..a+n). */
export function parsePortRange(s: string): PortRange | undefined {
  const m = /^([0-9]{1,5})(?:([-+])([0-9]{1,5}))?$/.exec(s.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  const other = m[3] === undefined ? undefined : Number(m[3]);
  const last = other === undefined ? base : m[2] === '+' ? base + other : other;
  if (base < 1 || last > 65535 || last < base) return undefined;
  return { base, size: last - base + 1 };
}

/** Options parsed once, so allocators never re-parse strings in the hot path. */
export interface ResolvedNetwork {
  readonly options: NetworkOptions;
  readonly clusterCIDR: IPv4CIDR;
  readonly nodeAddressCIDR: IPv4CIDR;
  readonly serviceCIDR: IPv4CIDR;
  readonly nodePorts: PortRange;
  readonly loadBalancerCIDR: IPv4CIDR;
}

function cidrOption(input: Record<string, unknown>, field: keyof NetworkOptions, example: string): IPv4CIDR {
  const v = input[field];
  const c = typeof v === 'string' ? parseCIDR(v) : undefined;
  if (!c) {
    throw new BadRequestError(`createCluster: network.${field}: must be an IPv4 CIDR with zero host bits (e.g. ${example}), got ${JSON.stringify(v)}`);
  }
  return c;
}

/** Merges `input` over the defaults and checks every field. */
export function resolveNetworkOptions(input: Partial<NetworkOptions> = {}): ResolvedNetwork {
  if (input === null || typeof input !== 'object') throw new BadRequestError('createCluster: network: must be an object');
  const options: NetworkOptions = { ...DEFAULT_NETWORK_OPTIONS, ...input };
  const raw = options as unknown as Record<string, unknown>;
  const clusterCIDR = cidrOption(raw, 'clusterCIDR', '10.244.0.0/16');
  const mask = options.nodeCIDRMaskSize;
  // Upstream requires the node mask to be longer than the cluster CIDR's (and at most 30 so a
  // node has room for pods); the range allocator refuses more than 16 bits of node index.
  if (!Number.isInteger(mask) || mask <= clusterCIDR.prefix || mask > 30 || mask - clusterCIDR.prefix > 16) {
    throw new BadRequestError(
      `createCluster: network.nodeCIDRMaskSize: must be an integer greater than the clusterCIDR prefix (${clusterCIDR.prefix}), at most 30 and at most 16 bits longer, got ${String(mask)}`,
    );
  }
  const serviceCIDR = cidrOption(raw, 'serviceCIDR', '10.96.0.0/12');
  // kube-apiserver: "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12".
  if (serviceCIDR.prefix < 12 || serviceCIDR.prefix > 30) {
    throw new BadRequestError(`createCluster: network.serviceCIDR: the mask must be between /12 and /30, got ${formatCIDR(serviceCIDR)}`);
  }
  const nodePorts = typeof options.serviceNodePortRange === 'string' ? parsePortRange(options.serviceNodePortRange) : undefined;
  if (!nodePorts) {
    throw new BadRequestError(`createCluster: network.serviceNodePortRange: must be a port range such as 30000-32767, got ${JSON.stringify(options.serviceNodePortRange)}`);
  }
  if (options.proxyMode !== 'iptables' && options.proxyMode !== 'ipvs') {
    throw new BadRequestError(`createCluster: network.proxyMode: must be "iptables" or "ipvs", got ${JSON.stringify(options.proxyMode)}`);
  }
  if (typeof options.clusterDomain !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(options.clusterDomain)) {
    throw new BadRequestError(`createCluster: network.clusterDomain: must be a DNS domain such as cluster.local, got ${JSON.stringify(options.clusterDomain)}`);
  }
  return {
    options,
    clusterCIDR,
    nodeAddressCIDR: cidrOption(raw, 'nodeAddressCIDR', '10.0.0.0/16'),
    serviceCIDR,
    nodePorts,
    loadBalancerCIDR: cidrOption(raw, 'loadBalancerCIDR', '203.0.113.0/24'),
  };
}

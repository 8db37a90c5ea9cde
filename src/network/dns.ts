/**
 * Cluster DNS as a pure function of ClusterState: the records CoreDNS's kubernetes plugin
 * serves under the cluster domain, and the search a pod's resolver (glibc res_search with
 * the resolv.conf the kubelet writes) runs over them.
 *
 * Records (A only):
 * - `<svc>.<ns>.svc.<domain>`: the ClusterIPs; for a headless Service the ready endpoint IPs
 *   (none ready: NXDOMAIN, as CoreDNS answers); ExternalName: a CNAME.
 * - `<endpoint>.<svc>.<ns>.svc.<domain>`: one endpoint, by its hostname or its dashed IP.
 * - `_<port>._<proto>.<svc>.<ns>.svc.<domain>`: the Service's IPs if it has that named port.
 * - `1-2-3-4.<ns>.pod.<domain>`: 1.2.3.4 ('insecure' mode, kubeadm's Corefile default: any
 *   dashed IP in an existing namespace; 'verified': only a pod of that namespace with that IP).
 *
 * Search (ndots:5): a name with a trailing dot is only queried as is; a name with at least
 * `ndots` dots is queried as is first, then with each search domain; otherwise the search
 * domains come first and the name as is last. A pod's search list is
 * `<ns>.svc.<domain> svc.<domain> <domain>` plus spec.dnsConfig.searches.
 *
 * @see coredns/coredns plugin/kubernetes/parse.go (parseRequest), kubernetes.go (findServices,
 *      findPods), plugin/kubernetes/README.md
 * @see kubernetes/kubernetes pkg/kubelet/network/dns/dns.go (ClusterFirst search list, ndots 5)
 * @see https://github.com/kubernetes/dns/blob/master/docs/specification.md
 */
import { getObject, listObjects, type ClusterState } from '../model/store.js';
import { parseIPv4, parseIPv6 } from '../model/strategy/endpoints.js';
import type { Pod, Service } from '../model/types.js';
import { compareIPs, serviceEndpoints } from './proxy.js';
import type { ResolveResult, Stored } from './types.js';

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
export const DEFAULT_NDOTS = 5;

export type PodRecordsMode = 'insecure' | 'verified' | 'disabled';

export interface DnsOptions {
  readonly clusterDomain?: string;
  readonly podRecords?: PodRecordsMode;
}

/** What one resolver uses: its search domains and ndots. `cluster: false` means no cluster DNS. */
export interface ResolverConfig {
  readonly cluster: boolean;
  readonly searches: readonly string[];
  readonly ndots: number;
}

/** The resolv.conf of a ClusterFirst pod in `namespace`. */
export function clusterFirstResolver(namespace: string, domain = DEFAULT_CLUSTER_DOMAIN): ResolverConfig {
  return { cluster: true, searches: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain], ndots: DEFAULT_NDOTS };
}

/**
 * The resolver a pod gets from its dnsPolicy: ClusterFirst (default), ClusterFirstWithHostNet,
 * Default (the node's resolv.conf, which knows no cluster names) and None (dnsConfig only; it
 * reaches the cluster DNS only if the pod lists it, which we cannot know, so it does not).
 * A hostNetwork pod with ClusterFirst falls back to Default, as the kubelet does.
 */
export function podResolver(pod: Pod, domain = DEFAULT_CLUSTER_DOMAIN): ResolverConfig {
  const spec = pod.spec;
  const policy = spec?.dnsPolicy ?? 'ClusterFirst';
  const cfg = spec?.dnsConfig;
  const ndotsOpt = cfg?.options?.find((o) => o.name === 'ndots')?.value;
  const ndots = ndotsOpt !== undefined && /^[0-9]+$/.test(ndotsOpt) ? Math.min(Number(ndotsOpt), 15) : DEFAULT_NDOTS;
  const extra = cfg?.searches ?? [];
  const clusterFirst = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !spec?.hostNetwork);
  if (!clusterFirst) return { cluster: false, searches: extra, ndots };
  const base = clusterFirstResolver(pod.metadata?.namespace ?? 'default', domain);
  return { cluster: true, searches: [...base.searches, ...extra], ndots };
}

/** The candidate absolute names, in res_search order. */
export function searchCandidates(name: string, resolver: ResolverConfig): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const searched = resolver.searches.map((d) => `${name}.${d}`);
  return dots >= resolver.ndots ? [name, ...searched] : [...searched, name];
}

/**
 * Resolves `name` as a client with `resolver` would. Never throws for a missing name: the
 * result is `{ ok: false, error: { reason: 'NXDOMAIN', name } }`.
 */
export function resolveName(state: ClusterState, name: string, resolver: ResolverConfig, opts: DnsOptions = {}): ResolveResult {
  const lower = name.trim().toLowerCase();
  const queries: string[] = [];
  if (lower !== '' && lower !== '.') {
    for (const candidate of searchCandidates(lower, resolver)) {
      queries.push(candidate);
      if (!resolver.cluster) continue;
      const answer = lookup(state, candidate, opts);
      if (answer) return { ok: true, name: candidate, ...answer, queries };
    }
  }
  return { ok: false, error: { reason: 'NXDOMAIN', name }, queries };
}

/** The A records (or CNAME) of one absolute name in the cluster zone, undefined for none. */
export function lookup(
  state: ClusterState,
  fqdn: string,
  opts: DnsOptions = {},
): { addresses: string[]; cname?: string } | undefined {
  const domain = opts.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const name = fqdn.toLowerCase().replace(/\.$/, '');
  if (!name.endsWith(`.${domain}`)) return undefined;
  const labels = name.slice(0, -(domain.length + 1)).split('.');
  if (labels.some((l) => l === '')) return undefined;
  // parseRequest reads from the right: type, namespace, service, then one endpoint label or
  // a port and protocol pair; anything longer is NXDOMAIN.
  const type = labels.pop();
  const namespace = labels.pop();
  const service = labels.pop();
  if ((type !== 'svc' && type !== 'pod') || namespace === undefined || service === undefined || labels.length > 2) return undefined;
  if (!getObject(state, 'Namespace', undefined, namespace)) return undefined;
  if (type === 'pod') return labels.length === 0 ? podRecord(state, namespace, service, opts.podRecords ?? 'insecure') : undefined;
  const svc = getObject(state, 'Service', namespace, service) as Stored<Service> | undefined;
  if (!svc) return undefined;
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return labels.length === 0 && spec.externalName ? { addresses: [], cname: spec.externalName } : undefined;
  if (labels.length === 2) {
    const [port, proto] = labels.map((l) => l.replace(/^_/, ''));
    const has = (spec.ports ?? []).some((p) => (p.name ?? '') === port && (p.protocol ?? 'TCP').toLowerCase() === proto);
    if (!has) return undefined;
    labels.length = 0;
  }
  const headless = spec.clusterIP === 'None';
  if (headless || labels.length === 1) {
    const want = labels[0];
    const ips = serviceEndpoints(state, namespace, service)
      .filter((e) => e.ready && (want === undefined || want === (e.hostname ?? e.ip.replace(/[.:]/g, '-'))))
      .map((e) => e.ip);
    const unique = [...new Set(ips)].sort(compareIPs);
    return unique.length > 0 ? { addresses: unique } : undefined;
  }
  const ips = (spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])).filter((ip) => ip !== '' && ip !== 'None');
  return ips.length > 0 && (spec.ports ?? []).length > 0 ? { addresses: [...ips].sort(compareIPs) } : undefined;
}

/** `1-2-3-4` → `1.2.3.4` (three dashes, no `--`), else dashes become colons (IPv6). */
function podRecord(state: ClusterState, namespace: string, label: string, mode: PodRecordsMode): { addresses: string[] } | undefined {
  if (mode === 'disabled') return undefined;
  const dashes = label.split('-').length - 1;
  const ip = dashes === 3 && !label.includes('--') ? label.replace(/-/g, '.') : label.replace(/-/g, ':');
  if (!parseIPv4(ip) && !parseIPv6(ip)) return undefined;
  if (mode === 'verified') {
    const found = listObjects(state, 'Pod', namespace).some((p) => (p as Pod).status?.podIP === ip);
    if (!found) return undefined;
  }
  return { addresses: [ip] };
}

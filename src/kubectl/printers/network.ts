/**
 * `kubectl get services | endpoints | endpointslices | ingresses`.
 *
 * Service: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE (+ SELECTOR); PORT(S) is `80/TCP` or
 * `80:30080/TCP` with a node port; EXTERNAL-IP is `<none>`, the external IPs, the load
 * balancer's ingress IPs (cut to 16 characters unless wide) or `<pending>`.
 * Endpoints: `ip:port` pairs, at most three then `+ N more...`.
 * EndpointSlice: NAME ADDRESSTYPE PORTS ENDPOINTS AGE, `<unset>` for empty lists.
 * Ingress: NAME CLASS HOSTS ADDRESS PORTS AGE; HOSTS `*` when no rule names a host.
 *
 * @see kubernetes/kubernetes pkg/printers/internalversion/printers.go (printService,
 *   getServiceExternalIP, makePortString, formatEndpoints, printEndpointSlice, printIngress)
 */
import { compareGoStrings } from '../../model/labels/selector.js';
import { age, formatLabels, joinHostPort, joinWithMore } from '../format.js';
import { cols, type Loose, type Printer } from './types.js';

const LOAD_BALANCER_WIDTH = 16;

/** loadBalancerStatusStringer: distinct IPs (or hostnames), sorted, shortened unless wide. */
export function loadBalancerStatus(lb: Loose, wide: boolean): string {
  const set = new Set<string>();
  for (const ing of (lb?.ingress ?? []) as Loose[]) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  let r = [...set].sort(compareGoStrings).join(',');
  if (!wide && r.length > LOAD_BALANCER_WIDTH) r = `${r.slice(0, LOAD_BALANCER_WIDTH - 3)}...`;
  return r;
}

function serviceExternalIP(svc: Loose, wide: boolean): string {
  const externalIPs: string[] = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatus(svc.status?.loadBalancer, wide);
      if (externalIPs.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...externalIPs].join(',');
      return lb !== '' ? lb : '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
  }
  return '<unknown>';
}

export function makePortString(ports: Loose[] | undefined): string {
  return (ports ?? [])
    .map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port}/${p.protocol ?? ''}`))
    .join(',');
}

export const servicePrinter: Printer = {
  columns: cols('Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', '+Selector'),
  row(obj, ctx) {
    const svc = obj as Loose;
    const ports = makePortString(svc.spec?.ports);
    return [
      obj.metadata.name,
      svc.spec?.type ?? '',
      svc.spec?.clusterIPs?.[0] ?? '<none>',
      serviceExternalIP(svc, ctx.wide),
      ports === '' ? '<none>' : ports,
      age(obj.metadata.creationTimestamp, ctx),
      formatLabels(svc.spec?.selector),
    ];
  },
};

/** formatEndpoints: `ip:port` for every port (or just ips for port-less subsets), max three. */
export function formatEndpoints(ep: Loose, portNames?: ReadonlySet<string>): string {
  const subsets: Loose[] = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let count = 0;
  for (const ss of subsets) {
    const addresses: Loose[] = ss.addresses ?? [];
    const ports: Loose[] = ss.ports ?? [];
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) if (list.length < max) list.push(a.ip);
      continue;
    }
    for (const port of ports) {
      if (portNames !== undefined && !portNames.has(port.name ?? '')) continue;
      count += addresses.length;
      for (const a of addresses) if (list.length < max) list.push(joinHostPort(a.ip, port.port));
    }
  }
  return joinWithMore(list, count, max);
}

export const endpointsPrinter: Printer = {
  columns: cols('Name', 'Endpoints', 'Age'),
  row(obj, ctx) {
    return [obj.metadata.name, formatEndpoints(obj), age(obj.metadata.creationTimestamp, ctx)];
  },
};

function listWithMore(list: string[], count: number, max: number): string {
  const ret = joinWithMore(list, count, max);
  return ret === '' ? '<unset>' : ret;
}

export const endpointSlicePrinter: Printer = {
  columns: cols('Name', 'AddressType', 'Ports', 'Endpoints', 'Age'),
  row(obj, ctx) {
    const s = obj as Loose;
    const ports: string[] = [];
    let portCount = 0;
    for (const p of (s.ports ?? []) as Loose[]) {
      if (ports.length < 3) ports.push(typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*');
      portCount++;
    }
    const addrs: string[] = [];
    let addrCount = 0;
    for (const e of (s.endpoints ?? []) as Loose[]) {
      for (const a of (e.addresses ?? []) as string[]) {
        if (addrs.length < 3) addrs.push(a);
        addrCount++;
      }
    }
    return [
      obj.metadata.name,
      s.addressType ?? '',
      listWithMore(ports, portCount, 3),
      listWithMore(addrs, addrCount, 3),
      age(obj.metadata.creationTimestamp, ctx),
    ];
  },
};

function formatHosts(rules: Loose[] | undefined): string {
  const list: string[] = [];
  const all = rules ?? [];
  let more = false;
  for (const rule of all) {
    if (list.length === 3) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${all.length - 3} more...` : list.join(',');
}

export const ingressPrinter: Printer = {
  columns: cols('Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age'),
  row(obj, ctx) {
    const ing = obj as Loose;
    return [
      obj.metadata.name,
      ing.spec?.ingressClassName ?? '<none>',
      formatHosts(ing.spec?.rules),
      loadBalancerStatus(ing.status?.loadBalancer, ctx.wide),
      (ing.spec?.tls ?? []).length > 0 ? '80, 443' : '80',
      age(obj.metadata.creationTimestamp, ctx),
    ];
  },
};

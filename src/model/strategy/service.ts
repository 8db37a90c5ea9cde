/**
 * Service admission (core/v1): SetDefaults_Service, the registry's clusterIP/clusterIPs
 * normalisation, ValidateService and ValidateServiceUpdate. Allocation of cluster IPs, node
 * ports and health-check node ports is the network layer's job (upstream's BeginCreate
 * allocators), so nothing here allocates, and the node-port range is not checked here.
 *
 * @see kubernetes/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_Service)
 * @see kubernetes/kubernetes pkg/apis/core/validation/validation.go (ValidateService,
 *      validateServicePort, ValidateServiceClusterIPsRelatedFields, ValidateServiceUpdate)
 * @see kubernetes/kubernetes pkg/registry/core/service/strategy.go (normalizeClusterIPs)
 */
import { fieldError, type FieldError } from '../errors.js';
import type { KubeObject, Service } from '../types.js';
import { validateLabels } from '../validation/labels.js';
import { isDNS1035Label, isDNS1123Subdomain, isQualifiedName } from '../validation/names.js';
import { at, child, isObject, readArray, readInt, readObject, readObjectArray, readString, readStringMap, type JsonObject } from './object-meta.js';
import {
  isIPv6String,
  parseIPv4,
  parseIPv6,
  validateAppProtocol,
  validateDNS1123Label,
  validateIP,
  validateNonSpecialIP,
  validatePortNumOrName,
  validatePortNumber,
  validateProtocol,
} from './endpoints.js';
import type { Strategy } from './types.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
const SESSION_AFFINITIES = ['ClientIP', 'None'] as const;
const TRAFFIC_POLICIES = ['Cluster', 'Local'] as const;
const IP_FAMILIES = ['IPv4', 'IPv6'] as const;
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'] as const;
/** core.DefaultClientIPServiceAffinitySeconds (3 hours) and the maximum (1 day). */
export const DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800;
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
const LB_ONLY = "may only be used when `type` is 'LoadBalancer'";

function unset(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

/** apiservice.ExternallyAccessible: reachable from outside the cluster network. */
function externallyAccessible(type: unknown, externalIPs: unknown): boolean {
  return (
    type === 'LoadBalancer' ||
    type === 'NodePort' ||
    (type === 'ClusterIP' && Array.isArray(externalIPs) && externalIPs.length > 0)
  );
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** SetDefaults_Service plus clusterIPs normalisation and single-stack IPv4 family defaults. */
export function defaultService(obj: Service): void {
  const o = obj as unknown as JsonObject;
  if (o.spec === undefined || o.spec === null) o.spec = {};
  if (!isObject(o.spec)) return;
  const spec = o.spec;
  if (unset(spec.sessionAffinity)) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    const timeout = isObject(cfg) && isObject(cfg.clientIP) ? cfg.clientIP.timeoutSeconds : undefined;
    if (timeout === undefined || timeout === null) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_AFFINITY_SECONDS } };
    }
  }
  if (unset(spec.type)) spec.type = 'ClusterIP';
  if (Array.isArray(spec.ports)) {
    for (const sp of spec.ports) {
      if (!isObject(sp)) continue;
      if (unset(sp.protocol)) sp.protocol = 'TCP';
      if ((sp.targetPort === undefined || sp.targetPort === null || sp.targetPort === 0 || sp.targetPort === '') && typeof sp.port === 'number') {
        sp.targetPort = sp.port;
      }
    }
  }
  if (externallyAccessible(spec.type, spec.externalIPs) && unset(spec.externalTrafficPolicy)) {
    spec.externalTrafficPolicy = 'Cluster';
  }
  const t = spec.type;
  if ((spec.internalTrafficPolicy === undefined || spec.internalTrafficPolicy === null) && (t === 'ClusterIP' || t === 'NodePort' || t === 'LoadBalancer')) {
    spec.internalTrafficPolicy = 'Cluster';
  }
  if (t === 'LoadBalancer' && (spec.allocateLoadBalancerNodePorts === undefined || spec.allocateLoadBalancerNodePorts === null)) {
    spec.allocateLoadBalancerNodePorts = true;
  }
  if (t === 'ExternalName') return;
  // normalizeClusterIPs: a user who sets only clusterIP gets clusterIPs to match.
  if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && (spec.clusterIPs === undefined || spec.clusterIPs === null || (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length === 0))) {
    spec.clusterIPs = [spec.clusterIP];
  }
  // kubesim's clusters are single-stack; the family follows an explicit first clusterIP.
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) spec.ipFamilyPolicy = 'SingleStack';
  if (spec.ipFamilies === undefined || spec.ipFamilies === null || (Array.isArray(spec.ipFamilies) && spec.ipFamilies.length === 0)) {
    const first = stringList(spec.clusterIPs)[0];
    spec.ipFamilies = [first !== undefined && isIPv6String(first) ? 'IPv6' : 'IPv4'];
  }
}

function validateServicePort(sp: JsonObject, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const namePath = child(path, 'name');
  const name = readString(sp.name, namePath, errs) ?? '';
  if (requireName && name === '') {
    errs.push(fieldError.required(namePath));
  } else if (name !== '') {
    errs.push(...validateDNS1123Label(name, namePath));
    if (names.has(name)) errs.push(fieldError.duplicate(namePath, name));
    else names.add(name);
  }
  errs.push(...validatePortNumber(sp.port, child(path, 'port')));
  errs.push(...validateProtocol(sp.protocol, child(path, 'protocol')));
  errs.push(...validatePortNumOrName(sp.targetPort ?? 0, child(path, 'targetPort')));
  validateAppProtocol(sp.appProtocol, child(path, 'appProtocol'), errs);
  readInt(sp.nodePort, child(path, 'nodePort'), errs);
  return errs;
}

function validateClientIPAffinityConfig(cfg: unknown, path: string): FieldError[] {
  const why = 'when session affinity type is ClientIP';
  if (!isObject(cfg)) return [fieldError.required(path, why)];
  if (!isObject(cfg.clientIP)) return [fieldError.required(child(path, 'clientIP'), why)];
  const tPath = child(child(path, 'clientIP'), 'timeoutSeconds');
  const t = cfg.clientIP.timeoutSeconds;
  if (t === undefined || t === null) return [fieldError.required(tPath, why)];
  if (typeof t !== 'number' || !Number.isInteger(t) || t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) {
    return [fieldError.invalid(tPath, t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`)];
  }
  return [];
}

/** ValidateServiceClusterIPsRelatedFields (not called for ExternalName). */
function validateClusterIPsRelated(spec: JsonObject, headless: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ipsPath = 'spec.clusterIPs';
  const clusterIP = readString(spec.clusterIP, 'spec.clusterIP', errs) ?? '';
  const rawIPs = readArray(spec.clusterIPs, ipsPath, errs) ?? [];
  const ips = rawIPs.map(String);
  if (clusterIP !== '') {
    if (rawIPs.length === 0) errs.push(fieldError.required(ipsPath));
    else if (rawIPs[0] !== clusterIP) errs.push(fieldError.invalid(ipsPath, rawIPs, 'first value must match `clusterIP`'));
  } else if (rawIPs.length !== 0) {
    errs.push(fieldError.invalid(ipsPath, rawIPs, 'must be empty when `clusterIP` is not specified'));
  }
  const famPath = 'spec.ipFamilies';
  const families = readArray(spec.ipFamilies, famPath, errs) ?? [];
  const seen = new Set<unknown>();
  families.forEach((f, i) => {
    if (!(IP_FAMILIES as readonly unknown[]).includes(f)) errs.push(fieldError.notSupported(at(famPath, i), f, IP_FAMILIES));
    if (seen.has(f)) errs.push(fieldError.duplicate(at(famPath, i), f));
    seen.add(f);
  });
  const policy = spec.ipFamilyPolicy;
  if (policy !== undefined && policy !== null && !(IP_FAMILY_POLICIES as readonly unknown[]).includes(policy)) {
    errs.push(fieldError.notSupported('spec.ipFamilyPolicy', policy, IP_FAMILY_POLICIES));
  }
  let invalid = false;
  rawIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (rawIPs.length > 1) {
        invalid = true;
        errs.push(fieldError.invalid(ipsPath, rawIPs, "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateIP(at(ipsPath, i), ip);
    if (e.length > 0) invalid = true;
    errs.push(...e);
  });
  if (rawIPs.length > 2) errs.push(fieldError.invalid(ipsPath, rawIPs, 'may only hold up to 2 values'));
  if (invalid) return errs;
  if (ips.length > 1 && isIPv6String(ips[0]!) === isIPv6String(ips[1]!)) {
    errs.push(fieldError.invalid(ipsPath, rawIPs, 'may specify no more than one IP for each IP family'));
  }
  if (!headless) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === 'IPv4' && parseIPv6(ip) && !parseIPv4(ip)) {
        errs.push(fieldError.invalid(at(ipsPath, i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (families[i] === 'IPv6' && !parseIPv6(ip)) {
        errs.push(fieldError.invalid(at(ipsPath, i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    });
  }
  return errs;
}

/** The per-type rules at the top of ValidateService. */
function validateTypeRules(spec: JsonObject, type: unknown, headless: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless) {
    errs.push(fieldError.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  }
  if (type !== 'ExternalName') return errs;
  const why = 'may not be set for ExternalName services';
  if (Array.isArray(spec.clusterIPs) && spec.clusterIPs.length > 0) errs.push(fieldError.forbidden('spec.clusterIPs', why));
  if (Array.isArray(spec.ipFamilies) && spec.ipFamilies.length > 0) errs.push(fieldError.forbidden('spec.ipFamilies', why));
  if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) errs.push(fieldError.forbidden('spec.ipFamilyPolicy', why));
  // The CNAME may end in a dot to mark it fully qualified.
  const name = (readString(spec.externalName, 'spec.externalName', errs) ?? '').replace(/\.$/, '');
  if (name === '') errs.push(fieldError.required('spec.externalName'));
  else for (const msg of isDNS1123Subdomain(name)) errs.push(fieldError.invalid('spec.externalName', name, msg));
  return errs;
}

/** Per-port checks, nodePort placement and (protocol, port) / (protocol, nodePort) uniqueness. */
function validatePorts(ports: { item: JsonObject; index: number }[], type: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  for (const { item, index } of ports) {
    errs.push(...validateServicePort(item, ports.length > 1, names, at('spec.ports', index)));
  }
  if (type === 'ClusterIP' || type === 'ExternalName') {
    for (const { item, index } of ports) {
      if (item.nodePort !== undefined && item.nodePort !== null && item.nodePort !== 0) {
        errs.push(fieldError.forbidden(child(at('spec.ports', index), 'nodePort'), `may not be used when \`type\` is '${type}'`));
      }
    }
  }
  const nodePorts = new Set<string>();
  for (const { item, index } of ports) {
    if (typeof item.nodePort !== 'number' || item.nodePort === 0) continue;
    const key = `${String(item.protocol)}/${item.nodePort}`;
    if (nodePorts.has(key)) errs.push(fieldError.duplicate(child(at('spec.ports', index), 'nodePort'), item.nodePort));
    nodePorts.add(key);
  }
  const seen = new Set<string>();
  for (const { item, index } of ports) {
    const key = `${String(item.protocol)}/${String(item.port)}`;
    if (seen.has(key)) errs.push(fieldError.duplicate(at('spec.ports', index), { port: item.port, protocol: item.protocol }));
    seen.add(key);
  }
  return errs;
}

/** Source ranges, allocateLoadBalancerNodePorts and loadBalancerClass. */
function validateLoadBalancerFields(spec: JsonObject, type: unknown): FieldError[] {
  const errs: FieldError[] = [];
  // Upstream spells this path with a capital L.
  const rangesPath = 'spec.LoadBalancerSourceRanges';
  const ranges = readArray(spec.loadBalancerSourceRanges, 'spec.loadBalancerSourceRanges', errs) ?? [];
  if (ranges.length > 0) {
    if (type !== 'LoadBalancer') errs.push(fieldError.forbidden(rangesPath, LB_ONLY));
    ranges.forEach((r, i) => {
      const [ip, bits, extra] = typeof r === 'string' ? r.trim().split('/') : [];
      const max = ip !== undefined && parseIPv4(ip) ? 32 : ip !== undefined && parseIPv6(ip) ? 128 : -1;
      const ok = extra === undefined && bits !== undefined && /^[0-9]{1,3}$/.test(bits) && Number(bits) <= max;
      if (!ok) errs.push(fieldError.invalid(at(rangesPath, i), r, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
    });
  }
  const alloc = spec.allocateLoadBalancerNodePorts;
  if (alloc !== undefined && alloc !== null && type !== 'LoadBalancer') {
    errs.push(fieldError.forbidden('spec.allocateLoadBalancerNodePorts', LB_ONLY));
  }
  // Upstream reports this one without the `spec.` prefix.
  if (type === 'LoadBalancer' && (alloc === undefined || alloc === null)) errs.push(fieldError.required('allocateLoadBalancerNodePorts'));
  const cls = readString(spec.loadBalancerClass, 'spec.loadBalancerClass', errs);
  if (cls !== undefined) {
    if (type !== 'LoadBalancer') errs.push(fieldError.forbidden('spec.loadBalancerClass', LB_ONLY));
    for (const msg of isQualifiedName(cls)) errs.push(fieldError.invalid('spec.loadBalancerClass', cls, msg));
  }
  return errs;
}

/** validateServiceExternalTrafficPolicy, internal traffic policy and trafficDistribution. */
function validateTrafficPolicies(spec: JsonObject, type: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy;
  const etpPath = 'spec.externalTrafficPolicy';
  if (!externallyAccessible(type, spec.externalIPs)) {
    if (!unset(etp)) errs.push(fieldError.invalid(etpPath, etp, 'may only be set for externally-accessible services'));
  } else if (unset(etp)) {
    errs.push(fieldError.required(etpPath));
  } else if (!(TRAFFIC_POLICIES as readonly unknown[]).includes(etp)) {
    errs.push(fieldError.notSupported(etpPath, etp, TRAFFIC_POLICIES));
  }
  // healthCheckNodePort is allocated by the network layer, so only a misplaced one is rejected here.
  const hc = spec.healthCheckNodePort;
  const needsHealthCheck = type === 'LoadBalancer' && etp === 'Local';
  if (!needsHealthCheck && hc !== undefined && hc !== null && hc !== 0) {
    errs.push(fieldError.invalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (needsHealthCheck && hc !== undefined && hc !== null && hc !== 0) {
    errs.push(...validatePortNumber(hc, 'spec.healthCheckNodePort'));
  }
  const itp = spec.internalTrafficPolicy;
  if ((itp === undefined || itp === null) && (type === 'ClusterIP' || type === 'NodePort' || type === 'LoadBalancer')) {
    errs.push(fieldError.required('spec.internalTrafficPolicy'));
  }
  if (itp !== undefined && itp !== null && !(TRAFFIC_POLICIES as readonly unknown[]).includes(itp)) {
    errs.push(fieldError.notSupported('spec.internalTrafficPolicy', itp, TRAFFIC_POLICIES));
  }
  const td = spec.trafficDistribution;
  if (td !== undefined && td !== null && td !== 'PreferClose') {
    errs.push(fieldError.notSupported('spec.trafficDistribution', td, ['PreferClose']));
  }
  return errs;
}

/** ValidateService without the metadata part (the API path runs ValidateObjectMeta). */
export function validateService(obj: Service): FieldError[] {
  const errs: FieldError[] = [];
  const spec = readObject((obj as unknown as JsonObject).spec, 'spec', errs) ?? {};
  const type = spec.type;
  const ips = stringList(spec.clusterIPs);
  const headless = ips.length === 1 && ips[0] === 'None';
  const ports = readObjectArray(spec.ports, 'spec.ports', errs);
  const portsMalformed = spec.ports !== undefined && spec.ports !== null && !Array.isArray(spec.ports);
  if (!portsMalformed && (!Array.isArray(spec.ports) || spec.ports.length === 0) && !headless && type !== 'ExternalName') {
    errs.push(fieldError.required('spec.ports'));
  }
  errs.push(...validateTypeRules(spec, type, headless));
  errs.push(...validatePorts(ports, type));
  const selector = readStringMap(spec.selector, 'spec.selector', errs);
  if (selector) errs.push(...validateLabels(selector, 'spec.selector'));
  const affinity = spec.sessionAffinity;
  if (unset(affinity)) errs.push(fieldError.required('spec.sessionAffinity'));
  else if (!(SESSION_AFFINITIES as readonly unknown[]).includes(affinity)) {
    errs.push(fieldError.notSupported('spec.sessionAffinity', affinity, SESSION_AFFINITIES));
  }
  if (affinity === 'ClientIP') {
    errs.push(...validateClientIPAffinityConfig(spec.sessionAffinityConfig, 'spec.sessionAffinityConfig'));
  } else if (affinity === 'None' && spec.sessionAffinityConfig !== undefined && spec.sessionAffinityConfig !== null) {
    errs.push(fieldError.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  if (type !== 'ExternalName') errs.push(...validateClusterIPsRelated(spec, headless));
  (readArray(spec.externalIPs, 'spec.externalIPs', errs) ?? []).forEach((ip, i) => {
    const e = validateIP(at('spec.externalIPs', i), ip);
    errs.push(...(e.length > 0 ? e : validateNonSpecialIP(ip as string, at('spec.externalIPs', i))));
  });
  if (unset(type)) errs.push(fieldError.required('spec.type'));
  else if (!(SERVICE_TYPES as readonly unknown[]).includes(type)) errs.push(fieldError.notSupported('spec.type', type, SERVICE_TYPES));
  errs.push(...validateLoadBalancerFields(spec, type));
  errs.push(...validateTrafficPolicies(spec, type));
  return errs;
}

/**
 * ValidateServiceUpdate's extra rules: an allocated primary (and secondary) cluster IP and IP
 * family may not change, unless the Service is or becomes ExternalName. An unallocated ("")
 * clusterIP may be filled in. A new object with an empty clusterIP passes: upstream's registry
 * copies the old allocation into it before validating, and so must kubesim's API path.
 */
export function validateServiceUpdate(obj: Service, old: Service): FieldError[] {
  const errs = validateService(obj);
  const spec = isObject(obj.spec) ? (obj.spec as JsonObject) : {};
  const oldSpec = isObject(old.spec) ? (old.spec as JsonObject) : {};
  if (spec.type !== 'ExternalName' && oldSpec.type !== 'ExternalName') {
    for (const [field, values, oldValues] of [
      ['clusterIPs', stringList(spec.clusterIPs), stringList(oldSpec.clusterIPs)],
      ['ipFamilies', stringList(spec.ipFamilies), stringList(oldSpec.ipFamilies)],
    ] as const) {
      for (const i of [0, 1]) {
        if (values.length > i && oldValues.length > i && values[i] !== oldValues[i]) {
          errs.push(fieldError.invalid(at(`spec.${field}`, i), values, 'may not change once set'));
        }
      }
    }
  }
  if (spec.type === 'LoadBalancer' && oldSpec.type === 'LoadBalancer' && (spec.loadBalancerClass ?? null) !== (oldSpec.loadBalancerClass ?? null)) {
    errs.push(fieldError.invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  return errs;
}

export const serviceStrategy: Strategy<Service & KubeObject> = {
  kind: 'Service',
  nameValidator: isDNS1035Label,
  applyDefaults: defaultService,
  validateCreate: validateService,
  validateUpdate: validateServiceUpdate,
};

/**
 * Ingress admission (networking.k8s.io/v1): rules or a default backend, hosts that are DNS
 * names (optionally one leading wildcard label), HTTP paths whose pathType is required and
 * whose path is absolute and clean, and backends that name exactly one of a service (with a
 * port name or number) or a resource. networking/v1 has no Ingress defaults.
 *
 * @see kubernetes/kubernetes pkg/apis/networking/validation/validation.go (ValidateIngressCreate,
 *      ValidateIngressSpec, validateIngressRules, validateHTTPIngressPath, validateIngressBackend)
 */
import { fieldError, type FieldError } from '../errors.js';
import type { Ingress, KubeObject } from '../types.js';
import { isDNS1035Label, isDNS1123Subdomain, regexError } from '../validation/names.js';
import { at, child, isObject, readObject, readObjectArray, readString, type JsonObject } from './object-meta.js';
import { isValidPortName, parseIPv4, parseIPv6, validatePortNumber } from './endpoints.js';
import type { Strategy } from './types.js';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'] as const;
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

const WILDCARD_FMT = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const WILDCARD_RE = new RegExp(`^${WILDCARD_FMT}$`);

/** validation.IsWildcardDNS1123Subdomain: `*.` then a DNS subdomain. */
function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push('must be no more than 253 characters');
  if (!WILDCARD_RE.test(value)) {
    errs.push(
      regexError(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        WILDCARD_FMT,
        '*.example.com',
      ),
    );
  }
  return errs;
}

/** validateHost for rules and TLS hosts: no IPs, wildcard or plain DNS subdomain. */
function validateHost(host: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (parseIPv4(host) || parseIPv6(host)) errs.push(fieldError.invalid(path, host, 'must be a DNS name, not an IP address'));
  const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  for (const msg of msgs) errs.push(fieldError.invalid(path, host, msg));
  return errs;
}

/** validateIngressTypedLocalObjectReference. */
function validateResourceRef(ref: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const group = readString(ref.apiGroup, child(path, 'apiGroup'), errs);
  if (group !== undefined) for (const msg of isDNS1123Subdomain(group)) errs.push(fieldError.invalid(child(path, 'apiGroup'), group, msg));
  for (const f of ['kind', 'name'] as const) {
    const v = readString(ref[f], child(path, f), errs);
    if (v === undefined || v === '') {
      if (ref[f] === undefined || ref[f] === null || ref[f] === '') errs.push(fieldError.required(child(path, f), `${f} is required`));
    } else if (v === '.' || v === '..' || v.includes('/') || v.includes('%')) {
      // path.IsValidPathSegmentName: the value becomes a URL path segment.
      const msg = v === '.' || v === '..' ? `may not be '${v}'` : v.includes('/') ? "may not contain '/'" : "may not contain '%'";
      errs.push(fieldError.invalid(child(path, f), v, msg));
    }
  }
  return errs;
}

/** validateIngressBackend: exactly one of resource and service; a service port by name xor number. */
function validateBackend(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const backend = readObject(raw, path, errs) ?? {};
  if (errs.length > 0) return errs;
  const hasResource = backend.resource !== undefined && backend.resource !== null;
  const hasService = backend.service !== undefined && backend.service !== null;
  if (hasResource && hasService) return [fieldError.invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    const ref = readObject(backend.resource, child(path, 'resource'), errs);
    if (ref) errs.push(...validateResourceRef(ref, child(path, 'resource')));
    return errs;
  }
  if (!hasService) return [fieldError.invalid(path, '', 'resource or service backend is required')];
  const svcPath = child(path, 'service');
  const svc = readObject(backend.service, svcPath, errs);
  if (!svc) return errs;
  const name = readString(svc.name, child(svcPath, 'name'), errs);
  if (name === undefined || name === '') {
    if (name === '' || svc.name === undefined || svc.name === null) errs.push(fieldError.required(child(svcPath, 'name')));
  } else {
    for (const msg of isDNS1035Label(name)) errs.push(fieldError.invalid(child(svcPath, 'name'), name, msg));
  }
  const portPath = child(svcPath, 'port');
  const port = readObject(svc.port, portPath, errs) ?? {};
  const portName = readString(port.name, child(portPath, 'name'), errs) ?? '';
  const hasNumber = port.number !== undefined && port.number !== null && port.number !== 0;
  if (portName !== '' && hasNumber) {
    errs.push(fieldError.invalid(path, '', 'cannot set both port name & port number'));
  } else if (portName !== '') {
    for (const msg of isValidPortName(portName)) errs.push(fieldError.invalid(child(portPath, 'name'), portName, msg));
  } else if (hasNumber) {
    errs.push(...validatePortNumber(port.number, child(portPath, 'number')));
  } else {
    errs.push(fieldError.required(path, 'port name or number is required'));
  }
  return errs;
}

/** validateHTTPIngressPath. */
function validateHTTPPath(p: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const pathType = p.pathType;
  if (pathType === undefined || pathType === null) return [fieldError.required(child(path, 'pathType'), 'pathType must be specified')];
  const pPath = child(path, 'path');
  const value = readString(p.path, pPath, errs) ?? '';
  switch (pathType) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) errs.push(fieldError.invalid(pPath, value, 'must be an absolute path'));
      if (value.length > 0) {
        for (const seq of INVALID_PATH_SEQUENCES) {
          if (value.includes(seq)) errs.push(fieldError.invalid(pPath, value, `must not contain '${seq}'`));
        }
        for (const suffix of INVALID_PATH_SUFFIXES) {
          if (value.endsWith(suffix)) errs.push(fieldError.invalid(pPath, value, `cannot end with '${suffix}'`));
        }
      }
      break;
    case 'ImplementationSpecific':
      if (value.length > 0 && !value.startsWith('/')) errs.push(fieldError.invalid(pPath, value, 'must be an absolute path'));
      break;
    default:
      errs.push(fieldError.notSupported(child(path, 'pathType'), pathType, PATH_TYPES));
  }
  errs.push(...validateBackend(p.backend, child(path, 'backend')));
  return errs;
}

function validateRules(raw: unknown[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const { item: rule, index } of readObjectArray(raw, path, errs)) {
    const rPath = at(path, index);
    const host = readString(rule.host, child(rPath, 'host'), errs);
    if (host) errs.push(...validateHost(host, child(rPath, 'host')));
    const httpPath = child(rPath, 'http');
    const http = readObject(rule.http, httpPath, errs);
    if (!http) continue;
    const pathsPath = child(httpPath, 'paths');
    const paths = readObjectArray(http.paths, pathsPath, errs);
    if (!Array.isArray(http.paths) || http.paths.length === 0) {
      if (http.paths === undefined || http.paths === null || Array.isArray(http.paths)) errs.push(fieldError.required(pathsPath));
    }
    for (const { item, index: i } of paths) errs.push(...validateHTTPPath(item, at(pathsPath, i)));
  }
  return errs;
}

function validateTLS(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const { item: tls, index } of readObjectArray(raw, path, errs)) {
    const tPath = at(path, index);
    const hostsPath = child(tPath, 'hosts');
    const hosts = Array.isArray(tls.hosts) ? tls.hosts : [];
    if (tls.hosts !== undefined && tls.hosts !== null && !Array.isArray(tls.hosts)) {
      errs.push(fieldError.invalid(hostsPath, tls.hosts, 'must be an array'));
    }
    hosts.forEach((h, i) => {
      const host = readString(h, at(hostsPath, i), errs);
      if (host === undefined) return;
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const msg of msgs) errs.push(fieldError.invalid(at(hostsPath, i), host, msg));
    });
    const secret = readString(tls.secretName, child(tPath, 'secretName'), errs);
    if (secret) for (const msg of isDNS1123Subdomain(secret)) errs.push(fieldError.invalid(child(tPath, 'secretName'), secret, msg));
  }
  return errs;
}

/** ValidateIngressSpec, plus (on create only, as upstream) the annotation/className agreement. */
export function validateIngress(obj: Ingress, isCreate = true): FieldError[] {
  const errs: FieldError[] = [];
  const o = obj as unknown as JsonObject;
  const spec = readObject(o.spec, 'spec', errs) ?? {};
  const rules = Array.isArray(spec.rules) ? spec.rules : [];
  const hasDefault = spec.defaultBackend !== undefined && spec.defaultBackend !== null;
  if (spec.rules !== undefined && spec.rules !== null && !Array.isArray(spec.rules)) {
    errs.push(fieldError.invalid('spec.rules', spec.rules, 'must be an array'));
  } else if (rules.length === 0 && !hasDefault) {
    errs.push(fieldError.invalid('spec', spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (hasDefault) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  if (rules.length > 0) errs.push(...validateRules(rules, 'spec.rules'));
  errs.push(...validateTLS(spec.tls, 'spec.tls'));
  const cls = readString(spec.ingressClassName, 'spec.ingressClassName', errs);
  if (cls !== undefined) for (const msg of isDNS1123Subdomain(cls)) errs.push(fieldError.invalid('spec.ingressClassName', cls, msg));
  const annotations = isObject(o.metadata) && isObject(o.metadata.annotations) ? o.metadata.annotations : {};
  const annotation = annotations[INGRESS_CLASS_ANNOTATION];
  if (isCreate && typeof annotation === 'string' && cls !== undefined && annotation !== cls) {
    errs.push(fieldError.invalid(`annotations.${INGRESS_CLASS_ANNOTATION}`, annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

export const ingressStrategy: Strategy<Ingress & KubeObject> = {
  kind: 'Ingress',
  nameValidator: isDNS1123Subdomain,
  applyDefaults() {
    // networking/v1 has no Ingress defaults (v1beta1 defaulted pathType; v1 requires it).
  },
  validateCreate(obj) {
    return validateIngress(obj, true);
  },
  validateUpdate(obj) {
    // Upstream relaxes the secret-name and wildcard-host rules only for objects that already
    // broke them before those checks existed; kubesim never stored such objects.
    return validateIngress(obj, false);
  },
};

/**
 * EndpointSlice admission (discovery.k8s.io/v1): addressType required and immutable, addresses
 * checked against it, ports named uniquely with a known protocol.
 *
 * @see kubernetes/kubernetes pkg/apis/discovery/validation/validation.go
 * @see kubernetes/kubernetes pkg/apis/discovery/v1/defaults.go (SetDefaults_EndpointPort)
 */
import { fieldError, type FieldError } from '../errors.js';
import type { KubeObject, EndpointSlice } from '../types.js';
import { isDNS1123Subdomain } from '../validation/names.js';
import { validateLabels } from '../validation/labels.js';
import { at, child, isObject, readObjectArray, readString, readStringMap, validateImmutable, type JsonObject } from './object-meta.js';
import {
  validateAppProtocol,
  validateDNS1123Label,
  validateIPv4Address,
  validateIPv6Address,
  validateNonSpecialIP,
  validatePortNumber,
  validateProtocol,
} from './endpoints.js';
import type { Strategy } from './types.js';
import { ValidMemo } from '../validation/memo.js';

/** Sorted, as upstream's sets.List prints them. */
const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'] as const;
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;

function validateAddressType(v: unknown): FieldError[] {
  if (v === undefined || v === null || v === '') return [fieldError.required('addressType')];
  if (!(ADDRESS_TYPES as readonly unknown[]).includes(v)) return [fieldError.notSupported('addressType', v, ADDRESS_TYPES)];
  return [];
}

/** validation.IsFullyQualifiedDomainName. */
function validateFQDN(path: string, v: unknown): FieldError[] {
  if (typeof v !== 'string') return [fieldError.invalid(path, v, 'must be a string')];
  const name = v.endsWith('.') ? v.slice(0, -1) : v;
  if (name === '') return [fieldError.required(path)];
  const errs = isDNS1123Subdomain(name).map((msg) => fieldError.invalid(path, v, msg));
  if (!name.includes('.')) errs.push(fieldError.invalid(path, v, 'should be a domain with at least two segments separated by dots'));
  return errs;
}

function validateAddress(addrType: unknown, address: unknown, path: string): FieldError[] {
  // Unknown address types fall through unvalidated; validateAddressType reports them.
  switch (addrType) {
    case 'IPv4': {
      const errs = validateIPv4Address(path, address);
      return errs.length > 0 ? errs : validateNonSpecialIP(address as string, path);
    }
    case 'IPv6': {
      const errs = validateIPv6Address(path, address);
      return errs.length > 0 ? errs : validateNonSpecialIP(address as string, path);
    }
    case 'FQDN':
      return validateFQDN(path, address);
    default:
      return [];
  }
}

/**
 * `stored` is the stored version's endpoints (an update's, with the same address type): they
 * were validated when stored, and the controller's next slice keeps most of them, the very
 * frozen objects, in the same order, give or take the few pods that came or went. They are
 * recognized by identity, walking both lists in step, which is cheaper than asking the memo
 * about each (the memo still catches the rest).
 */
function validateEndpoints(raw: unknown, addrType: unknown, path: string, stored?: unknown): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(raw)) {
    readObjectArray(raw, path, errs);
    return errs;
  }
  // readObjectArray's type checks, in its order, without a wrapper object per endpoint.
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    if (!isObject(item)) errs.push(fieldError.invalid(at(path, i), item, 'must be an object'));
  }
  if (raw.length > MAX_ENDPOINTS) return [fieldError.tooMany(path, raw.length, MAX_ENDPOINTS)];
  const old = Array.isArray(stored) && Object.isFrozen(stored) ? stored : undefined;
  let j = 0;
  for (let index = 0; index < raw.length; index++) {
    const ep: unknown = raw[index];
    if (!isObject(ep)) continue;
    if (old !== undefined) {
      if (ep === old[j]) {
        j += 1;
        continue;
      }
      if (ep === old[j + 1]) {
        j += 2;
        continue;
      }
    }
    if (validEndpoints.passed(ep, addrType)) continue;
    const epErrs = validateEndpoint(ep, addrType, at(path, index));
    if (epErrs.length === 0) validEndpoints.remember(ep, addrType);
    else for (const e of epErrs) errs.push(e);
  }
  return errs;
}

/** The EndpointSlice controller's endpoints are frozen and shared; valid for an address type. */
const validEndpoints = new ValidMemo<unknown>();

function validateEndpoint(ep: JsonObject, addrType: unknown, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const addrPath = child(p, 'addresses');
  const addrs = Array.isArray(ep.addresses) ? ep.addresses : [];
  if (ep.addresses !== undefined && ep.addresses !== null && !Array.isArray(ep.addresses)) {
    errs.push(fieldError.invalid(addrPath, ep.addresses, 'must be an array'));
  } else if (addrs.length === 0) {
    errs.push(fieldError.required(addrPath, 'must contain at least 1 address'));
  } else if (addrs.length > MAX_ADDRESSES) {
    errs.push(fieldError.tooMany(addrPath, addrs.length, MAX_ADDRESSES));
  }
  addrs.forEach((a, i) => errs.push(...validateAddress(addrType, a, at(addrPath, i))));
  const nodeName = readString(ep.nodeName, child(p, 'nodeName'), errs);
  if (nodeName !== undefined) {
    for (const msg of isDNS1123Subdomain(nodeName)) errs.push(fieldError.invalid(child(p, 'nodeName'), nodeName, msg));
  }
  const topoPath = child(p, 'deprecatedTopology');
  const topo = readStringMap(ep.deprecatedTopology, topoPath, errs);
  if (topo) {
    const n = Object.keys(topo).length;
    if (n > MAX_TOPOLOGY_LABELS) errs.push(fieldError.tooMany(topoPath, n, MAX_TOPOLOGY_LABELS));
    errs.push(...validateLabels(topo, topoPath));
  }
  const hostname = readString(ep.hostname, child(p, 'hostname'), errs);
  if (hostname !== undefined) errs.push(...validateDNS1123Label(hostname, child(p, 'hostname')));
  return errs;
}

function validatePorts(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (Array.isArray(raw) && raw.length > MAX_PORTS) return [fieldError.tooMany(path, raw.length, MAX_PORTS)];
  const names = new Set<string>();
  for (const { item: port, index } of readObjectArray(raw, path, errs)) {
    const p = at(path, index);
    const namePath = child(p, 'name');
    if (port.name === undefined || port.name === null) {
      errs.push(fieldError.required(namePath));
    } else {
      const name = readString(port.name, namePath, errs);
      if (name !== undefined) {
        if (name !== '') errs.push(...validateDNS1123Label(name, namePath));
        if (names.has(name)) errs.push(fieldError.duplicate(namePath, name));
        else names.add(name);
      }
    }
    errs.push(...validateProtocol(port.protocol, child(p, 'protocol')));
    // A nil port means "all ports" (upstream leaves it unvalidated); a set one must be a number.
    if (port.port !== undefined && port.port !== null) errs.push(...validatePortNumber(port.port, child(p, 'port')));
    validateAppProtocol(port.appProtocol, child(p, 'appProtocol'), errs);
  }
  return errs;
}

/**
 * ValidateEndpointSlice (create), without the metadata part. `stored`: the stored version of
 * an update, whose endpoints count as valid where the new slice keeps them (same address type).
 */
export function validateEndpointSlice(obj: EndpointSlice, stored?: EndpointSlice): FieldError[] {
  const o = obj as unknown as JsonObject;
  const s = stored as unknown as JsonObject | undefined;
  const storedEndpoints = s !== undefined && s.addressType === o.addressType ? s.endpoints : undefined;
  return [
    ...validateAddressType(o.addressType),
    ...validateEndpoints(o.endpoints, o.addressType, 'endpoints', storedEndpoints),
    ...validatePorts(o.ports, 'ports'),
  ];
}

export const endpointSliceStrategy: Strategy<EndpointSlice & KubeObject> = {
  kind: 'EndpointSlice',
  nameValidator: isDNS1123Subdomain,
  applyDefaults(obj) {
    // SetDefaults_EndpointPort: name "" and protocol TCP.
    const ports = (obj as unknown as JsonObject).ports;
    if (!Array.isArray(ports)) return;
    for (const port of ports) {
      if (!isObject(port)) continue;
      if (port.name === undefined || port.name === null) port.name = '';
      if (port.protocol === undefined || port.protocol === null) port.protocol = 'TCP';
    }
  },
  validateCreate: (obj) => validateEndpointSlice(obj),
  validateUpdate(obj, old) {
    const errs = validateEndpointSlice(obj, old);
    errs.push(
      ...validateImmutable(
        (obj as unknown as JsonObject).addressType,
        (old as unknown as JsonObject).addressType,
        'addressType',
      ),
    );
    return errs;
  },
};

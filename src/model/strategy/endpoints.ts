/**
 * Endpoints admission (core/v1), plus the IP address and port syntax checks that Services,
 * EndpointSlices and Ingresses share with it (apimachinery's IsValidIP, IsValidPortNum,
 * IsValidPortName, core's ValidateNonSpecialIP).
 *
 * @see kubernetes/kubernetes pkg/apis/core/validation/validation.go (ValidateEndpoints,
 *      validateEndpointSubsets, validateEndpointAddress, validateEndpointPort, ValidateNonSpecialIP)
 * @see kubernetes/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_Endpoints)
 * @see kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go
 */
import { fieldError, type FieldError } from '../errors.js';
import type { KubeObject, Endpoints } from '../types.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../validation/names.js';
import { at, child, isObject, readObjectArray, readString, type JsonObject } from './object-meta.js';
import type { Strategy } from './types.js';
import { ValidMemo } from '../validation/memo.js';

/** Sorted, as upstream's sets.List prints them. */
export const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

// ---------------------------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------------------------

/** Dotted quad, leading zeros tolerated (netutils.ParseIPSloppy). Returns the 4 bytes. */
export function parseIPv4(s: string): number[] | undefined {
  // Four groups of 1 to 3 ASCII digits joined by dots, read by hand: every endpoint address
  // of every write comes here (a regular expression and its match array cost more).
  if (s.length < 7 || s.length > 15) return undefined;
  const bytes: number[] = [];
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 0x2e;
    if (c >= 0x30 && c <= 0x39) {
      if (++digits > 3) return undefined;
      value = value * 10 + (c - 0x30);
    } else if (c === 0x2e && digits > 0 && bytes.length < 4) {
      if (value > 255) return undefined;
      bytes.push(value);
      value = 0;
      digits = 0;
    } else {
      return undefined;
    }
  }
  return bytes.length === 4 ? bytes : undefined;
}

/** RFC 4291 text form with `::` and an optional trailing dotted quad. Returns 16 bytes. */
export function parseIPv6(s: string): number[] | undefined {
  if (!s.includes(':')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i === pieces.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  let words: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined;
    words = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    words = head;
  }
  return words.flatMap((w) => [w >> 8, w & 0xff]);
}

export function isIPv6String(s: string): boolean {
  return parseIPv6(s) !== undefined;
}

const IP_EXAMPLE = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** validation.IsValidIP. */
export function validateIP(path: string, value: unknown): FieldError[] {
  if (typeof value === 'string' && (parseIPv4(value) || parseIPv6(value))) return [];
  return [fieldError.invalid(path, value, IP_EXAMPLE)];
}

export function validateIPv4Address(path: string, value: unknown): FieldError[] {
  if (typeof value === 'string' && parseIPv4(value)) return [];
  return [fieldError.invalid(path, value, 'must be a valid IPv4 address')];
}

export function validateIPv6Address(path: string, value: unknown): FieldError[] {
  if (typeof value === 'string' && parseIPv6(value)) return [];
  return [fieldError.invalid(path, value, 'must be a valid IPv6 address')];
}

/** 16-byte form (IPv4 as ::ffff:a.b.c.d), as Go's net.IP holds it. */
function ip16(s: string): number[] | undefined {
  const v4 = parseIPv4(s);
  if (v4) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4];
  return parseIPv6(s);
}

/**
 * ValidateNonSpecialIP: endpoints may not point at unspecified, loopback or link-local
 * addresses (that would let a Service reach the node itself).
 */
export function validateNonSpecialIP(value: string, path: string): FieldError[] {
  const v4 = parseIPv4(value);
  // A dotted quad outside the special ranges (nearly every endpoint): no 16-byte form needed.
  if (v4 !== undefined && v4[0] !== 0 && v4[0] !== 127 && v4[0] !== 169 && v4[0] !== 224) return [];
  const b = ip16(value);
  if (!b) return [fieldError.invalid(path, value, 'must be a valid IP address')];
  const isV4 = b.slice(0, 12).every((x, i) => (i < 10 ? x === 0 : x === 0xff));
  const errs: FieldError[] = [];
  const allZero = isV4 ? b.slice(12).every((x) => x === 0) : b.every((x) => x === 0);
  if (allZero) errs.push(fieldError.invalid(path, value, 'may not be unspecified (0.0.0.0, ::)'));
  const loopback = isV4 ? b[12] === 127 : b.slice(0, 15).every((x) => x === 0) && b[15] === 1;
  if (loopback) errs.push(fieldError.invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  const linkLocal = isV4 ? b[12] === 169 && b[13] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
  if (linkLocal) {
    errs.push(fieldError.invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  }
  const llMulticast = isV4 ? b[12] === 224 && b[13] === 0 && b[14] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02;
  if (llMulticast) {
    errs.push(
      fieldError.invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'),
    );
  }
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Ports and names
// ---------------------------------------------------------------------------------------------

/** validation.IsValidPortNum. */
export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** A port number field: must be an integer in 1..65535. */
export function validatePortNumber(v: unknown, path: string): FieldError[] {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    return [fieldError.invalid(path, v ?? 0, 'must be between 1 and 65535, inclusive')];
  }
  return isValidPortNum(v).map((msg) => fieldError.invalid(path, v, msg));
}

// Shared with pods (container ports, probes) so the messages cannot drift apart.
export { isValidPortName, validatePortNumOrName } from './pod.js';

/** ValidateDNS1123Label as a FieldError list. */
export function validateDNS1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((msg) => fieldError.invalid(path, value, msg));
}

/** Protocol: required, one of SCTP/TCP/UDP. */
export function validateProtocol(v: unknown, path: string): FieldError[] {
  if (v === undefined || v === null || v === '') return [fieldError.required(path)];
  return (SUPPORTED_PORT_PROTOCOLS as readonly unknown[]).includes(v)
    ? []
    : [fieldError.notSupported(path, v, SUPPORTED_PORT_PROTOCOLS)];
}

/** appProtocol: optional qualified name. */
export function validateAppProtocol(v: unknown, path: string, errs: FieldError[]): void {
  const s = readString(v, path, errs);
  if (s !== undefined) for (const msg of isQualifiedName(s)) errs.push(fieldError.invalid(path, s, msg));
}

// ---------------------------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------------------------

/** The endpoints controller's address objects are frozen and shared by every version it writes. */
const validAddresses = new ValidMemo();

function checkEndpointAddress(addr: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const ipPath = child(path, 'ip');
  const ipErrs = validateIP(ipPath, addr.ip ?? '');
  errs.push(...ipErrs);
  const hostname = readString(addr.hostname, child(path, 'hostname'), errs);
  if (hostname) errs.push(...validateDNS1123Label(hostname, child(path, 'hostname')));
  const nodeName = readString(addr.nodeName, child(path, 'nodeName'), errs);
  if (nodeName !== undefined) {
    for (const msg of isDNS1123Subdomain(nodeName)) errs.push(fieldError.invalid(child(path, 'nodeName'), nodeName, msg));
  }
  if (ipErrs.length === 0) errs.push(...validateNonSpecialIP(addr.ip as string, ipPath));
  return errs;
}

function validateEndpointPort(port: JsonObject, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const namePath = child(path, 'name');
  const name = readString(port.name, namePath, errs) ?? '';
  if (requireName && name === '') errs.push(fieldError.required(namePath));
  else if (name !== '') errs.push(...validateDNS1123Label(name, namePath));
  errs.push(...validatePortNumber(port.port, child(path, 'port')));
  errs.push(...validateProtocol(port.protocol, child(path, 'protocol')));
  validateAppProtocol(port.appProtocol, child(path, 'appProtocol'), errs);
  return errs;
}

/**
 * An address list of a subset, read (type errors go to `errs`), or `passed` for a frozen list
 * that already passed: the endpoints controller shares one frozen list between every Service
 * selecting the same pods, so such a list is not walked again.
 */
interface AddressList {
  readonly raw: unknown;
  readonly path: string;
  /** The list's items, objects or not (the others were reported as read), or 'passed'. */
  readonly items: readonly unknown[] | 'passed';
  /** How many of the items are objects. */
  readonly objects: number;
  readonly typeErrors: number;
}

const NO_ITEMS: readonly unknown[] = [];

function readAddressList(raw: unknown, path: string, errs: FieldError[]): AddressList {
  if (validAddressLists.passed(raw, true)) return { raw, path, items: 'passed', objects: (raw as unknown[]).length, typeErrors: 0 };
  if (!Array.isArray(raw)) {
    // Absent, or not a list: readObjectArray says which.
    const before = errs.length;
    readObjectArray(raw, path, errs);
    return { raw, path, items: NO_ITEMS, objects: 0, typeErrors: errs.length - before };
  }
  // readObjectArray's checks, in its order, without a wrapper object per address.
  let typeErrors = 0;
  for (let i = 0; i < raw.length; i++) {
    const item: unknown = raw[i];
    if (!isObject(item)) {
      errs.push(fieldError.invalid(at(path, i), item, 'must be an object'));
      typeErrors += 1;
    }
  }
  return { raw, path, items: raw, objects: raw.length - typeErrors, typeErrors };
}

function addressCount(list: AddressList): number {
  return list.objects;
}

/**
 * Each address of a list that has not passed before; remembers the list when all is well.
 * `stored` is the list at the same place in the stored version (an update's): its addresses
 * were validated when it was stored, and the controller's next list keeps most of them, the
 * very frozen objects, in the same order, give or take the few pods that came or went. They
 * are recognized by identity, walking both lists in step, which is cheaper than asking the
 * memo about each (the memo still catches the rest).
 */
function validateAddressList(list: AddressList, errs: FieldError[], stored?: unknown): void {
  const items = list.items;
  if (items === 'passed') return;
  const before = errs.length;
  const old = Array.isArray(stored) && Object.isFrozen(stored) ? stored : undefined;
  let j = 0;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (!isObject(item)) continue;
    if (old !== undefined) {
      if (item === old[j]) {
        j += 1;
        continue;
      }
      if (item === old[j + 1]) {
        j += 2;
        continue;
      }
    }
    if (validAddresses.passed(item, true)) continue;
    const itemErrs = checkEndpointAddress(item, at(list.path, index));
    if (itemErrs.length === 0) validAddresses.remember(item, true);
    else for (const e of itemErrs) errs.push(e);
  }
  if (errs.length === before && list.typeErrors === 0) validAddressLists.remember(list.raw, true);
}

const validAddressLists = new ValidMemo();

/** validateEndpointSubsets. */
export function validateEndpointSubsets(raw: unknown, path = 'subsets', stored?: unknown): FieldError[] {
  const errs: FieldError[] = [];
  // The stored version's subsets (an update's), frozen: see validateAddressList.
  const oldSubsets = Array.isArray(stored) && Object.isFrozen(stored) ? stored : undefined;
  for (const { item: ss, index } of readObjectArray(raw, path, errs)) {
    const oldSs: unknown = oldSubsets?.[index];
    const oldAddrs = isObject(oldSs) ? oldSs.addresses : undefined;
    const oldNotReady = isObject(oldSs) ? oldSs.notReadyAddresses : undefined;
    const p = at(path, index);
    const addrs = readAddressList(ss.addresses, child(p, 'addresses'), errs);
    const notReady = readAddressList(ss.notReadyAddresses, child(p, 'notReadyAddresses'), errs);
    if (addressCount(addrs) === 0 && addressCount(notReady) === 0) {
      errs.push(fieldError.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    validateAddressList(addrs, errs, oldAddrs);
    validateAddressList(notReady, errs, oldNotReady);
    const ports = readObjectArray(ss.ports, child(p, 'ports'), errs);
    for (const { item, index: i } of ports) {
      errs.push(...validateEndpointPort(item, ports.length > 1, at(child(p, 'ports'), i)));
    }
  }
  return errs;
}

/** SetDefaults_Endpoints: port protocol TCP. */
export function defaultEndpoints(obj: Endpoints): void {
  const subsets = (obj as unknown as JsonObject).subsets;
  if (!Array.isArray(subsets)) return;
  for (const ss of subsets) {
    if (!isObject(ss) || !Array.isArray(ss.ports)) continue;
    for (const port of ss.ports) {
      if (isObject(port) && (port.protocol === undefined || port.protocol === null || port.protocol === '')) {
        port.protocol = 'TCP';
      }
    }
  }
}

export const endpointsStrategy: Strategy<Endpoints & KubeObject> = {
  kind: 'Endpoints',
  nameValidator: isDNS1123Subdomain,
  applyDefaults: defaultEndpoints,
  validateCreate(obj) {
    return validateEndpointSubsets((obj as unknown as JsonObject).subsets);
  },
  validateUpdate(obj, old) {
    return validateEndpointSubsets((obj as unknown as JsonObject).subsets, 'subsets', (old as unknown as JsonObject).subsets);
  },
};

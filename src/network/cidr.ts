/**
 * IPv4 addresses and CIDR blocks as unsigned 32-bit integers: parsing, formatting, containment
 * and the n-th subnet of a block. Integer math only (no shifts by 32, which JavaScript wraps):
 * a /prefix block holds 2^(32 - prefix) addresses.
 *
 * kubesim's clusters are single-stack IPv4; IPv6 text is rejected here.
 *
 * @see k8s.io/utils/net (ParseCIDRSloppy, RangeSize, AddIPOffset, GetIndexedIP)
 */

/** 2^32: the size of the IPv4 address space. */
const SPACE = 0x1_0000_0000;

export interface IPv4CIDR {
  /** The network address (host bits zero), as an unsigned integer. */
  readonly base: number;
  readonly prefix: number;
  /** Addresses in the block: 2^(32 - prefix). */
  readonly size: number;
}

/** `10.96.0.10` → 174063626; undefined for anything but four decimal octets 0..255. */
export function parseIPv4(s: string): number | undefined {
  const m = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(s);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

/** 174063626 → `10.96.0.10`. */
export function formatIPv4(n: number): string {
  const v = Math.trunc(n) % SPACE;
  return `${Math.trunc(v / 0x100_0000) % 256}.${Math.trunc(v / 0x1_0000) % 256}.${Math.trunc(v / 0x100) % 256}.${v % 256}`;
}

/**
 * `10.96.0.0/12` → { base, prefix: 12, size: 1048576 }. Host bits must be zero (a block written
 * as `10.96.0.5/12` is almost always a typo, and option validation says so).
 */
export function parseCIDR(s: string): IPv4CIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const base = parseIPv4(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  if (base === undefined || !/^[0-9]{1,2}$/.test(bits)) return undefined;
  const prefix = Number(bits);
  if (prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return undefined;
  return { base, prefix, size };
}

export function formatCIDR(c: IPv4CIDR): string {
  return `${formatIPv4(c.base)}/${c.prefix}`;
}

export function cidrContains(c: IPv4CIDR, ip: number): boolean {
  return ip >= c.base && ip < c.base + c.size;
}

/**
 * The `index`-th block of length `prefix` inside `c`. Example: subnet(10.244.0.0/16, 24, 3) =
 * 10.244.3.0/24 (base + 3 × 256). Undefined past the end.
 */
export function subnet(c: IPv4CIDR, prefix: number, index: number): IPv4CIDR | undefined {
  if (prefix < c.prefix || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (index < 0 || index >= c.size / size) return undefined;
  return { base: c.base + index * size, prefix, size };
}

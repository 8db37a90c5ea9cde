/**
 * The pod-template-hash: the suffix of a Deployment's ReplicaSet names (`web-7d4b9c6f5`) and the
 * `pod-template-hash` label that keeps the selectors of a Deployment's ReplicaSets disjoint.
 *
 * Upstream ComputeHash feeds the template to FNV-32a through DeepHashObject (a go-spew dump of
 * the Go struct), appends the collisionCount as 8 little-endian bytes (uint32 then 4 zero bytes),
 * prints the 32-bit sum in decimal and maps each digit through rand.SafeEncodeString's alphabet.
 * We cannot reproduce go-spew's printing of Go structs, so we hash a canonical JSON of the
 * template instead (object keys sorted, absent fields omitted). Consequences: the same template
 * always gives the same hash in kubesim, and the hash has upstream's shape (the alphabet and 8-10
 * characters), but the value differs from what a real cluster computes for the same template.
 *
 * @see kubernetes/kubernetes pkg/controller/controller_utils.go (ComputeHash)
 * @see kubernetes/kubernetes pkg/util/hash/hash.go (DeepHashObject)
 * @see kubernetes/apimachinery pkg/util/rand/rand.go (SafeEncodeString)
 */
import type { PodTemplateSpec } from '../../model/types.js';

/** apps.DefaultDeploymentUniqueLabelKey. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** rand's alphanums: no vowels (no accidental words) and no 0/1/3 (look like letters). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * SafeEncodeString: each byte maps to ALPHANUMS[byte % 27]. For decimal digits:
 * '0'→'4' '1'→'5' '2'→'6' '3'→'7' '4'→'8' '5'→'9' '6'→'b' '7'→'c' '8'→'d' '9'→'f'.
 */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-32a over bytes, continuing from `h`. */
export function fnv32a(bytes: Uint8Array, h = FNV32_OFFSET): number {
  for (const b of bytes) h = Math.imul(h ^ b, FNV32_PRIME) >>> 0;
  return h >>> 0;
}

/** JSON with object keys sorted at every level, so equal templates give equal bytes. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const obj = v as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJson(obj[key])}`);
  }
  return `{${parts.join(',')}}`;
}

const utf8 = new TextEncoder();

/** ComputeHash(template, collisionCount), see the module comment for how it differs. */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(utf8.encode(canonicalJson(template ?? {})));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

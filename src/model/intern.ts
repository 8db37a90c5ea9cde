/**
 * Hash-consing of the small parts of objects as they are stored: a write deep-freezes its new
 * object, and here each small subtree (a pod condition, a toleration, an owner reference, an
 * Event's involvedObject, a labels map, a container spec) that equals one stored recently is
 * replaced by that frozen twin. 150,000 pods of a few Deployments carry a few hundred distinct
 * such parts, not millions (on the envelope at 1/20 this cut the retained heap by ~13%). No
 * object a user reads changes: same JSON, same key order; only identity is shared, and stored
 * values are frozen, so nobody can tell twins apart by mutating one.
 *
 * Subtrees are hashed (FNV-1a over their content) and compared structurally on a hash hit, in
 * key order, so a twin serializes to the very same bytes. The table is bounded and
 * generational (two maps, the older dropped when the younger fills), so values that never
 * repeat (a pod's IP) cost a little time, not memory; it is per process, shared by clusters,
 * which is harmless for frozen, equal values. Only subtrees built by this write are looked
 * at: frozen ones (the shared spec of a status update, kubesim's shareable values) are stored
 * already and skipped, as deepFreeze does, so the cost follows what the write changed.
 */

/** Largest subtree (in hashed characters, ≈ its JSON size) worth a lookup; larger ones rarely repeat. */
const MAX_SIZE = 320;
/** Entries per generation. */
const GENERATION = 8192;

/** hash → the frozen value (or the values, on a collision) interned under it. */
type Table = Map<number, object | object[]>;
let young: Table = new Map();
let old: Table = new Map();
let youngSize = 0;

// What `walk` leaves for its caller about the value it returned: a hash of its content and
// how many characters went into it; size -1 when the value cannot be interned.
let hashOut = 0;
let sizeOut = 0;

/** FNV-1a step over a string's UTF-16 units (content, not identity: equal strings, equal hash). */
function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function mix(h: number, n: number): number {
  return Math.imul(h ^ n, 0x01000193);
}

/**
 * Equality as JSON text would see it, plus key order and -0 (so a twin serializes to the very
 * same bytes). Children of both sides are already interned where they could be, so identity
 * settles most of it.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return typeof a !== 'number' || Object.is(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    if (!sameJson((a as Record<string, unknown>)[ka[i]!], (b as Record<string, unknown>)[kb[i]!])) return false;
  }
  return true;
}

/** The value interned under `hash` that equals `value`, if any. */
function findIn(t: Table, hash: number, value: object): object | undefined {
  const e = t.get(hash);
  if (e === undefined) return undefined;
  // Interned values are frozen; a collision list is the one mutable array in a table.
  if (Array.isArray(e) && !Object.isFrozen(e)) {
    for (const c of e as object[]) if (sameJson(c, value)) return c;
    return undefined;
  }
  return sameJson(e, value) ? e : undefined;
}

function add(t: Table, hash: number, value: object): void {
  const e = t.get(hash);
  if (e === undefined) t.set(hash, value);
  else if (Array.isArray(e) && !Object.isFrozen(e)) (e as object[]).push(value);
  else t.set(hash, [e, value]);
  youngSize++;
}

function intern(hash: number, value: object): object {
  const hit = findIn(young, hash, value);
  if (hit !== undefined) return hit;
  const older = findIn(old, hash, value);
  add(young, hash, older ?? value);
  if (youngSize >= GENERATION) {
    old = young;
    young = new Map();
    youngSize = 0;
  }
  return older ?? value;
}

/**
 * Freezes `v` (and everything under it not frozen yet) and returns it or its interned twin;
 * sets hashOut/sizeOut. Type tags and key lengths go into the hash, so different JSON rarely
 * collides, and sameJson decides anyway.
 */
function walk(v: unknown, internThis: boolean, needHash: boolean): unknown {
  if (v === null) {
    hashOut = 0x6e;
    sizeOut = 1;
    return v;
  }
  switch (typeof v) {
    case 'string':
      // A string only counts towards its parent's hash; a parent past MAX_SIZE needs none.
      if (!needHash || v.length > MAX_SIZE) {
        sizeOut = -1;
        return v;
      }
      hashOut = mixString(mix(0x73, v.length), v);
      sizeOut = v.length + 1;
      return v;
    case 'number':
      hashOut = mixString(0x64, Object.is(v, -0) ? '-0' : String(v));
      sizeOut = 4;
      return v;
    case 'boolean':
      hashOut = v ? 0x74 : 0x66;
      sizeOut = 1;
      return v;
    case 'object':
      break;
    default:
      // undefined fields (dropped by JSON) and anything else: never shared.
      sizeOut = -1;
      return v;
  }
  if (Object.isFrozen(v)) {
    sizeOut = -1;
    return v;
  }
  let h: number;
  // -1 once this value cannot be interned (too large, or a part that cannot): from then on
  // its primitive parts are not hashed.
  let size = needHash || internThis ? 2 : -1;
  if (Array.isArray(v)) {
    h = 0x5b;
    for (let i = 0; i < v.length; i++) {
      const child = v[i];
      const c = walk(child, true, size >= 0);
      if (c !== child) v[i] = c;
      h = mix(h, hashOut);
      size = size < 0 || sizeOut < 0 || size + sizeOut > MAX_SIZE ? -1 : size + sizeOut;
    }
  } else {
    h = 0x7b;
    const o = v as Record<string, unknown>;
    for (const k in o) {
      if (!Object.hasOwn(o, k)) continue;
      const child = o[k];
      const c = walk(child, true, size >= 0);
      if (c !== child) o[k] = c;
      if (size >= 0) h = mix(mixString(mix(h, k.length), k), hashOut);
      size = size < 0 || sizeOut < 0 || size + sizeOut + k.length > MAX_SIZE ? -1 : size + sizeOut + k.length;
    }
  }
  Object.freeze(v);
  hashOut = h;
  sizeOut = size;
  return size < 0 || !internThis ? v : intern(h, v);
}

/**
 * deepFreeze for an object about to be stored, sharing its small parts with equal ones stored
 * before (see above). The object itself and its metadata (uid, resourceVersion: never equal to
 * another's) are frozen in place, not looked up.
 */
export function freezeInterned<T extends object>(obj: T): T {
  if (Object.isFrozen(obj)) return obj;
  const o = obj as Record<string, unknown>;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    const child = o[k];
    const c = walk(child, k !== 'metadata', false);
    if (c !== child) o[k] = c;
  }
  return Object.freeze(obj);
}

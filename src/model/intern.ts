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
 *
 * InternCache does the same for one field of new objects before they are validated (a pod's
 * whole spec, an object's labels), comparing a new value first with the few it returned last.
 */
import { compactFields, compacts, hasOwn } from './json.js';

/** Largest subtree (in hashed characters, ≈ its JSON size) worth a lookup; larger ones rarely repeat. */
const MAX_SIZE = 320;
/** Entries per generation. */
const GENERATION = 8192;
/**
 * The size limit of the walk under way: MAX_SIZE, or the larger one `internValue` was asked for
 * (a pod's whole spec, which its ReplicaSet's other pods repeat). The hash of a subtree does not
 * depend on it, only whether the subtree is looked up, so values interned under either limit
 * find each other.
 */
let limit = MAX_SIZE;

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
  // a's keys go to a reused stack (as trace-content's objectDelta does), then b's are checked
  // against them in order: no key arrays per comparison (Object.keys here was ~1% of what a
  // day's run allocates). A nested comparison pushes above `base` and leaves it as it found it.
  const base = sameKeysTop;
  let top = base;
  for (const k in a) if (hasOwn.call(a, k)) sameKeys[top++] = k;
  sameKeysTop = top;
  let i = base;
  let same = true;
  for (const k in b) {
    if (!hasOwn.call(b, k)) continue;
    if (i >= top || sameKeys[i] !== k || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) {
      same = false;
      break;
    }
    i++;
  }
  sameKeysTop = base;
  return same && i === top;
}

/** The key stack of sameJson's comparisons in progress; `sameKeysTop` is its top. */
const sameKeys: string[] = [];
let sameKeysTop = 0;

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

/** The interned twin of `value` (frozen or not), if any; one found in the old generation moves to the young. */
function twinOf(hash: number, value: object): object | undefined {
  const hit = findIn(young, hash, value);
  if (hit !== undefined) return hit;
  const older = findIn(old, hash, value);
  if (older !== undefined) remember(hash, older);
  return older;
}

/** Adds a frozen value to the young generation, which becomes the old one once full. */
function remember(hash: number, value: object): void {
  add(young, hash, value);
  if (youngSize >= GENERATION) {
    old = young;
    young = new Map();
    youngSize = 0;
  }
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
      if (!needHash || v.length > limit) {
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
  // Own fields of an object; -1 for an array.
  let n = -1;
  if (Array.isArray(v)) {
    h = 0x5b;
    for (let i = 0; i < v.length; i++) {
      const child = v[i];
      const c = walk(child, true, size >= 0);
      if (c !== child) v[i] = c;
      h = mix(h, hashOut);
      size = size < 0 || sizeOut < 0 || size + sizeOut > limit ? -1 : size + sizeOut;
    }
  } else {
    h = 0x7b;
    const o = v as Record<string, unknown>;
    n = 0;
    for (const k in o) {
      if (!hasOwn.call(o, k)) continue;
      n++;
      const child = o[k];
      const c = walk(child, true, size >= 0);
      if (c !== child) o[k] = c;
      if (size >= 0) h = mix(mixString(mix(h, k.length), k), hashOut);
      size = size < 0 || sizeOut < 0 || size + sizeOut + k.length > limit ? -1 : size + sizeOut + k.length;
    }
  }
  hashOut = h;
  sizeOut = size;
  const lookUp = size >= 0 && internThis;
  // A twin stored before is the answer: looked up before copying, so that only a value kept
  // (the first of its kind) pays for compactFields' copy.
  const twin = lookUp ? twinOf(h, v) : undefined;
  if (twin !== undefined) {
    // Frozen as it was when the copy came first (a compacted object's original never was).
    if (n < 0 || !compacts(v, n)) Object.freeze(v);
    return twin;
  }
  // What is stored is kept long: all its fields in-object (see compactFields).
  const out = n < 0 ? v : compactFields(v, n);
  Object.freeze(out);
  if (lookUp) remember(h, out);
  return out;
}

/**
 * deepFreeze for an object about to be stored, sharing its small parts with equal ones stored
 * before (see above). The object itself and its metadata (uid, resourceVersion: never equal to
 * another's) are frozen in place, not looked up.
 */
export function freezeInterned<T extends object>(obj: T): T {
  if (Object.isFrozen(obj)) return obj;
  return Object.freeze(compactFields(obj, internFields(obj as Record<string, unknown>)));
}

/**
 * freezeInterned for an object its caller built compact already (json.ts copyCompact): its
 * fields are walked the same way, and it is frozen in place rather than copied again. A
 * `metadata` the caller froze itself is skipped, as any frozen part is.
 */
export function freezeInternedCompact<T extends object>(obj: T): T {
  if (Object.isFrozen(obj)) return obj;
  internFields(obj as Record<string, unknown>);
  return Object.freeze(obj);
}

/** Interns `o`'s fields in place (metadata frozen, not looked up); returns how many it has. */
function internFields(o: Record<string, unknown>): number {
  let n = 0;
  for (const k in o) {
    if (!hasOwn.call(o, k)) continue;
    n++;
    const child = o[k];
    const c = walk(child, k !== 'metadata', false);
    if (c !== child) o[k] = c;
  }
  return n;
}

/**
 * Interning for one field of new objects (a pod's spec, an object's labels), for the write path
 * to use on the parts that nothing changes after validation: a part equal to one validated
 * before is then that very frozen value, which the validators' memos (validation/memo.ts)
 * recognize. Such a field usually repeats the value it had a moment ago (the pods of one
 * ReplicaSet come in a burst), so a new value is first compared with the few this cache
 * returned last, which needs neither hashing nor freezing; otherwise it is frozen and interned
 * as freezeInterned does, with subtrees of up to `maxSize` hashed characters looked up (a pod
 * spec is larger than the usual limit, and its ReplicaSet's other pods repeat it).
 */
export class InternCache {
  /** The values returned last, each with its flattened form (see `flatten`), newest last. */
  private readonly recent: { value: object; tokens: unknown[] }[] = [];

  constructor(
    private readonly maxSize = MAX_SIZE,
    private readonly size = 4,
  ) {}

  /** `value` frozen, or an equal frozen value stored before. */
  intern<T>(value: T): T {
    if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
    const recent = this.recent;
    for (let i = recent.length - 1; i >= 0; i--) {
      const r = recent[i]!;
      if (matches(value, r.tokens, 0) === r.tokens.length) {
        // Most recently used last, so the next lookup tries it first.
        if (i !== recent.length - 1) recent.push(recent.splice(i, 1)[0]!);
        return r.value as T;
      }
    }
    const saved = limit;
    limit = Math.max(this.maxSize, MAX_SIZE);
    let out: unknown;
    try {
      out = walk(value, true, false);
    } finally {
      limit = saved;
    }
    // Only a value interned whole is kept: one too large to be holds parts that never repeat.
    if (sizeOut >= 0) {
      const tokens: unknown[] = [];
      flatten(out, tokens);
      if (recent.length >= this.size) recent.shift();
      recent.push({ value: out as object, tokens });
    }
    return out as T;
  }
}

// Markers in a flattened value: distinct from every JSON value and key.
const OBJECT = Object.freeze({});
const ARRAY = Object.freeze({});
const END = Object.freeze({});

/**
 * A JSON value as a flat list, depth first: a scalar as itself; an object as OBJECT, each own key
 * followed by its value, END; an array as ARRAY, its length, its items. Two values with the same
 * list are equal as sameJson sees them (key order included).
 */
function flatten(v: unknown, out: unknown[]): void {
  if (v === null || typeof v !== 'object') {
    out.push(v);
  } else if (Array.isArray(v)) {
    out.push(ARRAY, v.length);
    for (let i = 0; i < v.length; i++) flatten(v[i], out);
  } else {
    out.push(OBJECT);
    for (const k in v) {
      if (!hasOwn.call(v, k)) continue;
      out.push(k);
      flatten((v as Record<string, unknown>)[k], out);
    }
    out.push(END);
  }
}

/**
 * Compares `v` with a flattened value from position `i`: the position after it when they are
 * equal, else -1. Walks `v` without allocating (the point of flattening the other side).
 */
function matches(v: unknown, tokens: readonly unknown[], i: number): number {
  if (i >= tokens.length) return -1;
  const t = tokens[i];
  if (v === null || typeof v !== 'object') {
    // Object.is keeps 0 and -0 apart (they serialize differently); NaN never reaches here.
    return (typeof v === 'number' ? Object.is(v, t) : v === t) ? i + 1 : -1;
  }
  if (Array.isArray(v)) {
    if (t !== ARRAY || tokens[i + 1] !== v.length) return -1;
    let at = i + 2;
    for (let k = 0; k < v.length && at >= 0; k++) at = matches(v[k], tokens, at);
    return at;
  }
  if (t !== OBJECT) return -1;
  let at = i + 1;
  for (const k in v) {
    if (!hasOwn.call(v, k)) continue;
    if (tokens[at] !== k) return -1;
    at = matches((v as Record<string, unknown>)[k], tokens, at + 1);
    if (at < 0) return -1;
  }
  return tokens[at] === END ? at + 1 : -1;
}

/**
 * Plain-JSON helpers for untrusted input and stored objects: a defensive deep copy that accepts
 * only JSON values (no prototype tricks, no functions, no cycles, bounded depth), deep freeze,
 * and structural equality.
 */
import { BadRequestError } from './errors.js';

/**
 * Object.prototype.hasOwnProperty, called as `hasOwn.call(o, key)` in the for-in loops below:
 * the same answer as Object.hasOwn, which Node 20's optimizing compiler leaves a builtin call per
 * key where it reduces this one to a map check (up to 6x the loop's cost on one shape; ~7% of a
 * pod status write, whose walks meet many shapes). Shared by the write path's modules.
 */
export const hasOwn = Object.prototype.hasOwnProperty;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 100;

/** Keys that would reach Object.prototype through assignment; never valid in Kubernetes JSON. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

function describePath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '<root>' : out;
}

/**
 * Copies `input` as plain JSON data. Throws BadRequestError naming the field for anything that is
 * not JSON: functions, symbols, bigints, NaN/Infinity, class instances (Date, Map, ...), cycles,
 * `__proto__` keys and nesting deeper than 100 levels.
 */
export function cloneJson(input: unknown, what: string | (() => string) = 'object'): JsonValue {
  // The fast walk copies valid input without the bookkeeping an error message needs (the path,
  // the set of objects on the stack); only input it rejects is walked again, carefully, to say
  // what and where. A cycle shows up in the fast walk as nesting past MAX_DEPTH. (`what` may be
  // a function so that a caller cloning many objects words their names only for a bad one.)
  const copy = fastClone(input, 0);
  if (copy !== INVALID) return copy;
  return carefulClone(input, typeof what === 'string' ? what : what());
}

/**
 * Values kubesim's own code built as plain JSON and deep-froze (shareableJson): cloneJson hands
 * them through as they are. A built-in controller's per-pod endpoint, written into twenty
 * Services' Endpoints, is then one object in the store rather than twenty copies. Nothing a user
 * passes can be in here: the function is not exported from the package.
 */
const SHAREABLE = new WeakSet<object>();

/** Deep-freezes `v` (plain JSON built by kubesim itself) and lets cloneJson share it uncopied. */
export function shareableJson<T extends object>(v: T): T {
  deepFreeze(v);
  SHAREABLE.add(v);
  return v;
}

/**
 * cloneJson for a write whose input was built from `stored` (the stored, deep-frozen version
 * of the same object): a part of `input` equal to the value at the same place in `stored`
 * (same keys in the same order, same values) is that stored value in the result rather than a
 * copy — stored JSON is valid and immutable, and the store's freeze and intern steps skip it.
 * Controllers usually rebuild a status from scratch, so most of it equals what is stored. The
 * object and its top-level fields (metadata, spec, status) are always fresh copies, since the
 * write path assigns into those; deeper parts it only writes to where a field is missing, and
 * a stored part lacks none. Rejects and reports exactly what cloneJson does.
 */
export function cloneJsonSharing(input: unknown, stored: unknown, what: string | (() => string) = 'object'): JsonValue {
  const copy = fastCloneSharing(input, 0, stored);
  if (copy !== INVALID) return copy;
  return carefulClone(input, typeof what === 'string' ? what : what());
}

/** Depth from which a part equal to the stored one is shared: below the top-level fields. */
const SHARE_FROM_DEPTH = 2;

/**
 * The keys of the objects being compared with their stored twins, innermost last: an object
 * shares its stored twin only with the same keys in the same order, and collecting them here
 * rather than in an array per object keeps the walk allocation-free where it shares.
 */
const keyStack: string[] = [];

/**
 * fastClone, walking `base` (the value at the same place in the stored object) alongside. Where
 * the value may be shared, nothing is allocated until a child differs from base's: the children
 * before it are base's own.
 */
function fastCloneSharing(v: unknown, depth: number, base: unknown): JsonValue | typeof INVALID {
  if (v === null || typeof v !== 'object' || base === null || typeof base !== 'object') return fastClone(v, depth);
  // Whether v may become base: only below the top-level fields, and only a frozen (stored) base,
  // which is checked once v has proven equal.
  const share = depth >= SHARE_FROM_DEPTH;
  if (share && Object.isFrozen(v) && (v === base || SHAREABLE.has(v))) return v as JsonValue;
  if (depth > MAX_DEPTH) return INVALID;
  if (Array.isArray(v)) {
    if (!Array.isArray(base)) return fastClone(v, depth);
    let arr: JsonValue[] | undefined = share && v.length === base.length ? undefined : new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const c = fastCloneSharing(v[i], depth + 1, base[i]);
      if (c === INVALID) return INVALID;
      if (arr === undefined) {
        if (Object.is(c, base[i])) continue;
        arr = new Array(v.length);
        for (let j = 0; j < i; j++) arr[j] = base[j];
      }
      arr[i] = c;
    }
    if (arr !== undefined) return arr;
    return Object.isFrozen(base) ? (base as JsonValue[]) : base.slice();
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return INVALID;
  if (Array.isArray(base)) return fastClone(v, depth);
  const b = base as Record<string, JsonValue>;
  const start = keyStack.length;
  let obj: { [key: string]: JsonValue } | undefined = share ? undefined : {};
  for (const key in v) {
    if (!hasOwn.call(v, key)) continue;
    if (key === '__proto__') return dropKeys(start, INVALID);
    const child = (v as Record<string, unknown>)[key];
    if (child === undefined) continue;
    // One lookup in base per key; an inherited value (Object.prototype's) is never JSON data.
    const was = b[key];
    let c: JsonValue | typeof INVALID;
    if (child === null || typeof child === 'string' || typeof child === 'boolean') c = child;
    else if (typeof child === 'object') c = fastCloneSharing(child, depth + 1, was !== null && typeof was === 'object' && hasOwn.call(b, key) ? was : undefined);
    else c = fastClone(child, depth + 1);
    if (c === INVALID) return dropKeys(start, INVALID);
    if (obj === undefined) {
      if (Object.is(c, was)) {
        keyStack.push(key);
        continue;
      }
      obj = takeKeys(b, start);
    }
    obj[key] = c;
  }
  if (obj !== undefined) return obj;
  // Every value equal to base's: base itself if it has these keys, in this order, and no more.
  if (!Object.isFrozen(b)) return takeKeys(b, start);
  let i = start;
  for (const key in b) {
    if (keyStack[i] !== key) return takeKeys(b, start);
    i += 1;
  }
  return i === keyStack.length ? dropKeys(start, b) : takeKeys(b, start);
}

/** Pops the keys pushed since `start` and returns `result`. */
function dropKeys<T>(start: number, result: T): T {
  keyStack.length = start;
  return result;
}

/** A fresh object with the keys pushed since `start` (popped) and their values in `o`. */
function takeKeys(o: Record<string, JsonValue>, start: number): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (let i = start; i < keyStack.length; i++) out[keyStack[i]!] = o[keyStack[i]!]!;
  keyStack.length = start;
  return out;
}

/** What fastClone returns for input cloneJson must reject. */
const INVALID: unique symbol = Symbol('invalid');

function fastClone(v: unknown, depth: number): JsonValue | typeof INVALID {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : INVALID;
  if (typeof v !== 'object' || depth > MAX_DEPTH) return INVALID;
  if (Object.isFrozen(v) && SHAREABLE.has(v)) return v as JsonValue;
  if (Array.isArray(v)) {
    const arr: JsonValue[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const c = fastClone(v[i], depth + 1);
      if (c === INVALID) return INVALID;
      arr[i] = c;
    }
    return arr;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return INVALID;
  const obj: { [key: string]: JsonValue } = {};
  // for-in with an own-property check visits Object.keys' keys in the same order without
  // allocating the key array (~30% faster on pods); likewise in the helpers below.
  for (const key in v) {
    if (!hasOwn.call(v, key)) continue;
    if (key === '__proto__') return INVALID; // FORBIDDEN_KEYS, without a Set lookup per key
    const child = (v as Record<string, unknown>)[key];
    if (child === undefined) continue;
    const c = fastClone(child, depth + 1);
    if (c === INVALID) return INVALID;
    obj[key] = c;
  }
  return obj;
}

/** cloneJson for input the fast walk rejected: throws the error naming the field. */
function carefulClone(input: unknown, what: string): JsonValue {
  const seen = new Set<object>();
  const path: (string | number)[] = [];
  const fail = (msg: string): never => {
    throw new BadRequestError(`${what}: ${describePath(path)}: ${msg}`);
  };
  const walk = (v: unknown, depth: number): JsonValue => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : fail(`${v} is not a valid JSON number`);
    if (typeof v !== 'object') return fail(`a ${typeof v} is not a JSON value`);
    if (depth > MAX_DEPTH) return fail(`nesting exceeds ${MAX_DEPTH} levels`);
    if (seen.has(v)) return fail('cyclic structure');
    seen.add(v);
    let out: JsonValue;
    if (Array.isArray(v)) {
      const arr: JsonValue[] = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        arr[i] = walk(v[i], depth + 1);
        path.pop();
      }
      out = arr;
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) fail('not a plain object');
      const obj: { [key: string]: JsonValue } = {};
      for (const key of Object.keys(v)) {
        path.push(key);
        if (FORBIDDEN_KEYS.has(key)) fail('field name is not allowed');
        const child = (v as Record<string, unknown>)[key];
        if (child !== undefined) obj[key] = walk(child, depth + 1);
        path.pop();
      }
      out = obj;
    }
    seen.delete(v);
    return out;
  };
  return walk(input, 0);
}

/** Freezes a JSON tree in place and returns it. Already-frozen subtrees are skipped. */
export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) deepFreeze(v[i]);
    } else {
      for (const key in v) if (hasOwn.call(v, key)) deepFreeze((v as Record<string, unknown>)[key]);
    }
  }
  return v;
}

/** Structural equality of JSON values; `undefined` fields count as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let na = 0;
  for (const key in ao) {
    if (ao[key] === undefined) continue;
    na += 1;
    if (!jsonEqual(ao[key], bo[key])) return false;
  }
  let nb = 0;
  for (const key in bo) if (bo[key] !== undefined) nb += 1;
  return na === nb;
}

/**
 * A shallow copy of a plain object, built by assignment. Use it, not `{ ...o }`, for objects the
 * store keeps: V8 gives object-spread results in hot code a hidden class of their own (a few
 * hundred bytes each, once per stored object), while objects built key by key in the same order
 * share one.
 */
export function copyFields<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const key in o) if (hasOwn.call(o, key)) out[key] = (o as Record<string, unknown>)[key];
  return out as T;
}

/**
 * Constructors of plain objects (prototype Object.prototype, constructor Object: nothing tells
 * their instances from `{}`'s), one per field count. V8 sizes a constructor's instances by the
 * fields its first few held (in-object slack tracking), so an object built through the one for
 * n fields holds all n in itself; `{}` has room for four and puts the rest in a separate
 * property array with spare slots: 30 to 60 bytes more per stored pod, metadata or status.
 */
const plainConstructors: (new () => Record<string, unknown>)[] = [];

/** Field counts from which compactFields copies (up to four fit in `{}`), and up to which. */
const COMPACT_MIN_FIELDS = 5;
const COMPACT_MAX_FIELDS = 64;

function plainConstructor(n: number): new () => Record<string, unknown> {
  let C = plainConstructors[n];
  if (C === undefined) {
    const F = function PlainObject(): void {} as unknown as { prototype: object };
    F.prototype = Object.prototype;
    plainConstructors[n] = C = F as unknown as new () => Record<string, unknown>;
  }
  return C;
}

/**
 * A shallow copy of a plain object with `n` own fields (the caller counted them) that keeps
 * them all in-object, for objects the store keeps for long; `o` itself when it is small enough
 * for `{}` or too large to bother. Same fields, same order, same values.
 */
export function compactFields<T extends object>(o: T, n: number): T {
  if (!compacts(o, n)) return o;
  const out = new (plainConstructor(n))();
  for (const key in o) if (hasOwn.call(o, key)) out[key] = (o as Record<string, unknown>)[key];
  return out as T;
}

/**
 * A fresh shallow copy of a plain object that keeps all its fields in-object when it has
 * enough for that to matter (as compactFields' copy does): for the write path's new versions
 * built from stored ones (a bind's pod and metadata), which are copied once here rather than
 * once to be written and again by the freeze that stores them.
 */
export function copyCompact<T extends object>(o: T): T {
  const n = fieldCount(o);
  return compacts(o, n) ? compactFields(o, n) : copyFields(o);
}

/** Whether compactFields copies `o` (with `n` own fields) rather than returning it. */
export function compacts(o: object, n: number): boolean {
  return n >= COMPACT_MIN_FIELDS && n <= COMPACT_MAX_FIELDS && !Array.isArray(o);
}

/** How many own enumerable fields `o` has. */
export function fieldCount(o: object): number {
  let n = 0;
  for (const key in o) if (hasOwn.call(o, key)) n++;
  return n;
}

/** A mutable deep copy of trusted JSON data (e.g. a stored, frozen object). */
export function copyJson<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copyJson) as T;
  const out: Record<string, unknown> = {};
  for (const key in v) {
    if (!hasOwn.call(v, key)) continue;
    const child = (v as Record<string, unknown>)[key];
    if (child !== undefined) out[key] = copyJson(child);
  }
  return out as T;
}

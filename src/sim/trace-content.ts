/**
 * What a committed write adds to the trace hash: for MODIFIED an encoding of what changed from
 * the old object to the new one, and for ADDED the same encoding from a reference object (the
 * previous ADDED object of the same kind in this trace), or the whole JSON when there is none.
 *
 * Why a delta is enough. The hash covers the trace stream in order, so two runs hash alike
 * only if their streams agree entry by entry. Suppose they agree up to a MODIFIED write of
 * some key. Every stored object got there through traced writes starting from an empty store
 * (ADDED, then MODIFIED), so by induction the old object has the same JSON in both runs.
 * Given that old object, `encodeDelta(old, new)` determines the new object's JSON exactly
 * (below), so equal encodings mean equal new objects, and the induction goes on.
 *
 * ADDED writes rest on the same induction. Which entry is "the previous ADDED of kind K" is
 * read off the entry lines alone (op and kind), so in two runs whose streams agree so far it
 * is the same entry, or in both runs there is none (then the content is the whole JSON, and a
 * reader knows which case it is in). That entry's content determined its object's JSON (by
 * induction: whole, or a delta from an earlier reference), and stored objects are deep-frozen,
 * so the object kept as reference still has that JSON. Hence the reference JSON is equal in
 * both runs, and the delta from it determines the added object just as for MODIFIED. The
 * reference is per trace (never module state: clusters of one process each have their own),
 * and one object per kind, replaced by every ADDED: memory does not grow with the run (at most
 * one deleted object per kind is kept alive).
 * It pays because consecutive objects of one kind share their shape and most values (pods of
 * one ReplicaSet, Scheduled Events): the walk skips shared subtrees by reference and writes a
 * few names and uids instead of ~2 KB of JSON. Where it does not pay, the trace passes no
 * reference for a kind (./trace.ts); that rule must read only the entry line, as this one does.
 *
 * Conversely the encoding is a function of the two values (never of object identity, which
 * differs between clusters of one process: interned subtrees are shared), so the same run
 * still gives the same hash. Writes share their unchanged subtrees with the old, frozen object
 * by reference (a bind copies pod, metadata, spec and status shallowly), so skipping equal
 * references keeps a bind's cost at a handful of fields instead of a ~2 KB stringify.
 *
 * The encoding, one line (JSON text never holds a raw newline):
 *   delta   := '=' JSON(new)                      the value is replaced as a whole
 *            | '{' entry (',' entry)* '}'          both plain objects: changed keys only
 *            | '[' P ':' S middle ']'              both arrays: the first P and last S
 *                                                  elements are the old ones
 *   entry   := JSON(key) ( delta | '-' )           '-' = the key was removed (≠ '=null')
 *   middle  := '=' JSON(new middle)                the elements between, as an array
 *            | (',' index delta)*                  same middle length: changed indices only
 * Keys come in the new object's order, then the removed ones in the old object's order. An
 * object delta also fixes the new key order: it is used only when the new keys are the old
 * keys that stayed (in their old order) followed by the added ones (as assigning, deleting and
 * adding keys leave them); any other order falls back to '=' JSON(new). Every value a delta
 * does not mention is the old one, so a decoder holding the old object rebuilds the new
 * object's JSON byte for byte: the encoding is injective given the old object.
 *
 * As in JSON.stringify, a key whose value is undefined counts as absent and an undefined
 * array element as null. A change of type (object → array, scalar → object, ...) is '='.
 *
 * The trace gets these bytes (the UTF-8 of the text above) written straight into its buffer
 * (./trace-writer.ts): a key is written before its value's delta and taken back when that is
 * empty, so no string is built per field. writeContent and encodeDelta return the same text
 * as a string, for readers and tests.
 */
import { TraceWriter } from './trace-writer.js';

/**
 * The hash content of one write: undefined for a delete (the entry line says it all). An added
 * object (`oldObject` undefined) is encoded from `reference`, the previous added object of its
 * kind, or written whole when there is none (see the module comment).
 */
export function writeContent(oldObject: object | undefined, object: object | undefined, reference?: object): string | undefined {
  if (object === undefined) return undefined;
  const w = new TraceWriter(256);
  writeContentTo(w, oldObject, object, reference);
  return w.text();
}

/** The delta from `oldValue` to `value` ('' when their JSON is the same), as documented above. */
export function encodeDelta(oldValue: unknown, value: unknown): string {
  const w = new TraceWriter(256);
  delta(w, oldValue, value);
  return w.text();
}

/**
 * writeContent's bytes (UTF-8), written into `w` (what the trace hashes); nothing for a
 * delete. The text is the same as writeContent returns.
 */
export function writeContentTo(w: TraceWriter, oldObject: object | undefined, object: object | undefined, reference?: object): void {
  if (object === undefined) return;
  const from = oldObject ?? reference;
  if (from === undefined) w.str(JSON.stringify(object));
  else delta(w, from, object);
}

// The characters the encoding writes around names and values.
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const COLON = 0x3a;
const EQUALS = 0x3d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Writes the delta from `o` to `n` into `w` and says whether it wrote anything: false means
 * their JSON is the same and `w` is as it was. Every function below keeps that contract, so
 * a caller writes a key first and takes it back (w.pos = mark) when the value has no delta.
 */
function delta(w: TraceWriter, o: unknown, n: unknown): boolean {
  if (o === n) return false;
  if (typeof o === 'object' && typeof n === 'object' && o !== null && n !== null) {
    const oa = Array.isArray(o);
    if (oa !== Array.isArray(n)) return whole(w, n);
    if (oa) return arrayDelta(w, o as readonly unknown[], n as readonly unknown[]);
    if (isPlain(o) && isPlain(n)) return objectDelta(w, o, n);
    const j = JSON.stringify(n); // not JSON data (a Date, say): compare the text, never the identity
    if (JSON.stringify(o) === j) return false;
    w.byte(EQUALS);
    w.str(j ?? 'null');
    return true;
  } else if (typeof o === 'number' && typeof n === 'number' && o !== o && n !== n) {
    return false; // NaN and NaN: both null in JSON, and never === each other
  }
  return whole(w, n);
}

/** '=' JSON(n): the value replaced as a whole. */
function whole(w: TraceWriter, n: unknown): true {
  w.byte(EQUALS);
  json(w, n);
  return true;
}

/**
 * JSON text of a value, exactly as JSON.stringify writes it for JSON data, which is all a
 * stored object holds (null for undefined, as in an array). Values are written here rather than
 * by JSON.stringify: its fixed cost per call (~150 ns for a short string, over 1 µs for a
 * frozen one-element array such as status.podIPs) is more than the rest of a bind's delta put
 * together, and over frozen objects its loop is no faster than this one up to a few dozen
 * elements (a middle of 5 or 20 Endpoints addresses: ~25% and ~10% faster here), so only long
 * arrays go native. Values that are not JSON data (a Date) go native wherever they are.
 */
function json(w: TraceWriter, v: unknown): void {
  switch (typeof v) {
    case 'string':
      quote(w, v);
      return;
    case 'number':
      w.str(Number.isFinite(v) ? String(v) : 'null'); // String(-0) is '0', as in JSON
      return;
    case 'boolean':
      w.str(v ? 'true' : 'false');
      return;
    case 'object':
      if (v === null) {
        w.str('null');
        return;
      }
      // A long array goes native, where the fixed cost no longer matters (a hundred addresses
      // of a large Service); the text is the same either way. A frozen one (stored objects are
      // deep-frozen, so its JSON can never change) may have been written moments ago: Services
      // with one selector share their address lists, and an Endpoints list is written whole
      // again when its subset changes shape, so the writer remembers the last few's bytes.
      if (Array.isArray(v) && v.length > 32) {
        if (!Object.isFrozen(v)) {
          w.str(JSON.stringify(v));
        } else if (!w.recall(v)) {
          const start = w.pos;
          w.str(JSON.stringify(v));
          w.remember(v, start);
        }
        return;
      }
      if (Array.isArray(v)) {
        w.byte(OPEN_ARRAY);
        for (let i = 0; i < v.length; i++) {
          if (i) w.byte(COMMA);
          json(w, v[i]);
        }
        w.byte(CLOSE_ARRAY);
        return;
      }
      if (!isPlain(v)) {
        w.str(JSON.stringify(v) ?? 'null'); // toJSON and the like: not in stored objects
        return;
      }
      jsonObject(w, v as Record<string, unknown>);
      return;
    default:
      w.str('null'); // undefined, functions and symbols, as JSON.stringify writes them in arrays
  }
}

function jsonObject(w: TraceWriter, o: Record<string, unknown>): void {
  w.byte(OPEN_OBJECT);
  let first = true;
  for (const k in o) { // for-in reads the fields directly (see objectDelta)
    const v = o[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    if (!first) w.byte(COMMA);
    first = false;
    quote(w, k);
    w.byte(COLON);
    json(w, v);
  }
  w.byte(CLOSE_OBJECT);
}

function isPlain(o: object): boolean {
  const proto = Object.getPrototypeOf(o) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A string as JSON.stringify writes it: quotes around it, escapes only when one is needed.
 * Plain ASCII (names, uids, timestamps: nearly every string) is copied in the same loop that
 * checks it.
 */
function quote(w: TraceWriter, s: string): void {
  const n = s.length;
  w.ensure(n + 2);
  const buf = w.buf;
  const start = w.pos;
  let p = start;
  buf[p++] = QUOTE;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // control characters, '"', '\\', and anything not ASCII (a lone surrogate is escaped)
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) {
      w.pos = start;
      w.str(JSON.stringify(s));
      return;
    }
    buf[p++] = c;
  }
  buf[p++] = QUOTE;
  w.pos = p;
}

function own(o: object, k: string): unknown {
  return Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}

/** Starts an object delta's entry: '{' before the first, ',' between. */
function entryStart(w: TraceWriter, count: number, k: string): void {
  w.byte(count === 0 ? OPEN_OBJECT : COMMA);
  quote(w, k);
}

/**
 * Both plain objects. The usual cases are the same keys in the same order (a full copy from
 * replace or apply takes this path at every level), or those followed by new ones (a bind
 * adding spec.nodeName): one pass over the new keys checks that the old ones come first and
 * writes the delta as it goes. Anything else (a kept key's value undefined on one side only,
 * a key removed or moved) is taken back and left to the general walk, which decides about the
 * order. The keys are read with for-in, not Object.keys and a lookup per key: over these
 * frozen objects V8 reads for-in's values straight from the object's fields, several times
 * faster. Stored objects are plain JSON data, whose prototype adds no enumerable keys, so
 * for-in sees exactly Object.keys. A changed scalar is written, and two plain objects are
 * walked, straight from here: delta's checks for every changed field were a tenth of the
 * walk's time on the scheduler benchmark's writes.
 */
function objectDelta(w: TraceWriter, o: object, n: object): boolean {
  // The old keys and values go to the writer's scratch stack, key and value side by side from
  // `base` (reused, so a write allocates nothing here); values nested inside push above them.
  const base = w.depth;
  const st = w.scratch;
  let top = base;
  for (const k in o) {
    st[top] = k;
    st[top + 1] = (o as Record<string, unknown>)[k];
    top += 2;
  }
  w.depth = top;
  const start = w.pos;
  let count = 0;
  let i = base;
  let natural = true;
  for (const k in n) {
    const nv = (n as Record<string, unknown>)[k];
    if (i >= top) {
      i += 2;
      if (nv === undefined) continue;
      entryStart(w, count++, k);
      whole(w, nv);
      continue;
    }
    const ov = st[i + 1];
    if (k !== st[i] || (ov === undefined) !== (nv === undefined)) {
      natural = false;
      break;
    }
    i += 2;
    if (ov === nv) continue;
    if (typeof nv !== 'object' || nv === null) {
      // A new scalar is written whole whatever it replaced (delta's last case), except NaN
      // for NaN: no delta call, and nothing to take back.
      if (typeof nv === 'number' && nv !== nv && typeof ov === 'number' && ov !== ov) continue;
      entryStart(w, count++, k);
      w.byte(EQUALS);
      if (typeof nv === 'string') quote(w, nv);
      else json(w, nv);
      continue;
    }
    // A new object: two plain objects (the usual case: metadata, spec, status) go straight to
    // the walk; arrays, a change of type and anything else take delta's way.
    const mark = w.pos;
    entryStart(w, count, k);
    const changed =
      typeof ov === 'object' && ov !== null && Object.getPrototypeOf(ov) === Object.prototype && Object.getPrototypeOf(nv) === Object.prototype && !Array.isArray(ov) && !Array.isArray(nv)
        ? objectDelta(w, ov, nv)
        : delta(w, ov, nv);
    if (changed) count++;
    else w.pos = mark;
  }
  w.depth = base;
  if (natural && i >= top) {
    if (count === 0) return false;
    w.byte(CLOSE_OBJECT);
    return true;
  }
  w.pos = start;
  return reorderedDelta(w, o, n, Object.keys(o), Object.keys(n));
}

/** Keys added, removed or moved: checks the order is the natural one (see the module comment). */
function reorderedDelta(w: TraceWriter, o: object, n: object, ok: readonly string[], nk: readonly string[]): boolean {
  const start = w.pos;
  let count = 0;
  // `j` walks the old keys alongside: each kept key must be the next old key still present,
  // and no kept key may follow an added one, or the key order is not the natural one.
  let j = 0;
  let added = false;
  for (const k of nk) {
    const nv = (n as Record<string, unknown>)[k];
    if (nv === undefined) continue;
    const ov = own(o, k);
    if (ov === undefined) {
      added = true;
      entryStart(w, count++, k);
      whole(w, nv);
      continue;
    }
    if (added) return reordered(w, start, n);
    while (j < ok.length && (own(o, ok[j]!) === undefined || own(n, ok[j]!) === undefined)) j++;
    if (ok[j] !== k) return reordered(w, start, n);
    j++;
    if (ov === nv) continue;
    const mark = w.pos;
    entryStart(w, count, k);
    if (delta(w, ov, nv)) count++;
    else w.pos = mark;
  }
  for (const k of ok) {
    if (own(n, k) === undefined && own(o, k) !== undefined) {
      entryStart(w, count++, k);
      w.byte(MINUS);
    }
  }
  if (count === 0) return false;
  w.byte(CLOSE_OBJECT);
  return true;
}

/** Not the natural key order: what was written from `start` is replaced by '=' JSON(n). */
function reordered(w: TraceWriter, start: number, n: object): true {
  w.pos = start;
  return whole(w, n);
}

/**
 * Arrays: the longest common prefix and suffix (by value) stay, and the middle between them
 * is written whole, or index by index when it has the same length on both sides (elements
 * edited in place, such as one pod condition). An element inserted into or removed from a
 * sorted list (an Endpoints address) is then one element, not every element after it.
 */
function arrayDelta(w: TraceWriter, o: readonly unknown[], n: readonly unknown[]): boolean {
  const ol = o.length;
  const nl = n.length;
  const min = ol < nl ? ol : nl;
  // The deltas of the two elements where prefix and suffix stop are written as they are found
  // (`first` at start..firstEnd, `last` after it) and kept: they are the first and last of an
  // in-place middle, and an element's delta can be its whole JSON.
  const start = w.pos;
  let p = 0;
  while (p < min && !elementDelta(w, o[p], n[p])) p++;
  if (p === ol && p === nl) return false;
  const firstEnd = w.pos;
  let s = 0;
  while (s < min - p) {
    // Back at the element the prefix stopped on (same length): its delta is `first`, and
    // computing it again would double the cost of every one-element array (Endpoints subsets).
    if (ol === nl && ol - 1 - s === p) break;
    if (elementDelta(w, o[ol - 1 - s], n[nl - 1 - s])) break;
    s++;
  }
  const middle = nl - p - s;
  if (ol - p - s !== middle) {
    w.pos = start;
    arrayHead(w, p, s);
    if (p === 0 && s === 0) {
      whole(w, n);
    } else {
      const part = new Array<unknown>(middle);
      for (let i = 0; i < middle; i++) part[i] = n[p + i];
      whole(w, part);
    }
    w.byte(CLOSE_ARRAY);
    return true;
  }
  // Same length, so the middle starts with a changed element (`first`) and ends with one (`last`).
  // Both are set aside, and the delta is written from `start` in its order around them.
  const firstLength = firstEnd - start;
  const lastLength = w.pos - firstEnd; // nothing when the last is the first
  const kept = w.stash(start);
  arrayHead(w, p, s);
  w.byte(COMMA);
  w.uint(p);
  w.unstash(kept, firstLength);
  for (let i = p + 1; i < p + middle - 1; i++) {
    const mark = w.pos;
    w.byte(COMMA);
    w.uint(i);
    if (!elementDelta(w, o[i], n[i])) w.pos = mark;
  }
  if (middle > 1) {
    w.byte(COMMA);
    w.uint(p + middle - 1);
    w.unstash(kept + firstLength, lastLength);
  }
  w.drop(kept);
  w.byte(CLOSE_ARRAY);
  return true;
}

/** '[' P ':' S, the start of an array delta. */
function arrayHead(w: TraceWriter, p: number, s: number): void {
  w.byte(OPEN_ARRAY);
  w.uint(p);
  w.byte(COLON);
  w.uint(s);
}

/** The delta between two array elements (identity first: shared elements are the rule). */
function elementDelta(w: TraceWriter, a: unknown, b: unknown): boolean {
  if (a === b) return false;
  if (a == null && b == null) return false; // undefined and null elements are both null in JSON
  return delta(w, a, b);
}

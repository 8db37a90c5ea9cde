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
 */

/**
 * The hash content of one write: undefined for a delete (the entry line says it all). An added
 * object (`oldObject` undefined) is encoded from `reference`, the previous added object of its
 * kind, or written whole when there is none (see the module comment).
 */
export function writeContent(oldObject: object | undefined, object: object | undefined, reference?: object): string | undefined {
  if (object === undefined) return undefined;
  const from = oldObject ?? reference;
  if (from === undefined) return JSON.stringify(object);
  return encodeDelta(from, object);
}

/** The delta from `oldValue` to `value` ('' when their JSON is the same), as documented above. */
export function encodeDelta(oldValue: unknown, value: unknown): string {
  return delta(oldValue, value);
}

function delta(o: unknown, n: unknown): string {
  if (o === n) return '';
  if (typeof o === 'object' && typeof n === 'object' && o !== null && n !== null) {
    const oa = Array.isArray(o);
    if (oa !== Array.isArray(n)) return `=${json(n)}`;
    if (oa) return arrayDelta(o as readonly unknown[], n as readonly unknown[]);
    if (isPlain(o) && isPlain(n)) return objectDelta(o, n);
    const j = json(n); // not JSON data (a Date, say): compare the text, never the identity
    return json(o) === j ? '' : `=${j}`;
  } else if (typeof o === 'number' && typeof n === 'number' && o !== o && n !== n) {
    return ''; // NaN and NaN: both null in JSON, and never === each other
  }
  return `=${json(n)}`;
}

/**
 * JSON text of a value, exactly as JSON.stringify writes it (null for undefined, as in an
 * array). Small values are written here: JSON.stringify's fixed cost per call (~150 ns for a
 * short string, over 1 µs for a frozen one-element array such as status.podIPs) is more than
 * the rest of a bind's delta put together.
 */
function json(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null'; // String(-0) is '0', as in JSON
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      // Larger values go native, where the fixed cost no longer matters and its loop is faster
      // (an Endpoints address list); the text is the same either way.
      if (Array.isArray(v) ? v.length > 4 : Object.keys(v).length > 8) return JSON.stringify(v);
      if (Array.isArray(v)) {
        let out = '';
        for (let i = 0; i < v.length; i++) out += `${i ? ',' : ''}${json(v[i])}`;
        return `[${out}]`;
      }
      if (!isPlain(v)) return JSON.stringify(v) ?? 'null'; // toJSON and the like: not in stored objects
      return jsonObject(v as Record<string, unknown>);
    default:
      return 'null'; // undefined, functions and symbols, as JSON.stringify writes them in arrays
  }
}

function jsonObject(o: Record<string, unknown>): string {
  let out = '';
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    out += `${out ? ',' : ''}${key(k)}:${json(v)}`;
  }
  return `{${out}}`;
}

function isPlain(o: object): boolean {
  const proto = Object.getPrototypeOf(o) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A string as JSON.stringify writes it: quotes around it, escapes only when one is needed. */
function quote(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // control characters, '"', '\\', and surrogates (a lone one is escaped)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(s);
  }
  return `"${s}"`;
}

// Keys recur (metadata, status, resourceVersion, conditions, ...): their quoted forms are kept,
// up to a bound, as user-chosen keys (labels, annotations) need not recur.
const quotedKeys = new Map<string, string>();

function key(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = quote(k);
    if (quotedKeys.size < 4096) quotedKeys.set(k, q);
  }
  return q;
}

function own(o: object, k: string): unknown {
  return Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}

function objectDelta(o: object, n: object): string {
  const ok = Object.keys(o);
  const nk = Object.keys(n);
  if (ok.length <= nk.length) {
    let i = 0;
    while (i < ok.length && ok[i] === nk[i]) i++;
    if (i === ok.length) {
      const d = grownDelta(o as Record<string, unknown>, n as Record<string, unknown>, nk, ok.length);
      if (d !== undefined) return d;
    }
  }
  return reorderedDelta(o, n, ok, nk);
}

/**
 * The usual cases: the same keys in the same order (a full copy from replace or apply takes
 * this path at every level), or those followed by new ones (a bind adding spec.nodeName). The
 * first `kept` keys are own properties of both and the rest only of the new object, so no
 * lookup is needed and the order is natural. Returns undefined when a kept key's value is
 * undefined on one side only: that key is really added or removed, and the general walk
 * decides about the order.
 */
function grownDelta(o: Record<string, unknown>, n: Record<string, unknown>, keys: readonly string[], kept: number): string | undefined {
  let out = '';
  for (let i = 0; i < kept; i++) {
    const k = keys[i]!;
    const ov = o[k];
    const nv = n[k];
    if (ov === nv) continue;
    if (ov === undefined || nv === undefined) return undefined;
    const d = delta(ov, nv);
    if (d) out += `${out ? ',' : ''}${key(k)}${d}`;
  }
  for (let i = kept; i < keys.length; i++) {
    const k = keys[i]!;
    const nv = n[k];
    if (nv !== undefined) out += `${out ? ',' : ''}${key(k)}=${json(nv)}`;
  }
  return out ? `{${out}}` : '';
}

/** Keys added, removed or moved: checks the order is the natural one (see the module comment). */
function reorderedDelta(o: object, n: object, ok: readonly string[], nk: readonly string[]): string {
  let out = '';
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
      out += `${out ? ',' : ''}${key(k)}=${json(nv)}`;
      continue;
    }
    if (added) return `=${json(n)}`;
    while (j < ok.length && (own(o, ok[j]!) === undefined || own(n, ok[j]!) === undefined)) j++;
    if (ok[j] !== k) return `=${json(n)}`;
    j++;
    if (ov === nv) continue;
    const d = delta(ov, nv);
    if (d) out += `${out ? ',' : ''}${key(k)}${d}`;
  }
  for (const k of ok) {
    if (own(n, k) === undefined && own(o, k) !== undefined) out += `${out ? ',' : ''}${key(k)}-`;
  }
  return out ? `{${out}}` : '';
}

/**
 * Arrays: the longest common prefix and suffix (by value) stay, and the middle between them
 * is written whole, or index by index when it has the same length on both sides (elements
 * edited in place, such as one pod condition). An element inserted into or removed from a
 * sorted list (an Endpoints address) is then one element, not every element after it.
 */
function arrayDelta(o: readonly unknown[], n: readonly unknown[]): string {
  const ol = o.length;
  const nl = n.length;
  const min = ol < nl ? ol : nl;
  // The deltas of the two elements where prefix and suffix stop are kept: they are the first
  // and last of an in-place middle, and an element's delta can be its whole JSON.
  let p = 0;
  let first = '';
  while (p < min && !(first = elementDelta(o[p], n[p]))) p++;
  if (p === ol && p === nl) return '';
  let s = 0;
  let last = '';
  while (s < min - p) {
    // Back at the element the prefix stopped on (same length): its delta is `first`, and
    // computing it again would double the cost of every one-element array (Endpoints subsets).
    if (ol === nl && ol - 1 - s === p) {
      last = first;
      break;
    }
    if ((last = elementDelta(o[ol - 1 - s], n[nl - 1 - s]))) break;
    s++;
  }
  const middle = nl - p - s;
  if (ol - p - s !== middle) {
    if (p === 0 && s === 0) return `[0:0=${json(n)}]`;
    const part = new Array<unknown>(middle);
    for (let i = 0; i < middle; i++) part[i] = n[p + i];
    return `[${p}:${s}=${json(part)}]`;
  }
  // Same length, so the middle starts with a changed element (`first`) and ends with one (`last`).
  let out = `,${p}${first}`;
  for (let i = p + 1; i < p + middle - 1; i++) {
    const d = elementDelta(o[i], n[i]);
    if (d) out += `,${i}${d}`;
  }
  if (middle > 1) out += `,${p + middle - 1}${last}`;
  return `[${p}:${s}${out}]`;
}

/** The delta between two array elements (identity first: shared elements are the rule). */
function elementDelta(a: unknown, b: unknown): string {
  if (a === b) return '';
  if (a == null && b == null) return ''; // undefined and null elements are both null in JSON
  return delta(a, b);
}

// The trace hash is the identity of a run, so the trace's encoder (src/sim/trace-content.ts,
// src/sim/trace.ts) may be made faster but must never change a byte. This file keeps a plain,
// string-building encoder written from the grammar in trace-content.ts's module comment (the
// algorithm as it stood before the encoder was tuned) and checks, over random JSON-like
// old/new pairs, that the tuned encoder writes exactly its bytes, and that a Trace's digest is
// SHA-256 over exactly the lines this oracle gives.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeDelta, writeContent, writeContentTo } from '../../src/sim/trace-content.js';
import { Trace, formatTraceEntry, type TraceEntry } from '../../src/sim/trace.js';
import { TraceWriter } from '../../src/sim/trace-writer.js';

// ---- the oracle -------------------------------------------------------------------------

/** JSON text of a value; undefined (and functions, symbols) as null, as in an array. */
function json(v: unknown): string {
  return JSON.stringify(v) ?? 'null';
}

function isPlain(o: object): boolean {
  const proto = Object.getPrototypeOf(o) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A key's value as JSON sees it: an own property whose value is not undefined. */
function present(o: object, k: string): boolean {
  return Object.hasOwn(o, k) && (o as Record<string, unknown>)[k] !== undefined;
}

/** The delta text from `o` to `n`, '' when their JSON is the same. */
function oracleDelta(o: unknown, n: unknown): string {
  if (o === n) return '';
  if (typeof o === 'object' && typeof n === 'object' && o !== null && n !== null) {
    if (Array.isArray(o) !== Array.isArray(n)) return `=${json(n)}`;
    if (Array.isArray(o)) return oracleArray(o, n as unknown[]);
    if (isPlain(o) && isPlain(n)) return oracleObject(o, n);
    return json(o) === json(n) ? '' : `=${json(n)}`;
  }
  if (typeof o === 'number' && typeof n === 'number' && Number.isNaN(o) && Number.isNaN(n)) return '';
  return `=${json(n)}`;
}

function oracleObject(o: object, n: object): string {
  const ov = o as Record<string, unknown>;
  const nv = n as Record<string, unknown>;
  const newKeys = Object.keys(n).filter((k) => nv[k] !== undefined);
  const kept = newKeys.filter((k) => present(o, k));
  const added = newKeys.filter((k) => !present(o, k));
  // The natural order: the kept keys in their old order, then the added ones.
  const oldKept = Object.keys(o).filter((k) => ov[k] !== undefined && present(n, k));
  const natural = [...oldKept, ...added];
  if (natural.length !== newKeys.length || natural.some((k, i) => k !== newKeys[i])) return `=${json(n)}`;
  const entries: string[] = [];
  for (const k of newKeys) {
    if (added.includes(k)) entries.push(`${JSON.stringify(k)}=${json(nv[k])}`);
    else {
      const d = oracleDelta(ov[k], nv[k]);
      if (d !== '') entries.push(JSON.stringify(k) + d);
    }
  }
  for (const k of Object.keys(o)) if (ov[k] !== undefined && !present(n, k)) entries.push(`${JSON.stringify(k)}-`);
  return entries.length === 0 ? '' : `{${entries.join(',')}}`;
}

function elementDelta(a: unknown, b: unknown): string {
  if (a == null && b == null) return '';
  return oracleDelta(a, b);
}

function oracleArray(o: readonly unknown[], n: readonly unknown[]): string {
  const min = Math.min(o.length, n.length);
  let p = 0;
  while (p < min && elementDelta(o[p], n[p]) === '') p++;
  if (p === o.length && p === n.length) return '';
  let s = 0;
  while (s < min - p && elementDelta(o[o.length - 1 - s], n[n.length - 1 - s]) === '') s++;
  const middle = n.length - p - s;
  const head = `[${p}:${s}`;
  if (o.length - p - s !== middle) {
    // The whole middle, holes and undefined elements as null.
    return `${head}=${json(Array.from({ length: middle }, (_, i) => n[p + i]))}]`;
  }
  let text = head;
  for (let i = p; i < p + middle; i++) {
    const d = elementDelta(o[i], n[i]);
    if (d !== '') text += `,${i}${d}`;
  }
  return `${text}]`;
}

/** What writeContent returns. */
function oracleContent(old: object | undefined, object: object | undefined, reference?: object): string | undefined {
  if (object === undefined) return undefined;
  const from = old ?? reference;
  return from === undefined ? (JSON.stringify(object) as string) : oracleDelta(from, object);
}

// ---- values ------------------------------------------------------------------------------

type Value = unknown;

const scalar: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(null, true, false, 0, -0, 1, -1, 2.5, 1e21, NaN, Infinity, undefined, '', 'a', 'b', 'default', 'é', '\ud800', '"q"', '\n'),
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.integer(),
);
const key = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', '0', '__proto__', 'constructor', 'kind', 'ä', 'k"') },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const fieldsOf = (v: fc.Arbitrary<Value>) => fc.array(fc.tuple(key, v), { maxLength: 11 });

/** An object with the given fields in order (own properties, so "__proto__" is a plain key). */
function objectOf(fields: readonly (readonly [string, Value])[]): Record<string, Value> {
  const o: Record<string, Value> = {};
  for (const [k, v] of fields) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

// Objects up to 11 keys, arrays up to 7 elements and long ones (30 to 36, of small objects):
// both sides of any threshold the encoder may have for writing JSON itself.
const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: scalar },
    { weight: 3, arbitrary: fc.array(tie('v'), { maxLength: 7 }) },
    { weight: 3, arbitrary: fieldsOf(tie('v')).map(objectOf) },
    { weight: 1, arbitrary: fc.array(fc.oneof(scalar, fc.array(fc.tuple(key, scalar), { maxLength: 3 }).map(objectOf)), { minLength: 30, maxLength: 36 }) },
    { weight: 1, arbitrary: fc.constantFrom<Value>(new Date(0), Object.create(null) as object) },
  ),
})).v;

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}

// An edit as the simulator writes one: containers on one path copied, the rest shared.
type Edit = { readonly path: readonly number[]; readonly op: 'set' | 'remove' | 'undefine' | 'append' | 'copy'; readonly value: Value };
function edited(v: Value, path: readonly number[], e: Edit): Value {
  if (typeof v !== 'object' || v === null || v instanceof Date) return e.value;
  const last = path.length <= 1;
  if (Array.isArray(v)) {
    const copy = [...(v as Value[])];
    if (last && e.op === 'append') copy.push(e.value);
    else if (copy.length === 0 || path.length === 0) return e.op === 'copy' ? copy : e.value;
    else {
      const i = path[0]! % copy.length;
      if (last && e.op === 'remove') copy.splice(i, 1);
      else if (last && e.op === 'undefine') copy[i] = undefined;
      else if (!(last && e.op === 'copy')) copy[i] = edited(copy[i], path.slice(1), e);
    }
    return copy;
  }
  const keys = Object.keys(v);
  const fields: [string, Value][] = keys.map((k) => [k, (v as Record<string, Value>)[k]]);
  if (last && e.op === 'append') fields.push([`x${path[0] ?? 0}`, e.value]);
  else if (keys.length === 0 || path.length === 0) return e.op === 'copy' ? objectOf(fields) : e.value;
  else {
    const i = path[0]! % fields.length;
    if (last && e.op === 'remove') fields.splice(i, 1);
    else if (last && e.op === 'undefine') fields[i] = [fields[i]![0], undefined];
    else if (!(last && e.op === 'copy')) fields[i] = [fields[i]![0], edited(fields[i]![1], path.slice(1), e)];
  }
  return objectOf(fields);
}
const edit: fc.Arbitrary<Edit> = fc.record({
  path: fc.array(fc.nat(12), { maxLength: 4 }),
  op: fc.constantFrom<Edit['op']>('set', 'remove', 'undefine', 'append', 'copy'),
  value,
});

/** Pairs of values: unrelated, or the second made from the first by edits (sharing subtrees). */
const pair: fc.Arbitrary<[Value, Value]> = fc.oneof(
  fc.tuple(value, value),
  fc.tuple(value, fc.array(edit, { maxLength: 4 }), fc.boolean()).map(([old, edits, frozen]) => {
    if (frozen) deepFreeze(old);
    let next = old;
    for (const e of edits) next = edited(next, e.path, e);
    return [old, frozen ? deepFreeze(next) : next] as [Value, Value];
  }),
  // Same content, no shared subtrees (a reference object of the same shape).
  value.map((v) => [v, structuredCloneable(v) ? structuredClone(v) : v] as [Value, Value]),
);

function structuredCloneable(v: Value): boolean {
  try {
    structuredClone(v);
    return true;
  } catch {
    return false;
  }
}

function bytesOf(old: object | undefined, object: object | undefined, reference?: object): Buffer {
  const w = new TraceWriter(16); // small, so that writes grow the buffer
  w.byte(0x78); // something before, as in the trace's buffer
  writeContentTo(w, old, object, reference);
  return Buffer.from(w.buf.subarray(1, w.pos));
}

// ---- the properties ----------------------------------------------------------------------

describe('the trace encoder writes what the plain oracle writes', () => {
  it('for the delta between any two values (property)', () => {
    fc.assert(
      fc.property(pair, ([old, next]) => {
        const want = oracleDelta(old, next);
        expect(encodeDelta(old, next)).toBe(want);
        if (typeof next === 'object' && next !== null) {
          expect(bytesOf(typeof old === 'object' && old !== null ? old : {}, next).equals(Buffer.from(oracleContent(typeof old === 'object' && old !== null ? old : {}, next)!))).toBe(true);
        }
      }),
      { seed: 17, numRuns: 3000 },
    );
  });

  it('for added objects from a reference, and whole ones (property)', () => {
    const object = fieldsOf(value).map(objectOf);
    fc.assert(
      fc.property(object, fc.option(object, { nil: undefined }), (next, reference) => {
        expect(writeContent(undefined, next, reference)).toBe(oracleContent(undefined, next, reference));
        expect(bytesOf(undefined, next, reference).equals(Buffer.from(oracleContent(undefined, next, reference)!))).toBe(true);
      }),
      { seed: 19, numRuns: 1500 },
    );
  });

  it('for a Trace: the digest is SHA-256 over the oracle lines (property)', () => {
    const kinds = ['Pod', 'Event', 'Endpoints', 'EndpointSlice'] as const;
    const write = fc.record({
      kind: fc.constantFrom(...kinds),
      slot: fc.nat(3),
      op: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'note'),
      // Times as the clock gives them, and any number (a line writes String(tMs)).
      tMs: fc.oneof(fc.nat(), fc.maxSafeNat(), fc.constantFrom(0, -0, 9, 10, 99, 100, 1e15, 2 ** 53, -5, 1.5, 1e21)),
      edits: fc.array(edit, { maxLength: 3 }),
      fresh: fieldsOf(value).map(objectOf),
    });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 25 }), (writes) => {
        const trace = new Trace(false);
        const hash = createHash('sha256');
        const store = new Map<string, object>();
        const lastAdded = new Map<string, object>();
        let rv = 0;
        for (const w of writes) {
          const t = w.tMs;
          if (w.op === 'note') {
            const entry: TraceEntry = { tMs: t, op: 'note', message: `n ${w.slot} é` };
            trace.record(entry, `c${w.slot}`);
            hash.update(`${formatTraceEntry(entry)}\nc${w.slot}\n`);
            continue;
          }
          const key = `ns/${w.kind}-${w.slot}`;
          const old = store.get(key);
          let next: object | undefined;
          let op = w.op as 'ADDED' | 'MODIFIED' | 'DELETED';
          if (old === undefined) {
            op = 'ADDED';
            next = deepFreeze(w.fresh);
          } else if (op === 'DELETED') next = undefined;
          else {
            op = 'MODIFIED';
            let v: Value = old;
            for (const e of w.edits) v = edited(v, e.path, e);
            next = typeof v === 'object' && v !== null && !Array.isArray(v) ? deepFreeze(v as object) : deepFreeze(w.fresh);
          }
          const entry: TraceEntry = { tMs: t, op, kind: w.kind, key, resourceVersion: String(++rv) };
          trace.recordWrite(entry, op === 'ADDED' ? undefined : old, next);
          hash.update(`${formatTraceEntry(entry)}\n`);
          if (next !== undefined) {
            const whole = w.kind === 'Endpoints' || w.kind === 'EndpointSlice';
            const reference = op === 'ADDED' && !whole ? lastAdded.get(w.kind) : undefined;
            hash.update(`${oracleContent(op === 'ADDED' ? undefined : old, next, reference)!}\n`);
            if (op === 'ADDED') lastAdded.set(w.kind, next);
            store.set(key, next);
          } else store.delete(key);
        }
        expect(trace.digest()).toBe(hash.digest('hex'));
      }),
      { seed: 23, numRuns: 700 },
    );
  });

  it('for long arrays written again: a frozen one from the bytes kept, a mutable one anew', () => {
    // Endpoints of Services that share a selector share their frozen address list; the writer
    // keeps the last 64 such lists' bytes. 70 lists make it forget the first ones; a mutable
    // list is edited between writes and must be written as it is now.
    const list = (n: number) => Array.from({ length: 40 }, (_, i) => ({ ip: `10.0.${n}.${i}`, nodeName: `node-${i % 3}` }));
    const lists = Array.from({ length: 70 }, (_, n) => deepFreeze(list(n)));
    const mutable = list(99);
    const trace = new Trace(false);
    const hash = createHash('sha256');
    let rv = 0;
    // Each write fills an Endpoints object that had only ports: the lists are written whole
    // inside the delta, where the writer may recall them.
    const ports = deepFreeze([{ port: 80 }]);
    const old = deepFreeze({ subsets: [{ ports }] });
    const write = (name: string, object: object) => {
      const entry: TraceEntry = { tMs: rv, op: 'MODIFIED', kind: 'Endpoints', key: `ns/${name}`, resourceVersion: String(++rv) };
      trace.recordWrite(entry, old, object);
      hash.update(`${formatTraceEntry(entry)}\n${oracleContent(old, object)!}\n`);
    };
    for (const round of [0, 1]) {
      lists.forEach((addresses, n) => write(`e${round}-${n}`, deepFreeze({ subsets: [{ addresses, ports }] })));
      write(`again${round}`, deepFreeze({ subsets: [{ notReadyAddresses: lists[69], addresses: lists[0], ports }] }));
      write(`m${round}`, { subsets: [{ addresses: mutable, ports }] });
      mutable[7] = { ip: `10.9.9.${round}`, nodeName: 'node-9' };
      write(`m${round}-edited`, { subsets: [{ addresses: mutable, ports }] });
    }
    expect(trace.digest()).toBe(hash.digest('hex'));
  });
});

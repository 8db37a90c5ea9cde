// A MODIFIED write feeds the trace hash the delta from the old object to the new one
// (src/sim/trace-content.ts). These tests decode each delta against the old object with an
// independent decoder written from the grammar in the module comment: the decoded JSON must be
// the new object's JSON, byte for byte. That is what makes the delta as strong as the whole
// object: given the old object, two different new objects cannot share a delta. An ADDED write
// is a delta from the previous ADDED object of its kind; a real cluster's whole stream is
// decoded here from the entries and contents alone, references included.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCluster } from '../../src/index.js';
import { encodeDelta, writeContent } from '../../src/sim/trace-content.js';
import { Trace, formatTraceEntry, writeEntry, type TraceEntry } from '../../src/sim/trace.js';
import type { TraceWriter } from '../../src/sim/trace-writer.js';

/** Index just past the JSON value starting at `at` (strings, nesting; no validation). */
function endOfJson(s: string, at: number): number {
  let depth = 0;
  let i = at;
  do {
    const c = s[i]!;
    if (c === '"') {
      for (i++; s[i] !== '"'; i++) if (s[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    else if (depth === 0) {
      // a scalar at top level: up to the next delimiter of the grammar
      while (i + 1 < s.length && !',]}'.includes(s[i + 1]!)) i++;
    }
    i++;
  } while (depth > 0);
  return i;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// Own properties only, so that keys such as "__proto__" are plain keys here as in JSON.
function put(o: Record<string, Json>, k: string, v: Json): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}
function own(o: Record<string, Json>, k: string): Json {
  return Object.hasOwn(o, k) ? o[k]! : null;
}

/** Applies the delta at s[at] to `old`; returns the new value and where the delta ends. */
function decodeAt(old: Json, s: string, at: number): [Json, number] {
  const op = s[at];
  if (op === '=') {
    const end = endOfJson(s, at + 1);
    return [JSON.parse(s.slice(at + 1, end)) as Json, end];
  }
  if (op === '{') {
    const next: Record<string, Json> = {};
    for (const k of Object.keys(old as object)) put(next, k, (old as Record<string, Json>)[k]!);
    const removed: string[] = [];
    const added: string[] = [];
    let i = at + 1;
    while (s[i] !== '}') {
      const keyEnd = endOfJson(s, i);
      const key = JSON.parse(s.slice(i, keyEnd)) as string;
      if (s[keyEnd] === '-') {
        removed.push(key);
        i = keyEnd + 1;
      } else {
        if (!Object.hasOwn(next, key)) added.push(key);
        const [v, end] = decodeAt(own(next, key), s, keyEnd);
        put(next, key, v);
        i = end;
      }
      if (s[i] === ',') i++;
    }
    // The natural order: kept keys in their old order, then the added ones.
    const out: Record<string, Json> = {};
    for (const k of Object.keys(old as object)) if (!removed.includes(k) && !added.includes(k)) put(out, k, own(next, k));
    for (const k of added) put(out, k, own(next, k));
    return [out, i + 1];
  }
  if (op === '[') {
    const prev = old as Json[];
    let i = at + 1;
    let j = i;
    while (s[j] !== ':') j++;
    const p = Number(s.slice(i, j));
    i = j + 1;
    while (/[0-9]/.test(s[j + 1]!)) j++;
    const suffix = Number(s.slice(i, j + 1));
    i = j + 1;
    let middle = prev.slice(p, prev.length - suffix);
    if (s[i] === '=') {
      const [v, end] = decodeAt(null, s, i);
      middle = v as Json[];
      i = end;
    } else {
      while (s[i] === ',') {
        let k = i + 1;
        while (/[0-9]/.test(s[k]!)) k++;
        const index = Number(s.slice(i + 1, k));
        expect(index - p).toBeLessThan(middle.length);
        const [v, end] = decodeAt(middle[index - p]!, s, k);
        middle[index - p] = v;
        i = end;
      }
    }
    expect(s[i]).toBe(']');
    return [[...prev.slice(0, p), ...middle, ...prev.slice(prev.length - suffix)], i + 1];
  }
  throw new Error(`bad delta at ${at}: ${s.slice(at, at + 20)}`);
}

function decode(old: Json, d: string): Json {
  if (d === '') return old;
  const [v, end] = decodeAt(old, d, 0);
  expect(end).toBe(d.length);
  return v;
}

function roundTrips(old: unknown, next: unknown): string {
  const d = encodeDelta(old, next);
  expect(d).not.toContain('\n');
  expect(JSON.stringify(decode(JSON.parse(JSON.stringify(old)) as Json, d))).toBe(JSON.stringify(next));
  return d;
}

// Interned endpoint addresses: the same object for the same index, as stored ones share them.
const address = Array.from({ length: 40 }, (_, i) => Object.freeze({ ip: `10.0.0.${i}`, nodeName: `n${i % 3}` }));
const addresses = (from: number, count: number) => Array.from({ length: count }, (_, i) => address[from + i + 1]!);

const pod = Object.freeze({
  metadata: Object.freeze({ name: 'web-1', namespace: 'default', resourceVersion: '7', labels: Object.freeze({ app: 'web' }) }),
  spec: Object.freeze({ containers: Object.freeze([Object.freeze({ name: 'c', image: 'nginx' })]), schedulerName: 'default-scheduler' }),
  status: Object.freeze({ phase: 'Pending', conditions: Object.freeze([Object.freeze({ type: 'PodScheduled', status: 'False' })]) }),
});

// Small JSON values, with keys that are special to plain objects.
const value = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Json>(null, true, false, 0, 1, -1, 2.5, '', 'a', 'b'),
    fc.array(tie('json'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', '0', '__proto__', 'constructor'), tie('json'), { maxKeys: 4 }),
  ),
})).json as fc.Arbitrary<Json>;

describe('encodeDelta', () => {
  it('names only the changed fields of a bind, sharing the rest by reference', () => {
    const bound = {
      metadata: { ...pod.metadata, resourceVersion: '8' },
      spec: { ...pod.spec, nodeName: 'node-1' },
      status: { ...pod.status, conditions: [{ type: 'PodScheduled', status: 'True' }] },
    };
    expect(roundTrips(pod, bound)).toBe(
      '{"metadata"{"resourceVersion"="8"},"spec"{"nodeName"="node-1"},"status"{"conditions"[0:0,0{"status"="True"}]}}',
    );
  });

  it.each`
    case                              | old                            | next
    ${'scalar change'}                | ${{ a: 1, b: 'x' }}            | ${{ a: 2, b: 'x' }}
    ${'added key'}                    | ${{ a: 1 }}                    | ${{ a: 1, b: null }}
    ${'removed key (not null)'}       | ${{ a: 1, b: null }}           | ${{ a: 1 }}
    ${'set to null'}                  | ${{ a: 1, b: 2 }}              | ${{ a: 1, b: null }}
    ${'object → array'}               | ${{ a: { x: 1 } }}             | ${{ a: [1] }}
    ${'array → object'}               | ${{ a: [1] }}                  | ${{ a: { 0: 1 } }}
    ${'object → scalar'}              | ${{ a: { x: 1 } }}             | ${{ a: 'x' }}
    ${'scalar → object'}              | ${{ a: 'x' }}                  | ${{ a: { x: 1 } }}
    ${'array grows'}                  | ${{ a: [1, 2] }}               | ${{ a: [1, 2, { z: 3 }] }}
    ${'array shrinks'}                | ${{ a: [1, 2, 3] }}            | ${{ a: [1] }}
    ${'array element edited'}         | ${{ a: [{ x: 1 }, { y: 2 }] }} | ${{ a: [{ x: 1 }, { y: 3 }] }}
    ${'array emptied'}                | ${{ a: [1] }}                  | ${{ a: [] }}
    ${'key order changes'}            | ${{ a: 1, b: 2 }}              | ${{ b: 2, a: 1 }}
    ${'kept key after an added one'}  | ${{ a: 1, b: 2 }}              | ${{ c: 0, a: 1, b: 2 }}
    ${'removed then re-added at end'} | ${{ a: 1, b: 2 }}              | ${{ b: 2, a: 1, c: 3 }}
    ${'quotes, commas in keys'}       | ${{ 'a"],{': 1 }}              | ${{ 'a"],{': 2, '-': '=' }}
    ${'nested removal'}               | ${{ s: { t: { u: 1, v: 2 } } }} | ${{ s: { t: { v: 2 } } }}
    ${'root becomes array'}           | ${{ a: 1 }}                    | ${[1]}
    ${'long array, insert at front'}  | ${{ a: addresses(0, 20) }}     | ${{ a: addresses(-1, 20) }}
    ${'long array, appended'}         | ${{ a: addresses(0, 20) }}     | ${{ a: [...addresses(0, 20), { ip: 'x' }] }}
    ${'long array, middle removed'}   | ${{ a: addresses(0, 20) }}     | ${{ a: [...addresses(0, 5), ...addresses(6, 14)] }}
    ${'repeats, one more'}            | ${{ a: [1, 1] }}               | ${{ a: [1, 1, 1] }}
    ${'repeats, one fewer'}           | ${{ a: [1, 1, 1] }}            | ${{ a: [1, 1] }}
    ${'edits at both ends'}           | ${{ a: [1, 2, 3, 4] }}         | ${{ a: [0, 2, 3, 5] }}
    ${'equal ends, longer middle'}    | ${{ a: [1, 2, 1] }}            | ${{ a: [1, 2, 2, 1] }}
    ${'null and undefined elements'}  | ${{ a: [null, 1] }}            | ${{ a: [undefined, 2, undefined] }}
    ${'long array, copied'}           | ${{ a: addresses(0, 20) }}     | ${{ a: addresses(0, 20).map((e) => ({ ...e })) }}
  `('decodes to the new object: $case', ({ old, next }: { old: unknown; next: unknown }) => {
    roundTrips(old, next);
  });

  it('writes one element for an address inserted into a sorted list', () => {
    expect(roundTrips({ a: addresses(0, 20) }, { a: [...addresses(0, 10), { ip: 'new' }, ...addresses(10, 10)] })).toBe(
      '{"a"[10:10=[{"ip":"new"}]]}',
    );
  });

  it('tells a removed key from a key set to null', () => {
    expect(encodeDelta({ a: 1 }, {})).not.toBe(encodeDelta({ a: 1 }, { a: null }));
  });

  it('is empty when only identity differs, and follows JSON on undefined', () => {
    expect(encodeDelta({ a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 2 }] } })).toBe('');
    expect(encodeDelta({ a: 1 }, { a: 1, b: undefined })).toBe('');
    expect(roundTrips({ a: 1, b: 2 }, { a: 1, b: undefined })).toBe('{"b"-}');
    expect(encodeDelta([null], [undefined])).toBe('');
    expect(encodeDelta({ n: NaN }, { n: NaN })).toBe('');
  });

  it('writes scalars and keys exactly as JSON.stringify does (property)', () => {
    const scalar = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      fc.double(),
      fc.constantFrom(-0, 1e21, 1.5e-7, Number.MAX_VALUE, true, false, null, '\u2028', '\ud800', 'a\udc00b'),
      fc.jsonValue(),
      fc.array(fc.oneof(fc.constant(undefined), fc.string({ unit: 'binary' }))),
      fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.constant(undefined), fc.double())),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), scalar, (k, v) => {
        expect(encodeDelta({ [k]: 'old' }, { [k]: v })).toBe(`{${JSON.stringify(k)}=${JSON.stringify(v)}}`);
      }),
      { seed: 11, numRuns: 3000 },
    );
  });

  it('compares values that are not JSON data (a Date) by their JSON', () => {
    expect(encodeDelta({ d: new Date(0) }, { d: new Date(0) })).toBe('');
    expect(encodeDelta({ d: new Date(0) }, { d: new Date(1000) })).toBe(`{"d"=${JSON.stringify(new Date(1000))}}`);
  });

  it('depends on values, not on which subtrees are shared', () => {
    const shared = { x: [1, 2], y: { z: 'q' } };
    const old = { a: shared, b: 1 };
    expect(encodeDelta(old, { a: shared, b: 2 })).toBe(encodeDelta(old, { a: structuredClone(shared), b: 2 }));
    const list = { a: addresses(0, 20) };
    const inserted = [...addresses(0, 3), { ip: 'x' }, ...addresses(3, 17)];
    expect(encodeDelta(list, { a: inserted })).toBe(encodeDelta(list, { a: structuredClone(inserted) }));
  });


  it('decodes back to the new object for any two objects (property)', () => {
    fc.assert(
      fc.property(value, value, (old, next) => {
        roundTrips(old, next);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  // Writes as the simulator makes them: a few edits down one path each, copying only the
  // containers on the path, so the new object shares every other subtree with the old one.
  type Edit = { path: number[]; op: 'set' | 'remove'; value: Json };
  function edited(v: Json, path: readonly number[], edit: Edit): Json {
    if (path.length === 0 || v === null || typeof v !== 'object') return edit.value;
    const keys = Array.isArray(v) ? v.map((_, i) => String(i)) : Object.keys(v);
    if (keys.length === 0) return edit.value;
    const k = keys[path[0]! % keys.length]!;
    const last = path.length === 1;
    if (Array.isArray(v)) {
      const copy = [...v];
      if (last && edit.op === 'remove') copy.length = Number(k);
      else copy[Number(k)] = edited(v[Number(k)]!, path.slice(1), edit);
      return copy;
    }
    const copy: Record<string, Json> = {};
    for (const key of keys) if (!(last && edit.op === 'remove' && key === k)) put(copy, key, v[key]!);
    if (!(last && edit.op === 'remove')) put(copy, k, edited(v[k]!, path.slice(1), edit));
    return copy;
  }
  const edit = fc.record({ path: fc.array(fc.nat(5), { minLength: 1, maxLength: 4 }), op: fc.constantFrom<Edit['op']>('set', 'remove'), value });

  it('decodes back to the new object after edits that share subtrees (property)', () => {
    fc.assert(
      fc.property(value, fc.array(edit, { maxLength: 4 }), (old, edits) => {
        let next = old;
        for (const e of edits) next = edited(next, e.path, e);
        roundTrips(old, next);
      }),
      { seed: 3, numRuns: 2000 },
    );
  });

  // Short arrays over two values: repeats at both ends, where prefix and suffix could overlap.
  it('decodes back to the new array for any two short arrays (property)', () => {
    const list = fc.array(fc.constantFrom<Json>(0, 1, null), { maxLength: 6 });
    fc.assert(
      fc.property(list, list, (old, next) => {
        roundTrips({ a: old }, { a: next });
      }),
      { seed: 5, numRuns: 3000 },
    );
  });

  it('gives different deltas for different new objects (property)', () => {
    fc.assert(
      fc.property(value, value, value, (old, x, y) => {
        fc.pre(JSON.stringify(x) !== JSON.stringify(y));
        expect(encodeDelta(old, x)).not.toBe(encodeDelta(old, y));
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});

describe('writeContent', () => {
  it('is the whole JSON for an added object, nothing for a deleted one, the delta otherwise', () => {
    expect(writeContent(undefined, pod)).toBe(JSON.stringify(pod));
    expect(writeContent(pod, undefined)).toBeUndefined();
    expect(writeContent(pod, { ...pod, status: { ...pod.status, phase: 'Running' } })).toBe('{"status"{"phase"="Running"}}');
  });

  it('encodes an added object from its reference, and the decoder rebuilds it', () => {
    const sibling = { ...pod, metadata: { ...pod.metadata, name: 'web-2', resourceVersion: '9' } };
    const content = writeContent(undefined, sibling, pod)!;
    expect(content).toBe('{"metadata"{"name"="web-2","resourceVersion"="9"}}');
    expect(decode(JSON.parse(JSON.stringify(pod)) as Json, content)).toEqual(JSON.parse(JSON.stringify(sibling)));
    // The old object of a modification wins over any reference.
    expect(writeContent(pod, sibling, { other: 1 })).toBe(content);
  });

  it('decodes an added object from any reference (property)', () => {
    fc.assert(
      fc.property(value, value, (reference, object) => {
        fc.pre(typeof object === 'object' && object !== null && typeof reference === 'object' && reference !== null);
        const content = writeContent(undefined, object as object, JSON.parse(JSON.stringify(reference)) as object)!;
        expect(JSON.stringify(decode(reference, content))).toBe(JSON.stringify(object));
      }),
      { seed: 13, numRuns: 2000 },
    );
  });
});

describe('a cluster trace, decoded from the stream alone', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // Mirrors the rule in src/sim/trace.ts: these kinds' added objects are written whole.
  const addedWhole = new Set(['Endpoints', 'EndpointSlice']);

  it('rebuilds every added and modified object from the previous added object of its kind or its old version', () => {
    // Every entry recorded, in order, and the object of each write.
    const entries: TraceEntry[] = [];
    const writes = new Map<TraceEntry, unknown>();
    const recordWrite = Trace.prototype.recordWrite;
    vi.spyOn(Trace.prototype, 'recordWrite').mockImplementation(function (this: Trace, record, oldObject, object) {
      // The record is the caller's to reuse: its entry is taken now.
      const entry = writeEntry(record);
      entries.push(entry);
      writes.set(entry, object);
      recordWrite.call(this, record, oldObject, object);
    });
    const record = Trace.prototype.record;
    vi.spyOn(Trace.prototype, 'record').mockImplementation(function (this: Trace, entry, content) {
      entries.push(entry);
      record.call(this, entry, content);
    });
    // The bytes the hash is fed, as it is fed them (the trace's buffer at each flush).
    const hashed: Buffer[] = [];
    const internals = Trace.prototype as unknown as { flush(): void };
    const flush = internals.flush;
    vi.spyOn(internals, 'flush').mockImplementation(function (this: { out: TraceWriter }) {
      hashed.push(Buffer.from(this.out.buf.subarray(0, this.out.pos)));
      flush.call(this);
    });
    const c = createCluster({ seed: 5, nodes: 3 });
    const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '10m' } } }] } };
    c.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template } });
    c.apply({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' }, spec: { replicas: 3, selector: { matchLabels: { app: 'api' } }, template: { ...template, metadata: { labels: { app: 'api' } } } } });
    c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'default' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } });
    c.advance('60s');
    c.scale('deployment/web', 1);
    c.advance('60s');

    c.traceHash(); // flushes the rest
    const lines = Buffer.concat(hashed).toString('utf8').split('\n');
    expect(lines.pop()).toBe(''); // every line ends with a newline
    let at = 0;
    const objects = new Map<string, Json>();
    const lastAdded = new Map<string, Json>();
    const decodedKinds = new Set<string>();
    let fromReference = 0;
    for (const entry of entries) {
      // The entry's own line first, as formatTraceEntry writes it.
      const own = formatTraceEntry(entry).split('\n');
      expect(lines.slice(at, at + own.length)).toEqual(own);
      at += own.length;
      if (entry.op === 'error' || entry.op === 'note') continue;
      const id = `${entry.kind} ${entry.key}`;
      if (entry.op === 'DELETED') {
        objects.delete(id);
        continue;
      }
      const content = lines[at++];
      let decoded: Json;
      if (entry.op === 'MODIFIED') decoded = decode(objects.get(id)!, content!);
      else if (lastAdded.has(entry.kind) && !addedWhole.has(entry.kind)) {
        decoded = decode(lastAdded.get(entry.kind)!, content!);
        fromReference++;
        decodedKinds.add(entry.kind);
      } else decoded = JSON.parse(content!) as Json;
      if (entry.op === 'ADDED') lastAdded.set(entry.kind, decoded);
      objects.set(id, decoded);
      expect(JSON.stringify(decoded), `${entry.op} ${id}`).toBe(JSON.stringify(writes.get(entry)));
    }
    expect(at).toBe(lines.length); // a deleted object's entry has no content line
    // The run exercised what it is meant to: references in several kinds, interleaved.
    expect(fromReference).toBeGreaterThan(20);
    expect([...decodedKinds]).toEqual(expect.arrayContaining(['Pod', 'Event', 'ReplicaSet']));
  });
});

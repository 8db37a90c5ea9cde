// The trace hash is SHA-256 over each entry's canonical line and its write's content (the delta
// from the previous added object of the kind when added, from the old version when modified),
// one per line. Lines are buffered before hashing; these tests pin that the digest is exactly
// the hash of that byte stream, wherever a buffer boundary or an early digest() falls, that an
// added object is hashed from the previous added object of its kind, and that a cluster's hash
// still tells apart runs whose objects (modified or created) differ anywhere.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/index.js';
import { encodeDelta } from '../../src/sim/trace-content.js';
import { Trace, formatTraceEntry, type TraceEntry, type WriteRecord } from '../../src/sim/trace.js';

/** A write's entry (what recordWrite takes, as a WriteRecord with its key). */
type WriteEntry = Extract<TraceEntry, { op: 'ADDED' | 'MODIFIED' | 'DELETED' }>;

function entry(i: number, op: 'ADDED' | 'MODIFIED' | 'DELETED' = 'MODIFIED'): WriteEntry {
  return { tMs: i * 10, op, kind: 'Pod', key: `default/p-${i}`, resourceVersion: String(i + 1) };
}

function expected(n: number, content: (i: number) => string | undefined): string {
  const h = createHash('sha256');
  for (let i = 0; i < n; i++) {
    h.update(`${formatTraceEntry(entry(i))}\n`);
    const c = content(i);
    if (c !== undefined) h.update(`${c}\n`);
  }
  return h.digest('hex');
}

describe('Trace digest', () => {
  it('is SHA-256 over the entry lines and contents, across buffer flushes', () => {
    // ~3 MB of content: many flushes, and entries without content between them.
    const content = (i: number) => (i % 3 === 0 ? undefined : JSON.stringify({ i, pad: 'x'.repeat(i % 900) }));
    const t = new Trace(false);
    for (let i = 0; i < 6000; i++) t.record(entry(i), content(i));
    expect(t.digest()).toBe(expected(6000, content));
  });

  it('gives the running hash at any point and goes on from there', () => {
    const t = new Trace();
    t.record(entry(0), '{"a":1}');
    expect(t.digest()).toBe(expected(1, () => '{"a":1}'));
    t.record(entry(1), '{"a":1}');
    expect(t.digest()).toBe(expected(2, () => '{"a":1}'));
    expect(t.list()).toHaveLength(2);
  });

  it('tells different streams apart', () => {
    const a = new Trace();
    const b = new Trace();
    a.record(entry(0), '{"a":1}');
    b.record(entry(0), '{"a":2}');
    expect(a.digest()).not.toBe(b.digest());
  });
});

describe('Trace.recordWrite', () => {
  it('hashes the whole object when added, the delta when modified, nothing when deleted', () => {
    const v1 = { metadata: { name: 'a', resourceVersion: '1' }, data: { k: 'v' } };
    const v2 = { ...v1, metadata: { name: 'a', resourceVersion: '2' } };
    const t = new Trace();
    t.recordWrite(entry(0, 'ADDED'), undefined, v1);
    t.recordWrite(entry(1), v1, v2);
    t.recordWrite(entry(2, 'DELETED'), v2, undefined);
    const h = createHash('sha256');
    h.update(`${formatTraceEntry(entry(0, 'ADDED'))}\n${JSON.stringify(v1)}\n`);
    h.update(`${formatTraceEntry(entry(1))}\n${encodeDelta(v1, v2)}\n`);
    h.update(`${formatTraceEntry(entry(2, 'DELETED'))}\n`);
    expect(t.digest()).toBe(h.digest('hex'));
  });

  it('hashes an added object as the delta from the previous added object of its kind', () => {
    const add = (i: number, kind: string): WriteEntry => ({ tMs: i, op: 'ADDED', kind, key: `default/o-${i}`, resourceVersion: String(i) });
    const obj = (name: string, extra: object = {}) => ({ metadata: { name, namespace: 'default' }, spec: { size: 1 }, ...extra });
    const pods = [obj('p1'), obj('p2', { spec: { size: 2 } }), obj('p3', { more: true })];
    const events = [obj('e1', { reason: 'Scheduled' }), obj('e2', { reason: 'Pulled' })];
    const slices = [obj('s1'), obj('s2')];
    const writes: [WriteEntry, object][] = [
      [add(0, 'Pod'), pods[0]!],
      [add(1, 'Event'), events[0]!],
      [add(2, 'Pod'), pods[1]!],
      [add(3, 'EndpointSlice'), slices[0]!],
      [add(4, 'Event'), events[1]!],
      [add(5, 'Pod'), pods[2]!],
      [add(6, 'EndpointSlice'), slices[1]!],
    ];
    const t = new Trace();
    for (const [e, o] of writes) t.recordWrite(e, undefined, o);
    const contents = [
      JSON.stringify(pods[0]), // the first of a kind is whole
      JSON.stringify(events[0]),
      encodeDelta(pods[0], pods[1]), // not from the Event added in between
      JSON.stringify(slices[0]),
      encodeDelta(events[0], events[1]),
      encodeDelta(pods[1], pods[2]), // from the latest Pod, not the first
      JSON.stringify(slices[1]), // endpoint lists are written whole (src/sim/trace.ts)
    ];
    expect(contents[2]).toBe('{"metadata"{"name"="p2"},"spec"{"size"=2}}');
    expect(contents[5]).not.toBe(encodeDelta(pods[0], pods[2])); // so a stale reference shows
    const h = createHash('sha256');
    writes.forEach(([e], i) => h.update(`${formatTraceEntry(e)}\n${contents[i]}\n`));
    expect(t.digest()).toBe(h.digest('hex'));
  });
});

describe('Trace bytes', () => {
  // The trace writes each line's UTF-8 straight into a buffer (src/sim/trace-writer.ts), not
  // through hash.update(string): these pin that the bytes are the same as hashing the text.
  const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 40, maxLength: 200 }));

  it('hashes non-ASCII names, values and messages as the UTF-8 of their lines (property)', () => {
    fc.assert(
      fc.property(text, text, text, text, (k, v1, v2, note) => {
        const a = { metadata: { name: 'a', annotations: { [k]: v1, plain: 'x' } }, data: [v1, 'y'] };
        const b = { metadata: { name: 'a', annotations: { [k]: v2, plain: 'x' } }, data: [v2, 'y'] };
        const added: TraceEntry = { tMs: 1, op: 'ADDED', kind: 'ConfigMap', key: `default/${k}`, resourceVersion: '1' };
        const modified: TraceEntry = { ...added, tMs: 2, op: 'MODIFIED', resourceVersion: '2' };
        const noted: TraceEntry = { tMs: 3, op: 'note', message: note };
        const t = new Trace(false);
        t.recordWrite(added, undefined, a);
        t.recordWrite(modified, a, b);
        t.record(noted, v2);
        const h = createHash('sha256');
        h.update(`${formatTraceEntry(added)}\n${JSON.stringify(a)}\n`);
        h.update(`${formatTraceEntry(modified)}\n${encodeDelta(a, b)}\n`);
        h.update(`${formatTraceEntry(noted)}\n${v2}\n`);
        expect(t.digest()).toBe(h.digest('hex'));
      }),
    );
  });

  it('leaves the stream as it was when a write is not JSON data', () => {
    const v1 = { metadata: { name: 'a' }, spec: { size: 1 } };
    const t = new Trace();
    const u = new Trace();
    for (const x of [t, u]) x.recordWrite(entry(0, 'ADDED'), undefined, v1);
    // The first ConfigMap is written whole, by JSON.stringify, which throws on a BigInt.
    const first: WriteEntry = { tMs: 1, op: 'ADDED', kind: 'ConfigMap', key: 'default/c', resourceVersion: '2' };
    expect(() => t.recordWrite(first, undefined, { metadata: { name: 'c' }, data: { size: 2n } })).toThrow(TypeError);
    for (const x of [t, u]) x.recordWrite(entry(2), v1, { ...v1, spec: { size: 3 } });
    expect(t.digest()).toBe(u.digest());
    expect(t.list()).toHaveLength(2);
  });

  it('writes a delta larger than its buffer, and deltas taken back inside it', () => {
    // ~400 KB replaced inside an object whose other keys have no delta (written, then taken
    // back): the buffer grows while a delta is being written and keeps what came before.
    const big = (c: string) => Array.from({ length: 4000 }, (_, i) => ({ name: `${c}-${i}`, pad: c.repeat(80) }));
    const v1 = { metadata: { name: 'e', resourceVersion: '1' }, a: { same: 1 }, subsets: big('x'), z: { same: [1] } };
    const v2 = { metadata: { name: 'e', resourceVersion: '2' }, a: { same: 1 }, subsets: big('y'), z: { same: [1] } };
    const e = (i: number): WriteEntry => ({ tMs: i, op: i ? 'MODIFIED' : 'ADDED', kind: 'Endpoints', key: 'default/e', resourceVersion: String(i + 1) });
    const t = new Trace(false);
    t.recordWrite(e(0), undefined, v1);
    t.recordWrite(e(1), v1, v2);
    t.recordWrite(e(2), v2, v1);
    const h = createHash('sha256');
    h.update(`${formatTraceEntry(e(0))}\n${JSON.stringify(v1)}\n`);
    h.update(`${formatTraceEntry(e(1))}\n${encodeDelta(v1, v2)}\n`);
    h.update(`${formatTraceEntry(e(2))}\n${encodeDelta(v2, v1)}\n`);
    expect(encodeDelta(v1, v2).startsWith('{"metadata"{"resourceVersion"="2"},"subsets"[0:0,0{"name"="y-0","pad"="yyy')).toBe(true);
    expect(t.digest()).toBe(h.digest('hex'));
  });
});

describe('traceHash of a cluster', () => {
  const namespace = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels } });
  const pod = (name: string, labels: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  });
  // The same steps, differing only in what one later write leaves in an object.
  const run = (edit: (c: Cluster) => void) => {
    const c = createCluster({ seed: 3, nodes: 2 });
    c.apply(pod('p', { app: 'a', tier: 'x' }));
    c.apply(namespace({ a: '1', b: '2' }));
    c.advance('10s');
    edit(c);
    c.advance('10s');
    return c.traceHash();
  };

  it('is the same for the same run and differs when a modified object differs anywhere', () => {
    const hashes = [
      run(() => {}),
      run((c) => c.patch('pod', 'p', { metadata: { labels: { tier: 'y' } } })),
      run((c) => c.patch('pod', 'p', { metadata: { labels: { tier: 'z' } } })),
      run((c) => c.patch('pod', 'p', { metadata: { labels: { tier: null } } })), // removed
      run((c) => c.patch('pod', 'p', { metadata: { labels: { tier: '' } } })),
      run((c) => c.replace(namespace({ a: '1', b: '3' }))), // a full copy, one value differs
      run((c) => c.replace(namespace({ a: '1', b: '2' }))), // a full copy, same content
      run((c) => c.replace(namespace({ b: '2', a: '1' }))), // same content, other key order
      run((c) => c.replace(namespace({ a: '1' }))),
      // A second pod, added after the first (its reference): it differs from run to run in
      // one value, in a key, or not at all from the first pod but for its name.
      run((c) => c.apply(pod('q', { app: 'a', tier: 'x' }))),
      run((c) => c.apply(pod('q', { app: 'a', tier: 'y' }))),
      run((c) => c.apply(pod('q', { app: 'a' }))),
      run((c) => c.apply(pod('q', { app: 'a', tier: 'x', extra: '' }))),
      run((c) => c.apply(pod('r', { app: 'a', tier: 'x' }))),
    ];
    expect(run((c) => c.patch('pod', 'p', { metadata: { labels: { tier: 'y' } } }))).toBe(hashes[1]);
    expect(run((c) => c.apply(pod('q', { app: 'a', tier: 'y' })))).toBe(hashes[10]);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});

describe('Trace.list', () => {
  it('gives every entry in order, a write taken from a record its caller fills in anew each time', () => {
    // Over 4,096 writes (the trace keeps them in chunks), namespaced and cluster-scoped, with
    // errors and notes between them; one record object serves every write.
    const t = new Trace();
    const expected: TraceEntry[] = [];
    const record: WriteRecord = { tMs: 0, op: 'ADDED', kind: '', namespace: undefined, name: '', resourceVersion: '' };
    const object = { metadata: { name: 'x' } };
    for (let i = 0; i < 9000; i++) {
      if (i % 1000 === 7) {
        const note: TraceEntry = i % 2000 === 7 ? { tMs: i, op: 'note', message: `note ${i}` } : { tMs: i, op: 'error', controller: 'c', key: `k${i}`, message: 'm' };
        t.record(note);
        expected.push(note);
        continue;
      }
      const clusterScoped = i % 3 === 0;
      Object.assign(record, { tMs: i, op: i % 2 ? 'MODIFIED' : 'ADDED', kind: clusterScoped ? 'Node' : 'Pod', namespace: clusterScoped ? undefined : `ns${i % 5}`, name: `o${i}`, resourceVersion: String(i + 1) });
      t.recordWrite(record, i % 2 ? object : undefined, object);
      expected.push({ tMs: i, op: record.op, kind: record.kind, key: clusterScoped ? `o${i}` : `ns${i % 5}/o${i}`, resourceVersion: String(i + 1) });
      if (i === 5000) expect(t.list()).toEqual(expected);
    }
    const list = t.list();
    expect(list).toEqual(expected);
    expect(list.map(formatTraceEntry)).toEqual(expected.map(formatTraceEntry));
  });

  it('hashes a record as the entry it stands for', () => {
    const v1 = { metadata: { name: 'a', namespace: 'default' }, spec: { size: 1 } };
    const a = new Trace();
    const b = new Trace();
    a.recordWrite({ tMs: 3, op: 'ADDED', kind: 'Pod', namespace: 'default', name: 'a', resourceVersion: '7' }, undefined, v1);
    b.recordWrite({ tMs: 3, op: 'ADDED', kind: 'Pod', key: 'default/a', resourceVersion: '7' }, undefined, v1);
    a.recordWrite({ tMs: 4, op: 'DELETED', kind: 'Node', namespace: '', name: 'n', resourceVersion: '8' }, v1, undefined);
    b.recordWrite({ tMs: 4, op: 'DELETED', kind: 'Node', key: 'n', resourceVersion: '8' }, v1, undefined);
    expect(a.digest()).toBe(b.digest());
    expect(a.list()).toEqual(b.list());
  });
});

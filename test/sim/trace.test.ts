// The trace hash is SHA-256 over each entry's canonical line and its write's content (the whole
// object when added, the delta from the old version when modified), one per line. Lines are
// buffered before hashing; these tests pin that the digest is exactly the hash of that byte
// stream, wherever a buffer boundary or an early digest() falls, and that a cluster's hash
// still tells apart runs whose objects differ anywhere.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/index.js';
import { encodeDelta } from '../../src/sim/trace-content.js';
import { Trace, formatTraceEntry, type TraceEntry } from '../../src/sim/trace.js';

function entry(i: number, op: 'ADDED' | 'MODIFIED' | 'DELETED' = 'MODIFIED'): TraceEntry {
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
});

describe('traceHash of a cluster', () => {
  const namespace = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team', labels } });
  // The same steps, differing only in what one later write leaves in an object.
  const run = (edit: (c: Cluster) => void) => {
    const c = createCluster({ seed: 3, nodes: 2 });
    c.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels: { app: 'a', tier: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
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
    ];
    expect(run((c) => c.patch('pod', 'p', { metadata: { labels: { tier: 'y' } } }))).toBe(hashes[1]);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});

// The trace hash is SHA-256 over each entry's canonical line and the written object's JSON, one
// per line. Lines are buffered before hashing; these tests pin that the digest is exactly the
// hash of that byte stream, wherever a buffer boundary or an early digest() falls.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Trace, formatTraceEntry, type TraceEntry } from '../../src/sim/trace.js';

function entry(i: number): TraceEntry {
  return { tMs: i * 10, op: 'MODIFIED', kind: 'Pod', key: `default/p-${i}`, resourceVersion: String(i + 1) };
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

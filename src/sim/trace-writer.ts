/**
 * The byte buffer the trace writes its lines into before they reach the hash: the UTF-8 of
 * the text, as `hash.update(string)` would encode it, written in place. A write's content is
 * built here piece by piece and a piece that turns out empty is taken back by resetting
 * `pos`, so no intermediate string is built per field, and the hash gets large pieces of
 * bytes (no join, no second encoding pass). Owned by one Trace (or one call that wants a
 * string, ./trace-content.ts), never shared between clusters.
 */
import { Buffer } from 'node:buffer';

// Strings up to this length are copied by a JS loop; longer ones by Buffer#write, whose fixed
// cost per call only pays for itself on long text (a whole object's JSON).
const SHORT = 48;

export class TraceWriter {
  buf: Buffer;
  /** Bytes written so far; setting it back discards what was written after. */
  pos = 0;

  constructor(private readonly capacity = 1 << 17) {
    // Not zero-filled: only the bytes before `pos`, all written here, are ever read, and a
    // cluster (each has a Trace) should not pay for clearing 128 KiB it may never use.
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Room for `n` more bytes; the written bytes keep their positions. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** One ASCII character, by its code. */
  byte(c: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** A string's UTF-8 bytes (a lone surrogate as U+FFFD, as Node's encoder writes it). */
  str(s: string): void {
    const n = s.length;
    if (n <= SHORT) {
      this.ensure(n);
      const buf = this.buf;
      const start = this.pos;
      let p = start;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          // Not ASCII: rare in stored objects; the native encoder knows every case.
          this.pos = start;
          this.native(s);
          return;
        }
        buf[p++] = c;
      }
      this.pos = p;
      return;
    }
    this.native(s);
  }

  private native(s: string): void {
    // Up to 3 bytes a UTF-16 unit; a long text (a whole object's JSON) is measured instead, so
    // the buffer grows to what it holds, not three times that.
    this.ensure(s.length > 1 << 16 ? Buffer.byteLength(s, 'utf8') : s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /**
   * Nesting depth of the object walk in progress, and per depth a scratch list of an old
   * object's keys and values (./trace-content.ts): reused by every write, so the walk
   * allocates nothing. They keep the last values seen at each depth alive until overwritten,
   * bounded by the widest object.
   */
  depth = 0;
  private readonly keyLists: string[][] = [];
  private readonly valueLists: unknown[][] = [];

  scratchKeys(depth: number): string[] {
    while (this.keyLists.length <= depth) this.keyLists.push([]);
    return this.keyLists[depth]!;
  }

  scratchValues(depth: number): unknown[] {
    while (this.valueLists.length <= depth) this.valueLists.push([]);
    return this.valueLists[depth]!;
  }

  /** Empties the buffer, going back to the first capacity if a large write grew it. */
  reset(): void {
    this.pos = 0;
    if (this.buf.length > this.capacity) this.buf = Buffer.allocUnsafe(this.capacity);
  }

  /** A non-negative integer in decimal (array indices and lengths). */
  uint(v: number): void {
    if (v < 10) this.byte(0x30 + v);
    else this.str(String(v));
  }

  /** A copy of the bytes from `start` to `end`, kept while the buffer is rewritten there. */
  copyOf(start: number, end: number): Uint8Array {
    return Uint8Array.prototype.slice.call(this.buf, start, end);
  }

  /** Writes bytes kept by copyOf. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** The text written so far (for callers that want the content as a string). */
  text(): string {
    return this.buf.toString('utf8', 0, this.pos);
  }
}

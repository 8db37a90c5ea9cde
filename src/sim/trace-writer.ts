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

/** Long frozen arrays whose JSON bytes a writer remembers (see recall). */
const RECENT = 64;

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
   * A scratch stack for the object walk in progress (./trace-content.ts): each object being
   * compared keeps its old keys and values here, side by side, from the top it found, and
   * `depth` is the top. Reused by every write, so the walk allocates nothing; it keeps the
   * last values seen alive until overwritten, bounded by the widest path of objects walked.
   */
  depth = 0;
  readonly scratch: unknown[] = [];

  /** Empties the buffer, going back to the first capacity if a large write grew it. */
  reset(): void {
    this.pos = 0;
    if (this.buf.length > this.capacity) this.buf = Buffer.allocUnsafe(this.capacity);
  }

  /**
   * A non-negative safe integer in decimal, as String(v) writes it (array indices, a trace
   * line's time): digits written in place, no string built.
   */
  uint(v: number): void {
    if (v < 10) {
      this.byte(0x30 + v);
      return;
    }
    let digits = 2;
    for (let t = 100; t <= v && digits < 16; t *= 10) digits++;
    this.ensure(digits);
    const buf = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    while (v >= 1) {
      const q = Math.floor(v / 10);
      buf[--p] = 0x30 + (v - q * 10);
      v = q;
    }
  }

  /**
   * Bytes set aside while the buffer is rewritten where they were (an array delta's first and
   * last element, ./trace-content.ts), as a stack: `sideTop` is its top, and what a nested
   * walk sets aside goes above. A reused buffer rather than a copy per array: allocating a
   * typed array cost more than the delta it held.
   */
  private side: Buffer = Buffer.allocUnsafe(256);
  sideTop = 0;

  /** Moves the bytes from `start` to `pos` aside and goes back to `start`; returns where they are kept. */
  stash(start: number): number {
    const n = this.pos - start;
    const at = this.sideTop;
    if (at + n > this.side.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.side.length * 2, at + n));
      this.side.copy(bigger, 0, 0, at);
      this.side = bigger;
    }
    copyBytes(this.buf, start, this.side, at, n);
    this.sideTop = at + n;
    this.pos = start;
    return at;
  }

  /** Writes `n` bytes kept by stash, from `at`. */
  unstash(at: number, n: number): void {
    this.ensure(n);
    copyBytes(this.side, at, this.buf, this.pos, n);
    this.pos += n;
  }

  /** Forgets what was set aside from `at` on. */
  drop(at: number): void {
    this.sideTop = at;
  }

  /**
   * The JSON bytes of the last RECENT long frozen arrays written whole (./trace-content.ts
   * json), in a ring: an address list shared by the Endpoints of twenty Services is
   * stringified once, not twenty times. Bounded (a few MB at most), and per writer like
   * everything here, so clusters never see each other's values.
   */
  private readonly recentValues: (object | undefined)[] = new Array<object | undefined>(RECENT).fill(undefined);
  private readonly recentBytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(RECENT).fill(undefined);
  private recentNext = 0;

  /** Writes the bytes remembered for `v` and says true, or says false when there are none. */
  recall(v: object): boolean {
    const values = this.recentValues;
    for (let i = 0; i < RECENT; i++) {
      if (values[i] !== v) continue;
      const b = this.recentBytes[i]!;
      this.ensure(b.length);
      this.buf.set(b, this.pos);
      this.pos += b.length;
      return true;
    }
    return false;
  }

  /** Remembers the bytes from `start` to `pos` as `v`'s JSON, in place of the oldest. */
  remember(v: object, start: number): void {
    const i = this.recentNext;
    this.recentValues[i] = v;
    this.recentBytes[i] = Uint8Array.prototype.slice.call(this.buf, start, this.pos);
    this.recentNext = i + 1 === RECENT ? 0 : i + 1;
  }

  /** The text written so far (for callers that want the content as a string). */
  text(): string {
    return this.buf.toString('utf8', 0, this.pos);
  }
}

/** Copies `n` bytes: a loop for the usual few, the native copy past its fixed cost. */
function copyBytes(from: Buffer, fromStart: number, to: Buffer, toStart: number, n: number): void {
  if (n > 64) {
    from.copy(to, toStart, fromStart, fromStart + n);
    return;
  }
  for (let i = 0; i < n; i++) to[toStart + i] = from[fromStart + i]!;
}

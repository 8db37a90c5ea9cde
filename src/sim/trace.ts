/**
 * The run's trace: one entry per observable step (a committed write, a failed controller call,
 * a fault), in order, plus a running SHA-256 over the entries' canonical lines, the line of
 * an added or modified object followed by a content line. Two runs are the same run exactly
 * when their `traceHash()` values are equal.
 *
 * A write's content is nothing when the object is deleted, the delta from the old version when
 * it is modified, and the delta from the previous added object of the same kind (whole JSON
 * for the first) when it is added (./trace-content.ts). That is as strong as hashing the whole
 * new object: runs whose streams agree so far hold the same old object and the same reference
 * (every object got there through traced writes, starting from an empty store), and given
 * either the delta determines the new object. It is much cheaper: a bind or a status write
 * changes a few fields of a ~2 KB pod, a new pod differs from its sibling in a few names.
 *
 * Lines and contents are written as UTF-8 straight into one reusable buffer
 * (./trace-writer.ts) that the hash reads in large pieces: no string per field or per line
 * is built, so a write allocates almost nothing (string pieces were a few KB of garbage per
 * write in the scheduler benchmark, a sixth of its young-generation collections).
 */
import { createHash, type Hash } from 'node:crypto';
import { writeContentTo } from './trace-content.js';
import { TraceWriter } from './trace-writer.js';

export type TraceEntry =
  | {
      readonly tMs: number;
      readonly op: 'ADDED' | 'MODIFIED' | 'DELETED';
      readonly kind: string;
      readonly key: string;
      readonly resourceVersion: string;
    }
  | { readonly tMs: number; readonly op: 'error'; readonly controller: string; readonly key: string; readonly message: string }
  | { readonly tMs: number; readonly op: 'note'; readonly message: string };

export function formatTraceEntry(e: TraceEntry): string {
  switch (e.op) {
    case 'error':
      return `${e.tMs} error ${e.controller} ${e.key}: ${e.message}`;
    case 'note':
      return `${e.tMs} note ${e.message}`;
    default:
      return `${e.tMs} ${e.op} ${e.kind} ${e.key} rv=${e.resourceVersion}`;
  }
}

/**
 * Kinds whose added objects are written whole, never from a reference: their bulk is one
 * Service's own endpoint list, which the previous object of the kind does not share, and
 * walking two unrelated lists cost more than writing the new one (measured on the envelope
 * mix). The rule reads only the entry's kind, so a reader of the stream still knows the case.
 */
const ADDED_WHOLE: ReadonlySet<string> = new Set(['Endpoints', 'EndpointSlice']);

const NEWLINE = 0x0a;
const SPACE = 0x20;

export class Trace {
  private readonly entries: TraceEntry[] = [];
  private readonly hash: Hash = createHash('sha256');
  // Lines are written here as UTF-8 and reach the hash in large pieces: one native update per
  // write cost more than the hashing itself. SHA-256 over the same bytes as hashing each line
  // and '\n' in turn, so the digest is unchanged.
  private readonly out = new TraceWriter();
  // Per kind, the object of the last ADDED entry: the reference the next one is encoded from.
  private readonly lastAdded = new Map<string, object>();

  /** `keepEntries: false` keeps only the hash (for very long runs). */
  constructor(private readonly keepEntries = true) {}

  /**
   * Records a committed write (an ADDED, MODIFIED or DELETED entry): its content line, from the
   * old and new versions of the object (see the module comment), feeds the hash.
   */
  recordWrite(entry: TraceEntry, oldObject: object | undefined, object: object | undefined): void {
    const w = this.out;
    const mark = w.pos;
    try {
      this.writeLine(entry);
      if (object !== undefined) {
        if (entry.op !== 'ADDED' || oldObject !== undefined || ADDED_WHOLE.has(entry.kind)) {
          writeContentTo(w, oldObject, object);
        } else {
          // The reference is chosen from what the entry lines show (op and kind), as a reader
          // of the stream would choose it.
          writeContentTo(w, undefined, object, this.lastAdded.get(entry.kind));
          this.lastAdded.set(entry.kind, object);
        }
        w.byte(NEWLINE);
      }
    } catch (e) {
      // Not JSON data (a BigInt, say): nothing of this write stays in the stream.
      w.pos = mark;
      w.depth = 0;
      w.sideTop = 0;
      throw e;
    }
    if (this.keepEntries) this.entries.push(entry);
    if (w.pos >= 1 << 16) this.flush();
  }

  /** Records an entry; `content` (one line, no raw newline) feeds the hash, not the entry. */
  record(entry: TraceEntry, content?: string): void {
    if (this.keepEntries) this.entries.push(entry);
    this.writeLine(entry);
    if (content !== undefined) {
      this.out.str(content);
      this.out.byte(NEWLINE);
    }
    if (this.out.pos >= 1 << 16) this.flush();
  }

  /** formatTraceEntry(entry) and a newline, written piece by piece for a write's entry. */
  private writeLine(e: TraceEntry): void {
    const w = this.out;
    if (e.op === 'error' || e.op === 'note') {
      w.str(formatTraceEntry(e));
    } else {
      const t = e.tMs;
      if (Number.isSafeInteger(t) && t >= 0) w.uint(t);
      else w.str(String(t));
      w.byte(SPACE);
      w.str(e.op);
      w.byte(SPACE);
      w.str(e.kind);
      w.byte(SPACE);
      w.str(e.key);
      w.str(' rv=');
      w.str(e.resourceVersion);
    }
    w.byte(NEWLINE);
  }

  private flush(): void {
    const w = this.out;
    if (w.pos === 0) return;
    this.hash.update(w.buf.subarray(0, w.pos));
    w.reset();
  }

  list(): readonly TraceEntry[] {
    return this.entries;
  }

  digest(): string {
    this.flush();
    return this.hash.copy().digest('hex');
  }
}

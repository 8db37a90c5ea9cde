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
 */
import { createHash, type Hash } from 'node:crypto';
import { writeContent } from './trace-content.js';

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

export class Trace {
  private readonly entries: TraceEntry[] = [];
  private readonly hash: Hash = createHash('sha256');
  // Lines wait here and reach the hash in large pieces: one native update per write cost more
  // than the hashing itself. SHA-256 over the same bytes, so the digest is unchanged.
  private pending: string[] = [];
  private pendingChars = 0;
  // Per kind, the object of the last ADDED entry: the reference the next one is encoded from.
  private readonly lastAdded = new Map<string, object>();

  /** `keepEntries: false` keeps only the hash (for very long runs). */
  constructor(private readonly keepEntries = true) {}

  /**
   * Records a committed write (an ADDED, MODIFIED or DELETED entry): its content line, from the
   * old and new versions of the object (see the module comment), feeds the hash.
   */
  recordWrite(entry: TraceEntry, oldObject: object | undefined, object: object | undefined): void {
    if (entry.op !== 'ADDED' || oldObject !== undefined || object === undefined || ADDED_WHOLE.has(entry.kind)) {
      this.record(entry, writeContent(oldObject, object));
      return;
    }
    // The reference is chosen from what the entry lines show (op and kind), as a reader of the
    // stream would choose it.
    const content = writeContent(undefined, object, this.lastAdded.get(entry.kind));
    this.lastAdded.set(entry.kind, object);
    this.record(entry, content);
  }

  /** Records an entry; `content` (one line, no raw newline) feeds the hash, not the entry. */
  record(entry: TraceEntry, content?: string): void {
    if (this.keepEntries) this.entries.push(entry);
    const line = formatTraceEntry(entry);
    this.pending.push(line);
    this.pendingChars += line.length + 1;
    if (content !== undefined) {
      this.pending.push(content);
      this.pendingChars += content.length + 1;
    }
    if (this.pendingChars >= 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.pending.push('');
    this.hash.update(this.pending.join('\n'));
    this.pending = [];
    this.pendingChars = 0;
  }

  list(): readonly TraceEntry[] {
    return this.entries;
  }

  digest(): string {
    this.flush();
    return this.hash.copy().digest('hex');
  }
}

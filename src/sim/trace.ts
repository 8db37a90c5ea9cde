/**
 * The run's trace: one entry per observable step (a committed write, a failed controller call,
 * a fault), in order, plus a running SHA-256 over the entries' canonical lines, the line of
 * an added or modified object followed by a content line. Two runs are the same run exactly
 * when their `traceHash()` values are equal.
 *
 * A write's content is its whole JSON when the object is added, nothing when it is deleted,
 * and only the delta from the old version when it is modified (./trace-content.ts). That is
 * as strong as hashing the whole new object: runs whose streams agree so far hold the same old
 * object (every object got there through traced writes, starting from an empty store), and
 * given the old object the delta determines the new one. It is much cheaper: a bind or a
 * status write changes a few fields of a ~2 KB pod, and the rest is shared by reference.
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

export class Trace {
  private readonly entries: TraceEntry[] = [];
  private readonly hash: Hash = createHash('sha256');
  // Lines wait here and reach the hash in large pieces: one native update per write cost more
  // than the hashing itself. SHA-256 over the same bytes, so the digest is unchanged.
  private pending: string[] = [];
  private pendingChars = 0;

  /** `keepEntries: false` keeps only the hash (for very long runs). */
  constructor(private readonly keepEntries = true) {}

  /**
   * Records a committed write (an ADDED, MODIFIED or DELETED entry): its content line, from the
   * old and new versions of the object (see the module comment), feeds the hash.
   */
  recordWrite(entry: TraceEntry, oldObject: object | undefined, object: object | undefined): void {
    this.record(entry, writeContent(oldObject, object));
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

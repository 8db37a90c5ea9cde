/**
 * The run's trace: one entry per observable step (a committed write, a failed controller call,
 * a fault), in order, plus a running SHA-256 over the entries' canonical lines. Two runs are
 * the same run exactly when their `traceHash()` values are equal.
 */
import { createHash, type Hash } from 'node:crypto';

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

  /** Records an entry; `content` (the written object's JSON) feeds the hash, not the entry. */
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

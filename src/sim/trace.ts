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

/**
 * A committed write as `Trace.recordWrite` takes it: the entry's parts, read during the call and
 * never kept, so a caller may pass one object it fills in anew for every write.
 */
export interface WriteRecord {
  tMs: number;
  op: 'ADDED' | 'MODIFIED' | 'DELETED';
  kind: string;
  /** The entry's key; when absent, `namespace/name`, or the name for a cluster-scoped object. */
  readonly key?: string;
  /** undefined or '' for a cluster-scoped object. */
  namespace?: string | undefined;
  name?: string;
  resourceVersion: string;
}

/** A write's TraceEntry, from a record (for readers that keep entries, such as tests). */
export function writeEntry(r: WriteRecord): TraceEntry {
  return { tMs: r.tMs, op: r.op, kind: r.kind, key: keyOf(r.key, r.namespace, r.name), resourceVersion: r.resourceVersion };
}

function keyOf(key: string | undefined, namespace: string | undefined, name: string | undefined): string {
  if (key !== undefined) return key;
  return namespace ? `${namespace}/${name ?? ''}` : (name ?? '');
}

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
const SLASH = 0x2f;

/** Writes per chunk of `Trace.rows`. */
const CHUNK = 4096;
/** Slots per write in a chunk: tMs, op, kind, namespace, name, resourceVersion. */
const STRIDE = 6;

export class Trace {
  /**
   * The entries, as columns: per write its six parts (STRIDE) side by side in chunks of CHUNK
   * writes, and for an error or note its entry object in the first slot (the second then is
   * not a string). A write's entry object and key string (`namespace/name`) are made only
   * when `list()` is asked for them: the parts are strings the stored object holds anyway, so
   * keeping a write costs six slots instead of an object and a key string per write, which
   * were garbage to collect and, kept for the whole run, old-generation memory to trace.
   */
  private readonly rows: unknown[][] = [];
  private count = 0;
  /** The entries `list()` has made so far (extended by each call). */
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
  recordWrite(entry: WriteRecord, oldObject: object | undefined, object: object | undefined): void {
    const w = this.out;
    const mark = w.pos;
    try {
      this.writeRecordLine(entry);
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
    if (this.keepEntries) {
      const row = this.row();
      // A record with its key made already keeps it as the name (no namespace): same key.
      if (entry.key !== undefined) row.push(entry.tMs, entry.op, entry.kind, undefined, entry.key, entry.resourceVersion);
      else row.push(entry.tMs, entry.op, entry.kind, entry.namespace, entry.name ?? '', entry.resourceVersion);
    }
    if (w.pos >= 1 << 16) this.flush();
  }

  /** The chunk the next entry goes to (STRIDE slots of it). */
  private row(): unknown[] {
    const i = this.count++;
    if (i % CHUNK === 0) this.rows.push([]);
    return this.rows[this.rows.length - 1]!;
  }

  /** Records an entry; `content` (one line, no raw newline) feeds the hash, not the entry. */
  record(entry: TraceEntry, content?: string): void {
    if (this.keepEntries) this.row().push(entry, undefined, undefined, undefined, undefined, undefined);
    this.writeLine(entry);
    if (content !== undefined) {
      this.out.str(content);
      this.out.byte(NEWLINE);
    }
    if (this.out.pos >= 1 << 16) this.flush();
  }

  /** formatTraceEntry(entry) and a newline. */
  private writeLine(e: TraceEntry): void {
    const w = this.out;
    if (e.op === 'error' || e.op === 'note') {
      w.str(formatTraceEntry(e));
      w.byte(NEWLINE);
    } else {
      this.writeParts(e.tMs, e.op, e.kind, undefined, e.key, e.resourceVersion);
    }
  }

  /** A write's line (formatTraceEntry of its entry, and a newline), piece by piece. */
  private writeRecordLine(e: WriteRecord): void {
    if (e.key !== undefined) this.writeParts(e.tMs, e.op, e.kind, undefined, e.key, e.resourceVersion);
    else this.writeParts(e.tMs, e.op, e.kind, e.namespace, e.name ?? '', e.resourceVersion);
  }

  /** `<tMs> <op> <kind> <key> rv=<rv>` and a newline; the key is `namespace/name`, or the name. */
  private writeParts(tMs: number, op: string, kind: string, namespace: string | undefined, name: string, rv: string): void {
    const w = this.out;
    if (Number.isSafeInteger(tMs) && tMs >= 0) w.uint(tMs);
    else w.str(String(tMs));
    w.byte(SPACE);
    w.str(op);
    w.byte(SPACE);
    w.str(kind);
    w.byte(SPACE);
    if (namespace) {
      w.str(namespace);
      w.byte(SLASH);
    }
    w.str(name);
    w.str(' rv=');
    w.str(rv);
    w.byte(NEWLINE);
  }

  private flush(): void {
    const w = this.out;
    if (w.pos === 0) return;
    this.hash.update(w.buf.subarray(0, w.pos));
    w.reset();
  }

  /** Every entry so far, in order (one array, extended by each call). */
  list(): readonly TraceEntry[] {
    const entries = this.entries;
    for (let i = entries.length; i < this.count; i++) {
      const row = this.rows[Math.floor(i / CHUNK)]!;
      const at = (i % CHUNK) * STRIDE;
      const op = row[at + 1];
      if (typeof op !== 'string') {
        entries.push(row[at] as TraceEntry);
        continue;
      }
      entries.push({
        tMs: row[at] as number,
        op: op as 'ADDED' | 'MODIFIED' | 'DELETED',
        kind: row[at + 2] as string,
        key: keyOf(undefined, row[at + 3] as string | undefined, row[at + 4] as string),
        resourceVersion: row[at + 5] as string,
      });
    }
    return entries;
  }

  digest(): string {
    this.flush();
    return this.hash.copy().digest('hex');
  }
}

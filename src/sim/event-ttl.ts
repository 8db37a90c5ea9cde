/**
 * Event expiry, as kube-apiserver's --event-ttl (default 1h) does it: every write of an Event
 * gives it a fresh lease, and an Event not written again within the TTL is deleted. Without
 * it a long run keeps every Pulling/Started/Scheduled Event it ever recorded (a simulated
 * day of rolling updates left hundreds of thousands of them in the store).
 *
 * Writes reach this queue in time order, so the queue is a FIFO of (due, key, resourceVersion),
 * kept in fixed-size chunks: an entry whose Event was written again since (another
 * resourceVersion) or is gone is skipped — the later write has its own entry.
 *
 * @see kubernetes/kubernetes pkg/registry/core/event/storage/storage.go (TTLFunc)
 */
import type { Change } from '../model/store.js';
import type { StoredObject } from '../model/types.js';

/** kube-apiserver --event-ttl default. */
export const DEFAULT_EVENT_TTL_MS = 60 * 60 * 1000;

export interface ExpiredEvent {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
}

/**
 * Leases per chunk. A chunk's arrays stay well under V8's large-object threshold (128 KiB), so
 * the queue never reallocates and copies a large array as it grows, and a consumed chunk is
 * dropped whole. One growing array per field (a million leases in a long run) was a large
 * object reallocated at every growth step, each step's copy garbage in large-object space.
 */
const CHUNK = 2048;

/** What a lease reads of the Event's version that started it (frozen, as stored). */
type LeaseMeta = StoredObject['metadata'];

/**
 * A run of leases in write order: parallel arrays rather than an object per lease. A lease
 * keeps the version's metadata (one pointer; its name, namespace and resourceVersion strings
 * live while the Event does) rather than those three strings: 16 bytes a lease instead of 32.
 * A version written over keeps its metadata object alive until its lease runs out.
 */
class LeaseChunk {
  // Allocated at their final size: arrays grown by push carry up to half again in spare slots.
  readonly dueMs = new Float64Array(CHUNK);
  readonly metas = new Array<LeaseMeta>(CHUNK);
  length = 0;
}

export class EventExpiry {
  /** Chunks oldest first; the last one is being filled, the first one consumed from `head`. */
  private chunks: LeaseChunk[] = [];
  /** Index of the oldest lease not yet taken, in `chunks[0]`. */
  private head = 0;

  constructor(private readonly ttlMs: number) {}

  /** Notes a committed change; Event writes start (or renew) a lease. */
  onChange(change: Change, nowMs: number): void {
    if (change.kind !== 'Event' || !change.object) return;
    let last = this.chunks[this.chunks.length - 1];
    if (last === undefined || last.length === CHUNK) this.chunks.push((last = new LeaseChunk()));
    const i = last.length++;
    last.dueMs[i] = nowMs + this.ttlMs;
    last.metas[i] = change.object.metadata;
  }

  /** When the oldest lease runs out, or undefined if none is held. */
  nextDueMs(): number | undefined {
    const first = this.chunks[0];
    return first !== undefined && this.head < first.length ? first.dueMs[this.head] : undefined;
  }

  /** Removes and returns the leases due at or before `nowMs`, oldest first. */
  takeDue(nowMs: number): ExpiredEvent[] {
    const out: ExpiredEvent[] = [];
    for (let first = this.chunks[0]; first !== undefined; first = this.chunks[0]) {
      for (; this.head < first.length && first.dueMs[this.head]! <= nowMs; this.head++) {
        const m = first.metas[this.head]!;
        out.push({ namespace: m.namespace ?? 'default', name: m.name, resourceVersion: m.resourceVersion });
      }
      // A chunk still being filled stays (emptied or not); a full one goes once consumed.
      if (this.head < first.length || first.length < CHUNK) break;
      this.chunks.shift();
      this.head = 0;
    }
    return out;
  }
}

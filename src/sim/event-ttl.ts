/**
 * Event expiry, as kube-apiserver's --event-ttl (default 1h) does it: every write of an Event
 * gives it a fresh lease, and an Event not written again within the TTL is deleted. Without
 * it a long run keeps every Pulling/Started/Scheduled Event it ever recorded (a simulated
 * day of rolling updates left hundreds of thousands of them in the store).
 *
 * Writes reach this queue in time order, so the queue is a FIFO of (due, key, resourceVersion):
 * an entry whose Event was written again since (another resourceVersion) or is gone is
 * skipped — the later write has its own entry.
 *
 * @see kubernetes/kubernetes pkg/registry/core/event/storage/storage.go (TTLFunc)
 */
import type { Change } from '../model/store.js';

/** kube-apiserver --event-ttl default. */
export const DEFAULT_EVENT_TTL_MS = 60 * 60 * 1000;

export interface ExpiredEvent {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
}

export class EventExpiry {
  // Parallel arrays rather than an object per lease: a run can hold a million leases.
  private dueMs: number[] = [];
  private namespaces: string[] = [];
  private names: string[] = [];
  private versions: string[] = [];
  private head = 0;

  constructor(private readonly ttlMs: number) {}

  /** Notes a committed change; Event writes start (or renew) a lease. */
  onChange(change: Change, nowMs: number): void {
    if (change.kind !== 'Event' || !change.object) return;
    const { namespace, name, resourceVersion } = change.object.metadata;
    this.dueMs.push(nowMs + this.ttlMs);
    this.namespaces.push(namespace ?? 'default');
    this.names.push(name);
    this.versions.push(resourceVersion);
  }

  /** When the oldest lease runs out, or undefined if none is held. */
  nextDueMs(): number | undefined {
    return this.head < this.dueMs.length ? this.dueMs[this.head] : undefined;
  }

  /** Removes and returns the leases due at or before `nowMs`, oldest first. */
  takeDue(nowMs: number): ExpiredEvent[] {
    const out: ExpiredEvent[] = [];
    for (; this.head < this.dueMs.length && this.dueMs[this.head]! <= nowMs; this.head++) {
      out.push({ namespace: this.namespaces[this.head]!, name: this.names[this.head]!, resourceVersion: this.versions[this.head]! });
    }
    if (this.head > 1024 && this.head * 2 > this.dueMs.length) {
      this.dueMs = this.dueMs.slice(this.head);
      this.namespaces = this.namespaces.slice(this.head);
      this.names = this.names.slice(this.head);
      this.versions = this.versions.slice(this.head);
      this.head = 0;
    }
    return out;
  }
}

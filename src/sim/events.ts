/**
 * The event recorder: turns `event` actions into core/v1 Event objects the way client-go's
 * recorder and EventCorrelator do: a repeat of the same event (same object, reason, message,
 * source) bumps `count` and `lastTimestamp` on the existing Event instead of creating another.
 * Like client-go's correlator, it remembers the last 4,096 distinct events (an LRU), so a
 * repeat of an event older than that is recorded as a new Event, and memory stays bounded.
 *
 * @see kubernetes/kubernetes staging/src/k8s.io/client-go/tools/record/events_cache.go
 */
import { copyFields, copyJson, shareableJson } from '../model/json.js';
import type { EventRecord } from '../model/reconcile.js';
import type { StoreBatch } from '../model/store.js';
import { formatRFC3339 } from '../model/time.js';
import type { KubeObject } from '../model/types.js';
import { createObject, updateObject, type WriteContext } from '../model/writes.js';

/** client-go record.maxLruCacheEntries. */
export const EVENT_CACHE_ENTRIES = 4096;

/**
 * The correlator's LRU of correlation key → Event name. A Map alone (delete and re-set to move
 * a key to the end, evict `keys().next()`) would be the textbook LRU, but V8 leaves deleted
 * entries as holes at the front of a Map until it rehashes, and every eviction's iterator
 * walks over all of them: ~2.5 µs per recorded event at scheduler rates. Here each use stamps
 * the entry with a tick and appends (key, tick) to a queue; the least recently used live entry
 * is the first queue item whose tick is still its entry's tick. Same order, O(1) amortized.
 */
class EventNameLru {
  private readonly entries = new Map<string, { name: string; tick: number }>();
  private keys: string[] = [];
  private ticks: number[] = [];
  private head = 0;
  private tick = 0;

  get size(): number {
    return this.entries.size;
  }

  /** The entry of `key`, to `use` or `delete` without looking the (long) key up again. */
  get(key: string): { name: string; tick: number } | undefined {
    return this.entries.get(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Marks `key`'s entry (from `get`) as the most recently used. */
  use(key: string, entry: { name: string; tick: number }): void {
    entry.tick = ++this.tick;
    this.append(key, entry.tick);
  }

  /** Adds `key`, not present, as the most recently used. */
  add(key: string, name: string): void {
    const tick = ++this.tick;
    this.entries.set(key, { name, tick });
    this.append(key, tick);
  }

  private append(key: string, tick: number): void {
    this.keys.push(key);
    this.ticks.push(tick);
    // Stale queue items (keys used again since, or deleted) are dropped now and then, so the
    // queue stays within a small multiple of the live entries.
    if (this.keys.length - this.head > 4 * this.entries.size + 64) this.compact();
  }

  /** Removes the least recently used entry. */
  evictOldest(): void {
    while (this.head < this.keys.length) {
      const key = this.keys[this.head]!;
      const tick = this.ticks[this.head]!;
      this.head++;
      if (this.entries.get(key)?.tick === tick) {
        this.entries.delete(key);
        break;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.keys.length) this.compact();
  }

  private compact(): void {
    const keys: string[] = [];
    const ticks: number[] = [];
    for (let i = this.head; i < this.keys.length; i++) {
      const key = this.keys[i]!;
      if (this.entries.get(key)?.tick === this.ticks[i]) {
        keys.push(key);
        ticks.push(this.ticks[i]!);
      }
    }
    this.keys = keys;
    this.ticks = ticks;
    this.head = 0;
  }
}

export class EventRecorder {
  /**
   * Correlation key → Event name, for aggregation, least recently used first. A cache: the
   * store stays the truth.
   */
  private readonly names = new EventNameLru();
  private serial = 0;
  /**
   * Messages as strings shared by the Events that repeat them ("Started container app" on
   * every pod): the kubelet builds each one anew. Cleared when full; only memory depends on it.
   */
  private readonly messages = new Map<string, string>();
  /** One frozen `source` per (component, host), shared by every Event it reports. */
  private readonly sources = new Map<string, object>();

  private source(component: string, host: string | undefined): object {
    const key = host === undefined ? component : `${component}\u0000${host}`;
    let s = this.sources.get(key);
    if (!s) this.sources.set(key, (s = shareableJson(host === undefined ? { component } : { component, host })));
    return s;
  }

  private message(m: string): string {
    const known = this.messages.get(m);
    if (known !== undefined) return known;
    if (this.messages.size >= EVENT_CACHE_ENTRIES) this.messages.clear();
    this.messages.set(m, m);
    return m;
  }

  record(batch: StoreBatch, e: EventRecord, ctx: WriteContext): void {
    const involved = e.involvedObject;
    const namespace = involved.namespace || 'default';
    // Concatenation, not [...].join: one event per bind makes this a hot path.
    const S = '\u0000';
    const key =
      involved.kind + S + namespace + S + involved.name + S + (involved.uid ?? '') + S + e.type + S + e.reason + S + e.message + S + e.source + S + (e.host ?? '');
    const now = formatRFC3339(ctx.epochMs + ctx.nowMs);
    const entry = this.names.get(key);
    const existing = entry === undefined ? undefined : batch.get('Event', namespace, entry.name);
    if (entry !== undefined) {
      if (existing) this.names.use(key, entry);
      else this.names.delete(key);
    }
    if (existing) {
      const next = copyJson(existing) as KubeObject & { count?: number; lastTimestamp?: string };
      next.count = (next.count ?? 1) + 1;
      next.lastTimestamp = now;
      updateObject(batch, next, ctx);
      return;
    }
    // Upstream names events `<object>.<unix nanos in hex>`; the serial keeps names unique when
    // several events share a virtual instant.
    const nanos = BigInt(ctx.epochMs + ctx.nowMs) * 1_000_000n + BigInt(this.serial++ % 1_000_000);
    const name = `${involved.name}.${nanos.toString(16)}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: copyFields(involved),
      reason: e.reason,
      message: this.message(e.message),
      source: this.source(e.source, e.host),
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: e.type,
      eventTime: null,
      reportingComponent: e.source,
      reportingInstance: e.host ?? '',
    };
    createObject(batch, event, ctx);
    this.names.add(key, name);
    if (this.names.size > EVENT_CACHE_ENTRIES) this.names.evictOldest();
  }
}

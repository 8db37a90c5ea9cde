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

export class EventRecorder {
  /**
   * Correlation key → Event name, for aggregation, least recently used first (a Map keeps
   * insertion order; a hit is moved to the end). A cache: the store stays the truth.
   */
  private readonly names = new Map<string, string>();
  private serial = 0;
  /** One frozen `source` per (component, host), shared by every Event it reports. */
  private readonly sources = new Map<string, object>();

  private source(component: string, host: string | undefined): object {
    const key = host === undefined ? component : `${component}\u0000${host}`;
    let s = this.sources.get(key);
    if (!s) this.sources.set(key, (s = shareableJson(host === undefined ? { component } : { component, host })));
    return s;
  }

  record(batch: StoreBatch, e: EventRecord, ctx: WriteContext): void {
    const namespace = e.involvedObject.namespace || 'default';
    const key = [e.involvedObject.kind, namespace, e.involvedObject.name, e.involvedObject.uid ?? '', e.type, e.reason, e.message, e.source, e.host ?? ''].join('\u0000');
    const now = formatRFC3339(ctx.epochMs + ctx.nowMs);
    const existingName = this.names.get(key);
    const existing = existingName === undefined ? undefined : batch.get('Event', namespace, existingName);
    if (existingName !== undefined) {
      this.names.delete(key);
      if (existing) this.names.set(key, existingName);
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
    const name = `${e.involvedObject.name}.${nanos.toString(16)}`;
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: copyFields(e.involvedObject),
      reason: e.reason,
      message: e.message,
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
    this.names.set(key, name);
    if (this.names.size > EVENT_CACHE_ENTRIES) this.names.delete(this.names.keys().next().value!);
  }
}

/**
 * The event recorder: turns `event` actions into core/v1 Event objects the way client-go's
 * recorder and EventCorrelator do: a repeat of the same event (same object, reason, message,
 * source) bumps `count` and `lastTimestamp` on the existing Event instead of creating another.
 * Like client-go's correlator, it remembers the last 4,096 distinct events (an LRU), so a
 * repeat of an event older than that is recorded as a new Event, and memory stays bounded.
 *
 * A new Event is written through the API write path. A report the recorder can vouch for (its
 * `isWellFormed`: every field validation reads is of the right type and value) takes the
 * short form of it, createRecordedEvent, which skips the validation it has proven passes; any
 * other report, a user reconciler's odd one included, is validated in full by createObject.
 * Both give the same Event, to the byte.
 *
 * @see kubernetes/kubernetes staging/src/k8s.io/client-go/tools/record/events_cache.go
 */
import { copyFields, deepFreeze, hasOwn, shareableJson } from '../model/json.js';
import type { EventRecord } from '../model/reconcile.js';
import type { StoreBatch } from '../model/store.js';
import { formatRFC3339 } from '../model/time.js';
import type { KubeObject } from '../model/types.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../model/validation/names.js';
import { createObject, createRecordedEvent, updateObject, type RecordedEvent, type WriteContext } from '../model/writes.js';

/** client-go record.maxLruCacheEntries. */
export const EVENT_CACHE_ENTRIES = 4096;

/**
 * The parts of client-go's correlation key (getEventKey) but the message, each as the string
 * a joined key would hold.
 */
interface EventKey {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly type: string;
  readonly reason: string;
  readonly source: string;
  readonly host: string;
}

/** One correlated event: its key parts, the Event's name, and its place in the LRU. */
interface LruEntry extends EventKey {
  /** The map key: the involved object's key (see EventNameLru). */
  readonly key: string;
  readonly message: string;
  /** Set when the entry is added. */
  eventName: string;
  tick: number;
  /** The next entry under the same map key (a different kind, reason, ...: rare). */
  next: LruEntry | undefined;
}

/**
 * The correlator's LRU of correlation key → Event name. The correlation key is client-go's
 * getEventKey: the involved object (kind, namespace, name, uid), type, reason, message and
 * source (component, host). Rather than one string joining all nine, built anew per event (a
 * dozen concatenations, each garbage a moment later), the map key is the involved object's uid
 * (its kind, namespace and name when it has none); the entries that share it (an object's few
 * distinct events) are chained and compared part by part, the message included. Not the uid
 * joined with the message: that string, new for every event, had to be flattened and hashed
 * whole for each lookup (~100 characters; a tenth of recording a Scheduled event), where a
 * stored object's uid is hashed once and its hash kept by the string.
 *
 * Least recently used first: each use stamps the entry with a tick and appends (entry, tick)
 * to a queue; the least recently used live entry is the first queue item whose tick is still
 * its entry's tick. (A Map in use order, deleted and re-set, would leave V8's deleted-entry
 * holes for every eviction to walk over.) Same order, O(1) amortized.
 */
class EventNameLru {
  /**
   * Per object key, its entries: chained while they are few, by message once there are more
   * than CHAIN_MAX (a ReplicaSet's SuccessfulCreate events, one message per pod), so that no
   * lookup walks a long chain. Within a message's chain the entries differ in other parts.
   */
  private readonly entries = new Map<string, LruEntry | Map<string, LruEntry>>();
  private count = 0;
  private queue: LruEntry[] = [];
  private ticks: number[] = [];
  private head = 0;
  private tick = 0;

  get size(): number {
    return this.count;
  }

  /** The entry with `k`'s key (`k` itself is not stored), to `use` or `delete`. */
  get(k: LruEntry): LruEntry | undefined {
    const slot = this.entries.get(k.key);
    let e = slot instanceof Map ? slot.get(k.message) : slot;
    while (e !== undefined && !sameKey(e, k)) e = e.next;
    return e;
  }

  delete(entry: LruEntry): void {
    const slot = this.entries.get(entry.key);
    if (slot === undefined) return;
    const byMessage = slot instanceof Map ? slot : undefined;
    const first = byMessage !== undefined ? byMessage.get(entry.message) : (slot as LruEntry);
    if (first === undefined) return;
    if (first === entry) {
      const rest = entry.next;
      entry.next = undefined;
      if (byMessage === undefined) {
        if (rest !== undefined) this.entries.set(entry.key, rest);
        else this.entries.delete(entry.key);
      } else if (rest !== undefined) byMessage.set(entry.message, rest);
      else {
        byMessage.delete(entry.message);
        if (byMessage.size === 0) this.entries.delete(entry.key);
      }
    } else {
      let e = first;
      while (e.next !== undefined && e.next !== entry) e = e.next;
      if (e.next !== entry) return;
      e.next = entry.next;
      entry.next = undefined;
    }
    entry.tick = -1;
    this.count--;
  }

  /** Marks `entry` (from `get`) as the most recently used. */
  use(entry: LruEntry): void {
    entry.tick = ++this.tick;
    this.append(entry);
  }

  /** Adds `entry` (its event not present; the one `get` was asked about) as the most recently used. */
  add(entry: LruEntry, eventName: string): void {
    entry.eventName = eventName;
    entry.tick = ++this.tick;
    const slot = this.entries.get(entry.key);
    if (slot === undefined) this.entries.set(entry.key, entry);
    else if (slot instanceof Map) {
      const first = slot.get(entry.message);
      if (first === undefined) slot.set(entry.message, entry);
      else chainEnd(first).next = entry;
    } else {
      let e = slot;
      let length = 1;
      for (; e.next !== undefined; e = e.next) length++;
      e.next = entry;
      if (length >= CHAIN_MAX) this.entries.set(entry.key, byMessage(slot));
    }
    this.count++;
    this.append(entry);
  }

  private append(entry: LruEntry): void {
    this.queue.push(entry);
    this.ticks.push(entry.tick);
    // Stale queue items (entries used again since, or deleted) are dropped now and then, so the
    // queue stays within a small multiple of the live entries.
    if (this.queue.length - this.head > 4 * this.count + 64) this.compact();
  }

  /** Removes the least recently used entry. */
  evictOldest(): void {
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head]!;
      const tick = this.ticks[this.head]!;
      this.head++;
      if (entry.tick === tick) {
        this.delete(entry);
        break;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) this.compact();
  }

  private compact(): void {
    const queue: LruEntry[] = [];
    const ticks: number[] = [];
    for (let i = this.head; i < this.queue.length; i++) {
      const entry = this.queue[i]!;
      if (entry.tick === this.ticks[i]) {
        queue.push(entry);
        ticks.push(this.ticks[i]!);
      }
    }
    this.queue = queue;
    this.ticks = ticks;
    this.head = 0;
  }
}

/** Entries per object key kept in one chain; more are kept by message (see EventNameLru). */
const CHAIN_MAX = 8;

function chainEnd(e: LruEntry): LruEntry {
  while (e.next !== undefined) e = e.next;
  return e;
}

/** A chain's entries by message, each message's own in a chain (in the order they were). */
function byMessage(chain: LruEntry): Map<string, LruEntry> {
  const out = new Map<string, LruEntry>();
  for (let e: LruEntry | undefined = chain; e !== undefined; ) {
    const next: LruEntry | undefined = e.next;
    e.next = undefined;
    const first = out.get(e.message);
    if (first === undefined) out.set(e.message, e);
    else chainEnd(first).next = e;
    e = next;
  }
  return out;
}

/**
 * Whether two events have the same correlation key (the object key is equal already). Parts
 * are compared as the joined key compared them: as strings, with a missing uid or host the
 * same as an empty one.
 */
function sameKey(a: LruEntry, b: LruEntry): boolean {
  return (
    a.reason === b.reason &&
    a.message === b.message &&
    a.name === b.name &&
    a.uid === b.uid &&
    a.kind === b.kind &&
    a.namespace === b.namespace &&
    a.type === b.type &&
    a.source === b.source &&
    a.host === b.host
  );
}

/** The `source` values of one reporting component: without a host, and per host. */
interface ComponentSources {
  withoutHost: object | undefined;
  readonly byHost: Map<string, object>;
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
  /**
   * One frozen `source` per (component, host), shared by every Event it reports: by component,
   * then by host, so that finding it joins no strings (a kubelet reports every pod's events).
   */
  private readonly sources = new Map<string, ComponentSources>();

  private source(component: string, host: string | undefined): object {
    let c = this.sources.get(component);
    if (c === undefined) this.sources.set(component, (c = { withoutHost: undefined, byHost: new Map() }));
    if (host === undefined) return (c.withoutHost ??= shareableJson({ component }));
    let s = c.byHost.get(host);
    if (s === undefined) c.byHost.set(host, (s = shareableJson({ component, host })));
    return s;
  }

  /**
   * `m`, or an equal message recorded before. A message naming its object ("Successfully
   * assigned default/web-1 to node-3") repeats only on that object, whose repeats aggregate
   * into one Event anyway: it is used as it is, sparing the table a string that never recurs.
   */
  private message(m: string, objectName: string): string {
    if (objectName !== '' && m.includes(objectName)) return m;
    const known = this.messages.get(m);
    if (known !== undefined) return known;
    if (this.messages.size >= EVENT_CACHE_ENTRIES) this.messages.clear();
    this.messages.set(m, m);
    return m;
  }

  /**
   * The virtual instant the last Event was named at, and upstream's nanosecond stamp of it
   * (ms × 10⁶) split into its high and low 32 bits; and the hex digits of the stamp above its
   * low 16 bits, last computed. A name then costs two table lookups, not BigInt arithmetic and
   * radix conversions (~1 µs per event at scheduler rates).
   */
  private nanosMs = NaN;
  private nanosHi = 0;
  private nanosLo = 0;
  private prefixOf = NaN;
  private prefix = '';

  /**
   * Upstream names events `<object>.<unix nanos in hex>`; the serial (mod 10⁶, below the
   * millisecond) keeps names unique when several events share a virtual instant.
   */
  private nameSuffix(ms: number): string {
    const serial = this.serial++ % 1_000_000;
    if (!Number.isSafeInteger(ms) || ms < 5000) return (BigInt(ms) * 1_000_000n + BigInt(serial)).toString(16);
    if (ms !== this.nanosMs) {
      const nanos = BigInt(ms) * 1_000_000n;
      this.nanosMs = ms;
      this.nanosHi = Number(nanos >> 32n);
      this.nanosLo = Number(nanos & 0xffffffffn);
    }
    // hi·2³² + lo + serial, carrying out of the low word (a safe ms keeps hi below 2⁴¹, exact).
    // From 5 s after the epoch on, hi is at least 1, so the digits are hex(hi) and 8 of lo.
    let lo = this.nanosLo + serial;
    let hi = this.nanosHi;
    if (lo >= 0x1_0000_0000) {
      lo -= 0x1_0000_0000;
      hi += 1;
    }
    const upper = hi * 0x1_0000 + (lo >>> 16);
    if (upper !== this.prefixOf) {
      this.prefixOf = upper;
      this.prefix = hi.toString(16) + HEX2[lo >>> 24]! + HEX2[(lo >>> 16) & 0xff]!;
    }
    return this.prefix + HEX2[(lo >>> 8) & 0xff]! + HEX2[lo & 0xff]!;
  }

  /** A new Event's fields, in the order the API server writes them. */
  private event(metadata: object, involvedObject: object, message: string, e: EventRecord, now: string): KubeObject {
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata,
      involvedObject,
      reason: e.reason,
      message,
      source: this.source(e.source, e.host),
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: e.type,
      eventTime: null,
      reportingComponent: e.source,
      reportingInstance: e.host ?? '',
    } as KubeObject;
  }

  record(batch: StoreBatch, e: EventRecord, ctx: WriteContext): void {
    const involved = e.involvedObject;
    if (involved === null || typeof involved !== 'object') {
      // Nothing to correlate or name it by: the write path says what is wrong with it.
      createObject(batch, { apiVersion: 'v1', kind: 'Event', metadata: {}, involvedObject: involved } as KubeObject, ctx);
      return;
    }
    const namespace = involved.namespace || 'default';
    const uid = keyPart(involved.uid ?? '');
    const kind = keyPart(involved.kind);
    const ns = keyPart(namespace);
    const objectName = keyPart(involved.name);
    // The uid names the object; without one, kind, namespace and name do. Map keys that happen
    // to coincide are told apart by sameKey, which compares every part.
    const objectKey = uid !== '' ? uid : `\u0000${kind}\u0000${ns}\u0000${objectName}`;
    // The LRU entry this event would get: the lookup's key, and added as it is when new.
    const k: LruEntry = {
      key: objectKey,
      message: keyPart(e.message),
      kind,
      namespace: ns,
      name: objectName,
      uid,
      type: keyPart(e.type),
      reason: keyPart(e.reason),
      source: keyPart(e.source),
      host: keyPart(e.host ?? ''),
      eventName: '',
      tick: 0,
      next: undefined,
    };
    const now = formatRFC3339(ctx.epochMs + ctx.nowMs);
    const entry = this.names.get(k);
    const existing = entry === undefined ? undefined : batch.get('Event', namespace, entry.eventName);
    if (entry !== undefined) {
      if (existing) this.names.use(entry);
      else this.names.delete(entry);
    }
    if (existing) {
      // Two fields change: the new version is the stored one's fields, its parts (metadata,
      // involvedObject, source) the stored, frozen ones. The update writes only top-level
      // fields of its input (and copies the metadata), so nothing shared is written to, and
      // shared parts are not copied, frozen, interned or walked by the trace again.
      const next = copyFields(existing) as KubeObject & { count?: number; lastTimestamp?: string };
      next.count = (next.count ?? 1) + 1;
      next.lastTimestamp = now;
      updateObject(batch, next, ctx);
      return;
    }
    const name = `${involved.name}.${this.nameSuffix(ctx.epochMs + ctx.nowMs)}`;
    if (isWellFormed(e, namespace)) {
      // Built from checked parts (see isWellFormed): the write path's bookkeeping only. The
      // metadata has all its keys, in createObject's order, from the start (uid and
      // resourceVersion are filled in by the write), so the object never changes shape.
      const metadata = { name, namespace, creationTimestamp: now, uid: '', resourceVersion: '' };
      createRecordedEvent(batch, this.event(metadata, involvedCopy(involved), this.message(e.message, involved.name), e, now) as RecordedEvent, ctx);
    } else {
      createObject(batch, this.event({ name, namespace }, copyFields(involved), e.message, e, now), ctx);
    }
    this.names.add(k, name);
    if (this.names.size > EVENT_CACHE_ENTRIES) this.names.evictOldest();
  }
}

/**
 * A part of the correlation key as the joined string key saw it (client-go joins them too):
 * strings as they are, anything else as its string form.
 */
function keyPart(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

/** Two hex digits of each byte. */
const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Namespaces that passed the ObjectMeta and Event namespace checks (bounded: valid ones only). */
const validNamespaces = new Set<string>();

/**
 * Whether the Event `record` builds from `e` certainly passes createObject's validation
 * (validateObjectMeta with the path-segment name rule, and validateEvent without eventTime),
 * so that it may skip it. Every reporter's input is checked here, built-in controller or
 * user reconciler alike, only more cheaply: each field validation reads is of the right type,
 * the namespace is a DNS-1123 label (checked once per namespace), the name, `<object>.<hex>`,
 * has no '/' or '%', and the type is Normal or Warning. The involvedObject's namespace agrees
 * with the Event's by construction. Anything else takes the full write path and its errors.
 */
function isWellFormed(e: EventRecord, namespace: string): boolean {
  const involved = e.involvedObject as Record<string, unknown>;
  if (Object.getPrototypeOf(involved) !== Object.prototype) return false;
  const ns = involved.namespace;
  const name = involved.name;
  if ((ns !== undefined && typeof ns !== 'string') || typeof name !== 'string') return false;
  if (name.includes('/') || name.includes('%')) return false;
  if (typeof e.reason !== 'string' || typeof e.message !== 'string' || typeof e.source !== 'string') return false;
  if (e.host !== undefined && typeof e.host !== 'string') return false;
  if (e.type !== 'Normal' && e.type !== 'Warning') return false;
  if (validNamespaces.has(namespace)) return true;
  if (isDNS1123Label(namespace).length > 0 || isDNS1123Subdomain(namespace).length > 0) return false;
  if (validNamespaces.size >= EVENT_CACHE_ENTRIES) validNamespaces.clear();
  validNamespaces.add(namespace);
  return true;
}

/** The last usual-shaped involved object copy made (a kubelet reports a pod's events in a row). */
let lastCopy: EventRecord['involvedObject'] = Object.freeze({ kind: '', name: '' });

/**
 * The Event's copy of the involved object, frozen. The usual `{ kind, namespace, name, uid }` is
 * built as one literal, leaving out fields that are undefined (JSON drops them anyway), so the
 * copies share a hidden class; any other shape is copied as it is. Frozen here, the copy is not
 * hashed and looked up when the Event is stored: it names one object (uid included), which
 * the intern table rarely still holds when that object's next Event comes; consecutive events
 * about one object share one copy instead.
 */
function involvedCopy(o: EventRecord['involvedObject']): object {
  let n = 0;
  for (const k in o) {
    if (!hasOwn.call(o, k)) continue; // hasOwn.call: see json.ts
    const v = (o as Record<string, unknown>)[k];
    if (k !== INVOLVED_KEYS[n] || (v !== undefined && typeof v !== 'string')) return deepFreeze(copyFields(o));
    n++;
  }
  if (n !== INVOLVED_KEYS.length) return deepFreeze(copyFields(o));
  const { kind, namespace, name, uid } = o;
  const c = lastCopy;
  if (c.name === name && c.uid === uid && c.kind === kind && c.namespace === namespace) return c;
  let copy: EventRecord['involvedObject'];
  if (namespace === undefined) copy = uid === undefined ? { kind, name } : { kind, name, uid };
  else copy = uid === undefined ? { kind, namespace, name } : { kind, namespace, name, uid };
  lastCopy = Object.freeze(copy);
  return copy;
}

const INVOLVED_KEYS = ['kind', 'namespace', 'name', 'uid'];

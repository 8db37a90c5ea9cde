/**
 * The object store: one immutable `ClusterState` holding every object by kind, namespace and
 * name, plus the global resourceVersion counter.
 *
 * Layout: each kind's table is a four-level hash trie over 65,536 buckets (16 × 16 × 16 × 16),
 * each bucket a small flat array of entries in the order their keys were first written. An
 * entry is its key's hash (a small integer, `tagOf`) beside its object; the key
 * `namespace/name` is compared against the object's own metadata only when the hash matches,
 * so no key string is kept per object (~70 bytes per Event; the hash costs 8). The hash
 * beside the object is what keeps a write's cost flat at 150k objects: finding a key reads
 * the bucket and, on a match, one object, where comparing every entry's metadata cost three
 * dependent cache misses per entry (object, metadata, name) on a cold heap.
 *
 * A write copies one array per level and one bucket (64 pointers and a few entries), never
 * the whole kind, so the cost of a step follows what it changed rather than how many objects
 * exist (150k pods is a normal size; buckets stay a few entries, where a linear scan and a
 * copy are cheap). Three levels rather than two of 256: most commits carry one or two writes
 * (one reconcile), and copying 512 pointers per write was most of their cost and garbage. Four
 * of 16 rather than three (16 × 64 × 64): the lower levels of a large kind are each rewritten
 * only every few thousand writes, long enough to outlive a young-generation GC, so what a
 * write copies there is old-generation garbage that only a full GC frees; 16-pointer levels
 * make it a quarter of the 64-pointer leaf's (the peak memory of the 150k-pod envelope is
 * mostly such garbage).
 * Writes are collected in a `StoreBatch` and committed at once, copy-on-write; the state and
 * each kind's table are frozen, as are the objects stored.
 *
 * TRIE_ARRAYS_NOT_FROZEN: the trie's levels and buckets are not frozen (typed readonly, and
 * never written once their table is committed: a commit copies what it changes). Node 20's
 * optimized code reads an element of a frozen array through a generic slow path, several times
 * the cost of a plain one: a lookup through four frozen levels and a frozen bucket measured
 * ~7x a plain one (~325 ns against ~45 ns over 65,536 buckets), and store lookups were the
 * largest single cost of the day scenario.
 *
 * Why not immer here: copying one bucket of a flat 1024-bucket layout through immer cost
 * ~290 µs per write at 150k pods (large buckets are dictionary-mode objects, slow to spread);
 * the trie plus a hand-written copy-on-write commit is what makes per-write cost flat.
 *
 * Why flat arrays rather than objects keyed by storage key: looking a freshly built key string up
 * in an object makes V8 internalize it (a string-table probe per read), and copying a
 * dictionary-mode object costs a hash insert per entry; a few string comparisons and an
 * exactly sized array copy are cheaper at every size, and a 150k-object kind takes less than
 * half the heap. Listings are sorted by key like etcd's range reads.
 */
import { InternalError } from './errors.js';
import { KINDS } from './kinds.js';
import type { StoredObject } from './types.js';

/** Buckets per kind: 16 × 16 × 16 × 16, the trie's fan-outs top first (a 16-bit slot, `slotOf`). */
export const BUCKETS = 16 * 16 * 16 * 16;

/**
 * The entries whose `namespace/name` hashes to one bucket, in the order first written, flat:
 * `[tag, object, tag, object, ...]`, the tag being the key's hash (`tagOf`).
 */
export type Bucket = readonly (number | StoredObject)[];

/** The trie's levels below the top, lowest first. */
export type LeafLevel = readonly Bucket[];
export type InnerLevel = readonly LeafLevel[];
export type MidLevel = readonly InnerLevel[];

export interface KindTable {
  readonly count: number;
  /** buckets[h >>> 12][(h >>> 8) & 15][(h >>> 4) & 15][h & 15], h the key's 16-bit slot (`slotOf`). */
  readonly buckets: readonly MidLevel[];
  /** This version's number, unique in the process (the next version names its base by it). */
  readonly serial: number;
  /**
   * The serial of the version this one was committed onto (-1: none) and the slots that commit
   * wrote, ascending: a diff against that very version visits those buckets alone. A number,
   * not the base itself, so that a table does not keep its predecessors alive.
   */
  readonly baseSerial: number;
  readonly writtenSlots: readonly number[];
}

export interface ClusterState {
  /** Virtual time of the state, in ms since the cluster started. */
  readonly nowMs: number;
  /** The last resourceVersion issued; every write takes the next one. */
  readonly resourceVersion: number;
  readonly kinds: { readonly [kind: string]: KindTable };
}

/** `namespace/name`, or `/name` for cluster-scoped objects. */
export function storageKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * The key reconcilers and actions use (client-go's MetaNamespaceKeyFunc): `namespace/name`, or
 * just `name` for cluster-scoped objects.
 */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits an objectKey back into namespace (undefined when cluster-scoped) and name. */
export function splitObjectKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/**
 * FNV-1a, 32 bits, of the storage key `namespace/name` (namespace '' when cluster-scoped),
 * hashed in two parts so that no key string is built: cheap, stable across runs and platforms.
 */
function hashKey(namespace: string, name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < namespace.length; i++) {
    h ^= namespace.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= 47; // '/'
  h = Math.imul(h, 0x01000193);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h;
}

/** The bucket of a key hash: its two halves folded to 16 bits. */
function slotOf(h: number): number {
  return ((h >>> 16) ^ h) & (BUCKETS - 1);
}

/**
 * The tag kept beside an entry: the hash's top 30 bits, a small integer (a V8 Smi even with
 * pointer compression, so the bucket holds no boxed number). With the bucket's 16 folded bits
 * it pins all 32 bits: keys in one bucket with equal tags have equal hashes.
 */
function tagOf(h: number): number {
  return h >>> 2;
}

/** Whether `o` is stored under (namespace, name); namespace '' for cluster-scoped. */
function isAt(o: StoredObject, namespace: string, name: string): boolean {
  return o.metadata.name === name && (o.metadata.namespace ?? '') === namespace;
}

// Empty tables share one empty level and bucket, so a new cluster allocates nothing per
// bucket; copy-on-write replaces them as objects arrive (and never writes into them: not
// frozen, as no level or bucket is, see TRIE_ARRAYS_NOT_FROZEN).
const EMPTY_BUCKET: Bucket = [];
const EMPTY_LEAF: LeafLevel = Array.from({ length: 16 }, () => EMPTY_BUCKET);
const EMPTY_INNER: InnerLevel = Array.from({ length: 16 }, () => EMPTY_LEAF);
const EMPTY_MID: MidLevel = Array.from({ length: 16 }, () => EMPTY_INNER);

const NO_SLOTS: readonly number[] = Object.freeze([]);

/** Serials of table versions; only compared for identity, never written anywhere. */
let nextSerial = 0;

function emptyTable(): KindTable {
  return Object.freeze({
    count: 0,
    buckets: Array.from({ length: 16 }, () => EMPTY_MID),
    serial: nextSerial++,
    baseSerial: -1,
    writtenSlots: NO_SLOTS,
  });
}

function bucketAt(t: KindTable, h: number): Bucket {
  return t.buckets[h >>> 12]![(h >>> 8) & 15]![(h >>> 4) & 15]![h & 15]!;
}

/** Every non-empty bucket of a table, in hash order (skipping shared empty parts by identity). */
function forEachBucket(t: KindTable, fn: (bucket: Bucket) => void): void {
  // Indexed loops: for…of allocated an iterator result per level and bucket (9% of what a
  // property run allocates went to these).
  const top = t.buckets;
  for (let i1 = 0; i1 < top.length; i1++) {
    const mid = top[i1]!;
    if (mid === EMPTY_MID) continue;
    for (let i2 = 0; i2 < mid.length; i2++) {
      const inner = mid[i2]!;
      if (inner === EMPTY_INNER) continue;
      for (let i3 = 0; i3 < inner.length; i3++) {
        const leaf = inner[i3]!;
        if (leaf === EMPTY_LEAF) continue;
        for (let i4 = 0; i4 < leaf.length; i4++) {
          const bucket = leaf[i4]!;
          if (bucket !== EMPTY_BUCKET) fn(bucket);
        }
      }
    }
  }
}

/** The object of a bucket's entry at `i` (an even index: the entry's tag). */
function objectAt(bucket: Bucket, i: number): StoredObject {
  return bucket[i + 1] as StoredObject;
}

/** Index of the entry (its tag) stored under (namespace, name) with tag `tag`, or -1. */
function indexIn(bucket: Bucket, tag: number, namespace: string, name: string): number {
  for (let i = 0; i < bucket.length; i += 2) if (bucket[i] === tag && isAt(objectAt(bucket, i), namespace, name)) return i;
  return -1;
}

/**
 * Index of the entry holding `base` (by identity, reading no object), or -1 when the key has
 * no entry; throws when the key's entry holds another version than `base`: the write was made
 * from a version that was not current, and its Change (the old object the trace and watchers
 * see) would be wrong.
 */
function indexOfBase(bucket: Bucket, tag: number, namespace: string, name: string, base: StoredObject): number {
  for (let i = 1; i < bucket.length; i += 2) if (bucket[i] === base) return i - 1;
  const at = indexIn(bucket, tag, namespace, name);
  if (at >= 0) throw new InternalError(`store: a write of ${namespace}/${name} was made from a version that is not the stored one`);
  return at;
}

/** The object stored under (namespace, name) with tag `tag` in a bucket, if any. */
function lookup(bucket: Bucket, tag: number, namespace: string, name: string): StoredObject | undefined {
  const i = indexIn(bucket, tag, namespace, name);
  return i < 0 ? undefined : objectAt(bucket, i);
}

/**
 * Tables the API does not serve: allocator state (the IPs, ports and CIDRs handed out), kept
 * in the same store so an allocation commits or rolls back with the write that made it, as
 * upstream keeps its allocation bitmaps in etcd. Records are StoredObject-shaped, named by the
 * allocated value (`10.96.0.10`, `30080`, `10.244.3.0/24`). '~Fault' holds the faults in force
 * (src/sim/faults.ts), as data the kubelets read. Names start with '~' so they can never
 * collide with a kind, and changes to them are neither traced nor watched by API clients.
 */
export const INTERNAL_TABLES = ['~ClusterIP', '~Fault', '~LastPodIP', '~LoadBalancerIP', '~NodePort', '~PodCIDR', '~PodIP'] as const;
export type InternalTable = (typeof INTERNAL_TABLES)[number];

export function isInternalTable(kind: string): boolean {
  return kind.startsWith('~');
}

export function emptyState(): ClusterState {
  const kinds: Record<string, KindTable> = {};
  for (const info of KINDS) kinds[info.kind] = emptyTable();
  for (const name of INTERNAL_TABLES) kinds[name] = emptyTable();
  return Object.freeze({ nowMs: 0, resourceVersion: 0, kinds: Object.freeze(kinds) });
}

function table(state: ClusterState, kind: string): KindTable | undefined {
  return Object.hasOwn(state.kinds, kind) ? state.kinds[kind] : undefined;
}

export function getObject(
  state: ClusterState,
  kind: string,
  namespace: string | undefined,
  name: string,
): StoredObject | undefined {
  return getAt(state, kind, namespace ?? '', name);
}

function getAt(state: ClusterState, kind: string, namespace: string, name: string): StoredObject | undefined {
  const t = table(state, kind);
  if (!t) return undefined;
  const h = hashKey(namespace, name);
  return lookup(bucketAt(t, slotOf(h)), tagOf(h), namespace, name);
}

export function countObjects(state: ClusterState, kind: string): number {
  return table(state, kind)?.count ?? 0;
}

/**
 * Every object of a kind (optionally in one namespace), sorted by namespace then name, as an
 * etcd range read returns them. O(objects of the kind): for hot paths keep an index instead.
 */
export function listObjects(state: ClusterState, kind: string, namespace?: string): StoredObject[] {
  const t = table(state, kind);
  if (!t) return [];
  const prefix = namespace === undefined ? undefined : `${namespace}/`;
  const keyed: [string, StoredObject][] = [];
  forEachBucket(t, (bucket) => {
    for (let i = 1; i < bucket.length; i += 2) {
      const o = bucket[i] as StoredObject;
      const skey = storageKey(o.metadata.namespace, o.metadata.name);
      if (prefix === undefined || skey.startsWith(prefix)) keyed.push([skey, o]);
    }
  });
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return keyed.map((e) => e[1]);
}

/** Calls `fn` for every object of a kind in bucket order (deterministic, unsorted). */
export function forEachObject(state: ClusterState, kind: string, fn: (obj: StoredObject) => void): void {
  const t = table(state, kind);
  if (!t) return;
  // Skipping shared empty parts by identity keeps a scan of a small kind cheap (a walk over
  // each of 65,536 buckets is what made registering thousands of nodes quadratic-slow).
  forEachBucket(t, (bucket) => {
    for (let i = 1; i < bucket.length; i += 2) fn(bucket[i] as StoredObject);
  });
}

/**
 * Calls `fn(before, after)` for each object of `kind` added (`before` undefined), removed
 * (`after` undefined) or replaced between two states; every object of `next` as added when
 * there is no `prev`. Containers two states share are the same objects (copy-on-write), so
 * they are skipped by identity and the cost follows what changed, not the kind's size; two
 * unrelated states still diff correctly, at the cost of a full scan. Bucket order.
 */
export function forEachChangedObject(
  prev: ClusterState | undefined,
  next: ClusterState,
  kind: string,
  fn: (before: StoredObject | undefined, after: StoredObject | undefined) => void,
): void {
  const a = prev === undefined ? emptyTable() : table(prev, kind) ?? emptyTable();
  const b = table(next, kind) ?? emptyTable();
  if (a === b) return;
  if (b.baseSerial === a.serial) {
    // One commit apart (the usual case: a watcher diffs each commit against the one before):
    // only the buckets it wrote can differ, visited in the same (slot) order as the full walk.
    const slots = b.writtenSlots;
    for (let i = 0; i < slots.length; i++) {
      const ba = bucketAt(a, slots[i]!);
      const bb = bucketAt(b, slots[i]!);
      if (ba !== bb) diffBucket(ba, bb, fn);
    }
    return;
  }
  for (let i1 = 0; i1 < a.buckets.length; i1++) {
    const ma = a.buckets[i1]!;
    const mb = b.buckets[i1]!;
    if (ma === mb) continue;
    for (let i2 = 0; i2 < ma.length; i2++) {
      const ia = ma[i2]!;
      const ib = mb[i2]!;
      if (ia === ib) continue;
      for (let i3 = 0; i3 < ia.length; i3++) {
        const la = ia[i3]!;
        const lb = ib[i3]!;
        if (la === lb) continue;
        for (let i4 = 0; i4 < la.length; i4++) {
          const ba = la[i4]!;
          const bb = lb[i4]!;
          if (ba !== bb) diffBucket(ba, bb, fn);
        }
      }
    }
  }
}

function diffBucket(ba: Bucket, bb: Bucket, fn: (before: StoredObject | undefined, after: StoredObject | undefined) => void): void {
  for (let i = 0; i < ba.length; i += 2) {
    const before = objectAt(ba, i);
    const after = lookup(bb, ba[i] as number, before.metadata.namespace ?? '', before.metadata.name);
    if (before !== after) fn(before, after);
  }
  for (let i = 0; i < bb.length; i += 2) {
    const after = objectAt(bb, i);
    if (indexIn(ba, bb[i] as number, after.metadata.namespace ?? '', after.metadata.name) < 0) fn(undefined, after);
  }
}

/** One committed write: `oldObject` absent on create, `object` absent on delete. */
export interface Change {
  readonly kind: string;
  readonly object: StoredObject | undefined;
  readonly oldObject: StoredObject | undefined;
}

/**
 * Collects the writes of one step. Reads see the batch's own earlier writes. Nothing touches
 * the base state until `commit`, so a batch that is abandoned (a rejected call) changes nothing.
 */
export class StoreBatch {
  private readonly overlay = new Map<string, KindWrites>();
  private readonly log: Change[] = [];
  private rv: number;

  constructor(readonly base: ClusterState) {
    this.rv = base.resourceVersion;
  }

  get(kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const ns = namespace ?? '';
    return this.getHashed(kind, hashKey(ns, name), ns, name);
  }

  /** Issues the next global resourceVersion (as etcd's revision, shared by all kinds). */
  nextResourceVersion(): string {
    this.rv += 1;
    return String(this.rv);
  }

  /** Stores `object` (already validated, frozen and stamped with its resourceVersion). */
  put(kind: string, object: StoredObject): void {
    const ns = object.metadata.namespace ?? '';
    const name = object.metadata.name;
    const hash = hashKey(ns, name);
    const oldObject = this.getHashed(kind, hash, ns, name);
    this.write(kind, hash, ns, name, object, oldObject);
    this.log.push({ kind, object, oldObject });
  }

  /**
   * `put` for a caller that has just read the current version through this batch
   * (`oldObject`, undefined when there is none) and written nothing of that key since: the
   * write path always has, and a second lookup per write is measurable at 150k objects.
   */
  replace(kind: string, object: StoredObject, oldObject: StoredObject | undefined): void {
    const ns = object.metadata.namespace ?? '';
    const name = object.metadata.name;
    this.write(kind, hashKey(ns, name), ns, name, object, oldObject);
    this.log.push({ kind, object, oldObject });
  }

  remove(kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const ns = namespace ?? '';
    const hash = hashKey(ns, name);
    const oldObject = this.getHashed(kind, hash, ns, name);
    if (!oldObject) return undefined;
    this.write(kind, hash, ns, name, null, oldObject);
    this.log.push({ kind, object: undefined, oldObject });
    return oldObject;
  }

  /**
   * `remove` for a caller that has just read `oldObject` through this batch (as `replace` is to
   * `put`): no second lookup of the key.
   */
  removeKnown(kind: string, oldObject: StoredObject): void {
    const ns = oldObject.metadata.namespace ?? '';
    const name = oldObject.metadata.name;
    this.write(kind, hashKey(ns, name), ns, name, null, oldObject);
    this.log.push({ kind, object: undefined, oldObject });
  }

  get changes(): readonly Change[] {
    return this.log;
  }

  /** Whether this batch has written (or removed) any object of `kind` so far. */
  touched(kind: string): boolean {
    return this.overlay.has(kind);
  }

  /**
   * The key's version as this batch sees it, for a caller that already holds `seen`, the
   * version the base state stores (a watcher told of every commit up to the base: the sim's
   * own scheduler, binding the pod it just scheduled): the batch's own write of the key, if
   * any, else `seen`, without the lookup in the base table (a bind's lookup of its pod among
   * 150k was a sixth of the bind's write). Not taken on trust alone: a write based on it
   * records `seen` as the version it replaces, and commit checks that the table held exactly
   * that (see indexOfBase).
   */
  getSeen(kind: string, seen: StoredObject): StoredObject | undefined {
    const w = this.overlay.get(kind);
    if (w === undefined) return seen;
    const ns = seen.metadata.namespace ?? '';
    const name = seen.metadata.name;
    const pending = pendingOf(w, hashKey(ns, name), ns, name);
    return pending === undefined ? seen : (pending.value ?? undefined);
  }

  /** `get` with the key's hash already taken (once per call: it serves overlay and table). */
  private getHashed(kind: string, hash: number, namespace: string, name: string): StoredObject | undefined {
    const w = this.overlay.get(kind);
    const pending = w === undefined ? undefined : pendingOf(w, hash, namespace, name);
    if (pending !== undefined) return pending.value ?? undefined;
    const t = table(this.base, kind);
    return t ? lookup(bucketAt(t, slotOf(hash)), tagOf(hash), namespace, name) : undefined;
  }

  /** `base`: what the caller read for the key (the base state's version when this is its first write). */
  private write(kind: string, hash: number, namespace: string, name: string, value: StoredObject | null, base: StoredObject | undefined): void {
    let w = this.overlay.get(kind);
    if (!w) {
      w = { byHash: new Map(), order: [] };
      this.overlay.set(kind, w);
    }
    const pending = pendingOf(w, hash, namespace, name);
    if (pending !== undefined) {
      pending.value = value;
      return;
    }
    const added: PendingWrite = { namespace, name, hash, value, base, next: w.byHash.get(hash) };
    w.byHash.set(hash, added);
    w.order.push(added);
  }

  /**
   * Applies every write copy-on-write and returns the new, frozen state (the base itself if
   * nothing changed). Only the containers on a written key's path are copied.
   */
  commit(nowMs: number = this.base.nowMs): ClusterState {
    if (this.log.length === 0 && nowMs === this.base.nowMs) return this.base;
    if (this.log.length === 0) return Object.freeze({ ...this.base, nowMs });
    const kinds: Record<string, KindTable> = { ...this.base.kinds };
    for (const [kind, writes] of this.overlay) kinds[kind] = applyWrites(this.base.kinds[kind]!, writes.order);
    return Object.freeze({ nowMs, resourceVersion: this.rv, kinds: Object.freeze(kinds) });
  }
}

/**
 * A batch's latest write of one key: the object, or null once removed. Kept with the key's
 * parts and hash so neither reads of the batch nor its commit build or split a key string.
 */
interface PendingWrite {
  readonly namespace: string;
  readonly name: string;
  readonly hash: number;
  value: StoredObject | null;
  /**
   * The version the base state holds for the key, as the batch's first write of it read it
   * (undefined: none). Commit finds the key's entry by this object's identity, without reading
   * any object's metadata, and fails loudly if the table holds another version.
   */
  readonly base: StoredObject | undefined;
  /** An earlier-written key of the batch with the same 32-bit hash (rare), if any. */
  readonly next: PendingWrite | undefined;
}

/** One kind's pending writes: found by hash, applied in the order their keys were first written. */
interface KindWrites {
  readonly byHash: Map<number, PendingWrite>;
  readonly order: PendingWrite[];
}

function pendingOf(w: KindWrites, hash: number, namespace: string, name: string): PendingWrite | undefined {
  for (let p = w.byHash.get(hash); p !== undefined; p = p.next) if (p.name === name && p.namespace === namespace) return p;
  return undefined;
}

/**
 * One kind's writes onto its table: copies the touched levels and buckets (left unfrozen, see
 * TRIE_ARRAYS_NOT_FROZEN; no one writes into them once the table is returned).
 */
function applyWrites(t: KindTable, writes: readonly PendingWrite[]): KindTable {
  const top = Array.from(t.buckets);
  // A level or bucket that differs from the table's own is this commit's copy (written into
  // until the end); identity says so without per-commit bookkeeping, which most commits (one
  // or two writes from one reconcile) would pay for in full.
  let count = t.count;
  const slots: number[] = [];
  // In the order keys were first written: a bucket's order is the order its keys were first
  // written, as object keys would be.
  for (let w = 0; w < writes.length; w++) {
    const { namespace, name, hash, value, base } = writes[w]!;
    const tag = tagOf(hash);
    const h = slotOf(hash);
    slots.push(h);
    const i1 = h >>> 12;
    const i2 = (h >>> 8) & 15;
    const i3 = (h >>> 4) & 15;
    const i4 = h & 15;
    const mid0 = t.buckets[i1]!;
    let mid = top[i1] as InnerLevel[];
    if (mid === mid0) {
      top[i1] = mid = Array.from(mid0);
    }
    const inner0 = mid0[i2]!;
    let inner = mid[i2] as LeafLevel[];
    if (inner === inner0) {
      mid[i2] = inner = Array.from(inner0);
    }
    const leaf0 = inner0[i3]!;
    let leaf = inner[i3] as Bucket[];
    if (leaf === leaf0) {
      inner[i3] = leaf = Array.from(leaf0);
    }
    let bucket = leaf[i4] as (number | StoredObject)[];
    // Replacing keeps an entry's place, removing closes the gap, adding appends.
    const at = base === undefined ? indexIn(bucket, tag, namespace, name) : indexOfBase(bucket, tag, namespace, name, base);
    if (value === null) {
      if (at < 0) continue;
      bucket = resized(bucket, at, tag, undefined);
      count -= 1;
    } else if (at >= 0) {
      if (bucket === leaf0[i4]) bucket = Array.from(bucket);
      bucket[at + 1] = value;
    } else {
      bucket = resized(bucket, -1, tag, value);
      count += 1;
    }
    leaf[i4] = bucket;
  }
  return Object.freeze({
    count,
    buckets: top,
    serial: nextSerial++,
    baseSerial: t.serial,
    writtenSlots: Object.freeze(sortedUnique(slots)),
  });
}

/**
 * `xs` (bucket slots, below BUCKETS) sorted ascending without repeats, in place. Most commits
 * write a few keys; a scheduler batch writes thousands, which a typed array sorts natively
 * several times faster than Array#sort calling a comparator per comparison.
 */
function sortedUnique(xs: number[]): number[] {
  if (xs.length < 2) return xs;
  if (xs.length <= 64) {
    xs.sort((x, y) => x - y);
    let k = 1;
    for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[k - 1]) xs[k++] = xs[i]!;
    xs.length = k;
    return xs;
  }
  const sorted = Uint16Array.from(xs).sort();
  let k = 1;
  xs[0] = sorted[0]!;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) xs[k++] = sorted[i]!;
  xs.length = k;
  return xs;
}

/**
 * A copy of `bucket` without the entry at `drop` (its tag's index; -1: none), plus the entry
 * (`tag`, `value`) at the end when a value is given. Built at its exact size: a push would
 * leave ~16 spare slots in each of a large kind's 65,536 buckets, and concat/slice on frozen
 * arrays take V8's slow path.
 */
function resized(bucket: Bucket, drop: number, tag: number, value: StoredObject | undefined): (number | StoredObject)[] {
  const out = new Array<number | StoredObject>(bucket.length + (drop >= 0 ? -2 : 0) + (value !== undefined ? 2 : 0));
  let k = 0;
  for (let i = 0; i < bucket.length; i += 2) {
    if (i === drop) continue;
    out[k++] = bucket[i]!;
    out[k++] = bucket[i + 1]!;
  }
  if (value !== undefined) {
    out[k++] = tag;
    out[k] = value;
  }
  return out;
}

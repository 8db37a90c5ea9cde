/**
 * The object store: one immutable `ClusterState` holding every object by kind, namespace and
 * name, plus the global resourceVersion counter.
 *
 * Layout: each kind's table is a two-level hash trie of plain objects: 256 arrays of 256
 * buckets, each bucket a small object keyed by `namespace/name`. A write copies the table's
 * top array, one second-level array and one bucket (about 512 pointers and a few entries),
 * never the whole kind, so the cost of a step follows what it changed rather than how many
 * objects exist (150k pods is a normal size; buckets stay a few entries, where copying is
 * cheap). Writes are collected in a `StoreBatch` and committed at once, copy-on-write; the
 * committed containers are frozen, as are the objects in them.
 *
 * Why not immer here: copying one bucket of a flat 1024-bucket layout through immer cost
 * ~290 µs per write at 150k pods (large buckets are dictionary-mode objects, slow to spread);
 * the trie plus a hand-written copy-on-write commit is what makes per-write cost flat.
 *
 * Keys never look like integers (they always contain '/'), so object-key order inside a bucket
 * is plain insertion order; listings are sorted by key like etcd's range reads anyway.
 */
import { KINDS } from './kinds.js';
import type { StoredObject } from './types.js';

/** Fan-out of each trie level: 256 × 256 buckets per kind. */
export const FANOUT = 256;
export const BUCKETS = FANOUT * FANOUT;

export type Bucket = { readonly [storageKey: string]: StoredObject };

export interface KindTable {
  readonly count: number;
  /** buckets[hi][lo], hi and lo the top and low bytes of the key's hash. */
  readonly buckets: readonly (readonly Bucket[])[];
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

/** FNV-1a, 32 bits, folded to 16: cheap, stable across runs and platforms. */
function bucketOf(skey: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < skey.length; i++) {
    h ^= skey.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 16) ^ h) & (BUCKETS - 1);
}

// Empty tables share one frozen empty level and bucket, so a new cluster allocates nothing
// per bucket; copy-on-write replaces them as objects arrive.
const EMPTY_BUCKET: Bucket = Object.freeze(newBucket());

/**
 * Buckets are null-prototype objects: V8 keeps them as hash tables (dictionary mode). A plain
 * `{}` would give every bucket its own hidden-class chain, one per distinct key, and adding a
 * key would search a transition tree as large as the cluster (~20 µs per write at 150k pods).
 */
function newBucket(): Record<string, StoredObject> {
  return Object.create(null) as Record<string, StoredObject>;
}
const EMPTY_LEVEL: readonly Bucket[] = Object.freeze(new Array<Bucket>(FANOUT).fill(EMPTY_BUCKET));

function emptyTable(): KindTable {
  return Object.freeze({ count: 0, buckets: Object.freeze(new Array<readonly Bucket[]>(FANOUT).fill(EMPTY_LEVEL)) });
}

function bucketAt(t: KindTable, h: number): Bucket {
  return t.buckets[h >>> 8]![h & (FANOUT - 1)]!;
}

/**
 * Tables the API does not serve: allocator state (the IPs, ports and CIDRs handed out), kept
 * in the same store so an allocation commits or rolls back with the write that made it, as
 * upstream keeps its allocation bitmaps in etcd. Records are StoredObject-shaped, named by the
 * allocated value (`10.96.0.10`, `30080`, `10.244.3.0/24`). '~Fault' holds the faults in force
 * (src/sim/faults.ts), as data the kubelets read. Names start with '~' so they can never
 * collide with a kind, and changes to them are neither traced nor watched by API clients.
 */
export const INTERNAL_TABLES = ['~ClusterIP', '~Fault', '~LoadBalancerIP', '~NodePort', '~PodCIDR', '~PodIP'] as const;
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
  const t = table(state, kind);
  if (!t) return undefined;
  const skey = storageKey(namespace, name);
  const bucket = bucketAt(t, bucketOf(skey));
  return Object.hasOwn(bucket, skey) ? bucket[skey] : undefined;
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
  for (const level of t.buckets) {
    if (level === EMPTY_LEVEL) continue;
    for (const bucket of level) {
      if (bucket === EMPTY_BUCKET) continue;
      for (const skey in bucket) {
        if (prefix === undefined || skey.startsWith(prefix)) keyed.push([skey, bucket[skey]!]);
      }
    }
  }
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return keyed.map((e) => e[1]);
}

/** Calls `fn` for every object of a kind in bucket order (deterministic, unsorted). */
export function forEachObject(state: ClusterState, kind: string, fn: (obj: StoredObject) => void): void {
  const t = table(state, kind);
  if (!t) return;
  for (const level of t.buckets) {
    if (level === EMPTY_LEVEL) continue;
    // Skipping shared empty buckets by identity keeps a scan of a small kind cheap (a for-in
    // over each of 65,536 buckets is what made registering thousands of nodes quadratic-slow).
    for (const bucket of level) {
      if (bucket === EMPTY_BUCKET) continue;
      for (const skey in bucket) fn(bucket[skey]!);
    }
  }
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
  for (let hi = 0; hi < FANOUT; hi++) {
    const la = a.buckets[hi]!;
    const lb = b.buckets[hi]!;
    if (la === lb) continue;
    for (let lo = 0; lo < FANOUT; lo++) {
      const ba = la[lo]!;
      const bb = lb[lo]!;
      if (ba === bb) continue;
      for (const skey in ba) {
        const after = Object.hasOwn(bb, skey) ? bb[skey] : undefined;
        if (ba[skey] !== after) fn(ba[skey], after);
      }
      for (const skey in bb) if (!Object.hasOwn(ba, skey)) fn(undefined, bb[skey]);
    }
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
  private readonly overlay = new Map<string, Map<string, StoredObject | null>>();
  private readonly log: Change[] = [];
  private rv: number;

  constructor(readonly base: ClusterState) {
    this.rv = base.resourceVersion;
  }

  get(kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const skey = storageKey(namespace, name);
    const written = this.overlay.get(kind)?.get(skey);
    if (written !== undefined) return written ?? undefined;
    return getObject(this.base, kind, namespace, name);
  }

  /** Issues the next global resourceVersion (as etcd's revision, shared by all kinds). */
  nextResourceVersion(): string {
    this.rv += 1;
    return String(this.rv);
  }

  /** Stores `object` (already validated, frozen and stamped with its resourceVersion). */
  put(kind: string, object: StoredObject): void {
    const { namespace, name } = object.metadata;
    const oldObject = this.get(kind, namespace, name);
    this.write(kind, storageKey(namespace, name), object);
    this.log.push({ kind, object, oldObject });
  }

  remove(kind: string, namespace: string | undefined, name: string): StoredObject | undefined {
    const oldObject = this.get(kind, namespace, name);
    if (!oldObject) return undefined;
    this.write(kind, storageKey(namespace, name), null);
    this.log.push({ kind, object: undefined, oldObject });
    return oldObject;
  }

  get changes(): readonly Change[] {
    return this.log;
  }

  /** Whether this batch has written (or removed) any object of `kind` so far. */
  touched(kind: string): boolean {
    return this.overlay.has(kind);
  }

  private write(kind: string, skey: string, value: StoredObject | null): void {
    let m = this.overlay.get(kind);
    if (!m) {
      m = new Map();
      this.overlay.set(kind, m);
    }
    m.set(skey, value);
  }

  /**
   * Applies every write copy-on-write and returns the new, frozen state (the base itself if
   * nothing changed). Only the containers on a written key's path are copied.
   */
  commit(nowMs: number = this.base.nowMs): ClusterState {
    if (this.log.length === 0 && nowMs === this.base.nowMs) return this.base;
    if (this.log.length === 0) return Object.freeze({ ...this.base, nowMs });
    const kinds: Record<string, KindTable> = { ...this.base.kinds };
    for (const [kind, writes] of this.overlay) kinds[kind] = applyWrites(this.base.kinds[kind]!, writes);
    return Object.freeze({ nowMs, resourceVersion: this.rv, kinds: Object.freeze(kinds) });
  }
}

/** One kind's writes onto its table: copies the touched levels and buckets, then freezes them. */
function applyWrites(t: KindTable, writes: ReadonlyMap<string, StoredObject | null>): KindTable {
  // Array.from, not slice(): V8's slice of a frozen array takes a slow path (~40x slower).
  const top = Array.from(t.buckets);
  const copiedLevels: Bucket[][] = [];
  const copiedBuckets: Record<string, StoredObject>[] = [];
  const levelCopied = new Uint8Array(FANOUT);
  const bucketCopied = new Set<number>();
  let count = t.count;
  for (const [skey, value] of writes) {
    const h = bucketOf(skey);
    const hi = h >>> 8;
    if (levelCopied[hi] === 0) {
      const level = Array.from(top[hi]!);
      top[hi] = level;
      copiedLevels.push(level);
      levelCopied[hi] = 1;
    }
    const level = top[hi] as Bucket[];
    const lo = h & (FANOUT - 1);
    let bucket = level[lo] as Record<string, StoredObject>;
    if (!bucketCopied.has(h)) {
      const copy = newBucket();
      for (const k in bucket) copy[k] = bucket[k]!;
      level[lo] = bucket = copy;
      copiedBuckets.push(copy);
      bucketCopied.add(h);
    }
    const existed = Object.hasOwn(bucket, skey);
    if (value === null) {
      if (existed) {
        delete bucket[skey];
        count -= 1;
      }
    } else {
      if (!existed) count += 1;
      bucket[skey] = value;
    }
  }
  for (const b of copiedBuckets) Object.freeze(b);
  for (const l of copiedLevels) Object.freeze(l);
  return Object.freeze({ count, buckets: Object.freeze(top) });
}

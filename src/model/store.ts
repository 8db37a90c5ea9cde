/**
 * The object store: one immutable `ClusterState` holding every object by kind, namespace and
 * name, plus the global resourceVersion counter.
 *
 * Layout: each kind's table is split into a fixed number of hash buckets (plain objects keyed
 * by `namespace/name`). A write copies the table's bucket array and the one bucket it touches,
 * never the whole kind, so the cost of a step follows what it changed rather than how many
 * objects exist (150k pods is a normal size). Writes are collected in a `StoreBatch` and
 * committed with one immer `produce`, so a step costs one structural copy of its path.
 *
 * Keys never look like integers (they always contain '/'), so object-key order inside a bucket
 * is plain insertion order; listings are sorted by key like etcd's range reads anyway.
 */
import { produce, freeze } from 'immer';
import { KINDS } from './kinds.js';
import type { StoredObject } from './types.js';

export const BUCKETS = 1024;

export type Bucket = { readonly [storageKey: string]: StoredObject };

export interface KindTable {
  readonly count: number;
  readonly buckets: readonly Bucket[];
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

/** FNV-1a, 32 bits: cheap, stable across runs and platforms. */
function bucketOf(skey: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < skey.length; i++) {
    h ^= skey.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & (BUCKETS - 1);
}

function emptyTable(): KindTable {
  return { count: 0, buckets: Array.from({ length: BUCKETS }, () => ({})) };
}

/**
 * Tables the API does not serve: allocator state (the IPs, ports and CIDRs handed out), kept
 * in the same store so an allocation commits or rolls back with the write that made it, as
 * upstream keeps its allocation bitmaps in etcd. Records are StoredObject-shaped, named by the
 * allocated value (`10.96.0.10`, `30080`, `10.244.3.0/24`). Names start with '~' so they can
 * never collide with a kind, and changes to them are neither traced nor watched.
 */
export const INTERNAL_TABLES = ['~ClusterIP', '~LoadBalancerIP', '~NodePort', '~PodCIDR', '~PodIP'] as const;
export type InternalTable = (typeof INTERNAL_TABLES)[number];

export function isInternalTable(kind: string): boolean {
  return kind.startsWith('~');
}

export function emptyState(): ClusterState {
  const kinds: Record<string, KindTable> = {};
  for (const info of KINDS) kinds[info.kind] = emptyTable();
  for (const name of INTERNAL_TABLES) kinds[name] = emptyTable();
  return freeze({ nowMs: 0, resourceVersion: 0, kinds }, true);
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
  const bucket = t.buckets[bucketOf(skey)]!;
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
  for (const bucket of t.buckets) {
    for (const skey in bucket) {
      if (prefix === undefined || skey.startsWith(prefix)) keyed.push([skey, bucket[skey]!]);
    }
  }
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return keyed.map((e) => e[1]);
}

/** Calls `fn` for every object of a kind in bucket order (deterministic, unsorted). */
export function forEachObject(state: ClusterState, kind: string, fn: (obj: StoredObject) => void): void {
  const t = table(state, kind);
  if (!t) return;
  for (const bucket of t.buckets) for (const skey in bucket) fn(bucket[skey]!);
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

  private write(kind: string, skey: string, value: StoredObject | null): void {
    let m = this.overlay.get(kind);
    if (!m) {
      m = new Map();
      this.overlay.set(kind, m);
    }
    m.set(skey, value);
  }

  /** Applies every write in one produce and returns the new state (the base if nothing changed). */
  commit(nowMs: number = this.base.nowMs): ClusterState {
    if (this.log.length === 0 && nowMs === this.base.nowMs) return this.base;
    const overlay = this.overlay;
    const rv = this.rv;
    return produce(this.base, (draft) => {
      draft.nowMs = nowMs;
      draft.resourceVersion = rv;
      for (const [kind, writes] of overlay) {
        const t = draft.kinds[kind]!;
        let count = t.count;
        for (const [skey, value] of writes) {
          const bucket = t.buckets[bucketOf(skey)]! as Record<string, StoredObject>;
          const existed = Object.hasOwn(bucket, skey);
          if (value === null) {
            if (existed) {
              delete bucket[skey];
              count -= 1;
            }
          } else {
            if (!existed) count += 1;
            bucket[skey] = value as never;
          }
        }
        t.count = count;
      }
    });
  }
}

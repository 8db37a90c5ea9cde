/**
 * Secondary indexes over the store, kept up to date from committed changes — what informers'
 * indexers are to a real controller. Reconcilers read them through `ctx.index` so that a
 * ReplicaSet finds its pods, or a kubelet its node's pods, without scanning every pod.
 * Lookups return objects sorted by key, so results never depend on insertion history.
 */
import type { IndexName, ObjectIndex } from '../model/reconcile.js';
import type { Change } from '../model/store.js';
import type { StoredObject } from '../model/types.js';

type IndexFn = (obj: StoredObject) => readonly string[];

const NONE: readonly string[] = [];

const INDEXES: Readonly<Record<IndexName, IndexFn>> = {
  namespace: (o) => (o.metadata.namespace ? [o.metadata.namespace] : NONE),
  controller: (o) => {
    const ref = o.metadata.ownerReferences?.find((r) => r.controller === true);
    return ref ? [ref.uid] : NONE;
  },
  owner: (o) => o.metadata.ownerReferences?.map((r) => r.uid) ?? NONE,
  nodeName: (o) => {
    const node = (o.spec as { nodeName?: unknown } | undefined)?.nodeName;
    return typeof node === 'string' && node !== '' ? [node] : NONE;
  },
  orphan: (o) =>
    o.metadata.namespace && !o.metadata.ownerReferences?.some((r) => r.controller === true) ? [o.metadata.namespace] : NONE,
};

const INDEX_NAMES = Object.keys(INDEXES) as IndexName[];

interface Bucket {
  readonly members: Map<string, StoredObject>;
  sorted: readonly StoredObject[] | undefined;
}

function keyOf(o: StoredObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

const EMPTY: readonly StoredObject[] = Object.freeze([]);

export class Indexer implements ObjectIndex {
  /** kind → index → value → bucket */
  private readonly data = new Map<string, Map<IndexName, Map<string, Bucket>>>();

  apply(change: Change): void {
    let kindIdx = this.data.get(change.kind);
    if (!kindIdx) {
      kindIdx = new Map();
      this.data.set(change.kind, kindIdx);
    }
    for (const name of INDEX_NAMES) {
      const fn = INDEXES[name];
      const oldValues = change.oldObject ? fn(change.oldObject) : NONE;
      const newValues = change.object ? fn(change.object) : NONE;
      if (oldValues.length === 0 && newValues.length === 0) continue;
      let idx = kindIdx.get(name);
      if (!idx) {
        idx = new Map();
        kindIdx.set(name, idx);
      }
      for (const v of oldValues) {
        const b = idx.get(v);
        if (!b) continue;
        b.members.delete(keyOf(change.oldObject!));
        b.sorted = undefined;
        if (b.members.size === 0) idx.delete(v);
      }
      for (const v of newValues) {
        let b = idx.get(v);
        if (!b) {
          b = { members: new Map(), sorted: undefined };
          idx.set(v, b);
        }
        b.members.set(keyOf(change.object!), change.object!);
        b.sorted = undefined;
      }
    }
  }

  list(kind: string, index: IndexName, value: string): readonly StoredObject[] {
    const b = this.data.get(kind)?.get(index)?.get(value);
    if (!b) return EMPTY;
    if (!b.sorted) {
      const keys = [...b.members.keys()].sort();
      b.sorted = Object.freeze(keys.map((k) => b.members.get(k)!));
    }
    return b.sorted;
  }
}

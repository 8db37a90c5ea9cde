/**
 * Secondary indexes over the store, kept up to date from committed changes — what informers'
 * indexers are to a real controller. Reconcilers read them through `ctx.index` so that a
 * ReplicaSet finds its pods, a kubelet its node's pods, or a Service the pods its selector
 * picks, without scanning every pod. Lookups return objects sorted by key, so results never
 * depend on insertion history.
 *
 * Two families of buckets: the named indexes (IndexName → value → bucket) and a label index
 * (namespace → label key → label value → bucket) behind `select`.
 *
 * A kind is indexed from its first lookup on (built from the state then, kept up to date from
 * changes after): kinds no reconciler asks about — Events, Leases — cost nothing per write.
 */
import type { IndexName, ObjectIndex } from '../model/reconcile.js';
import { forEachObject, type Change, type ClusterState } from '../model/store.js';
import type { StoredObject } from '../model/types.js';
import { SortedBucket } from './sorted-bucket.js';

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

function keyOf(o: StoredObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name;
}

const EMPTY: readonly StoredObject[] = Object.freeze([]);
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/** label key → label value → bucket, for one (kind, namespace). */
interface LabelSpace {
  /**
   * Every cluster-scoped object of the kind: what `{}` selects. Namespaced kinds use their
   * `namespace` index bucket instead (one bucket fewer to maintain per write).
   */
  readonly all: SortedBucket;
  readonly byKey: Map<string, Map<string, SortedBucket>>;
}

export class Indexer implements ObjectIndex {
  /** Kinds indexed so far (looked up at least once). */
  private readonly active = new Set<string>();

  /**
   * `state` gives the current state, to index a kind at its first lookup. Without it every
   * kind is indexed from the first change on (for an Indexer fed by hand).
   */
  constructor(private readonly state?: () => ClusterState) {}

  /** Indexes `kind` from the current state if this is its first lookup. */
  private ensure(kind: string): void {
    if (this.state === undefined || this.active.has(kind)) return;
    this.active.add(kind);
    forEachObject(this.state(), kind, (object) => this.apply({ kind, object, oldObject: undefined }));
  }

  /** kind → index → value → bucket */
  private readonly data = new Map<string, Map<IndexName, Map<string, SortedBucket>>>();
  /** kind → namespace ('' for cluster-scoped) → labels */
  private readonly labels = new Map<string, Map<string, LabelSpace>>();
  /**
   * kind → key → every bucket (named or label) holding the key. Most writes (status updates)
   * keep an object's namespace, owner references, labels and node: the key then stays in the
   * same buckets and only the object they hold changes, patched through this list.
   */
  private readonly holders = new Map<string, Map<string, SortedBucket[]>>();

  apply(change: Change): void {
    if (this.state !== undefined && !this.active.has(change.kind)) return;
    const { oldObject, object } = change;
    if (oldObject !== undefined && object !== undefined && this.patchInPlace(change.kind, oldObject, object)) return;
    let kindHolders = this.holders.get(change.kind);
    if (!kindHolders) this.holders.set(change.kind, (kindHolders = new Map()));
    const held: SortedBucket[] = [];
    let kindIdx = this.data.get(change.kind);
    if (!kindIdx) {
      kindIdx = new Map();
      this.data.set(change.kind, kindIdx);
    }
    const oldKey = change.oldObject ? keyOf(change.oldObject) : '';
    const newKey = change.object ? keyOf(change.object) : '';
    // Every index but nodeName reads only the namespace and ownerReferences; a write that kept
    // the key and the references (shared by identity) keeps those indexes' values.
    const sameRefs =
      change.oldObject !== undefined && change.object !== undefined && oldKey === newKey && change.oldObject.metadata.ownerReferences === change.object.metadata.ownerReferences;
    for (const name of INDEX_NAMES) {
      const fn = INDEXES[name];
      const newValues = change.object ? fn(change.object) : NONE;
      const oldValues = !change.oldObject ? NONE : sameRefs && name !== 'nodeName' ? newValues : fn(change.oldObject);
      if (oldValues.length === 0 && newValues.length === 0) continue;
      let idx = kindIdx.get(name);
      if (!idx) {
        idx = new Map();
        kindIdx.set(name, idx);
      }
      // A value in both versions keeps the key in its bucket: replaced in place, no re-sort.
      for (const v of oldValues) {
        if (newValues.includes(v) && oldKey === newKey) continue;
        const b = idx.get(v);
        if (!b) continue;
        b.remove(oldKey);
        if (b.size === 0) idx.delete(v);
      }
      for (const v of newValues) {
        let b = idx.get(v);
        if (!b) idx.set(v, (b = new SortedBucket()));
        b.set(newKey, change.object!);
        held.push(b);
      }
    }
    this.applyLabels(change, oldKey, newKey, held);
    if (oldObject !== undefined) kindHolders.delete(oldKey);
    if (object !== undefined) kindHolders.set(newKey, held);
  }

  /**
   * A modification that leaves every index value as it was (same key, the same owner
   * references and labels objects — unchanged parts of a written object are shared — and the
   * same node): patches the new version into the buckets holding the key. False otherwise.
   */
  private patchInPlace(kind: string, old: StoredObject, obj: StoredObject): boolean {
    const om = old.metadata;
    const nm = obj.metadata;
    if (om.name !== nm.name || om.namespace !== nm.namespace || om.ownerReferences !== nm.ownerReferences || om.labels !== nm.labels) return false;
    if (old.spec !== obj.spec && (old.spec as { nodeName?: unknown } | undefined)?.nodeName !== (obj.spec as { nodeName?: unknown } | undefined)?.nodeName) return false;
    const key = keyOf(obj);
    const buckets = this.holders.get(kind)?.get(key);
    if (buckets === undefined) return false;
    for (const b of buckets) b.set(key, obj);
    return true;
  }

  private applyLabels(change: Change, oldKey: string, newKey: string, held: SortedBucket[]): void {
    let kindSpaces = this.labels.get(change.kind);
    if (!kindSpaces) this.labels.set(change.kind, (kindSpaces = new Map()));
    const old = change.oldObject;
    const obj = change.object;
    const oldLabels = old?.metadata.labels ?? NO_LABELS;
    const newLabels = obj?.metadata.labels ?? NO_LABELS;
    if (old) {
      const ns = old.metadata.namespace ?? '';
      const space = kindSpaces.get(ns);
      const same = obj !== undefined && oldKey === newKey;
      if (space) {
        for (const k of Object.keys(oldLabels)) {
          if (same && newLabels[k] === oldLabels[k]) continue;
          const values = space.byKey.get(k);
          const b = values?.get(oldLabels[k]!);
          if (!b) continue;
          b.remove(oldKey);
          if (b.size === 0) {
            values!.delete(oldLabels[k]!);
            if (values!.size === 0) space.byKey.delete(k);
          }
        }
        if (!same && ns === '') space.all.remove(oldKey);
      }
    }
    if (obj) {
      const ns = obj.metadata.namespace ?? '';
      let space = kindSpaces.get(ns);
      if (!space) kindSpaces.set(ns, (space = { all: new SortedBucket(), byKey: new Map() }));
      if (ns === '') {
        space.all.set(newKey, obj);
        held.push(space.all);
      }
      for (const k of Object.keys(newLabels)) {
        let values = space.byKey.get(k);
        if (!values) space.byKey.set(k, (values = new Map()));
        let b = values.get(newLabels[k]!);
        if (!b) values.set(newLabels[k]!, (b = new SortedBucket()));
        b.set(newKey, obj);
        held.push(b);
      }
    }
  }

  list(kind: string, index: IndexName, value: string): readonly StoredObject[] {
    this.ensure(kind);
    const b = this.data.get(kind)?.get(index)?.get(value);
    return b ? b.sorted() : EMPTY;
  }

  select(kind: string, namespace: string | undefined, matchLabels: Readonly<Record<string, string>>): readonly StoredObject[] {
    this.ensure(kind);
    const ns = namespace ?? '';
    const requirements = Object.keys(matchLabels);
    if (requirements.length === 0 && ns !== '') return this.list(kind, 'namespace', ns);
    const space = this.labels.get(kind)?.get(ns);
    if (!space) return EMPTY;
    // The smallest bucket among the requirements bounds the work; the others filter it.
    let smallest: SortedBucket | undefined;
    for (const k of requirements) {
      const b = space.byKey.get(k)?.get(matchLabels[k]!);
      if (!b) return EMPTY;
      if (!smallest || b.size < smallest.size) smallest = b;
    }
    if (!smallest) return space.all.sorted();
    const candidates = smallest.sorted();
    if (requirements.length === 1) return candidates;
    const out = candidates.filter((o) => {
      const labels = o.metadata.labels!;
      for (const k of requirements) if (labels[k] !== matchLabels[k]) return false;
      return true;
    });
    return Object.freeze(out);
  }
}

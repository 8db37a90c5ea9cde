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
 * Each index of a kind, and each label key, is kept from its first lookup on (built from the
 * state then, kept up to date from changes after): what no reconciler asks about costs nothing
 * per write — Events and Leases entirely, and of Pods the namespace and node indexes and the
 * pod-template-hash label in a bring-up, whose buckets (one of them every pod of a namespace)
 * were half of the index's memory and of its work per write.
 */
import type { IndexName, ObjectIndex } from '../model/reconcile.js';
import { forEachObject, type Change, type ClusterState } from '../model/store.js';
import type { StoredObject } from '../model/types.js';
import { SortedBucket } from './sorted-bucket.js';

type IndexFn = (obj: StoredObject) => readonly string[];

const NONE: readonly string[] = [];
/** The holders of an object in no bucket (shared, never written). */
const NO_BUCKETS: readonly SortedBucket[] = Object.freeze([]);

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

/** What of one kind is kept: the indexes and label keys looked up so far. */
interface KindPlan {
  /** Active named indexes, in INDEX_NAMES order. */
  indexes: readonly IndexName[];
  /** Active label keys; undefined: every key. */
  readonly labelKeys: Set<string> | undefined;
  /** Whether the cluster-scoped `all` buckets are kept. */
  all: boolean;
}

/** Puts `obj` under `key` in the bucket of `value` (created if missing) and returns the bucket. */
function bucketIn(buckets: Map<string, SortedBucket>, value: string, key: string, obj: StoredObject): SortedBucket {
  let bucket = buckets.get(value);
  if (!bucket) buckets.set(value, (bucket = new SortedBucket()));
  bucket.set(key, obj);
  return bucket;
}

/** `bucketIn` for label `k` = `value` of a label space. */
function labelBucketIn(byKey: Map<string, Map<string, SortedBucket>>, k: string, value: string, key: string, obj: StoredObject): SortedBucket {
  let values = byKey.get(k);
  if (!values) byKey.set(k, (values = new Map()));
  return bucketIn(values, value, key, obj);
}

export class Indexer implements ObjectIndex {
  /** kind → what is kept of it; a kind without a plan is not indexed at all. */
  private readonly plans = new Map<string, KindPlan>();

  /**
   * `state` gives the current state, to build an index at its first lookup. Without it every
   * index of every kind is kept from the first change on (for an Indexer fed by hand).
   */
  constructor(private readonly state?: () => ClusterState) {}

  private planOf(kind: string): KindPlan {
    let plan = this.plans.get(kind);
    if (plan === undefined) {
      plan = this.state === undefined ? { indexes: INDEX_NAMES, labelKeys: undefined, all: true } : { indexes: [], labelKeys: new Set(), all: false };
      this.plans.set(kind, plan);
    }
    return plan;
  }

  /** Builds index `name` of `kind` from the current state if this is its first lookup. */
  private ensureIndex(kind: string, name: IndexName): void {
    const plan = this.planOf(kind);
    if (plan.indexes.includes(name)) return;
    plan.indexes = INDEX_NAMES.filter((n) => n === name || plan.indexes.includes(n));
    const idx = this.indexOf(kind, name);
    const fn = INDEXES[name];
    this.forEachStored(kind, (key, obj, held) => {
      for (const v of fn(obj)) held.push(bucketIn(idx, v, key, obj));
    });
  }

  /** Builds the label key `k` of `kind` from the current state if this is its first lookup. */
  private ensureLabel(kind: string, k: string): void {
    const keys = this.planOf(kind).labelKeys;
    if (keys === undefined || keys.has(k)) return;
    keys.add(k);
    this.forEachStored(kind, (key, obj, held) => {
      const v = obj.metadata.labels?.[k];
      if (v !== undefined) held.push(labelBucketIn(this.spaceOf(kind, obj.metadata.namespace ?? '').byKey, k, v, key, obj));
    });
  }

  /** Builds the cluster-scoped `all` buckets of `kind` from the current state if not kept yet. */
  private ensureAll(kind: string): void {
    const plan = this.planOf(kind);
    if (plan.all) return;
    plan.all = true;
    this.forEachStored(kind, (key, obj, held) => {
      if (obj.metadata.namespace) return;
      const all = this.spaceOf(kind, '').all;
      all.set(key, obj);
      held.push(all);
    });
  }

  /** Calls `fn` with every stored object of `kind`, its key and its holders list. */
  private forEachStored(kind: string, fn: (key: string, obj: StoredObject, held: SortedBucket[]) => void): void {
    if (this.state === undefined) return;
    const kindHolders = this.holdersOf(kind);
    forEachObject(this.state(), kind, (obj) => {
      const built = keyOf(obj);
      const held = kindHolders.get(built)?.slice() ?? [];
      fn(held.length > 0 ? held[0]!.keptKey(built) : built, obj, held);
      kindHolders.set(built, held.length === 0 ? NO_BUCKETS : held.slice());
    });
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
  private readonly holders = new Map<string, Map<string, readonly SortedBucket[]>>();

  private holdersOf(kind: string): Map<string, readonly SortedBucket[]> {
    let kindHolders = this.holders.get(kind);
    if (!kindHolders) this.holders.set(kind, (kindHolders = new Map()));
    return kindHolders;
  }

  private indexOf(kind: string, name: IndexName): Map<string, SortedBucket> {
    let kindIdx = this.data.get(kind);
    if (!kindIdx) this.data.set(kind, (kindIdx = new Map()));
    let idx = kindIdx.get(name);
    if (!idx) kindIdx.set(name, (idx = new Map()));
    return idx;
  }

  private spaceOf(kind: string, ns: string): LabelSpace {
    let kindSpaces = this.labels.get(kind);
    if (!kindSpaces) this.labels.set(kind, (kindSpaces = new Map()));
    let space = kindSpaces.get(ns);
    if (!space) kindSpaces.set(ns, (space = { all: new SortedBucket(), byKey: new Map() }));
    return space;
  }

  apply(change: Change): void {
    const plan = this.state === undefined ? this.planOf(change.kind) : this.plans.get(change.kind);
    if (plan === undefined) return;
    const { oldObject, object } = change;
    if (oldObject !== undefined && object !== undefined && this.patchInPlace(change.kind, oldObject, object)) return;
    const kindHolders = this.holdersOf(change.kind);
    const held: SortedBucket[] = [];
    const oldKey = change.oldObject ? keyOf(change.oldObject) : '';
    let newKey = change.object ? keyOf(change.object) : '';
    // The same key again: the string the object's buckets already keep, for the ones it joins
    // now (a bind's node bucket), so that an object's buckets share one key string.
    const before = oldKey === newKey ? kindHolders.get(oldKey) : undefined;
    if (before !== undefined && before.length > 0) newKey = before[0]!.keptKey(newKey);
    // Every index but nodeName reads only the namespace and ownerReferences; a write that kept
    // the key and the references (shared by identity) keeps those indexes' values.
    const sameRefs =
      change.oldObject !== undefined && change.object !== undefined && oldKey === newKey && change.oldObject.metadata.ownerReferences === change.object.metadata.ownerReferences;
    for (const name of plan.indexes) {
      const fn = INDEXES[name];
      const newValues = change.object ? fn(change.object) : NONE;
      const oldValues = !change.oldObject ? NONE : sameRefs && name !== 'nodeName' ? newValues : fn(change.oldObject);
      if (oldValues.length === 0 && newValues.length === 0) continue;
      const idx = this.indexOf(change.kind, name);
      // A value in both versions keeps the key in its bucket: replaced in place, no re-sort.
      for (const v of oldValues) {
        if (newValues.includes(v) && oldKey === newKey) continue;
        const b = idx.get(v);
        if (!b) continue;
        b.remove(oldKey);
        if (b.size === 0) idx.delete(v);
      }
      for (const v of newValues) held.push(bucketIn(idx, v, newKey, change.object!));
    }
    this.applyLabels(change, plan, oldKey, newKey, held);
    // Same key: overwritten in place. A delete and a set leave a hole per write in the Map's
    // table until it is rehashed, which kept the Pod holders' table twice its size.
    if (oldObject !== undefined && (object === undefined || oldKey !== newKey)) kindHolders.delete(oldKey);
    // An exact copy: the first push gave `held` room for 16 buckets (~100 bytes more than the
    // three or four a pod has, kept for every object of an indexed kind).
    if (object !== undefined) kindHolders.set(newKey, held.length === 0 ? NO_BUCKETS : held.slice());
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

  private applyLabels(change: Change, plan: KindPlan, oldKey: string, newKey: string, held: SortedBucket[]): void {
    const keys = plan.labelKeys;
    if (keys !== undefined && keys.size === 0 && !plan.all) return;
    const old = change.oldObject;
    const obj = change.object;
    const oldLabels = old?.metadata.labels ?? NO_LABELS;
    const newLabels = obj?.metadata.labels ?? NO_LABELS;
    if (old) {
      const ns = old.metadata.namespace ?? '';
      const space = this.labels.get(change.kind)?.get(ns);
      const same = obj !== undefined && oldKey === newKey;
      if (space) {
        for (const k of Object.keys(oldLabels)) {
          if ((same && newLabels[k] === oldLabels[k]) || (keys !== undefined && !keys.has(k))) continue;
          const values = space.byKey.get(k);
          const b = values?.get(oldLabels[k]!);
          if (!b) continue;
          b.remove(oldKey);
          if (b.size === 0) {
            values!.delete(oldLabels[k]!);
            if (values!.size === 0) space.byKey.delete(k);
          }
        }
        if (!same && ns === '' && plan.all) space.all.remove(oldKey);
      }
    }
    if (obj) {
      const ns = obj.metadata.namespace ?? '';
      let space: LabelSpace | undefined;
      if (ns === '' && plan.all) {
        space = this.spaceOf(change.kind, ns);
        space.all.set(newKey, obj);
        held.push(space.all);
      }
      for (const k of Object.keys(newLabels)) {
        if (keys !== undefined && !keys.has(k)) continue;
        space ??= this.spaceOf(change.kind, ns);
        held.push(labelBucketIn(space.byKey, k, newLabels[k]!, newKey, obj));
      }
    }
  }

  list(kind: string, index: IndexName, value: string): readonly StoredObject[] {
    this.ensureIndex(kind, index);
    const b = this.data.get(kind)?.get(index)?.get(value);
    return b ? b.sorted() : EMPTY;
  }

  select(kind: string, namespace: string | undefined, matchLabels: Readonly<Record<string, string>>): readonly StoredObject[] {
    const ns = namespace ?? '';
    const requirements = Object.keys(matchLabels);
    if (requirements.length === 0 && ns !== '') return this.list(kind, 'namespace', ns);
    if (requirements.length === 0) this.ensureAll(kind);
    for (const k of requirements) this.ensureLabel(kind, k);
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

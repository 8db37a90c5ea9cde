/**
 * Assigned pods by (namespace, label key, label value), kept by the scheduler cache as pods
 * are placed on and removed from nodes. It lets PodTopologySpread and InterPodAffinity count
 * the pods matching a selector in time proportional to the pods that carry one of the
 * selector's required label values, instead of walking every pod of every node each cycle.
 *
 * Only a narrowing: callers still run the full match (selector, namespace, deletionTimestamp)
 * on each candidate, so results are exactly those of the scan. A selector without an `=`,
 * `==` or `in` requirement cannot be narrowed (`forEachCandidate` returns false) and callers
 * fall back to the scan.
 *
 * It also keeps the per-node match counts of the selectors asked for through `counter`
 * (selector-counts.ts), as listeners on buckets: the buckets' contents change only here, so
 * the counters follow them exactly.
 */
import type { Requirement, Selector } from '../../model/labels/selector.js';
import type { NodeInfo, PodInfo, SchedulerSnapshot } from '../framework.js';
import { SelectorCounters, type NodeCounts, type SelectorCounter } from './selector-counts.js';

/** What a snapshot offers when it keeps a label index (the scheduler cache does). */
export interface PodLabelIndexSource {
  readonly podLabelIndex: PodLabelIndex;
}

/** The snapshot's label index, if it keeps one (test snapshots from buildSnapshot do not). */
export function podLabelIndexOf(snapshot: SchedulerSnapshot): PodLabelIndex | undefined {
  return (snapshot as Partial<PodLabelIndexSource>).podLabelIndex;
}

/** The assigned pods carrying one (namespace, key, value), and the counters listening on it. */
class Bucket {
  readonly pods = new Map<PodInfo, NodeInfo>();
  /** Kept on the bucket (not in a map of their own) so that a pod's add costs no extra lookup. */
  listeners: SelectorCounter[] | undefined = undefined;
  /** Set when the bucket leaves the map: a bucket list holding it is stale (see bucketsOf). */
  dropped = false;
}

/** The buckets of one frozen labels object in one namespace, in Object.keys(labels) order. */
interface LabelBuckets {
  readonly ns: string;
  readonly buckets: readonly Bucket[];
}

function bucketKey(ns: string, key: string, value: string): string {
  return `${ns}\u0000${key}\u0000${value}`;
}

export class PodLabelIndex {
  private readonly buckets = new Map<string, Bucket>();
  private readonly counters = new SelectorCounters();
  /**
   * Bucket lists by labels object: sibling pods share their frozen labels (the store interns
   * them), and a bind's add and its confirming replace then find their buckets without
   * building a key string per label.
   */
  private readonly byLabels = new WeakMap<object, LabelBuckets>();

  /**
   * The buckets of `labels` in `ns` (created when missing), in Object.keys order; kept per
   * frozen labels object while none of them has left the map.
   */
  private bucketsOf(ns: string, labels: Readonly<Record<string, string>>): readonly Bucket[] {
    const hit = this.byLabels.get(labels);
    if (hit !== undefined && hit.ns === ns && live(hit.buckets)) return hit.buckets;
    const buckets: Bucket[] = [];
    for (const k of Object.keys(labels)) buckets.push(this.bucket(bucketKey(ns, k, labels[k]!)));
    if (Object.isFrozen(labels)) this.byLabels.set(labels, { ns, buckets });
    return buckets;
  }

  /** Drops a bucket from the map, marking it so that cached lists holding it are rebuilt. */
  private drop(bk: string, b: Bucket): void {
    b.dropped = true;
    this.buckets.delete(bk);
  }

  /** Records `pi` as running on `node`. */
  add(pi: PodInfo, node: NodeInfo): void {
    const md = pi.pod.metadata;
    const labels = md?.labels;
    if (labels == null) return;
    const buckets = this.bucketsOf(md?.namespace ?? '', labels);
    for (let i = 0; i < buckets.length; i++) this.addTo(buckets[i]!, pi, node);
  }

  remove(pi: PodInfo): void {
    const md = pi.pod.metadata;
    const labels = md?.labels;
    if (labels == null) return;
    const ns = md?.namespace ?? '';
    for (const k of Object.keys(labels)) {
      const bk = bucketKey(ns, k, labels[k]!);
      const b = this.buckets.get(bk);
      if (b === undefined) continue;
      const node = b.pods.get(pi);
      if (node === undefined) continue;
      b.pods.delete(pi);
      const ls = b.listeners;
      if (ls !== undefined) for (let i = 0; i < ls.length; i++) ls[i]!.removed(pi, node);
      // A bucket counters listen on stays (they would have to find it again).
      else if (b.pods.size === 0) this.drop(bk, b);
    }
  }

  /**
   * `remove(old); add(pi, node)` for a pod whose PodInfo is replaced on the node it was on
   * (the bind confirming an assumed pod, a status update): with the same labels and namespace
   * the counters move only if the new pod counts differently (a deletionTimestamp).
   */
  replace(old: PodInfo, pi: PodInfo, node: NodeInfo): void {
    const md = pi.pod.metadata;
    const labels = md?.labels;
    const omd = old.pod.metadata;
    if (labels == null || labels !== omd?.labels || (md?.namespace ?? '') !== (omd?.namespace ?? '')) {
      this.remove(old);
      this.add(pi, node);
      return;
    }
    // Same labels and namespace: only a deletionTimestamp can make the pods count apart.
    const recount = md?.deletionTimestamp !== omd?.deletionTimestamp;
    const buckets = this.bucketsOf(md?.namespace ?? '', labels);
    for (let j = 0; j < buckets.length; j++) {
      const b = buckets[j]!;
      const was = b.pods.get(old);
      if (was !== node) {
        this.removeFrom(b, old);
        this.addTo(b, pi, node);
        continue;
      }
      // Same insertion order as remove + add: the new entry goes last.
      b.pods.delete(old);
      b.pods.set(pi, node);
      const ls = b.listeners;
      if (ls === undefined || !recount) continue;
      for (let i = 0; i < ls.length; i++) {
        const c = ls[i]!;
        if (c.counts1(old) === c.counts1(pi)) continue;
        c.removed(old, node);
        c.added(pi, node);
      }
    }
  }

  private bucket(bk: string): Bucket {
    let b = this.buckets.get(bk);
    if (b === undefined) {
      b = new Bucket();
      this.buckets.set(bk, b);
    }
    return b;
  }

  private addTo(b: Bucket, pi: PodInfo, node: NodeInfo): void {
    const prev = b.pods.get(pi);
    if (prev === node) return;
    b.pods.set(pi, node);
    const ls = b.listeners;
    if (ls === undefined) return;
    for (let i = 0; i < ls.length; i++) {
      // Counters follow the buckets exactly: a pod re-added on another node moves.
      if (prev !== undefined) ls[i]!.removed(pi, prev);
      ls[i]!.added(pi, node);
    }
  }

  private removeFrom(b: Bucket, pi: PodInfo): void {
    const node = b.pods.get(pi);
    if (node === undefined) return;
    b.pods.delete(pi);
    const ls = b.listeners;
    if (ls !== undefined) for (let i = 0; i < ls.length; i++) ls[i]!.removed(pi, node);
  }

  /** Whether forEachCandidate can narrow `selector` (it has an `=`, `==` or `in` requirement). */
  canNarrow(selector: Selector): boolean {
    for (const r of selector.requirements()) if (r.operator === '=' || r.operator === '==' || r.operator === 'in') return true;
    return false;
  }

  /**
   * Calls `fn` for every assigned pod in `ns` that carries a value the selector requires for
   * its narrowest `=`/`in` requirement (a superset of the pods it matches, each pod once).
   * Returns false, calling nothing, when the selector has no such requirement.
   */
  forEachCandidate(ns: string, selector: Selector, fn: (pi: PodInfo, node: NodeInfo) => void): boolean {
    const reqs = selector.requirements();
    let best: Map<PodInfo, NodeInfo>[] | undefined;
    let bestSize = Infinity;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i]!;
      if (r.operator !== '=' && r.operator !== '==' && r.operator !== 'in') continue;
      const bs: Map<PodInfo, NodeInfo>[] = [];
      let size = 0;
      // Values may repeat ("kept as given"): a pod has one value per key, so distinct values
      // give disjoint buckets.
      const seen = r.values.length > 1 ? new Set<string>() : undefined;
      for (const v of r.values) {
        if (seen) {
          if (seen.has(v)) continue;
          seen.add(v);
        }
        const b = this.buckets.get(bucketKey(ns, r.key, v));
        if (b !== undefined && b.pods.size > 0) {
          bs.push(b.pods);
          size += b.pods.size;
        }
      }
      if (size < bestSize) {
        best = bs;
        bestSize = size;
      }
    }
    if (best === undefined) return false;
    for (const b of best) for (const [pi, node] of b) fn(pi, node);
    return true;
  }

  /**
   * Per node, the assigned pods in `ns` matching `selector` and not terminating (as
   * countPodsMatchSelector counts them), kept up to date from here on; undefined when the
   * selector cannot be narrowed. The map is live: read it before the next add or remove.
   */
  nodeCounts(ns: string, selector: Selector): NodeCounts | undefined {
    return this.counter(ns, selector)?.counts;
  }

  /** nodeCounts' counter itself (its counts by node and name, and per-label totals). */
  counter(ns: string, selector: Selector): SelectorCounter | undefined {
    const hit = this.counters.lookup(ns, selector);
    if (hit !== undefined) return hit;
    const req = this.narrowest(ns, selector);
    if (req === undefined) return undefined;
    if (this.counters.full()) {
      // Bounded: drop every counter (and its listening) and start over.
      this.counters.clear();
      for (const b of this.buckets.values()) b.listeners = undefined;
      for (const [bk, b] of [...this.buckets]) if (b.pods.size === 0) this.drop(bk, b);
    }
    const c = this.counters.register(ns, selector);
    for (const v of distinct(req.values)) {
      const b = this.bucket(bucketKey(ns, req.key, v));
      (b.listeners ??= []).push(c);
      for (const [pi, node] of b.pods) c.added(pi, node);
    }
    return c;
  }

  /** How many selector counters are kept (tests). */
  get counterCount(): number {
    return this.counters.size;
  }

  /** The `=`/`==`/`in` requirement whose buckets hold the fewest pods now (first on ties). */
  private narrowest(ns: string, selector: Selector): Requirement | undefined {
    let best: Requirement | undefined;
    let bestSize = Infinity;
    for (const r of selector.requirements()) {
      if (r.operator !== '=' && r.operator !== '==' && r.operator !== 'in') continue;
      let size = 0;
      for (const v of distinct(r.values)) size += this.buckets.get(bucketKey(ns, r.key, v))?.pods.size ?? 0;
      if (size < bestSize) {
        best = r;
        bestSize = size;
      }
    }
    return best;
  }
}

/** Whether every bucket of a cached list is still the map's. */
function live(buckets: readonly Bucket[]): boolean {
  for (let i = 0; i < buckets.length; i++) if (buckets[i]!.dropped) return false;
  return true;
}

/** The values once each, in order (a requirement keeps duplicates as given). */
function distinct(values: readonly string[]): string[] {
  return values.length > 1 ? [...new Set(values)] : [...values];
}

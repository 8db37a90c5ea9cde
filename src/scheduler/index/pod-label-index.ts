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
 */
import type { Selector } from '../../model/labels/selector.js';
import type { NodeInfo, PodInfo, SchedulerSnapshot } from '../framework.js';

/** What a snapshot offers when it keeps a label index (the scheduler cache does). */
export interface PodLabelIndexSource {
  readonly podLabelIndex: PodLabelIndex;
}

/** The snapshot's label index, if it keeps one (test snapshots from buildSnapshot do not). */
export function podLabelIndexOf(snapshot: SchedulerSnapshot): PodLabelIndex | undefined {
  return (snapshot as Partial<PodLabelIndexSource>).podLabelIndex;
}

type Bucket = Map<PodInfo, NodeInfo>;

function bucketKey(ns: string, key: string, value: string): string {
  return `${ns}\u0000${key}\u0000${value}`;
}

export class PodLabelIndex {
  private readonly buckets = new Map<string, Bucket>();

  /** Records `pi` as running on `node`. */
  add(pi: PodInfo, node: NodeInfo): void {
    const md = pi.pod.metadata;
    const labels = md?.labels;
    if (labels == null) return;
    const ns = md?.namespace ?? '';
    for (const k of Object.keys(labels)) {
      const bk = bucketKey(ns, k, labels[k]!);
      let b = this.buckets.get(bk);
      if (b === undefined) {
        b = new Map();
        this.buckets.set(bk, b);
      }
      b.set(pi, node);
    }
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
      b.delete(pi);
      if (b.size === 0) this.buckets.delete(bk);
    }
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
    let best: Bucket[] | undefined;
    let bestSize = Infinity;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i]!;
      if (r.operator !== '=' && r.operator !== '==' && r.operator !== 'in') continue;
      const bs: Bucket[] = [];
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
        if (b !== undefined) {
          bs.push(b);
          size += b.size;
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
}

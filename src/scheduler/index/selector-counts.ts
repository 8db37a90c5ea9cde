/**
 * Matching pods per node for (namespace, selector) pairs, kept up to date by the pod label
 * index (pod-label-index.ts) as pods are added to and removed from nodes. PodTopologySpread's
 * PreScore reads them instead of walking a ReplicaSet's pods every cycle: each sibling's bind
 * changes the counts the next sibling reads, so a per-cycle cache never hits, while the
 * update on a bind is one selector match.
 *
 * "Matching" is countPodsMatchSelector's test: same namespace, no deletionTimestamp, selected.
 * A PodInfo's pod object never changes while it is indexed (a change replaces the PodInfo,
 * PodLabelIndex.replace), so the test answers alike when the pod is added and removed.
 *
 * A counter listens on the label buckets of one `=`/`in` requirement of its selector (the
 * narrowest when created): every pod it can match carries one of those values, and a pod has
 * one value per key, so it is seen once. Counters live until there are MAX_COUNTERS of them,
 * then all are dropped and rebuilt on demand (user constraints make a selector per pod).
 *
 * A counter also keeps, per node label key asked for (`totalsBy`), the same counts summed by
 * the label's value over all nodes ('' for a node without it): the system default zone
 * constraint then reads three numbers instead of a node per matching pod. A node's labels
 * change only through the cache, which takes its pods out of the index first and puts them
 * back after (cache.ts setNode), so the totals follow relabelling too.
 */
import type { Selector } from '../../model/labels/selector.js';
import { nodeLabels, type NodeInfo, type PodInfo } from '../framework.js';

/** Per node, how many of its pods match; nodes with none are absent. Read-only to callers. */
export type NodeCounts = ReadonlyMap<NodeInfo, number>;

/** Matching pods by the value of one node label. */
interface LabelTotals {
  readonly key: string;
  readonly totals: Map<string, number>;
}

export class SelectorCounter {
  readonly counts = new Map<NodeInfo, number>();
  /**
   * The same counts by node name. Handed to PodTopologySpread's PreScore state as is: a cycle
   * reads its state before the scheduler assumes its pod (the first change to the cache).
   */
  readonly byName = new Map<string, number>();
  private readonly byLabel: LabelTotals[] = [];

  constructor(
    readonly ns: string,
    readonly selector: Selector,
  ) {}

  /** countPodsMatchSelector's test for one pod. */
  counts1(pi: PodInfo): boolean {
    const md = pi.pod.metadata;
    return md?.deletionTimestamp == null && (md?.namespace ?? '') === this.ns && this.selector.matches(md?.labels);
  }

  /**
   * The matching pods summed per value of node label `key` over every node; kept from the
   * first call on. Values with none are absent. Read-only to callers.
   */
  totalsBy(key: string): ReadonlyMap<string, number> {
    for (let i = 0; i < this.byLabel.length; i++) if (this.byLabel[i]!.key === key) return this.byLabel[i]!.totals;
    const lt: LabelTotals = { key, totals: new Map() };
    for (const [node, n] of this.counts) bump(lt.totals, nodeLabels(node)?.[key] ?? '', n);
    this.byLabel.push(lt);
    return lt.totals;
  }

  added(pi: PodInfo, node: NodeInfo): void {
    if (!this.counts1(pi)) return;
    this.counts.set(node, (this.counts.get(node) ?? 0) + 1);
    this.byName.set(node.name, (this.byName.get(node.name) ?? 0) + 1);
    this.moveTotals(node, 1);
  }

  removed(pi: PodInfo, node: NodeInfo): void {
    if (!this.counts1(pi)) return;
    // Zero entries are dropped so that readers walk only nodes holding matching pods.
    bump(this.counts, node, -1);
    bump(this.byName, node.name, -1);
    this.moveTotals(node, -1);
  }

  private moveTotals(node: NodeInfo, delta: number): void {
    const ls = this.byLabel;
    if (ls.length === 0) return;
    const labels = nodeLabels(node);
    for (let i = 0; i < ls.length; i++) bump(ls[i]!.totals, labels?.[ls[i]!.key] ?? '', delta);
  }
}

/** m[k] += delta, the entry dropped at zero. */
function bump<K>(m: Map<K, number>, k: K, delta: number): void {
  const v = (m.get(k) ?? 0) + delta;
  if (v === 0) m.delete(k);
  else m.set(k, v);
}

const MAX_COUNTERS = 16_384;

/** The counters, by (namespace, canonical selector); the label index wires their listening. */
export class SelectorCounters {
  private readonly byKey = new Map<string, SelectorCounter>();
  /** The same counters by selector object: constraints of one ReplicaSet share their selector. */
  private bySelector = new WeakMap<Selector, SelectorCounter>();

  get size(): number {
    return this.byKey.size;
  }

  lookup(ns: string, selector: Selector): SelectorCounter | undefined {
    const hit = this.bySelector.get(selector);
    if (hit !== undefined && hit.ns === ns) return hit;
    const c = this.byKey.get(counterKey(ns, selector));
    if (c !== undefined) this.bySelector.set(selector, c);
    return c;
  }

  /** Whether the next register must be preceded by clear(). */
  full(): boolean {
    return this.byKey.size >= MAX_COUNTERS;
  }

  clear(): void {
    this.byKey.clear();
    this.bySelector = new WeakMap();
  }

  /** A new, empty counter; the caller fills it and has it listen. */
  register(ns: string, selector: Selector): SelectorCounter {
    const c = new SelectorCounter(ns, selector);
    this.byKey.set(counterKey(ns, selector), c);
    this.bySelector.set(selector, c);
    return c;
  }
}

/** toString is canonical (requirements and values sorted), so equal selectors share a counter. */
function counterKey(ns: string, selector: Selector): string {
  return `${ns}\u0000${selector.toString()}`;
}

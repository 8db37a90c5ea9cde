/**
 * Small pure helpers of the scheduler cache: which pods carry (anti-)affinity terms, and
 * upstream nodeTree's listing order.
 */
import type { Pod } from '../model/types.js';

/** A pod with any pod affinity or anti-affinity terms (NodeInfo.PodsWithAffinity). */
export function isAffinityPod(pod: Pod): boolean {
  const a = pod.spec?.affinity;
  return a !== undefined && (a.podAffinity !== undefined || a.podAntiAffinity !== undefined);
}

/** A pod with required anti-affinity terms (NodeInfo.PodsWithRequiredAntiAffinity). */
export function isRequiredAntiAffinityPod(pod: Pod): boolean {
  return (pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0;
}

/**
 * nodeTree.list(): one node from each zone in turn (zones in order of first appearance,
 * nodes within a zone in the order they were added) until every zone is exhausted.
 * Example: zones a:[a1,a2,a3], b:[b1] → a1, b1, a2, a3.
 */
export function nodeInfoNodeOrder(zones: ReadonlyMap<string, readonly string[]>): string[] {
  const lists = [...zones.values()];
  const out: string[] = [];
  for (let i = 0, added = true; added; i++) {
    added = false;
    for (const list of lists) {
      if (i < list.length) {
        out.push(list[i]!);
        added = true;
      }
    }
  }
  return out;
}

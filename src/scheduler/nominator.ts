/**
 * The nominator: pending pods with status.nominatedNodeName, by node. A pod that preempted
 * others waits for its victims to go with the node nominated for it; until it is bound, other
 * pods of equal or lower priority must not take the room it made (upstream's
 * RunFilterPluginsWithNominatedPods counts the nominated pods on their node).
 *
 * Kept from committed pod changes; each node's pods in the order they were nominated.
 *
 * @see kubernetes/kubernetes pkg/scheduler/backend/queue/nominator.go
 */
import type { Pod } from '../model/types.js';

const NONE: readonly Pod[] = Object.freeze([]);

export class Nominator {
  /** node → pod key → pod (insertion order = nomination order). */
  private readonly byNode = new Map<string, Map<string, Pod>>();
  private readonly nodeOf = new Map<string, string>();

  /** Records the pod under `key` as it now is: nominated while pending, forgotten otherwise. */
  update(key: string, pod: Pod | undefined): void {
    const node = nominatedNode(pod);
    const was = this.nodeOf.get(key);
    if (was !== undefined && was !== node) {
      const m = this.byNode.get(was)!;
      m.delete(key);
      if (m.size === 0) this.byNode.delete(was);
      this.nodeOf.delete(key);
    }
    if (node === undefined) return;
    let m = this.byNode.get(node);
    if (m === undefined) {
      m = new Map();
      this.byNode.set(node, m);
    }
    // Replace in place (keeps the nomination order) or append.
    m.set(key, pod!);
    this.nodeOf.set(key, node);
  }

  /** NominatedPodsForNode. */
  podsForNode(nodeName: string): readonly Pod[] {
    const m = this.byNode.get(nodeName);
    return m === undefined ? NONE : [...m.values()];
  }

  /** Whether some pod other than `key` with priority >= `priority` is nominated anywhere. */
  anyAtOrAbove(priority: number, key: string): boolean {
    for (const m of this.byNode.values()) {
      for (const [k, p] of m) if (k !== key && (p.spec?.priority ?? 0) >= priority) return true;
    }
    return false;
  }
}

/** The node a pending pod is nominated to, if any. */
function nominatedNode(pod: Pod | undefined): string | undefined {
  if (pod === undefined || pod.metadata?.deletionTimestamp != null) return undefined;
  if (pod.spec?.nodeName) return undefined;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return undefined;
  const n = pod.status?.nominatedNodeName;
  return n ? n : undefined;
}

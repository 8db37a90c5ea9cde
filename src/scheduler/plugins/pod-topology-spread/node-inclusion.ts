/**
 * Which nodes count as spreading domains for a constraint (nodeAffinityPolicy /
 * nodeTaintsPolicy): the incoming pod's required node affinity (nodeSelector plus
 * requiredDuringScheduling terms) and its tolerations of NoSchedule/NoExecute taints.
 * Compiled once per pod spec (WeakMap on the frozen spec object) so the PreFilter node loop only matches.
 *
 * @see kubernetes/kubernetes staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go
 * @see kubernetes/kubernetes staging/src/k8s.io/component-helpers/scheduling/corev1/helpers.go (FindMatchingUntoleratedTaint)
 */
import { selectorFromSet } from '../../../model/labels/selector.js';
import type { Node, Pod, Toleration } from '../../../model/types.js';
import type { NodeSelector } from 'kubernetes-types/core/v1.js';
import { compileNodeSelector, selectorMatches } from '../node-affinity.js';
import { tolerationsTolerateTaint } from '../taint-toleration.js';

/** nodeaffinity.RequiredNodeAffinity: nodeSelector AND (any of the required terms). */
export interface RequiredNodeAffinity {
  match(node: Node): boolean;
}

const ALWAYS: RequiredNodeAffinity = { match: () => true };
/** By frozen spec object: what it compiles is read from the spec alone, and siblings share theirs. */
const cache = new WeakMap<object, RequiredNodeAffinity>();

/** GetRequiredNodeAffinity(pod), compiled once per spec object. */
export function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  const nodeSelector = pod.spec?.nodeSelector;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  // Most pods have neither: answered without the WeakMap (an entry per pod costs more).
  if (required == null && (nodeSelector == null || Object.keys(nodeSelector).length === 0)) return ALWAYS;
  const spec = pod.spec!;
  const hit = cache.get(spec);
  if (hit !== undefined) return hit;
  const sel = nodeSelector != null && Object.keys(nodeSelector).length > 0 ? selectorFromSet(nodeSelector) : null;
  // The same compiled terms the NodeAffinity plugin filters with (one implementation of
  // component-helpers' nodeaffinity, as upstream shares it).
  const terms = required != null ? compileNodeSelector(required as NodeSelector) : null;
  let out: RequiredNodeAffinity;
  if (sel === null && terms === null) out = ALWAYS;
  else {
    out = {
      match(node: Node): boolean {
        if (sel !== null && !sel.matches(node.metadata?.labels)) return false;
        return terms === null || selectorMatches(terms, node, node.metadata?.name ?? '');
      },
    };
  }
  // Only frozen (stored) pods are cached: anything else could still change.
  if (Object.isFrozen(pod) && Object.isFrozen(spec)) cache.set(spec, out);
  return out;
}

/** Whether `affinity` matches every node (the pod has no nodeSelector nor required terms). */
export function matchesEveryNode(affinity: RequiredNodeAffinity): boolean {
  return affinity === ALWAYS;
}

/** FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc (NoSchedule, NoExecute). */
export function hasUntoleratedDoNotScheduleTaint(node: Node, tolerations: readonly Toleration[] | undefined): boolean {
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return true;
  }
  return false;
}

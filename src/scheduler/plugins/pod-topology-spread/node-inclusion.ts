/**
 * Which nodes count as spreading domains for a constraint (nodeAffinityPolicy /
 * nodeTaintsPolicy): the incoming pod's required node affinity (nodeSelector plus
 * requiredDuringScheduling terms) and its tolerations of NoSchedule/NoExecute taints.
 * Compiled once per pod (WeakMap on the pod object) so the PreFilter node loop only matches.
 *
 * @see kubernetes/kubernetes staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go
 * @see kubernetes/kubernetes staging/src/k8s.io/component-helpers/scheduling/corev1/helpers.go (FindMatchingUntoleratedTaint)
 */
import type { Node, Pod, Taint, Toleration } from '../../../model/types.js';
import {
  newRequirement,
  selectorFromRequirements,
  selectorFromSet,
  type Operator,
  type Requirement,
  type Selector,
} from '../../../model/labels/selector.js';

interface CompiledTerm {
  /** null when the term is invalid or empty: it matches no node (upstream ignores parse errors). */
  readonly labels: Selector | null;
  /** metadata.name requirements (matchFields); empty when the term has none. */
  readonly fields: readonly Requirement[];
}

/** nodeaffinity.RequiredNodeAffinity: nodeSelector AND (any of the required terms). */
export interface RequiredNodeAffinity {
  match(node: Node): boolean;
}

const OPS: Readonly<Record<string, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Gt: 'gt',
  Lt: 'lt',
};

interface NodeSelectorRequirementLike {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

function compileReqs(exprs: readonly NodeSelectorRequirementLike[] | undefined, fields: boolean): Requirement[] | null {
  const out: Requirement[] = [];
  for (const e of exprs ?? []) {
    const op = OPS[e.operator];
    if (op === undefined) return null;
    // matchFields supports only metadata.name with In/NotIn and exactly one value.
    if (fields && (e.key !== 'metadata.name' || (op !== 'in' && op !== 'notin') || (e.values ?? []).length !== 1)) return null;
    try {
      out.push(newRequirement(e.key, op, e.values ?? []));
    } catch {
      return null;
    }
  }
  return out;
}

function compileTerm(term: { matchExpressions?: NodeSelectorRequirementLike[]; matchFields?: NodeSelectorRequirementLike[] }): CompiledTerm {
  const exprs = compileReqs(term.matchExpressions, false);
  const fields = compileReqs(term.matchFields, true);
  const empty = (term.matchExpressions ?? []).length === 0 && (term.matchFields ?? []).length === 0;
  if (exprs === null || fields === null || empty) return { labels: null, fields: [] };
  return { labels: selectorFromRequirements(exprs), fields };
}

function fieldsMatch(reqs: readonly Requirement[], node: Node): boolean {
  const name = node.metadata?.name ?? '';
  for (const r of reqs) {
    const hit = r.values.includes(name);
    if (r.operator === 'in' ? !hit : hit) return false;
  }
  return true;
}

const ALWAYS: RequiredNodeAffinity = { match: () => true };
const cache = new WeakMap<Pod, RequiredNodeAffinity>();

/** GetRequiredNodeAffinity(pod), compiled once per pod object. */
export function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  const hit = cache.get(pod);
  if (hit !== undefined) return hit;
  const nodeSelector = pod.spec?.nodeSelector;
  const sel = nodeSelector != null && Object.keys(nodeSelector).length > 0 ? selectorFromSet(nodeSelector) : null;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const terms = required != null ? (required.nodeSelectorTerms ?? []).map(compileTerm) : null;
  let out: RequiredNodeAffinity;
  if (sel === null && terms === null) out = ALWAYS;
  else {
    out = {
      match(node: Node): boolean {
        const labels = node.metadata?.labels;
        if (sel !== null && !sel.matches(labels)) return false;
        if (terms === null) return true;
        for (const t of terms) {
          if (t.labels !== null && t.labels.matches(labels) && fieldsMatch(t.fields, node)) return true;
        }
        return false;
      },
    };
  }
  // Only frozen (stored) pods are cached: anything else could still change.
  if (Object.isFrozen(pod)) cache.set(pod, out);
  return out;
}

/** v1.Toleration.ToleratesTaint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** FindMatchingUntoleratedTaint with DoNotScheduleTaintsFilterFunc (NoSchedule, NoExecute). */
export function hasUntoleratedDoNotScheduleTaint(node: Node, tolerations: readonly Toleration[] | undefined): boolean {
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    let tolerated = false;
    for (const t of tolerations ?? []) {
      if (toleratesTaint(t, taint)) {
        tolerated = true;
        break;
      }
    }
    if (!tolerated) return true;
  }
  return false;
}

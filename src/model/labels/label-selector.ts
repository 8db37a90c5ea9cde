/**
 * metav1.LabelSelector (the API object form: matchLabels + matchExpressions) to a compiled
 * Selector, as workload controllers, Services' endpoints, PDBs and scheduler plugins use it.
 *
 * null/undefined selects nothing and `{}` selects everything; this asymmetry is upstream's and
 * matters (a ReplicaSet with no selector adopts no pods).
 *
 * @see kubernetes/apimachinery pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector)
 */
import type { LabelSelector } from '../types.js';
import {
  everything,
  newRequirement,
  nothing,
  selectorFromRequirements,
  SelectorParseError,
  type Operator,
  type Requirement,
  type Selector,
} from './selector.js';

const OPERATORS: ReadonlyMap<string, Operator> = new Map<string, Operator>([
  ['In', 'in'],
  ['NotIn', 'notin'],
  ['Exists', 'exists'],
  ['DoesNotExist', '!'],
]);

/**
 * Compiled selectors of deep-frozen LabelSelectors (the store freezes what it stores), so hot loops
 * that call this per pod or per node compile each selector once. Unfrozen input is never cached
 * because its owner could still change it. Never iterated.
 */
const cache = new WeakMap<LabelSelector, Selector>();

function isDeepFrozen(ls: LabelSelector): boolean {
  if (!Object.isFrozen(ls)) return false;
  if (ls.matchLabels != null && !Object.isFrozen(ls.matchLabels)) return false;
  const exprs = ls.matchExpressions;
  if (exprs == null) return true;
  if (!Object.isFrozen(exprs)) return false;
  return exprs.every((e) => Object.isFrozen(e) && (e.values == null || Object.isFrozen(e.values)));
}

function compile(ls: LabelSelector): Selector {
  const reqs: Requirement[] = [];
  const matchLabels = ls.matchLabels;
  if (matchLabels != null) {
    // Upstream ranges over a Go map; sorting fixes which invalid entry is reported first.
    for (const key of Object.keys(matchLabels).sort()) reqs.push(newRequirement(key, '=', [matchLabels[key]!]));
  }
  for (const expr of ls.matchExpressions ?? []) {
    const op = OPERATORS.get(expr.operator);
    if (op === undefined) {
      throw new SelectorParseError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    }
    reqs.push(newRequirement(expr.key, op, expr.values ?? []));
  }
  return selectorFromRequirements(reqs);
}

/**
 * Converts a LabelSelector to a Selector (LabelSelectorAsSelector). Throws SelectorParseError
 * (BadRequest) for an unknown operator or an invalid key/value, with upstream's message, e.g.
 * `values: Invalid value: ["qux","norf"]: values set must be empty for exists and does not exist`.
 */
export function labelSelectorAsSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls == null) return nothing();
  const hit = cache.get(ls);
  if (hit !== undefined) return hit;
  const labelCount = ls.matchLabels == null ? 0 : Object.keys(ls.matchLabels).length;
  const selector = labelCount + (ls.matchExpressions?.length ?? 0) === 0 ? everything() : compile(ls);
  if (isDeepFrozen(ls)) cache.set(ls, selector);
  return selector;
}

/**
 * Whether `labels` satisfy `ls`; throws like labelSelectorAsSelector when `ls` is invalid.
 * Cheap for frozen (stored) selectors; for others prefer compiling once.
 */
export function matchesLabelSelector(
  ls: LabelSelector | null | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  return labelSelectorAsSelector(ls).matches(labels);
}

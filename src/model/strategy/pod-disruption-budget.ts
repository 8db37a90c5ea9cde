/**
 * PodDisruptionBudget admission (policy/v1): at most one of minAvailable and maxUnavailable,
 * each a non-negative integer or a percentage up to 100%, a valid selector, and a known
 * unhealthyPodEvictionPolicy. policy/v1 has no defaults, and since 1.15 the spec may be updated,
 * so an update is validated like a create.
 *
 * @see kubernetes/kubernetes pkg/apis/policy/validation/validation.go (ValidatePodDisruptionBudgetSpec)
 */
import { fieldError, type FieldError } from '../errors.js';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../intstr.js';
import type { KubeObject, PodDisruptionBudget } from '../types.js';
import { validateLabelSelector } from '../validation/labels.js';
import { isDNS1123Subdomain } from '../validation/names.js';
import { child, readObject, type JsonObject } from './object-meta.js';
import { readLabelSelector } from './replica-set.js';
import type { Strategy } from './types.js';

/** Sorted, as upstream's sets.List prints them. */
const UNHEALTHY_POD_EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'] as const;

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** ValidatePodDisruptionBudgetSpec. */
export function validatePodDisruptionBudgetSpec(rawSpec: unknown, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  const spec = readObject(rawSpec, path, errs) ?? {};
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) {
    errs.push(fieldError.invalid(path, spec, 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const name of ['minAvailable', 'maxUnavailable'] as const) {
    const v = spec[name];
    if (!isSet(v)) continue;
    errs.push(...validatePositiveIntOrPercent(v, child(path, name)));
    errs.push(...isNotMoreThan100Percent(v, child(path, name)));
  }
  const selPath = child(path, 'selector');
  const ls = readLabelSelector(spec.selector, selPath, errs);
  if (ls) errs.push(...validateLabelSelector(ls, selPath));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (isSet(policy) && !(UNHEALTHY_POD_EVICTION_POLICIES as readonly unknown[]).includes(policy)) {
    errs.push(fieldError.notSupported(child(path, 'unhealthyPodEvictionPolicy'), policy, UNHEALTHY_POD_EVICTION_POLICIES));
  }
  return errs;
}

export const podDisruptionBudgetStrategy: Strategy<PodDisruptionBudget & KubeObject> = {
  kind: 'PodDisruptionBudget',
  nameValidator: isDNS1123Subdomain,
  applyDefaults() {
    // policy/v1 defines no defaults (v1beta1's "empty selector selects nothing" is gone).
  },
  validateCreate(obj) {
    return validatePodDisruptionBudgetSpec((obj as unknown as JsonObject).spec);
  },
  validateUpdate(obj) {
    return validatePodDisruptionBudgetSpec((obj as unknown as JsonObject).spec);
  },
};

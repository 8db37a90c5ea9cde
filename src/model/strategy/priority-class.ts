/**
 * scheduling.k8s.io/v1 PriorityClass admission: preemptionPolicy defaults to
 * PreemptLowerPriority; user classes may not exceed 1e9 (higher values belong to the two
 * built-in system classes, and the `system-` prefix is reserved for them); value and
 * preemptionPolicy are immutable. The "only one globalDefault" rule needs the store and is the
 * API path's (upstream: the Priority admission plugin).
 *
 * @see kubernetes/kubernetes pkg/apis/scheduling/validation/validation.go
 * @see kubernetes/kubernetes pkg/apis/scheduling/v1/helpers.go (IsKnownSystemPriorityClass)
 */
import { fieldError, type FieldError } from '../errors.js';
import type { PriorityClass } from '../types.js';
import { isDNS1123Subdomain } from '../validation/names.js';
import { asObject, isObject, readBool, readInt, readString, semanticEqual, type JsonObject } from './object-meta.js';
import type { Strategy } from './types.js';

export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
export const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';

/** The classes the API server creates at startup; their values and flags are fixed. */
export const SYSTEM_PRIORITY_CLASSES: readonly { name: string; value: number; globalDefault: boolean }[] = [
  { name: 'system-node-critical', value: SYSTEM_CRITICAL_PRIORITY + 1000, globalDefault: false },
  { name: 'system-cluster-critical', value: SYSTEM_CRITICAL_PRIORITY, globalDefault: false },
];

function knownSystemClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = SYSTEM_PRIORITY_CLASSES.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (known.globalDefault !== globalDefault) return `globalDefault of ${name} PriorityClass must be ${known.globalDefault}`;
  return undefined;
}

function validatePriorityClass(pc: PriorityClass): FieldError[] {
  const errs: FieldError[] = [];
  const p = asObject(pc);
  const name = isObject(p.metadata) && typeof p.metadata.name === 'string' ? p.metadata.name : '';
  const value = readInt(p.value, 'value', errs) ?? 0;
  const globalDefault = readBool(p.globalDefault, 'globalDefault', errs) ?? false;
  readString(p.description, 'description', errs);
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const err = knownSystemClassError(name, value, globalDefault);
    if (err !== undefined) {
      errs.push(
        fieldError.forbidden(
          'metadata.name',
          `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${err}`,
        ),
      );
    }
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(
      fieldError.forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`),
    );
  }
  if (p.preemptionPolicy !== undefined && p.preemptionPolicy !== null) {
    const policy = readString(p.preemptionPolicy, 'preemptionPolicy', errs);
    if (policy === '') errs.push(fieldError.required('preemptionPolicy'));
    else if (policy !== undefined && policy !== 'PreemptLowerPriority' && policy !== 'Never') {
      errs.push(fieldError.notSupported('preemptionPolicy', policy, ['PreemptLowerPriority', 'Never']));
    }
  }
  return errs;
}

export const priorityClassStrategy: Strategy<PriorityClass> = {
  kind: 'PriorityClass',
  nameValidator: isDNS1123Subdomain,
  applyDefaults(pc: PriorityClass): void {
    const p = asObject(pc);
    if (p.preemptionPolicy === undefined || p.preemptionPolicy === null) p.preemptionPolicy = 'PreemptLowerPriority';
  },
  validateCreate: validatePriorityClass,
  validateUpdate(pc: PriorityClass, old: PriorityClass): FieldError[] {
    const errs = validatePriorityClass(pc);
    const p = asObject(pc);
    const o = asObject(old);
    if ((p.value ?? 0) !== (o.value ?? 0)) errs.push(fieldError.forbidden('value', 'may not be changed in an update.'));
    if (!semanticEqual(p.preemptionPolicy, o.preemptionPolicy)) {
      errs.push(fieldError.invalid('preemptionPolicy', p.preemptionPolicy, 'field is immutable'));
    }
    return errs;
  },
};

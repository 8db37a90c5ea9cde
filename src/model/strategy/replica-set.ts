/**
 * ReplicaSet admission (apps/v1): SetDefaults_ReplicaSet, ValidateReplicaSetSpec and the
 * apps/v1 rule that spec.selector is immutable. Also owns the pieces Deployments share with
 * ReplicaSets: reading a LabelSelector out of untrusted JSON and ValidatePodTemplateSpecForReplicaSet.
 *
 * @see kubernetes/kubernetes pkg/apis/apps/validation/validation.go (ValidateReplicaSetSpec,
 *      ValidatePodTemplateSpecForReplicaSet)
 * @see kubernetes/kubernetes pkg/apis/apps/v1/defaults.go (SetDefaults_ReplicaSet)
 * @see kubernetes/kubernetes pkg/registry/apps/replicaset/strategy.go (selector immutability)
 */
import { fieldError, type FieldError } from '../errors.js';
import type { KubeObject, LabelSelector, PodSpec, PodTemplateSpec, ReplicaSet } from '../types.js';
import { labelSelectorAsSelector } from '../labels/label-selector.js';
import type { Selector } from '../labels/selector.js';
import { isDNS1123Subdomain } from '../validation/names.js';
import { validateLabelSelector } from '../validation/labels.js';
import { defaultPodSpec, validatePodTemplateSpec } from './pod.js';
import {
  IS_NEGATIVE,
  at,
  child,
  isObject,
  readArray,
  readInt,
  readObject,
  readStringMap,
  validateImmutable,
  type JsonObject,
} from './object-meta.js';
import type { Strategy } from './types.js';

/** ValidateNonnegativeField for an optional integer field; wrong JSON types are reported. */
export function validateNonNegative(v: unknown, path: string, errs: FieldError[]): number | undefined {
  const n = readInt(v, path, errs);
  if (n !== undefined && n < 0) errs.push(fieldError.invalid(path, n, IS_NEGATIVE));
  return n;
}

/**
 * Checks that a LabelSelector has the JSON shape the typed validators expect (matchLabels a
 * string map, matchExpressions objects with string key/operator and string values) and returns
 * it, or undefined when absent or malformed (the malformation reported in `errs`).
 */
export function readLabelSelector(v: unknown, path: string, errs: FieldError[]): LabelSelector | undefined {
  const before = errs.length;
  const obj = readObject(v, path, errs);
  if (!obj) return undefined;
  readStringMap(obj.matchLabels, child(path, 'matchLabels'), errs);
  const exprsPath = child(path, 'matchExpressions');
  readArray(obj.matchExpressions, exprsPath, errs)?.forEach((e, i) => {
    const p = at(exprsPath, i);
    if (!isObject(e)) {
      errs.push(fieldError.invalid(p, e, 'must be an object'));
      return;
    }
    if (typeof e.key !== 'string') errs.push(fieldError.invalid(child(p, 'key'), e.key, 'must be a string'));
    if (typeof e.operator !== 'string') {
      errs.push(fieldError.invalid(child(p, 'operator'), e.operator, 'must be a string'));
    }
    readArray(e.values, child(p, 'values'), errs)?.forEach((val, j) => {
      // Unlike an absent field, a null list item is not a string either.
      if (typeof val !== 'string') errs.push(fieldError.invalid(at(child(p, 'values'), j), val, 'must be a string'));
    });
  });
  return errs.length === before ? (obj as LabelSelector) : undefined;
}

/** Labels of a pod template, read without reporting (the template's own validation does that). */
export function templateLabels(template: unknown): Record<string, string> | undefined {
  if (!isObject(template) || !isObject(template.metadata)) return undefined;
  return readStringMap(template.metadata.labels, '', []);
}

/**
 * ValidatePodTemplateSpecForReplicaSet (and its RC twin): the selector must match the
 * template's labels, the template must be a valid pod template, restartPolicy must be Always and
 * activeDeadlineSeconds is forbidden. `kindWord` names the kind in the last message, as upstream.
 */
export function validateTemplateForController(
  template: unknown,
  selector: Selector | undefined,
  path: string,
  kindWord: string,
): FieldError[] {
  const errs: FieldError[] = [];
  if (template !== undefined && template !== null && !isObject(template)) {
    return [fieldError.invalid(path, template, 'must be an object')];
  }
  const tpl = (template ?? undefined) as JsonObject | undefined;
  if (selector !== undefined && !selector.empty()) {
    const labels = templateLabels(tpl);
    if (!selector.matches(labels)) {
      errs.push(
        fieldError.invalid(child(child(path, 'metadata'), 'labels'), labels ?? null, '`selector` does not match template `labels`'),
      );
    }
  }
  errs.push(...validatePodTemplateSpec(tpl as PodTemplateSpec | undefined, path));
  const spec = isObject(tpl?.spec) ? tpl.spec : {};
  const specPath = child(path, 'spec');
  if (spec.restartPolicy !== 'Always') {
    errs.push(fieldError.notSupported(child(specPath, 'restartPolicy'), spec.restartPolicy ?? '', ['Always']));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(
      fieldError.forbidden(
        child(specPath, 'activeDeadlineSeconds'),
        `activeDeadlineSeconds in ${kindWord} is not Supported`,
      ),
    );
  }
  return errs;
}

/**
 * The selector half of ValidateReplicaSetSpec / ValidateDeploymentSpec: required, valid,
 * non-empty. Returns the compiled selector for the template check, or undefined when it could
 * not be compiled (then upstream skips the template entirely, reporting `invalid label selector`).
 */
export function validateWorkloadSelector(
  raw: unknown,
  path: string,
  kindWord: string,
  errs: FieldError[],
): { selector: Selector | undefined; skipTemplate: boolean } {
  if (raw === undefined || raw === null) {
    errs.push(fieldError.required(path));
    // LabelSelectorAsSelector(nil) is Nothing: it matches no template labels.
    return { selector: labelSelectorAsSelector(null), skipTemplate: false };
  }
  const ls = readLabelSelector(raw, path, errs);
  if (!ls) return { selector: undefined, skipTemplate: false };
  const selErrs = validateLabelSelector(ls, path);
  errs.push(...selErrs);
  const count = Object.keys(ls.matchLabels ?? {}).length + (ls.matchExpressions ?? []).length;
  if (count === 0) errs.push(fieldError.invalid(path, ls, `empty selector is invalid for ${kindWord}`));
  try {
    return { selector: labelSelectorAsSelector(ls), skipTemplate: false };
  } catch {
    errs.push(fieldError.invalid(path, ls, 'invalid label selector'));
    return { selector: undefined, skipTemplate: true };
  }
}

/** Defaults a controller's pod template: SetDefaults_PodSpec and friends on template.spec. */
export function defaultPodTemplate(template: unknown): void {
  if (isObject(template) && isObject(template.spec)) defaultPodSpec(template.spec as unknown as PodSpec);
}

/** ValidateReplicaSetSpec. */
export function validateReplicaSetSpec(rawSpec: unknown, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  const spec = readObject(rawSpec, path, errs) ?? {};
  validateNonNegative(spec.replicas, child(path, 'replicas'), errs);
  validateNonNegative(spec.minReadySeconds, child(path, 'minReadySeconds'), errs);
  // Upstream's ReplicaSet check reuses the Deployment wording.
  const { selector, skipTemplate } = validateWorkloadSelector(
    spec.selector,
    child(path, 'selector'),
    'deployment',
    errs,
  );
  if (!skipTemplate) {
    errs.push(...validateTemplateForController(spec.template, selector, child(path, 'template'), 'ReplicaSet'));
  }
  return errs;
}

export const replicaSetStrategy: Strategy<ReplicaSet & KubeObject> = {
  kind: 'ReplicaSet',
  nameValidator: isDNS1123Subdomain,
  applyDefaults(obj) {
    const o = obj as unknown as JsonObject;
    if (o.spec === undefined || o.spec === null) o.spec = {};
    if (!isObject(o.spec)) return;
    if (o.spec.replicas === undefined || o.spec.replicas === null) o.spec.replicas = 1;
    defaultPodTemplate(o.spec.template);
  },
  validateCreate(obj) {
    return validateReplicaSetSpec((obj as unknown as JsonObject).spec);
  },
  validateUpdate(obj, old) {
    // The stored spec itself (a status write keeps it): valid when stored, selector unchanged.
    if (obj.spec === old.spec && Object.isFrozen(old.spec)) return [];
    const errs = validateReplicaSetSpec((obj as unknown as JsonObject).spec);
    const newSel = isObject(obj.spec) ? (obj.spec as JsonObject).selector : undefined;
    const oldSel = isObject(old.spec) ? (old.spec as JsonObject).selector : undefined;
    errs.push(...validateImmutable(newSel, oldSel, 'spec.selector'));
    return errs;
  },
};

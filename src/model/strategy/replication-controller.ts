/**
 * ReplicationController admission (core/v1). Unlike a ReplicaSet, an RC's selector is a plain
 * label map, defaults to the template's labels (and so do the RC's own labels), and may change
 * on update.
 *
 * @see kubernetes/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_ReplicationController)
 * @see kubernetes/kubernetes pkg/apis/core/validation/validation.go
 *      (ValidateReplicationControllerSpec, ValidatePodTemplateSpecForRC, ValidateNonEmptySelector)
 */
import { fieldError, type FieldError } from '../errors.js';
import { selectorFromSet } from '../labels/selector.js';
import type { KubeObject, ReplicationController } from '../types.js';
import { isDNS1123Subdomain } from '../validation/names.js';
import { child, isObject, readObject, readStringMap, type JsonObject } from './object-meta.js';
import { defaultPodTemplate, validateNonNegative, validateTemplateForController } from './replica-set.js';
import type { Strategy } from './types.js';

/** SetDefaults_ReplicationController plus the pod template defaults. */
export function defaultReplicationController(obj: ReplicationController): void {
  const o = obj as unknown as JsonObject;
  if (o.spec === undefined || o.spec === null) o.spec = {};
  if (!isObject(o.spec)) return;
  const spec = o.spec;
  const labels = isObject(spec.template) && isObject(spec.template.metadata) ? spec.template.metadata.labels : undefined;
  // Upstream copies only when the template carries a labels map at all (nil stays nil).
  if (isObject(labels)) {
    const selectorEmpty =
      spec.selector === undefined || spec.selector === null || (isObject(spec.selector) && Object.keys(spec.selector).length === 0);
    if (selectorEmpty) spec.selector = { ...labels };
    if (o.metadata === undefined || o.metadata === null) o.metadata = {};
    if (isObject(o.metadata)) {
      const own = o.metadata.labels;
      if (own === undefined || own === null || (isObject(own) && Object.keys(own).length === 0)) {
        o.metadata.labels = { ...labels };
      }
    }
  }
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  defaultPodTemplate(spec.template);
}

/** ValidateReplicationControllerSpec. */
export function validateReplicationControllerSpec(rawSpec: unknown, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  const spec = readObject(rawSpec, path, errs) ?? {};
  validateNonNegative(spec.minReadySeconds, child(path, 'minReadySeconds'), errs);
  const selPath = child(path, 'selector');
  const before = errs.length;
  const selectorMap = readStringMap(spec.selector, selPath, errs);
  const selectorOk = errs.length === before;
  if (selectorOk && Object.keys(selectorMap ?? {}).length === 0) errs.push(fieldError.required(selPath));
  validateNonNegative(spec.replicas, child(path, 'replicas'), errs);
  const tplPath = child(path, 'template');
  if (spec.template === undefined || spec.template === null) {
    errs.push(fieldError.required(tplPath));
  } else {
    // An RC's selector is a set: an empty one would skip the match check (and is already Required).
    const selector = selectorOk ? selectorFromSet(selectorMap ?? {}) : undefined;
    errs.push(...validateTemplateForController(spec.template, selector, tplPath, 'ReplicationController'));
  }
  return errs;
}

export const replicationControllerStrategy: Strategy<ReplicationController & KubeObject> = {
  kind: 'ReplicationController',
  nameValidator: isDNS1123Subdomain,
  applyDefaults: defaultReplicationController,
  validateCreate(obj) {
    return validateReplicationControllerSpec((obj as unknown as JsonObject).spec);
  },
  validateUpdate(obj, old) {
    // The stored spec itself (a status write keeps it): it was valid when stored.
    if (obj.spec === old.spec && Object.isFrozen(old.spec)) return [];
    return validateReplicationControllerSpec((obj as unknown as JsonObject).spec);
  },
};

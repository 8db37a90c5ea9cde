/**
 * Deployment admission (apps/v1): SetDefaults_Deployment, ValidateDeploymentSpec with its
 * strategy rules, and the apps/v1 rule that spec.selector is immutable on update.
 *
 * Defaults: replicas 1; strategy RollingUpdate with maxSurge and maxUnavailable "25%" (only
 * when the type is RollingUpdate: a Recreate Deployment gets no rollingUpdate block);
 * revisionHistoryLimit 10; progressDeadlineSeconds 600; pod template defaults.
 *
 * @see kubernetes/kubernetes pkg/apis/apps/v1/defaults.go (SetDefaults_Deployment)
 * @see kubernetes/kubernetes pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec,
 *      ValidateDeploymentStrategy, ValidateRollingUpdateDeployment)
 * @see kubernetes/kubernetes pkg/registry/apps/deployment/strategy.go (selector immutability)
 */
import { fieldError, type FieldError } from '../errors.js';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from '../intstr.js';
import type { KubeObject, Deployment } from '../types.js';
import { isDNS1123Subdomain } from '../validation/names.js';
import { child, isObject, readBool, readObject, validateImmutable, type JsonObject } from './object-meta.js';
import {
  defaultPodTemplate,
  validateNonNegative,
  validateTemplateForController,
  validateWorkloadSelector,
} from './replica-set.js';
import type { Strategy } from './types.js';

const STRATEGY_TYPES = ['Recreate', 'RollingUpdate'] as const;

/** SetDefaults_Deployment plus the pod template defaults. */
export function defaultDeployment(obj: Deployment): void {
  const o = obj as unknown as JsonObject;
  if (o.spec === undefined || o.spec === null) o.spec = {};
  if (!isObject(o.spec)) return;
  const spec = o.spec;
  if (spec.replicas === undefined || spec.replicas === null) spec.replicas = 1;
  if (spec.strategy === undefined || spec.strategy === null) spec.strategy = {};
  if (isObject(spec.strategy)) {
    const strategy = spec.strategy;
    if (strategy.type === undefined || strategy.type === null || strategy.type === '') {
      strategy.type = 'RollingUpdate';
    }
    if (strategy.type === 'RollingUpdate') {
      if (strategy.rollingUpdate === undefined || strategy.rollingUpdate === null) strategy.rollingUpdate = {};
      if (isObject(strategy.rollingUpdate)) {
        const ru = strategy.rollingUpdate;
        if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
        if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
      }
    }
  }
  if (spec.revisionHistoryLimit === undefined || spec.revisionHistoryLimit === null) spec.revisionHistoryLimit = 10;
  if (spec.progressDeadlineSeconds === undefined || spec.progressDeadlineSeconds === null) {
    spec.progressDeadlineSeconds = 600;
  }
  defaultPodTemplate(spec.template);
}

/** ValidateRollingUpdateDeployment. Absent values count as 0, as the internal type's zero. */
function validateRollingUpdate(ru: JsonObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const unavailPath = child(path, 'maxUnavailable');
  const maxUnavailable = ru.maxUnavailable ?? 0;
  const maxSurge = ru.maxSurge ?? 0;
  errs.push(...validatePositiveIntOrPercent(maxUnavailable, unavailPath));
  errs.push(...validatePositiveIntOrPercent(maxSurge, child(path, 'maxSurge')));
  if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
    // Neither old pods may go down nor new ones come up: the rollout could never progress.
    errs.push(fieldError.invalid(unavailPath, maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...isNotMoreThan100Percent(maxUnavailable, unavailPath));
  return errs;
}

/** ValidateDeploymentStrategy. An unsupported type is reported on the strategy itself, as upstream. */
function validateDeploymentStrategy(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const strategy = readObject(raw, path, errs);
  if (!strategy) return errs.length > 0 ? errs : [fieldError.notSupported(path, {}, STRATEGY_TYPES)];
  const ruPath = child(path, 'rollingUpdate');
  const ru = strategy.rollingUpdate;
  switch (strategy.type) {
    case 'Recreate':
      if (ru !== undefined && ru !== null) {
        errs.push(fieldError.forbidden(ruPath, "may not be specified when strategy `type` is 'Recreate'"));
      }
      break;
    case 'RollingUpdate':
      if (ru === undefined || ru === null) {
        errs.push(fieldError.required(ruPath, 'this should be defaulted and never be nil'));
      } else {
        const obj = readObject(ru, ruPath, errs);
        if (obj) errs.push(...validateRollingUpdate(obj, ruPath));
      }
      break;
    default:
      errs.push(fieldError.notSupported(path, strategy, STRATEGY_TYPES));
  }
  return errs;
}

/** ValidateDeploymentSpec, for the v1 shape (no rollbackTo). */
export function validateDeploymentSpec(rawSpec: unknown, path = 'spec'): FieldError[] {
  const errs: FieldError[] = [];
  const spec = readObject(rawSpec, path, errs) ?? {};
  validateNonNegative(spec.replicas, child(path, 'replicas'), errs);
  const { selector, skipTemplate } = validateWorkloadSelector(
    spec.selector,
    child(path, 'selector'),
    'deployment',
    errs,
  );
  if (!skipTemplate) {
    errs.push(...validateTemplateForController(spec.template, selector, child(path, 'template'), 'ReplicaSet'));
  }
  errs.push(...validateDeploymentStrategy(spec.strategy, child(path, 'strategy')));
  const minReady = validateNonNegative(spec.minReadySeconds, child(path, 'minReadySeconds'), errs) ?? 0;
  validateNonNegative(spec.revisionHistoryLimit, child(path, 'revisionHistoryLimit'), errs);
  readBool(spec.paused, child(path, 'paused'), errs);
  if (spec.rollbackTo !== undefined && spec.rollbackTo !== null) {
    // apps/v1 dropped rollbackTo (extensions/v1beta1 had it); upstream's strict decoding rejects
    // it as an unknown field. `kubectl rollout undo` is the v1 way.
    errs.push(fieldError.forbidden(child(path, 'rollbackTo'), 'not supported in apps/v1; use `kubectl rollout undo`'));
  }
  const pdsPath = child(path, 'progressDeadlineSeconds');
  const pds = validateNonNegative(spec.progressDeadlineSeconds, pdsPath, errs);
  if (pds !== undefined && pds <= minReady) {
    errs.push(fieldError.invalid(pdsPath, pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export const deploymentStrategy: Strategy<Deployment & KubeObject> = {
  kind: 'Deployment',
  nameValidator: isDNS1123Subdomain,
  applyDefaults: defaultDeployment,
  validateCreate(obj) {
    return validateDeploymentSpec((obj as unknown as JsonObject).spec);
  },
  validateUpdate(obj, old) {
    // The stored spec itself (a status write keeps it): valid when stored, selector unchanged.
    if (obj.spec === old.spec && Object.isFrozen(old.spec)) return [];
    const errs = validateDeploymentSpec((obj as unknown as JsonObject).spec);
    const newSel = isObject(obj.spec) ? (obj.spec as JsonObject).selector : undefined;
    const oldSel = isObject(old.spec) ? (old.spec as JsonObject).selector : undefined;
    errs.push(...validateImmutable(newSel, oldSel, 'spec.selector'));
    return errs;
  },
};

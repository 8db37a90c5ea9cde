/**
 * core/v1 Event admission: the legacy rules upstream keeps for the v1 API (namespace agreement
 * with involvedObject; with eventTime set, the reporting fields and length limits), plus two
 * kubesim rules: involvedObject must be present, and a non-empty type must be Normal or
 * Warning (upstream checks type only for events.k8s.io/v1 writes).
 *
 * Event names are only path-segment names upstream (the generic registry check), so
 * `pod.17a1b2c3d4e5f6` style names and others without '/' or '%' are accepted.
 *
 * @see kubernetes/kubernetes pkg/apis/core/validation/events.go
 */
import { fieldError, type FieldError } from '../errors.js';
import type { Event } from '../types.js';
import { isDNS1123Subdomain, isQualifiedName } from '../validation/names.js';
import { asObject, isObject, readInt, readObject, readString, utf8Length, type JsonObject } from './object-meta.js';
import type { Strategy } from './types.js';

export const REPORTING_INSTANCE_LENGTH_LIMIT = 128;
export const ACTION_LENGTH_LIMIT = 128;
export const REASON_LENGTH_LIMIT = 128;
export const NOTE_LENGTH_LIMIT = 1024;

/** path.IsValidPathSegmentName: what any object name must be at minimum. */
export function isValidPathSegmentName(name: string): string[] {
  for (const bad of ['.', '..']) if (name === bad) return [`may not be '${bad}'`];
  return ['/', '%'].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`);
}

const mustBeAtMost = (n: number): string => `can have at most ${n} characters`;

/** legacyValidateEvent, with upstream's quirk of reporting length errors with an empty value. */
function validateEvent(event: Event): FieldError[] {
  const errs: FieldError[] = [];
  const e = asObject(event);
  const meta = isObject(e.metadata) ? e.metadata : {};
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
  const involved = readObject(e.involvedObject, 'involvedObject', errs);
  if (!involved && (e.involvedObject === undefined || e.involvedObject === null)) {
    errs.push(fieldError.required('involvedObject'));
  }
  const objNamespace = readString(involved?.namespace, 'involvedObject.namespace', errs) ?? '';
  const eventTime = readString(e.eventTime, 'eventTime', errs) ?? '';
  const reason = readString(e.reason, 'reason', errs) ?? '';
  const message = readString(e.message, 'message', errs) ?? '';
  const type = readString(e.type, 'type', errs) ?? '';
  readInt(e.count, 'count', errs);
  const mismatch = (): FieldError =>
    fieldError.invalid('involvedObject.namespace', objNamespace, 'does not match event.namespace');
  if (eventTime === '') {
    if (objNamespace === '') {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch());
    } else if (namespace !== objNamespace) errs.push(mismatch());
  } else {
    if (objNamespace === '' && namespace !== 'default' && namespace !== 'kube-system') errs.push(mismatch());
    const controller = readString(e.reportingComponent, 'reportingController', errs) ?? '';
    if (controller === '') errs.push(fieldError.required('reportingController'));
    for (const m of isQualifiedName(controller)) errs.push(fieldError.invalid('reportingController', controller, m));
    const instance = readString(e.reportingInstance, 'reportingInstance', errs) ?? '';
    if (instance === '') errs.push(fieldError.required('reportingInstance'));
    if (utf8Length(instance) > REPORTING_INSTANCE_LENGTH_LIMIT) {
      errs.push(fieldError.invalid('reportingInstance', '', mustBeAtMost(REPORTING_INSTANCE_LENGTH_LIMIT)));
    }
    const action = readString(e.action, 'action', errs) ?? '';
    if (action === '') errs.push(fieldError.required('action'));
    if (utf8Length(action) > ACTION_LENGTH_LIMIT) errs.push(fieldError.invalid('action', '', mustBeAtMost(ACTION_LENGTH_LIMIT)));
    if (reason === '') errs.push(fieldError.required('reason'));
    if (utf8Length(reason) > REASON_LENGTH_LIMIT) errs.push(fieldError.invalid('reason', '', mustBeAtMost(REASON_LENGTH_LIMIT)));
    if (utf8Length(message) > NOTE_LENGTH_LIMIT) errs.push(fieldError.invalid('message', '', mustBeAtMost(NOTE_LENGTH_LIMIT)));
  }
  for (const m of isDNS1123Subdomain(namespace)) errs.push(fieldError.invalid('namespace', namespace, m));
  if (type !== '' && type !== 'Normal' && type !== 'Warning') {
    errs.push(fieldError.invalid('type', '', `has invalid value: ${type}`));
  }
  return errs;
}

export const eventStrategy: Strategy<Event> = {
  kind: 'Event',
  nameValidator: isValidPathSegmentName,
  applyDefaults(): void {},
  validateCreate: validateEvent,
  validateUpdate: (event: Event): FieldError[] => validateEvent(event),
};

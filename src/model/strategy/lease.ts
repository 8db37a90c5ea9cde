/**
 * coordination.k8s.io/v1 Lease admission: duration positive, transitions non-negative, and a
 * preferredHolder only together with a strategy. Node heartbeats and leader election write
 * Leases through the same API path as users do.
 *
 * @see kubernetes/kubernetes pkg/apis/coordination/validation/validation.go
 */
import { fieldError, type FieldError } from '../errors.js';
import type { Lease } from '../types.js';
import { isDNS1123Subdomain, isQualifiedName } from '../validation/names.js';
import { asObject, readInt, readObject, readString, type JsonObject } from './object-meta.js';
import type { Strategy } from './types.js';

function validateLeaseSpec(lease: Lease): FieldError[] {
  const errs: FieldError[] = [];
  const spec = readObject(asObject(lease).spec, 'spec', errs);
  if (!spec) return errs;
  readString(spec.holderIdentity, 'spec.holderIdentity', errs);
  readString(spec.acquireTime, 'spec.acquireTime', errs);
  readString(spec.renewTime, 'spec.renewTime', errs);
  const duration = readInt(spec.leaseDurationSeconds, 'spec.leaseDurationSeconds', errs);
  if (duration !== undefined && duration <= 0) {
    errs.push(fieldError.invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  }
  const transitions = readInt(spec.leaseTransitions, 'spec.leaseTransitions', errs);
  if (transitions !== undefined && transitions < 0) {
    errs.push(fieldError.invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  }
  const strategy = readString(spec.strategy, 'spec.strategy', errs) ?? '';
  if (strategy !== '') {
    for (const m of isQualifiedName(strategy)) errs.push(fieldError.invalid('spec.strategy', strategy, m));
  }
  const preferred = readString(spec.preferredHolder, 'spec.preferredHolder', errs) ?? '';
  if (preferred !== '' && strategy === '') {
    errs.push(fieldError.forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  }
  return errs;
}

export const leaseStrategy: Strategy<Lease> = {
  kind: 'Lease',
  nameValidator: isDNS1123Subdomain,
  applyDefaults(): void {},
  validateCreate: validateLeaseSpec,
  validateUpdate: (lease: Lease): FieldError[] => validateLeaseSpec(lease),
};

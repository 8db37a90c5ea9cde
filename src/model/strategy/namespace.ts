/**
 * Namespace admission: names are DNS-1123 labels; creation gets the `kubernetes` finalizer,
 * phase Active and the immutable `kubernetes.io/metadata.name` label, as the registry's
 * PrepareForCreate and SetDefaults_Namespace do; spec.finalizers must be standard or qualified.
 *
 * @see kubernetes/kubernetes pkg/apis/core/validation/validation.go (ValidateNamespace)
 * @see kubernetes/kubernetes pkg/registry/core/namespace/strategy.go
 * @see kubernetes/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_Namespace)
 */
import { fieldError, type FieldError } from '../errors.js';
import type { Namespace } from '../types.js';
import { isDNS1123Label, isQualifiedName } from '../validation/names.js';
import { asObject, at, isObject, readArray, readObject, readString, type JsonObject } from './object-meta.js';
import type { Strategy } from './types.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function validateSpecFinalizers(ns: Namespace): FieldError[] {
  const errs: FieldError[] = [];
  const spec = readObject(asObject(ns).spec, 'spec', errs);
  if (!spec) return errs;
  const path = 'spec.finalizers';
  (readArray(spec.finalizers, path, errs) ?? []).forEach((f, i) => {
    const name = readString(f, at(path, i), errs);
    if (name === undefined) return;
    for (const m of isQualifiedName(name)) errs.push(fieldError.invalid(path, name, m));
    if (!name.includes('/') && name !== 'kubernetes') {
      errs.push(fieldError.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

export const namespaceStrategy: Strategy<Namespace> = {
  kind: 'Namespace',
  nameValidator: isDNS1123Label,
  applyDefaults(ns: Namespace): void {
    const n = asObject(ns);
    if (n.spec === undefined || n.spec === null) n.spec = {};
    if (isObject(n.spec) && (n.spec.finalizers === undefined || n.spec.finalizers === null)) {
      n.spec.finalizers = ['kubernetes'];
    }
    if (n.status === undefined || n.status === null) n.status = {};
    if (isObject(n.status) && (n.status.phase === undefined || n.status.phase === '')) n.status.phase = 'Active';
    // SetDefaults_Namespace: the name label is always set, overriding a user's value.
    if (isObject(n.metadata) && typeof n.metadata.name === 'string' && n.metadata.name !== '') {
      if (n.metadata.labels === undefined || n.metadata.labels === null) n.metadata.labels = {};
      if (isObject(n.metadata.labels)) n.metadata.labels[NAMESPACE_NAME_LABEL] = n.metadata.name;
    }
  },
  validateCreate: validateSpecFinalizers,
  validateUpdate: (ns: Namespace): FieldError[] => validateSpecFinalizers(ns),
};

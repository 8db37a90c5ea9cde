/**
 * Node admission: SetDefaults_NodeStatus (allocatable defaults to capacity) and ValidateNode /
 * ValidateNodeUpdate: taints, resource quantities, and podCIDRs/providerID that may only go
 * from unset to set. spec.podCIDR is left as given: IPAM assigns it, not defaulting.
 *
 * Upstream reports taint errors under `metadata.taints` (it builds the path from the metadata
 * path); kubesim keeps that quirk so messages match a real API server.
 *
 * @see kubernetes/kubernetes pkg/apis/core/validation/validation.go (ValidateNode, validateNodeTaints)
 * @see kubernetes/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_NodeStatus)
 */
import { fieldError, type FieldError } from '../errors.js';
import type { Node } from '../types.js';
import { validateLabelName } from '../validation/labels.js';
import { ValidMemo } from '../validation/memo.js';
import { isDNS1123Subdomain, isValidLabelValue } from '../validation/names.js';
import { asObject, at, child, isObject, readArray, readObject, readObjectArray, readString, type JsonObject } from './object-meta.js';
import { readQuantity, validateResourceQuantityValue, validateTaintEffect } from './pod.js';
import type { Strategy } from './types.js';

/** validateNodeTaints: key, value, effect, and at most one taint per (key, effect). */
export function validateNodeTaints(raw: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const { item: t, index } of readObjectArray(raw, path, errs)) {
    const idx = at(path, index);
    const key = readString(t.key, child(idx, 'key'), errs) ?? '';
    const value = readString(t.value, child(idx, 'value'), errs) ?? '';
    const effect = readString(t.effect, child(idx, 'effect'), errs) ?? '';
    readString(t.timeAdded, child(idx, 'timeAdded'), errs);
    errs.push(...validateLabelName(key, child(idx, 'key')));
    const msgs = isValidLabelValue(value);
    if (msgs.length > 0) errs.push(fieldError.invalid(child(idx, 'value'), value, msgs.join(';')));
    errs.push(...validateTaintEffect(effect, false, child(idx, 'effect')));
    const id = `${effect}\u0000${key}`;
    if (seen.has(id)) {
      errs.push({ type: 'Duplicate', field: idx, badValue: t, detail: 'taints must be unique by key and effect pair' });
      continue;
    }
    seen.add(id);
  }
  return errs;
}

/** ValidateNodeResources: capacity and allocatable parse and are valid for their resource. */
function validateNodeResources(status: JsonObject, errs: FieldError[]): void {
  validateResourceListField(status.capacity, 'status.capacity', errs);
  validateResourceListField(status.allocatable, 'status.allocatable', errs);
}

/**
 * Resource lists found valid. A Node's updates (its podCIDR from node-ipam, its conditions from
 * the kubelet) carry the stored, frozen capacity and allocatable: their verdict depends on the
 * quantities alone (a valid list reports nothing, so the path does not matter), and re-checking
 * them sorted and parsed on every Node write was most of the cost of validating one.
 */
const validResourceLists = new ValidMemo();

function validateResourceListField(raw: unknown, path: string, errs: FieldError[]): void {
  const list = readObject(raw, path, errs);
  if (!list) return;
  const listErrs = validResourceLists.check(list, true, () => {
    const out: FieldError[] = [];
    for (const name of Object.keys(list).sort()) {
      const p = child(path, name);
      const q = readQuantity(list[name], p, out);
      if (q) out.push(...validateResourceQuantityValue(name, q, p));
    }
    return out;
  });
  if (listErrs.length > 0) errs.push(...listErrs);
}

function parts(node: Node): { spec: JsonObject; status: JsonObject; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const n = asObject(node);
  const spec = readObject(n.spec, 'spec', errs) ?? {};
  const status = readObject(n.status, 'status', errs) ?? {};
  return { spec, status, errs };
}

function validateNodeCommon(spec: JsonObject, status: JsonObject, errs: FieldError[]): void {
  errs.push(...validateNodeTaints(spec.taints, 'metadata.taints'));
  validateNodeResources(status, errs);
  readString(spec.podCIDR, 'spec.podCIDR', errs);
  readString(spec.providerID, 'spec.providerID', errs);
  (readArray(spec.podCIDRs, 'spec.podCIDRs', errs) ?? []).forEach((c, i) => readString(c, at('spec.podCIDRs', i), errs));
  if (spec.unschedulable !== undefined && spec.unschedulable !== null && typeof spec.unschedulable !== 'boolean') {
    errs.push(fieldError.invalid('spec.unschedulable', spec.unschedulable, 'must be a boolean'));
  }
}

export const nodeStrategy: Strategy<Node> = {
  kind: 'Node',
  nameValidator: isDNS1123Subdomain,
  applyDefaults(node: Node): void {
    const status = asObject(node).status;
    if (!isObject(status)) return;
    if ((status.allocatable === undefined || status.allocatable === null) && isObject(status.capacity)) {
      status.allocatable = { ...status.capacity };
    }
  },
  validateCreate(node: Node): FieldError[] {
    const { spec, status, errs } = parts(node);
    validateNodeCommon(spec, status, errs);
    return errs;
  },
  validateUpdate(node: Node, old: Node): FieldError[] {
    if (asObject(node).spec === asObject(old).spec && Object.isFrozen(asObject(old).spec)) {
      // The stored spec itself (a status write keeps it): valid when stored, and unchanged, so
      // neither its checks nor the update rules below can fail. Only the status is new.
      const errs: FieldError[] = [];
      validateNodeResources(readObject(asObject(node).status, 'status', errs) ?? {}, errs);
      return errs;
    }
    const { spec, status, errs } = parts(node);
    validateNodeCommon(spec, status, errs);
    const o = asObject(old);
    const oldSpec = isObject(o.spec) ? o.spec : {};
    const oldCIDRs = Array.isArray(oldSpec.podCIDRs) ? oldSpec.podCIDRs : [];
    const newCIDRs = Array.isArray(spec.podCIDRs) ? spec.podCIDRs : [];
    if (oldCIDRs.length > 0) {
      const msg = 'node updates may not change podCIDR except from "" to valid';
      if (oldCIDRs.length !== newCIDRs.length) errs.push(fieldError.forbidden('spec.podCIDRs', msg));
      else oldCIDRs.forEach((c, i) => c !== newCIDRs[i] && errs.push(fieldError.forbidden('spec.podCIDRs', msg)));
    }
    if (typeof oldSpec.providerID === 'string' && oldSpec.providerID !== '' && oldSpec.providerID !== spec.providerID) {
      errs.push(fieldError.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
    }
    return errs;
  },
};

/**
 * The shape of kubesim's field schema: a compact, hand-written description of the Kubernetes
 * types kubesim serves — which fields exist (for strict decoding), their JSON types, and the
 * strategic-merge-patch tags of lists (patchStrategy / patchMergeKey from k8s.io/api types.go).
 *
 * Why hand-written: the generated OpenAPI packages (kubernetes-models and friends) bring ajv and
 * megabytes of validators, report errors in ajv's words rather than the API server's, and do not
 * expose the patch merge keys strategic merge patch needs. One table serves both jobs here.
 */

/** A scalar as Go decodes it. `quantity` and `intstr` accept a string or a number. */
export type Leaf = 'string' | 'int32' | 'int64' | 'float64' | 'bool' | 'quantity' | 'intstr' | 'time' | 'any';

export interface ObjectSchema {
  readonly type: 'object';
  /** The Go type name, used in decode errors (`DeploymentSpec`). */
  readonly go: string;
  readonly fields: Readonly<Record<string, Schema>>;
  /** Unknown fields are not reported (status blocks and sources kubesim does not model). */
  readonly open?: boolean;
  /** patchStrategy "retainKeys": fields absent from the patch are cleared. */
  readonly retainKeys?: boolean;
  /** patchStrategy "replace": a patch replaces the whole object instead of merging into it. */
  readonly replace?: boolean;
}

export interface ListSchema {
  readonly type: 'list';
  readonly items: Schema;
  /**
   * patchStrategy: 'merge' with a mergeKey merges object items by that key; 'merge' without
   * one merges a list of scalars as a set; absent means the patch replaces the list.
   */
  readonly strategy?: 'merge';
  readonly mergeKey?: string;
}

export interface MapSchema {
  readonly type: 'map';
  readonly values: Schema;
}

export type Schema = Leaf | ObjectSchema | ListSchema | MapSchema;

export function obj(go: string, fields: Record<string, Schema>, extra: { open?: boolean; retainKeys?: boolean; replace?: boolean } = {}): ObjectSchema {
  return { type: 'object', go, fields, ...extra };
}

/** An atomic list: a patch replaces it whole. */
export function list(items: Schema): ListSchema {
  return { type: 'list', items };
}

/** A list merged by `mergeKey` (objects) or as a set (scalars, no key). */
export function mergeList(items: Schema, mergeKey?: string): ListSchema {
  return mergeKey === undefined ? { type: 'list', items, strategy: 'merge' } : { type: 'list', items, strategy: 'merge', mergeKey };
}

export function map(values: Schema): MapSchema {
  return { type: 'map', values };
}

export const STRING_MAP = map('string');
export const QUANTITY_MAP = map('quantity');

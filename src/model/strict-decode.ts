/**
 * Strict decoding, as the API server does it for kubectl's default `--validate=strict`: a
 * manifest whose fields do not exist in the kind's schema, or whose values have the wrong JSON
 * type, is rejected before anything is written —
 * `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"`.
 *
 * Paths are written as sigs.k8s.io/json reports them (`spec.template.spec.containers[0].imagex`).
 * Type errors come first and stop decoding (encoding/json fails on the first one); unknown
 * fields are all collected, in document order.
 *
 * @see kubernetes/apimachinery pkg/runtime/serializer/json/json.go (strict errors),
 *      kubernetes-sigs/json internal/golang/encoding/json/decode.go (UnmarshalTypeError)
 */
import { BadRequestError } from './errors.js';
import { isKnownKind, kindInfo } from './kinds.js';
import { decodeManifests, withSource, type DecodedObject } from './manifest.js';
import { KIND_SCHEMAS } from './schema/kinds.js';
import type { Schema } from './schema/types.js';

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The schema of a kind, or undefined for kinds kubesim does not serve. */
export function schemaForKind(kind: string): Schema | undefined {
  return Object.hasOwn(KIND_SCHEMAS, kind) ? KIND_SCHEMAS[kind] : undefined;
}

/** The schema at a child of `schema` (a field, a list item, a map value). */
export function childSchema(schema: Schema | undefined, key: string | number): Schema | undefined {
  if (schema === undefined || typeof schema === 'string') return undefined;
  if (schema.type === 'list') return typeof key === 'number' ? schema.items : undefined;
  if (schema.type === 'map') return schema.values;
  return Object.hasOwn(schema.fields, String(key)) ? schema.fields[String(key)] : undefined;
}

function walkUnknown(v: unknown, schema: Schema, path: string, out: string[]): void {
  if (typeof schema === 'string') return;
  if (schema.type === 'list') {
    if (Array.isArray(v)) v.forEach((item, i) => walkUnknown(item, schema.items, `${path}[${i}]`, out));
    return;
  }
  if (!isPlainObject(v)) return;
  if (schema.type === 'map') {
    for (const key of Object.keys(v)) walkUnknown(v[key], schema.values, join(path, key), out);
    return;
  }
  for (const key of Object.keys(v)) {
    const field = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
    if (field === undefined) {
      if (!schema.open) out.push(join(path, key));
      continue;
    }
    walkUnknown(v[key], field, join(path, key), out);
  }
}

/**
 * Paths of the fields in `obj` its kind does not have, e.g. `['spec.replicaz']`. Kinds kubesim
 * does not know have no schema and give `[]` (the kind itself is rejected elsewhere).
 */
export function findUnknownFields(obj: unknown): string[] {
  if (!isPlainObject(obj) || typeof obj.kind !== 'string') return [];
  const schema = schemaForKind(obj.kind);
  if (schema === undefined) return [];
  const out: string[] = [];
  walkUnknown(obj, schema, '', out);
  return out;
}

/** encoding/json's name for a JSON value's type in an UnmarshalTypeError. */
function jsonTypeName(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'number' : `number ${v}`;
  if (Array.isArray(v)) return 'array';
  return 'object';
}

function goTypeName(schema: Schema): string {
  if (typeof schema === 'string') {
    switch (schema) {
      case 'time':
        return 'v1.Time';
      case 'quantity':
        return 'resource.Quantity';
      case 'intstr':
        return 'intstr.IntOrString';
      default:
        return schema;
    }
  }
  if (schema.type === 'list') return `[]${goTypeName(schema.items)}`;
  if (schema.type === 'map') return `map[string]${goTypeName(schema.values)}`;
  return `v1.${schema.go}`;
}

function leafAccepts(leaf: Schema & string, v: unknown): boolean {
  switch (leaf) {
    case 'any':
      return true;
    case 'string':
    case 'time':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
    case 'int32':
      return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
    case 'int64':
      return typeof v === 'number' && Number.isInteger(v);
    case 'float64':
      return typeof v === 'number';
    case 'quantity':
    case 'intstr':
      return typeof v === 'string' || (typeof v === 'number' && (leaf === 'quantity' || Number.isInteger(v)));
  }
  return false;
}

interface TypeError_ {
  readonly path: string;
  readonly parent: string;
  readonly value: unknown;
  readonly schema: Schema;
}

function walkTypes(v: unknown, schema: Schema, path: string, parent: string): TypeError_ | undefined {
  if (v === null) return undefined; // null decodes to the zero value
  if (typeof schema === 'string') return leafAccepts(schema, v) ? undefined : { path, parent, value: v, schema };
  if (schema.type === 'list') {
    if (!Array.isArray(v)) return { path, parent, value: v, schema };
    for (let i = 0; i < v.length; i++) {
      const e = walkTypes(v[i], schema.items, path, parent);
      if (e) return e;
    }
    return undefined;
  }
  if (!isPlainObject(v)) return { path, parent, value: v, schema };
  if (schema.type === 'map') {
    for (const key of Object.keys(v)) {
      const e = walkTypes(v[key], schema.values, join(path, key), parent);
      if (e) return e;
    }
    return undefined;
  }
  for (const key of Object.keys(v)) {
    const field = Object.hasOwn(schema.fields, key) ? schema.fields[key] : undefined;
    if (field === undefined) continue;
    const e = walkTypes(v[key], field, join(path, key), schema.go);
    if (e) return e;
  }
  return undefined;
}

/**
 * The first value of the wrong JSON type, as encoding/json reports it:
 * `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`.
 * Go reports the path without list indices.
 */
export function findTypeError(obj: unknown): string | undefined {
  if (!isPlainObject(obj) || typeof obj.kind !== 'string') return undefined;
  const schema = Object.hasOwn(KIND_SCHEMAS, obj.kind) ? KIND_SCHEMAS[obj.kind] : undefined;
  if (schema === undefined) return undefined;
  const e = walkTypes(obj, schema, '', schema.go);
  if (!e) return undefined;
  return `json: cannot unmarshal ${jsonTypeName(e.value)} into Go struct field ${e.parent}.${e.path} of type ${goTypeName(e.schema)}`;
}

/**
 * Whether `v` has neither a value of the wrong JSON type nor an unknown field: walkTypes and
 * walkUnknown at once, for the common, valid manifest, without building a path or an array. A
 * manifest it rejects is walked again by those two, which say what and where.
 */
function decodesCleanly(v: unknown, schema: Schema): boolean {
  if (v === null) return true; // null decodes to the zero value, and has no fields
  if (typeof schema === 'string') return leafAccepts(schema, v);
  if (schema.type === 'list') {
    if (!Array.isArray(v)) return false;
    for (let i = 0; i < v.length; i++) if (!decodesCleanly(v[i], schema.items)) return false;
    return true;
  }
  if (!isPlainObject(v)) return false;
  if (schema.type === 'map') {
    for (const key in v) if (Object.hasOwn(v, key) && !decodesCleanly(v[key], schema.values)) return false;
    return true;
  }
  const fields = schema.fields;
  for (const key in v) {
    if (!Object.hasOwn(v, key)) continue;
    if (!Object.hasOwn(fields, key)) {
      if (schema.open) continue;
      return false;
    }
    if (!decodesCleanly(v[key], fields[key]!)) return false;
  }
  return true;
}

/**
 * The API server's strict-decoding rejection of `obj`, or undefined when it decodes cleanly.
 * Objects of unknown kinds or versions pass through (the write path rejects those).
 */
export function strictDecodeError(obj: unknown): BadRequestError | undefined {
  if (!isPlainObject(obj) || typeof obj.kind !== 'string' || !isKnownKind(obj.kind)) return undefined;
  const info = kindInfo(obj.kind);
  if (obj.apiVersion !== undefined && obj.apiVersion !== info.apiVersion) return undefined;
  const schema = schemaForKind(obj.kind);
  if (schema === undefined || decodesCleanly(obj, schema)) return undefined;
  const prefix = `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: `;
  const typeError = findTypeError(obj);
  if (typeError !== undefined) return new BadRequestError(prefix + typeError);
  const unknown = findUnknownFields(obj);
  if (unknown.length === 0) return undefined;
  return new BadRequestError(`${prefix}strict decoding error: ${unknown.map((p) => `unknown field "${p}"`).join(', ')}`);
}

/** Throws the strict-decoding error of each decoded object, naming its document when several. */
export function checkStrict(decoded: readonly DecodedObject[]): readonly DecodedObject[] {
  for (const d of decoded) {
    const err = strictDecodeError(d.object);
    if (!err) continue;
    if (decoded.length === 1) throw err;
    withSource(d.source, () => {
      throw err;
    });
  }
  return decoded;
}

/** decodeManifests plus strict field validation: what apply/create/replace should decode with. */
export function decodeManifestsStrict(input: string | object | readonly object[]): DecodedObject[] {
  return checkStrict(decodeManifests(input)) as DecodedObject[];
}

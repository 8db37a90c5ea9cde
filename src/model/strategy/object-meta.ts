/**
 * Generic metadata validation every kind shares (apimachinery's ValidateObjectMeta and
 * ValidateObjectMetaUpdate, plus core's "standard finalizer name" rule), and the small
 * type-guard helpers the strategies use to read untrusted JSON without throwing.
 *
 * Input comes from users' YAML, so any field may hold the wrong JSON type. Upstream would fail
 * decoding; we report a FieldError naming the path (`must be a string`, `must be an array`)
 * instead, and never let a TypeError escape.
 *
 * @see kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go
 * @see kubernetes/kubernetes pkg/apis/core/validation/validation.go (ValidateObjectMeta)
 */
import { fieldError, type FieldError } from '../errors.js';
import { ValidMemo } from '../validation/memo.js';
import type { ObjectMeta } from '../types.js';
import { isDNS1123Label, isQualifiedName } from '../validation/names.js';
import { validateLabels } from '../validation/labels.js';

export const FIELD_IMMUTABLE = 'field is immutable';
export const IS_NEGATIVE = 'must be greater than or equal to 0';
/** apimachinery TotalAnnotationSizeLimitB: 256 KiB of keys plus values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

// ---------------------------------------------------------------------------------------------
// Paths and type guards
// ---------------------------------------------------------------------------------------------

/** field.Path.Child: `spec` + `containers` -> `spec.containers`. */
export function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** field.Path.Index / Key: `containers[0]`, `labels[app]`. */
export function at(path: string, indexOrKey: number | string): string {
  return `${path}[${indexOrKey}]`;
}

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value itself when it is an object, else {}: strategies are handed untrusted JSON. */
export function asObject(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

function typeError(path: string, v: unknown, what: string): FieldError {
  return fieldError.invalid(path, v, `must be ${what}`);
}

/** An object field: absent (undefined/null) gives undefined silently, a wrong type an error. */
export function readObject(v: unknown, path: string, errs: FieldError[]): JsonObject | undefined {
  if (v === undefined || v === null) return undefined;
  if (isObject(v)) return v;
  errs.push(typeError(path, v, 'an object'));
  return undefined;
}

export function readArray(v: unknown, path: string, errs: FieldError[]): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v;
  errs.push(typeError(path, v, 'an array'));
  return undefined;
}

export function readString(v: unknown, path: string, errs: FieldError[]): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  errs.push(typeError(path, v, 'a string'));
  return undefined;
}

/** Go int32/int64 fields: a JSON number without a fraction. */
export function readInt(v: unknown, path: string, errs: FieldError[]): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  errs.push(typeError(path, v, 'an integer'));
  return undefined;
}

export function readBool(v: unknown, path: string, errs: FieldError[]): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  errs.push(typeError(path, v, 'a boolean'));
  return undefined;
}

/** map[string]string (labels, annotations, nodeSelector); bad values are reported per key. */
export function readStringMap(
  v: unknown,
  path: string,
  errs: FieldError[],
): Record<string, string> | undefined {
  const obj = readObject(v, path, errs);
  if (!obj) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(obj).sort()) {
    const val = obj[k];
    if (typeof val === 'string') out[k] = val;
    else errs.push(typeError(at(path, k), val, 'a string'));
  }
  return out;
}

/** Objects of an array field; non-object items are reported and skipped. */
export function readObjectArray(
  v: unknown,
  path: string,
  errs: FieldError[],
): { item: JsonObject; index: number }[] {
  const arr = readArray(v, path, errs);
  if (!arr) return [];
  const out: { item: JsonObject; index: number }[] = [];
  arr.forEach((item, index) => {
    if (isObject(item)) out.push({ item, index });
    else errs.push(typeError(at(path, index), item, 'an object'));
  });
  return out;
}

/** Go's len(string): UTF-8 bytes, not UTF-16 code units. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Semantic equality (apimachinery's equality.Semantic.DeepEqual, for JSON)
// ---------------------------------------------------------------------------------------------

/** Go decodes an omitted field to its zero value, so omitted and zero must compare equal. */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).every((k) => isZero(v[k]));
  return false;
}

/**
 * Deep equality where an omitted field equals its zero value (nil and empty slices and maps
 * are equal, as in Semantic.DeepEqual). `quantityEqual`, when given, compares scalar leaves
 * under resource maps by value ('1' equals '1000m').
 */
export function semanticEqual(
  a: unknown,
  b: unknown,
  quantityEqual?: (a: unknown, b: unknown, key: string) => boolean,
  key = '',
): boolean {
  if (a === b) return true;
  if (isZero(a) && isZero(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i], quantityEqual, key));
  }
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      if (!semanticEqual(a[k], b[k], quantityEqual, k)) return false;
    }
    return true;
  }
  if (quantityEqual && (typeof a === 'string' || typeof a === 'number')) {
    return quantityEqual(a, b, key);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// ObjectMeta
// ---------------------------------------------------------------------------------------------

export interface ObjectMetaOptions {
  readonly namespaced: boolean;
  readonly nameValidator: (name: string) => string[];
}

/**
 * generateName is validated as a prefix: a trailing dash is allowed because random characters
 * follow it. Upstream masks the last two characters with 'a' before running the name check.
 */
export function maskTrailingDash(name: string): string {
  if (name.length > 1 && name.endsWith('-')) return `${name.slice(0, -2)}a`;
  return name;
}

/** Annotation keys (case-insensitive qualified names) and their total size. */
export function validateAnnotations(annotations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const map = readStringMap(annotations, path, errs);
  if (!map) return errs;
  let total = 0;
  for (const k of Object.keys(map)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(fieldError.invalid(path, k, msg));
    total += utf8Length(k) + utf8Length(map[k]!);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
    errs.push(fieldError.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
  }
  return errs;
}

/** Labels after a type check; the syntax rules live in validation/labels.ts. */
export function validateLabelMap(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const map = readStringMap(labels, path, errs);
  if (map) errs.push(...validateLabels(map, path));
  return errs;
}

/** schema.ParseGroupVersion: '' and 'v1' are the core group; more than one '/' is an error. */
function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0]! };
  if (parts.length === 2) return { group: parts[0]!, version: parts[1]! };
  return { group: '', version: '' };
}

/** Only core/v1 Events may not own other objects (apimachinery BannedOwners). */
function validateOwnerReference(ref: JsonObject, path: string, errs: FieldError[]): void {
  const apiVersion = readString(ref.apiVersion, child(path, 'apiVersion'), errs) ?? '';
  const kind = readString(ref.kind, child(path, 'kind'), errs) ?? '';
  const name = readString(ref.name, child(path, 'name'), errs) ?? '';
  const uid = readString(ref.uid, child(path, 'uid'), errs) ?? '';
  readBool(ref.controller, child(path, 'controller'), errs);
  readBool(ref.blockOwnerDeletion, child(path, 'blockOwnerDeletion'), errs);
  const gv = parseGroupVersion(apiVersion);
  if (gv.version === '') {
    errs.push(fieldError.invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
  }
  if (kind === '') errs.push(fieldError.invalid(child(path, 'kind'), kind, 'must not be empty'));
  if (name === '') errs.push(fieldError.invalid(child(path, 'name'), name, 'must not be empty'));
  if (uid === '') errs.push(fieldError.invalid(child(path, 'uid'), uid, 'must not be empty'));
  if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
    errs.push(fieldError.invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'));
  }
}

export function validateOwnerReferences(refs: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const { item } of readObjectArray(refs, path, errs)) {
    // Upstream reports every reference's problems at the list path, not per index.
    validateOwnerReference(item, path, errs);
    if (item.controller === true) {
      const current = `${String(item.kind ?? '')}/${String(item.name ?? '')}`;
      if (firstController !== '') {
        errs.push(
          fieldError.invalid(
            path,
            refs,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

/** Finalizers that need no domain prefix (core helper.IsStandardFinalizerName). */
const STANDARD_FINALIZERS: readonly string[] = ['kubernetes', 'orphan', 'foregroundDeletion'];

export function validateFinalizers(finalizers: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const arr = readArray(finalizers, path, errs);
  if (!arr) return errs;
  const names: string[] = [];
  arr.forEach((f, i) => {
    const s = readString(f, at(path, i), errs);
    if (s !== undefined) names.push(s);
  });
  for (const f of names) {
    for (const msg of isQualifiedName(f)) errs.push(fieldError.invalid(path, f, msg));
  }
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    errs.push(fieldError.invalid(path, names, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  names.forEach((f, i) => {
    if (!f.includes('/') && !STANDARD_FINALIZERS.includes(f)) {
      errs.push(
        fieldError.invalid(at(path, i), f, 'name is neither a standard finalizer name nor is it fully qualified'),
      );
    }
  });
  return errs;
}

/**
 * ValidateObjectMeta for a create. Expects name generation to have happened, so a missing
 * name is an error even when generateName is set. A cluster-scoped object's namespace is not
 * checked: the API path clears it before validation, as upstream's registry does.
 */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  opts: ObjectMetaOptions,
  path = 'metadata',
): FieldError[] {
  const errs: FieldError[] = [];
  const m = readObject(meta as unknown, path, errs) ?? {};
  const generateName = readString(m.generateName, child(path, 'generateName'), errs) ?? '';
  const name = readString(m.name, child(path, 'name'), errs) ?? '';
  const namespace = readString(m.namespace, child(path, 'namespace'), errs) ?? '';
  if (generateName !== '') {
    for (const msg of opts.nameValidator(maskTrailingDash(generateName))) {
      errs.push(fieldError.invalid(child(path, 'generateName'), generateName, msg));
    }
  }
  if (name === '') {
    errs.push(fieldError.required(child(path, 'name'), 'name or generateName is required'));
  } else {
    for (const msg of opts.nameValidator(name)) errs.push(fieldError.invalid(child(path, 'name'), name, msg));
  }
  if (opts.namespaced) {
    if (namespace === '') errs.push(fieldError.required(child(path, 'namespace')));
    else {
      for (const msg of isDNS1123Label(namespace)) {
        errs.push(fieldError.invalid(child(path, 'namespace'), namespace, msg));
      }
    }
  }
  const generation = readInt(m.generation, child(path, 'generation'), errs);
  if (generation !== undefined && generation < 0) {
    errs.push(fieldError.invalid(child(path, 'generation'), generation, IS_NEGATIVE));
  }
  errs.push(...validateMetaCollections(m, path));
  return errs;
}

/**
 * Labels, annotations, owner references and finalizers: checked on create and update. An
 * update that keeps the stored (frozen) maps and lists, as every status write does, does not
 * check them again.
 */
function validateMetaCollections(m: JsonObject, path: string): FieldError[] {
  // An absent (undefined or null) collection has nothing to check, as each validator reads it:
  // skipped here, most objects' missing annotations and finalizers cost no closure, path or list.
  const errs: FieldError[] = [];
  const { labels, annotations, ownerReferences, finalizers } = m;
  if (labels != null) errs.push(...validCollections.check(labels, 'labels', () => validateLabelMap(labels, child(path, 'labels'))));
  if (annotations != null) {
    errs.push(...validCollections.check(annotations, 'annotations', () => validateAnnotations(annotations, child(path, 'annotations'))));
  }
  if (ownerReferences != null) {
    errs.push(
      ...validCollections.check(ownerReferences, 'ownerReferences', () => validateOwnerReferences(ownerReferences, child(path, 'ownerReferences'))),
    );
  }
  if (finalizers != null) errs.push(...validCollections.check(finalizers, 'finalizers', () => validateFinalizers(finalizers, child(path, 'finalizers'))));
  return errs;
}

/**
 * ValidateObjectMetaUpdate for metadata whose every field holds the stored version's very value
 * (a status write's): nothing immutable changed, and the stored labels, annotations and owner
 * references passed when they were stored. Only the finalizers remain: a delete adds `orphan`
 * or `foregroundDeletion` to the stored list without this check, so the pair can be stored.
 */
export function validateUnchangedObjectMeta(meta: ObjectMeta, path = 'metadata'): FieldError[] {
  const finalizers = meta.finalizers as unknown;
  if (finalizers === undefined) return [];
  return validCollections.check(finalizers, 'finalizers', () => validateFinalizers(finalizers, child(path, 'finalizers')));
}

/** Keyed by the field the value was valid as: the same frozen map could sit in two fields. */
const validCollections = new ValidMemo<string>();

/** ValidateImmutableField: `Invalid value: <new>: field is immutable`. */
export function validateImmutable(newVal: unknown, oldVal: unknown, path: string): FieldError[] {
  return semanticEqual(newVal, oldVal) ? [] : [fieldError.invalid(path, newVal, FIELD_IMMUTABLE)];
}

/**
 * ValidateObjectMetaUpdate. The resourceVersion-required rule is the API path's job (it owns
 * optimistic concurrency), so it is not repeated here.
 */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  const m = readObject(meta as unknown, path, errs) ?? {};
  const o = isObject(old) ? (old as JsonObject) : {};
  if (o.deletionTimestamp !== undefined && o.deletionTimestamp !== null) {
    const oldFin = Array.isArray(o.finalizers) ? o.finalizers : [];
    const newFin = Array.isArray(m.finalizers) ? m.finalizers : [];
    const extra = [...new Set(newFin.filter((f) => !oldFin.includes(f)).map(String))].sort();
    if (extra.length > 0) {
      errs.push(
        fieldError.forbidden(
          child(path, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(extra)}`,
        ),
      );
    }
  }
  const gen = typeof m.generation === 'number' ? m.generation : 0;
  const oldGen = typeof o.generation === 'number' ? o.generation : 0;
  if (gen < oldGen) errs.push(fieldError.invalid(child(path, 'generation'), gen, 'must not be decremented'));
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds']) {
    errs.push(...validateImmutable(m[f], o[f], child(path, f)));
  }
  errs.push(...validateMetaCollections(m, path));
  return errs;
}

/**
 * Applying a strategic merge patch (kubectl patch's default type, and what kubectl apply sends
 * for built-in kinds): a JSON merge patch that knows, from the kind's schema, which lists merge
 * by a key (containers by name, ports by containerPort, env by name, ...) instead of being
 * replaced, plus the directives `$patch: replace | delete` (maps and list items),
 * `$retainKeys`, `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`.
 *
 * The merge follows apimachinery's mergeMap with the options the API server uses
 * (MergeParallelList and IgnoreUnmatchedNulls): null deletes a field; a field missing in the
 * original takes the patch value without its directives; values of different JSON types are
 * replaced; merged lists keep the patch's order, with server-only items placed by the live
 * order. Inputs are never modified.
 *
 * @see kubernetes/apimachinery pkg/util/strategicpatch/patch.go (StrategicMergeMapPatch, mergeMap,
 *      mergeSlice, normalizeElementOrder, mergePatchIntoOriginal, applyRetainKeysDirective)
 */
import { BadRequestError } from './errors.js';
import { copyJson, jsonEqual, type JsonValue } from './json.js';
import { childSchema, schemaForKind } from './strict-decode.js';
import type { ListSchema, Schema } from './schema/types.js';

type JsonObject = { [key: string]: JsonValue };

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** A malformed strategic merge patch (the API server answers 400 Bad Request). */
export class StrategicMergePatchError extends BadRequestError {}

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function show(v: unknown): string {
  return JSON.stringify(v);
}

/** Lookups of the patch metadata of a field: merge strategy and key, and the child schema. */
function listMeta(schema: Schema | undefined, key: string): { strategy?: 'merge'; mergeKey?: string; items?: Schema } {
  const s = childSchema(schema, key);
  if (s === undefined || typeof s === 'string' || s.type !== 'list') return {};
  const l: ListSchema = s;
  return { strategy: l.strategy, mergeKey: l.mergeKey, items: l.items };
}

function fieldReplaces(schema: Schema | undefined, key: string): boolean {
  const s = childSchema(schema, key);
  return s !== undefined && typeof s !== 'string' && s.type === 'object' && s.replace === true;
}

/** Drops directive-bearing maps (and their fields/items); returns undefined when `v` itself goes. */
function removeDirectives(v: JsonValue): JsonValue | undefined {
  if (Array.isArray(v)) {
    const out: JsonValue[] = [];
    for (const item of v) {
      const r = removeDirectives(item);
      if (r !== undefined) out.push(r);
    }
    return out;
  }
  if (!isObject(v)) return v;
  if (Object.hasOwn(v, DIRECTIVE)) return undefined;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) {
    const r = removeDirectives(v[k]!);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

function discardNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(discardNulls);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v)) if (v[k] !== null) out[k] = discardNulls(v[k]!);
  return out;
}

function jsonKind(v: JsonValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** The shared element kind of the lists ('object' or a scalar type); lists of lists are rejected. */
function elementKind(...lists: readonly JsonValue[][]): string | undefined {
  let kind: string | undefined;
  for (const l of lists) {
    for (const v of l) {
      const k = jsonKind(v);
      if (k === 'array') throw new StrategicMergePatchError('lists of lists are not supported');
      if (kind === undefined) kind = k;
      else if (kind !== k) throw new StrategicMergePatchError(`list element types are not identical: ${show(lists)}`);
    }
  }
  return kind;
}

function mergeKeyOf(item: JsonValue, mergeKey: string): JsonValue {
  if (!isObject(item)) throw new StrategicMergePatchError(`expected a map, but received a ${jsonKind(item)}`);
  if (!Object.hasOwn(item, mergeKey)) throw new StrategicMergePatchError(`map: ${show(item)} does not contain declared merge key: ${mergeKey}`);
  return item[mergeKey]!;
}

/** Where `item` sits in `list`, comparing merge-key values (maps) or the items (scalars). */
function indexIn(list: readonly JsonValue[], item: JsonValue, mergeKey: string | undefined): number {
  const key = (v: JsonValue): JsonValue | undefined => (mergeKey === undefined ? v : isObject(v) ? v[mergeKey] : undefined);
  const want = key(item);
  for (let i = 0; i < list.length; i++) if (jsonEqual(key(list[i]!), want)) return i;
  return -1;
}

/** Stable sort of `items` by their position in `order` (items not in it keep their place at the end). */
function sortByOrder(items: JsonValue[], order: readonly JsonValue[], mergeKey: string | undefined): JsonValue[] {
  let rest: JsonValue[] = [];
  let toSort = items;
  if (mergeKey !== undefined) {
    toSort = items.filter((v) => !(isObject(v) && v[DIRECTIVE] === 'delete'));
    rest = items.filter((v) => isObject(v) && v[DIRECTIVE] === 'delete');
  }
  const keyed = toSort.map((v, i) => ({ v, i, at: indexIn(order, v, mergeKey) }));
  keyed.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : a.i - b.i));
  return [...keyed.map((k) => k.v), ...rest];
}

/**
 * Interleaves server-only items into the patch-ordered items: each server-only item goes
 * before the first patch item it precedes in the live order (normalizeElementOrder).
 */
function normalizeOrder(
  patchItems: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string | undefined,
): JsonValue[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey);
  const out: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]!);
    else if (j >= right.length) out.push(left[i++]!);
    else {
      const li = indexIn(serverOrder, left[i]!, mergeKey);
      const ri = indexIn(serverOrder, right[j]!, mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]!);
      else out.push(right[j++]!);
    }
  }
  return out;
}

function partition(merged: readonly JsonValue[], by: readonly JsonValue[], mergeKey: string | undefined): [JsonValue[], JsonValue[]] {
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const v of merged) {
    if (mergeKey !== undefined) mergeKeyOf(v, mergeKey);
    (indexIn(by, v, mergeKey) >= 0 ? inPatch : serverOnly).push(v);
  }
  return [inPatch, serverOnly];
}

function dedupe(list: readonly JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (const v of list) if (!out.some((o) => jsonEqual(o, v))) out.push(v);
  return out;
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], items: Schema | undefined, mergeKey: string | undefined, isDeleteList: boolean): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let merged: JsonValue[];
  let orig = original;
  let pat = patch;
  if (kind !== 'object') {
    if (isDeleteList) return original.filter((v) => !patch.some((d) => jsonEqual(d, v)));
    merged = dedupe([...original, ...patch]);
    mergeKey = undefined;
  } else {
    if (mergeKey === undefined) throw new StrategicMergePatchError('cannot merge lists without merge key');
    [orig, pat] = applyListDirectives(original, patch, mergeKey);
    merged = [...orig];
    for (const p of pat) {
      const at = indexIn(merged, p, mergeKey);
      mergeKeyOf(p, mergeKey);
      if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, p as JsonObject, items);
      else merged.push(p);
    }
  }
  const [inPatch, serverOnly] = partition(merged, pat, mergeKey);
  return normalizeOrder(inPatch, serverOnly, pat, orig, mergeKey);
}

/** `{$patch: delete, key: v}` removes the matching items; `{$patch: replace}` replaces the list. */
function applyListDirectives(original: JsonValue[], patch: JsonValue[], mergeKey: string): [JsonValue[], JsonValue[]] {
  let orig = original;
  const plain: JsonValue[] = [];
  let replace = false;
  for (const v of patch) {
    const item = v as JsonObject;
    if (!Object.hasOwn(item, DIRECTIVE)) {
      plain.push(v);
      continue;
    }
    const d = item[DIRECTIVE];
    if (d === 'delete') {
      if (!Object.hasOwn(item, mergeKey)) throw new StrategicMergePatchError(`map: ${show(item)} does not contain declared merge key: ${mergeKey}`);
      orig = orig.filter((o) => !(isObject(o) && jsonEqual(o[mergeKey], item[mergeKey])));
    } else if (d === 'replace') {
      replace = true;
    } else if (d === 'merge') {
      throw new StrategicMergePatchError('merging lists cannot yet be specified in the patch');
    } else {
      throw new StrategicMergePatchError(`unknown patch type: ${String(d)} in map: ${show(item)}`);
    }
  }
  return replace ? [plain, []] : [orig, plain];
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const keep = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(keep)) throw new StrategicMergePatchError('invalid patch format of retainKeys');
  for (const k of Object.keys(patch)) {
    if (patch[k] === null || k.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`) || k.startsWith(`${SET_ELEMENT_ORDER}/`)) continue;
    if (!keep.includes(k)) throw new StrategicMergePatchError('invalid patch format of retainKeys');
  }
  for (const k of Object.keys(original)) if (!keep.includes(k)) delete original[k];
}

function suffixAfter(key: string, prefix: string, error: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw new StrategicMergePatchError(error);
  return key.slice(slash + 1);
}

/** `$setElementOrder/<field>`: merges that list now and orders it by the directive. */
function applySetElementOrder(original: JsonObject, patch: JsonObject, schema: Schema | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(`${SET_ELEMENT_ORDER}/`)) continue;
    const order = patch[key];
    delete patch[key];
    const field = suffixAfter(key, SET_ELEMENT_ORDER, 'invalid patch format of setElementOrder list');
    if (!Array.isArray(order)) throw new StrategicMergePatchError('invalid patch format of setElementOrder list');
    const meta = listMeta(schema, field);
    const hasOrig = Object.hasOwn(original, field);
    const hasPatch = Object.hasOwn(patch, field);
    const origList = hasOrig ? original[field] : undefined;
    const patchList = hasPatch ? patch[field] : undefined;
    if ((hasOrig && !Array.isArray(origList)) || (hasPatch && !Array.isArray(patchList))) {
      throw new StrategicMergePatchError('invalid patch format of setElementOrder list');
    }
    let merged: JsonValue[];
    if (hasOrig && !hasPatch) merged = origList as JsonValue[];
    else if (!hasOrig && hasPatch) merged = removeDirectives(patchList!) as JsonValue[];
    else if (hasOrig && hasPatch) merged = mergeListField(origList as JsonValue[], patchList as JsonValue[], meta, false);
    else continue;
    const kind = elementKind(merged);
    const mergeKey = kind === 'object' ? meta.mergeKey : undefined;
    const [inOrder, serverOnly] = partition(merged, order, mergeKey);
    original[field] = normalizeOrder(inOrder, serverOnly, order, (origList as JsonValue[] | undefined) ?? [], mergeKey);
    delete patch[field];
  }
}

function mergeListField(original: JsonValue[], patch: JsonValue[], meta: ReturnType<typeof listMeta>, isDeleteList: boolean): JsonValue[] {
  if (meta.strategy === 'merge' || isDeleteList) return mergeSlice(original, patch, meta.items, meta.mergeKey, isDeleteList);
  return patch;
}

function mergeMap(originalIn: JsonObject | null | undefined, patchIn: JsonObject, schema: Schema | undefined): JsonObject {
  const patch: JsonObject = { ...patchIn };
  if (Object.hasOwn(patch, DIRECTIVE)) {
    const d = patch[DIRECTIVE];
    if (d === 'replace') {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (d === 'delete') return {};
    throw new StrategicMergePatchError(`unknown patch type: ${String(d)} in map: ${show(patchIn)}`);
  }
  const original: JsonObject = { ...(originalIn ?? {}) };
  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, schema);
  for (const rawKey of Object.keys(patch)) {
    let key = rawKey;
    const patchV = patch[rawKey]!;
    const isDeleteList = rawKey.startsWith(`${DELETE_FROM_PRIMITIVE_LIST}/`);
    if (isDeleteList) key = suffixAfter(rawKey, DELETE_FROM_PRIMITIVE_LIST, 'invalid patch format of primitive list');
    if (patchV === null) {
      delete original[key];
      continue;
    }
    if (!Object.hasOwn(original, key) || jsonKind(original[key]!) !== jsonKind(patchV)) {
      if (isDeleteList) continue;
      const v = removeDirectives(discardNulls(patchV));
      if (v === undefined) delete original[key];
      else original[key] = v;
      continue;
    }
    const origV = original[key]!;
    if (isObject(origV)) {
      original[key] = fieldReplaces(schema, key) ? (patchV as JsonObject) : mergeMap(origV, patchV as JsonObject, childSchema(schema, key));
    } else if (Array.isArray(origV)) {
      original[key] = mergeListField(origV, patchV as JsonValue[], listMeta(schema, key), isDeleteList);
    } else {
      original[key] = patchV;
    }
  }
  return original;
}

/**
 * Applies a strategic merge patch to `original` under `schema` (a kind's schema from
 * src/model/schema, or one of your own). Returns a new object.
 */
export function strategicMergePatchWithSchema(original: unknown, patch: unknown, schema: Schema | undefined): JsonObject {
  if (!isObject(patch)) throw new StrategicMergePatchError('invalid JSON document: a strategic merge patch must be a JSON object');
  if (original !== undefined && original !== null && !isObject(original)) throw new StrategicMergePatchError('invalid JSON document');
  return copyJson(mergeMap(isObject(original) ? original : {}, patch, schema));
}

/**
 * Applies a strategic merge patch to a stored object of a kind kubesim serves, using that
 * kind's merge keys (containers by name, ports by containerPort, env by name, ...).
 */
export function strategicMergePatch(original: unknown, patch: unknown): JsonObject {
  const kind = isObject(original) && typeof original.kind === 'string' ? original.kind : undefined;
  return strategicMergePatchWithSchema(original, patch, kind === undefined ? undefined : schemaForKind(kind));
}

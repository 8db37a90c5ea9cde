/**
 * JSON Patch (RFC 6902) over JSON Pointers (RFC 6901): `kubectl patch --type json`. Operations
 * apply in order to a copy; the first failing one rejects the whole patch with a typed error
 * naming the operation and the path, and the input is never modified.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6902, https://www.rfc-editor.org/rfc/rfc6901
 */
import { KubesimError } from './errors.js';
import { copyJson, jsonEqual, type JsonValue } from './json.js';

export type JsonPatchOp =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: JsonValue }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move' | 'copy'; readonly from: string; readonly path: string };

/** Why a patch was rejected. */
export type JsonPatchFailure =
  | 'InvalidPatch' // not a list of well-formed operations
  | 'InvalidPointer' // a path that is not a JSON Pointer
  | 'PathNotFound' // a location (or its parent) that does not exist
  | 'InvalidIndex' // an array index out of range or malformed
  | 'TestFailed'; // a `test` whose value differs

/** A rejected JSON patch (the API server answers 422 with the message). */
export class JsonPatchError extends KubesimError {
  constructor(
    readonly failure: JsonPatchFailure,
    message: string,
    /** Index of the failing operation in the patch, when one is to blame. */
    readonly operation?: number,
  ) {
    super('Invalid', message);
  }
}

type Container = JsonValue[] | { [key: string]: JsonValue };

/** Splits a JSON Pointer into reference tokens (`~1` is `/`, `~0` is `~`, in that order). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError('InvalidPointer', `JSON pointer must be empty or start with a "/": ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      if (/~[^01]|~$/.test(t)) throw new JsonPatchError('InvalidPointer', `invalid escape in JSON pointer ${JSON.stringify(pointer)}`);
      return t.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function isContainer(v: JsonValue | undefined): v is Container {
  return v !== null && typeof v === 'object';
}

/** An array index token: `0` or digits without a leading zero; `-` only where allowed. */
function arrayIndex(token: string, length: number, path: string, allowEnd: boolean): number {
  if (token === '-' && allowEnd) return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new JsonPatchError('InvalidIndex', `invalid array index ${JSON.stringify(token)} in ${JSON.stringify(path)}`);
  const i = Number(token);
  const max = allowEnd ? length : length - 1;
  if (i > max) throw new JsonPatchError('InvalidIndex', `array index ${i} out of bounds (length ${length}) in ${JSON.stringify(path)}`);
  return i;
}

function get(doc: JsonValue, tokens: readonly string[], path: string): JsonValue {
  let cur: JsonValue = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= cur.length) throw new JsonPatchError('PathNotFound', `doc is missing path: ${JSON.stringify(path)}`);
      cur = cur[Number(t)]!;
    } else if (isContainer(cur) && Object.hasOwn(cur, t)) {
      cur = cur[t]!;
    } else {
      throw new JsonPatchError('PathNotFound', `doc is missing path: ${JSON.stringify(path)}`);
    }
  }
  return cur;
}

/** The container holding the last token of `path`, and that token. */
function parentOf(doc: JsonValue, path: string): { parent: Container; key: string } {
  const tokens = parsePointer(path);
  const key = tokens.pop()!;
  const parent = get(doc, tokens, path);
  if (!isContainer(parent)) throw new JsonPatchError('PathNotFound', `doc is missing path: ${JSON.stringify(path)}`);
  return { parent, key };
}

function add(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  if (path === '') return value;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(key, parent.length, path, true), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: JsonValue, path: string): { doc: JsonValue; removed: JsonValue } {
  if (path === '') throw new JsonPatchError('PathNotFound', 'cannot remove the document root');
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const i = arrayIndex(key, parent.length, path, false);
    return { doc, removed: parent.splice(i, 1)[0]! };
  }
  if (!Object.hasOwn(parent, key)) throw new JsonPatchError('PathNotFound', `doc is missing path: ${JSON.stringify(path)}`);
  const removed = parent[key]!;
  delete parent[key];
  return { doc, removed };
}

function field(op: Record<string, unknown>, name: string, i: number): string {
  const v = op[name];
  if (typeof v !== 'string') throw new JsonPatchError('InvalidPatch', `operation ${i}: "${name}" must be a string`, i);
  return v;
}

function applyOne(doc: JsonValue, raw: unknown, i: number): JsonValue {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new JsonPatchError('InvalidPatch', `operation ${i}: must be an object`, i);
  const op = raw as Record<string, unknown>;
  const path = field(op, 'path', i);
  const needValue = (): JsonValue => {
    if (!Object.hasOwn(op, 'value')) throw new JsonPatchError('InvalidPatch', `operation ${i} (${String(op.op)}): missing "value"`, i);
    return copyJson(op.value as JsonValue);
  };
  switch (op.op) {
    case 'add':
      return add(doc, path, needValue());
    case 'remove':
      return remove(doc, path).doc;
    case 'replace': {
      const value = needValue();
      if (path === '') return value;
      get(doc, parsePointer(path), path); // the target must exist
      return add(remove(doc, path).doc, path, value);
    }
    case 'move': {
      const from = field(op, 'from', i);
      if (from === path) return doc;
      if (path.startsWith(`${from}/`)) throw new JsonPatchError('InvalidPatch', `operation ${i}: cannot move ${JSON.stringify(from)} into its own child ${JSON.stringify(path)}`, i);
      const r = remove(doc, from);
      return add(r.doc, path, r.removed);
    }
    case 'copy': {
      const from = field(op, 'from', i);
      return add(doc, path, copyJson(get(doc, parsePointer(from), from)));
    }
    case 'test': {
      const value = needValue();
      const actual = get(doc, parsePointer(path), path);
      if (!jsonEqual(actual, value)) throw new JsonPatchError('TestFailed', `testing value ${JSON.stringify(path)} failed: test failed`, i);
      return doc;
    }
    default:
      throw new JsonPatchError('InvalidPatch', `operation ${i}: unexpected op ${JSON.stringify(op.op)}`, i);
  }
}

/** Applies a JSON patch (an array of operations) to a copy of `doc` and returns it. */
export function applyJsonPatch(doc: JsonValue, patch: unknown): JsonValue {
  if (!Array.isArray(patch)) throw new JsonPatchError('InvalidPatch', 'a JSON patch must be a list of operations');
  let out = copyJson(doc);
  patch.forEach((op, i) => {
    try {
      out = applyOne(out, op, i);
    } catch (e) {
      if (e instanceof JsonPatchError && !e.message.startsWith(`operation ${i}`)) {
        throw new JsonPatchError(e.failure, `operation ${i} (${String((op as { op?: unknown }).op)}): ${e.message}`, i);
      }
      throw e;
    }
  });
  return out;
}

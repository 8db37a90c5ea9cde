/**
 * `kubectl patch` on the server side, as a pure function: the live object plus a patch of one
 * of the three types the API server accepts gives the object to write. The write path then
 * validates it as any update. Patches are untrusted input: text is parsed as JSON (or YAML, as
 * kubectl accepts), copied defensively, and the result is strictly decoded, so a patch cannot
 * add a field the kind does not have, nor rename or re-kind the object.
 *
 * @see kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go
 */
import { parse } from 'yaml';
import { BadRequestError } from './errors.js';
import { cloneJson, type JsonValue } from './json.js';
import { applyJsonPatch } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { strategicMergePatch } from './strategic-merge-patch.js';
import { strictDecodeError } from './strict-decode.js';
import type { KubeObject, StoredObject } from './types.js';

export type PatchType = 'strategic' | 'merge' | 'json';

export const PATCH_TYPES: readonly PatchType[] = ['json', 'merge', 'strategic'];

/** Reads patch text (JSON, or YAML as kubectl allows) into plain JSON data. */
export function parsePatch(patch: string | object): JsonValue {
  if (typeof patch !== 'string') return cloneJson(patch, 'patch');
  let parsed: unknown;
  try {
    parsed = JSON.parse(patch);
  } catch {
    try {
      parsed = parse(patch, { schema: 'core', uniqueKeys: true, maxAliasCount: 100 });
    } catch (e) {
      throw new BadRequestError(`unable to parse the patch: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  return cloneJson(parsed, 'patch');
}

/**
 * Applies `patch` of `type` to `live` and returns the object to write (a fresh copy). Throws
 * BadRequest for malformed patches and strict-decoding failures, JsonPatchError for JSON
 * patches that do not apply, and BadRequest when the patch changes kind, apiVersion, name or
 * namespace.
 */
export function patchObject(live: StoredObject | KubeObject, patch: string | object, type: PatchType): KubeObject {
  if (!PATCH_TYPES.includes(type)) {
    throw new BadRequestError(`--type must be one of [json merge strategic], not "${String(type)}"`);
  }
  const p = parsePatch(patch);
  const base = cloneJson(live, 'object') as JsonValue;
  let out: JsonValue;
  if (type === 'json') out = applyJsonPatch(base, p);
  else if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new BadRequestError(`unable to parse the patch: a ${type} merge patch must be a JSON object`);
  else out = type === 'merge' ? applyMergePatch(base, p) : strategicMergePatch(base, p);
  if (out === null || typeof out !== 'object' || Array.isArray(out)) throw new BadRequestError('the patch must leave an object');
  const obj = out as KubeObject;
  const name = live.metadata?.name;
  if (obj.kind !== live.kind || obj.apiVersion !== live.apiVersion) {
    throw new BadRequestError(`the patch may not change the kind or apiVersion of ${String(live.kind)} "${String(name)}"`);
  }
  if (obj.metadata?.name !== name) {
    throw new BadRequestError(`the name of the object (${String(obj.metadata?.name)}) does not match the name on the URL (${String(name)})`);
  }
  if (obj.metadata?.namespace !== live.metadata?.namespace) {
    throw new BadRequestError(`the namespace of the object (${String(obj.metadata?.namespace)}) does not match the namespace on the URL (${String(live.metadata?.namespace)})`);
  }
  const strict = strictDecodeError(obj);
  if (strict) throw strict;
  return obj;
}

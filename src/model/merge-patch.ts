/**
 * JSON merge patch (RFC 7386) and the three-way variant `kubectl apply` uses to update an
 * object from the last-applied configuration: fields the user set are set, fields the user
 * removed since the last apply are removed, and fields nobody applied (server defaults, other
 * writers) are kept. Lists are replaced whole.
 *
 * @see kubernetes/apimachinery pkg/util/jsonmergepatch/patch.go CreateThreeWayJSONMergePatch
 */
import { jsonEqual, type JsonValue } from './json.js';

type JsonObject = { [key: string]: JsonValue };

function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Applies a merge patch to a value, returning a new value (inputs untouched). */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    const p = patch[key]!;
    if (p === null) delete out[key];
    else out[key] = applyMergePatch(out[key], p);
  }
  return out;
}

/**
 * The patch that turns `live` into what the user now wants: `desired` wins where it differs
 * from live; fields present in `lastApplied` but gone from `desired` are deleted (null).
 */
export function threeWayMergePatch(
  lastApplied: JsonValue | undefined,
  desired: JsonValue,
  live: JsonValue | undefined,
): JsonObject {
  const patch: JsonObject = {};
  const d = isObject(desired) ? desired : {};
  const l = isObject(live) ? live : {};
  const o = isObject(lastApplied) ? lastApplied : {};
  for (const key of Object.keys(d)) {
    const dv = d[key]!;
    const lv = l[key];
    if (isObject(dv) && isObject(lv)) {
      const sub = threeWayMergePatch(o[key], dv, lv);
      if (Object.keys(sub).length > 0) patch[key] = sub;
    } else if (!jsonEqual(dv, lv)) {
      patch[key] = dv;
    }
  }
  for (const key of Object.keys(o)) {
    if (!Object.hasOwn(d, key) && Object.hasOwn(l, key)) patch[key] = null;
  }
  return patch;
}

/**
 * Exact equality of a stored list (Endpoints addresses, EndpointSlice endpoints) with the list
 * a controller wants, without re-walking it on every sync. Both sides are immutable — stored
 * objects are deep-frozen, and the controllers build frozen, per-pod memoized elements — so
 * once a stored list has been found equal to a list of wanted elements, it stays equal to
 * those element objects: the next sync that wants the same objects compares by identity
 * (one `===` per element). Only the list is remembered, not each element: a per-element map
 * cost ~15% more memory at 15,000 pods and saved no time.
 */
import { jsonEqual } from '../model/json.js';

/** stored list → the frozen wanted elements it was last proven jsonEqual to. */
const provenList = new WeakMap<readonly unknown[], readonly object[]>();

function sameByIdentity(a: readonly object[], b: readonly object[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** jsonEqual(stored, wanted) for lists of JSON objects; `undefined` only equals `undefined`. */
export function sameAddressList(stored: unknown, wanted: readonly object[] | undefined): boolean {
  if (wanted === undefined) return stored === undefined;
  if (!Array.isArray(stored) || stored.length !== wanted.length) return false;
  const prior = provenList.get(stored);
  if (prior && sameByIdentity(prior, wanted)) return true;
  let frozen = Object.isFrozen(stored);
  for (let i = 0; i < wanted.length; i++) {
    const w = wanted[i]!;
    if (!jsonEqual(stored[i], w)) return false;
    if (!Object.isFrozen(w)) frozen = false;
  }
  // A copy: the caller's array may be reused; its elements are what was proven.
  if (frozen) provenList.set(stored, wanted.slice());
  return true;
}

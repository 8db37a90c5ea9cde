/**
 * What a ReplicaSet (or ReplicationController) controller instance remembers between syncs, and
 * the syncs' steps that start from it: the active pods it owns (patchActive) and its claim
 * (patchClaim). One memo per controller instance, so per cluster: a dropped cluster's pods go
 * with it, and clusters run side by side do not share hints. Everything here is a hint — a
 * sync from an empty memo gives the same result, only slower.
 *
 * @see kubernetes/kubernetes pkg/controller/replicaset/replica_set.go (syncReplicaSet, claimPods)
 */
import type { Selector } from '../model/labels/selector.js';
import type { OwnerReference, Pod, StoredObject } from '../model/types.js';
import { claimObjects, getControllerOf, isPodActive, thawed, type ClaimResult } from './controller-utils.js';
import { PodCountsMemo } from './replica-set-status.js';

const asPods = (objs: readonly StoredObject[]): (StoredObject & Pod)[] => objs as (StoredObject & Pod)[];

/** The active pods of namespace `ns` in an index list, keeping its order (by key, so by name). */
export function activeIn(list: readonly StoredObject[], ns: string): (StoredObject & Pod)[] {
  const out: (StoredObject & Pod)[] = [];
  for (const p of asPods(list)) if (p.metadata.namespace === ns && isPodActive(p)) out.push(p);
  return out;
}

/** A controller's owned pods at its last sync: the index list and its active pods. */
interface OwnedActive {
  readonly ns: string;
  readonly list: readonly StoredObject[];
  readonly active: readonly (StoredObject & Pod)[];
}

/**
 * A claim whose inputs were all the same last time: the candidate array (the same array means
 * the same frozen pod objects, whose labels, controllerRef and deletion never change), the
 * compiled selector (one per stored selector object) and the controller's uid, namespace and
 * deletion state. Only claims without adoptions or releases are remembered.
 */
interface ClaimMemo {
  readonly candidates: readonly (StoredObject & Pod)[];
  readonly selector: Selector;
  readonly uid: string;
  readonly ns: string;
  readonly deleting: boolean;
  readonly claimed: (StoredObject & Pod)[];
}

/** What one controller (by key) remembers of its last sync. */
export interface ControllerMemo {
  readonly uid: string;
  owned?: OwnedActive;
  claim?: ClaimMemo;
}

const MAX_REMEMBERED_CONTROLLERS = 8192;

/**
 * What a ReplicaSet controller remembers between syncs, by controller key, one per controller
 * instance (so per cluster: a dead cluster's pods go with it). A sync usually follows one pod's
 * change — or the controller's own status write, with no pod changed — so the last sync's
 * active list is patched (unchanged pod objects keep their verdict, found by position) rather
 * than every pod tested again, and an unchanged candidate array keeps its claim. Hints only:
 * an entry is dropped when its controller is gone or has a new uid, and everything is cleared
 * past a bound.
 */
export class ReplicaSetMemo {
  private readonly byKey = new Map<string, ControllerMemo>();
  readonly counts = new PodCountsMemo();

  /** The entry for `key` if it describes the controller with `uid`, else a fresh one. */
  entry(key: string, uid: string): ControllerMemo {
    let e = this.byKey.get(key);
    if (e === undefined || e.uid !== uid) {
      if (e !== undefined) this.counts.forget(key);
      if (this.byKey.size >= MAX_REMEMBERED_CONTROLLERS) this.byKey.clear();
      this.byKey.set(key, (e = { uid }));
    }
    return e;
  }

  forget(key: string): void {
    this.byKey.delete(key);
    this.counts.forget(key);
  }
}

export function ownedActive(memo: ControllerMemo, list: readonly StoredObject[], ns: string): readonly (StoredObject & Pod)[] {
  const prior = memo.owned;
  if (prior && prior.ns === ns && prior.list === list) return prior.active;
  const active = prior && prior.ns === ns ? patchActive(prior.list, prior.active, list, ns) : activeIn(list, ns);
  memo.owned = { ns, list, active };
  return active;
}

/**
 * claimObjects, from the last claim when it can be: the same candidate array gives the same
 * result (see ClaimMemo); otherwise, with the rest of the inputs the same, the last claim is
 * patched by patchClaim. A claim that adopts or releases a pod is always computed in full.
 */
export function claimCandidates(
  memo: ControllerMemo,
  rs: StoredObject,
  selector: Selector,
  candidates: readonly (StoredObject & Pod)[],
  ref: () => OwnerReference,
): ClaimResult<StoredObject & Pod> {
  const { uid } = rs.metadata;
  const ns = rs.metadata.namespace ?? '';
  const deleting = rs.metadata.deletionTimestamp != null;
  const m = memo.claim;
  if (m && m.selector === selector && m.uid === uid && m.ns === ns && m.deleting === deleting) {
    if (m.candidates === candidates) return { claimed: m.claimed, actions: [] };
    const claimed = patchClaim(m.candidates, m.claimed, candidates, selector, uid, ns, deleting);
    if (claimed) {
      memo.claim = { candidates, selector, uid, ns, deleting, claimed };
      return { claimed, actions: [] };
    }
  }
  const result = claimObjects(rs, selector, candidates, ref());
  memo.claim = result.actions.length === 0 ? { candidates, selector, uid, ns, deleting, claimed: result.claimed } : undefined;
  return result;
}

/**
 * claimObjects(after) from `prior` = claimObjects(before), which made no updates, walking both
 * candidate lists by name as diffByName does: `prior` holds `before`'s claimed pods in order,
 * so its next entry is the current `before` pod exactly when it is that object, and an object
 * in both lists keeps its verdict (its labels, controllerRef and deletion are frozen). Only the
 * new objects are judged, by claimObjects' rules; undefined when one of them would be adopted
 * or released (an update to make: claimObjects does it).
 */
function patchClaim(
  before: readonly (StoredObject & Pod)[],
  prior: readonly (StoredObject & Pod)[],
  after: readonly (StoredObject & Pod)[],
  selector: Selector,
  uid: string,
  ns: string,
  deleting: boolean,
): (StoredObject & Pod)[] | undefined {
  // true: claimed; false: left alone; undefined: an update claimObjects would make.
  const verdict = (p: StoredObject & Pod): boolean | undefined => {
    const ref = getControllerOf(p);
    const matches = selector.matches(p.metadata.labels);
    if (ref) return ref.uid !== uid ? false : matches ? true : deleting ? false : undefined;
    if (deleting || !matches || p.metadata.deletionTimestamp != null) return false;
    if (ns && ns !== p.metadata.namespace) return false;
    return undefined;
  };
  return patchFiltered(before, prior, after, verdict);
}

/**
 * activeIn(after) from activeIn(before) = `prior`, walking both lists as diffByName does:
 * `prior` holds `before`'s active pods in order, so its next entry is the current `before`
 * pod exactly when it is that object. Index lists hold frozen stored objects, whose verdict
 * (namespace, phase, deletion) never changes.
 */
function patchActive(before: readonly StoredObject[], prior: readonly (StoredObject & Pod)[], after: readonly StoredObject[], ns: string): (StoredObject & Pod)[] {
  const active = (p: StoredObject & Pod): boolean => p.metadata.namespace === ns && isPodActive(p);
  return patchFiltered(before as readonly (StoredObject & Pod)[], prior, after as readonly (StoredObject & Pod)[], active)!;
}

/**
 * A filter's result on `after` from `prior`, its result on `before`, for a filter that keeps
 * list order and judges each object alone: both lists are walked by name as diffByName walks
 * them; `prior`'s next entry is the current `before` object exactly when the filter kept it,
 * an object in both lists keeps its verdict (stored objects are frozen), and only the objects
 * `after` gained are judged. undefined as soon as `judge` cannot say (the caller recomputes).
 */
function patchFiltered<T extends StoredObject>(
  before: readonly T[],
  prior: readonly T[],
  after: readonly T[],
  judge: (o: T) => boolean | undefined,
): T[] | undefined {
  before = thawed(before);
  prior = thawed(prior);
  after = thawed(after);
  const out: T[] = [];
  let k = 0;
  let i = 0;
  let j = 0;
  while (i < before.length && j < after.length) {
    const a = before[i]!;
    const b = after[j]!;
    if (a === b) {
      if (prior[k] === a) out.push(prior[k++]!);
      i += 1;
      j += 1;
      continue;
    }
    const an = a.metadata.name;
    const bn = b.metadata.name;
    // The same name in both lists is a new version: the old one leaves, the new one is judged.
    if (an <= bn) {
      if (prior[k] === a) k += 1;
      i += 1;
    }
    if (an >= bn) {
      const v = judge(b);
      if (v === undefined) return undefined;
      if (v) out.push(b);
      j += 1;
    }
  }
  while (j < after.length) {
    const b = after[j++]!;
    const v = judge(b);
    if (v === undefined) return undefined;
    if (v) out.push(b);
  }
  return out;
}

/**
 * How the EndpointSlice controller shares a Service's endpoint groups out over its slices (the
 * packing described in endpoint-slice.ts): packGroup from scratch, looking each stored
 * endpoint up by uid, and packFromDelta when the slices hold exactly what the last sync left
 * and the group is that sync's group patched, which only moves what changed. Both give the
 * same slices; a property test checks the controller after every change.
 *
 * @see kubernetes/kubernetes staging/src/k8s.io/endpointslice/reconciler.go
 */
import { sameElements, thawed } from './controller-utils.js';
import type { SliceObject } from './endpoint-slice-memo.js';
import type { SliceEndpoint, SlicePort } from './endpoint-slice.js';
import type { PodObject } from './service-pods.js';

/** --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

/** What packing reads of the controller's memo: the list last written into a slice. */
export interface WrittenLists {
  written(sliceKey: string): readonly SliceEndpoint[] | undefined;
  /** Told that the stored list equals the written one, element for element. */
  adoptWritten?(sliceKey: string, stored: readonly SliceEndpoint[]): void;
}

/** By address then by the target's uid (the order the slices list endpoints in). */
export function compareEndpoints(a: SliceEndpoint, b: SliceEndpoint): number {
  const ia = a.addresses[0]!;
  const ib = b.addresses[0]!;
  if (ia !== ib) return ia < ib ? -1 : 1;
  const ua = a.targetRef.uid;
  const ub = b.targetRef.uid;
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

export interface Group {
  /** Unique in the process (newGroupSerial): what a later group's delta names its base by. */
  readonly serial: number;
  /** JSON of `ports`: how existing slices are matched to the group. */
  readonly key: string;
  readonly ports: SlicePort[];
  readonly endpoints: SliceEndpoint[];
  /** `pods[i]` is the pod object `endpoints[i]` was taken for: patchGroups matches by identity. */
  readonly pods: PodObject[];
  /** How patchGroups made this group from an earlier one, when it did. */
  readonly delta?: GroupDelta;
}

/**
 * A group as the change from the group it was patched from: which of its endpoints left (null)
 * or were replaced by their pod's new endpoint (same uid), and the endpoints of the pods it did
 * not list, in this group's order. Every other endpoint is in both, the very same object.
 *
 * The base group is named by its serial and the changes are keyed by the old endpoints' pod
 * uids (unique within a group, as positionsByUid assumes too), so a delta keeps nothing of the
 * base alive: the current group of every Deployment keeps its delta for as long as its pods
 * are unchanged (after a bring-up, for good), and holding the base's endpoint array and old
 * endpoints cost ~40 KB per 300-pod group. The old address kept with each change lets
 * packFromDelta find the endpoint in a sorted stored list by binary search.
 */
export interface GroupDelta {
  /** The serial of the group this one was patched from. */
  readonly from: number;
  /** By the old endpoint's targetRef.uid. */
  readonly changed: ReadonlyMap<string, EndpointChange>;
  readonly added: readonly SliceEndpoint[];
}

/** What became of one endpoint of the base group, and its sort key there (its address). */
export interface EndpointChange {
  readonly address: string;
  /** The pod's new endpoint, or null when it left the group. */
  readonly to: SliceEndpoint | null;
}

let groupSerials = 0;

/** A serial for a new Group: never reused, only ever compared for equality. */
export function newGroupSerial(): number {
  groupSerials += 1;
  return groupSerials;
}

/**
 * A group's endpoint positions by pod uid, built once per group: groups are shared between the
 * Services over one pod set and between their syncs until a pod changes, while packing looks
 * every stored endpoint up in it.
 */
const positionsOfGroup = new WeakMap<Group, Map<string, number>>();

function positionsByUid(group: Group): Map<string, number> {
  let byUid = positionsOfGroup.get(group);
  if (!byUid) {
    byUid = new Map();
    for (let i = 0; i < group.endpoints.length; i++) byUid.set(group.endpoints[i]!.targetRef.uid, i);
    positionsOfGroup.set(group, byUid);
  }
  return byUid;
}

/** Distributes a group's endpoints over its existing slices and new ones (see the header). */
export function packGroup(group: Group, slices: SliceObject[], memo: WrittenLists): Packing {
  const { endpoints } = group;
  const byUid = positionsByUid(group);
  // placed[i]: the group's i-th endpoint has its slice already.
  const placed = new Uint8Array(endpoints.length);
  let placedCount = 0;
  const kept = new Map<SliceObject, SliceEndpoint[]>();
  // The stays known to be sorted: a subsequence of a sorted stored list whose endpoints kept
  // their sort keys (address; the uid is the same pod's) is sorted, so updateSlice skips the check.
  const inOrder = new Set<SliceEndpoint[]>();
  for (const slice of slices) {
    const stay: SliceEndpoint[] = [];
    const stored = slice.endpoints ?? [];
    let sorted = storedSorted(slice, stored, memo);
    for (const e of thawed(stored)) {
      const at = byUid.get(e.targetRef?.uid);
      if (at !== undefined && placed[at] === 0 && stay.length < MAX_ENDPOINTS_PER_SLICE) {
        const ep = endpoints[at]!;
        if (sorted && ep !== e && ep.addresses[0] !== e.addresses[0]) sorted = false;
        stay.push(ep);
        placed[at] = 1;
        placedCount += 1;
      }
    }
    kept.set(slice, stay);
    if (sorted) inOrder.add(stay);
  }
  // The endpoints not placed yet, in the group's order.
  const rest = placedCount === 0 ? endpoints : endpoints.filter((_, i) => placed[i] === 0);
  return fill(kept, inOrder, rest);
}

export interface Packing {
  readonly kept: Map<SliceObject, SliceEndpoint[]>;
  readonly fresh: SliceEndpoint[][];
  readonly inOrder: Set<SliceEndpoint[]>;
}

/** The endpoints without a slice go to the slices with room, in order, then to new slices. */
function fill(kept: Map<SliceObject, SliceEndpoint[]>, inOrder: Set<SliceEndpoint[]>, rest: readonly SliceEndpoint[]): Packing {
  let next = 0;
  for (const stay of kept.values()) {
    if (stay.length < MAX_ENDPOINTS_PER_SLICE && next < rest.length) inOrder.delete(stay);
    while (stay.length < MAX_ENDPOINTS_PER_SLICE && next < rest.length) stay.push(rest[next++]!);
  }
  const fresh: SliceEndpoint[][] = [];
  for (let i = next; i < rest.length; i += MAX_ENDPOINTS_PER_SLICE) fresh.push(rest.slice(i, i + MAX_ENDPOINTS_PER_SLICE));
  return { kept, fresh, inOrder };
}

/**
 * packGroup when the slices hold exactly what the last sync planned for the group `group` was
 * patched from (its delta's `from`): those lists share out that group's endpoints, each once
 * and at most 100 to a slice, so packGroup would keep every endpoint where it is, under its
 * replacement if its pod's endpoint changed, drop the ones that left, and place only the
 * added ones. That is done here without a lookup per endpoint: in a sorted stored list (what
 * this controller writes) each changed endpoint is found by binary search.
 */
export function packFromDelta(delta: GroupDelta, slices: readonly SliceObject[], memo: WrittenLists): Packing {
  const kept = new Map<SliceObject, SliceEndpoint[]>();
  const inOrder = new Set<SliceEndpoint[]>();
  for (const slice of slices) {
    const stored = slice.endpoints ?? [];
    let sorted = storedSorted(slice, stored, memo);
    // A plain copy, patched: spreading a frozen array is fast where reading one is not.
    let stay = [...stored];
    if (delta.changed.size > 0) {
      if (sorted) ({ list: stay, sorted } = patchSorted(stay, delta.changed));
      else stay = patchScan(stay, delta.changed);
    }
    kept.set(slice, stay);
    if (sorted) inOrder.add(stay);
  }
  return fill(kept, inOrder, delta.added);
}

/**
 * `list` (sorted by compareEndpoints) with the delta applied, and whether it is still sorted
 * (every replacement kept its endpoint's address; the uid is the same pod's). Each changed
 * endpoint is found by binary search on its old (address, uid), so a sync that changed a few
 * pods costs a few searches per slice rather than a lookup per endpoint. Patches `list`.
 */
function patchSorted(list: SliceEndpoint[], changed: ReadonlyMap<string, EndpointChange>): { list: SliceEndpoint[]; sorted: boolean } {
  // All positions first, while the list is in its sorted order; then the replacements.
  const at: number[] = [];
  const to: (SliceEndpoint | null)[] = [];
  for (const [uid, change] of changed) {
    const i = findEndpoint(list, change.address, uid);
    if (i < 0) continue;
    at.push(i);
    to.push(change.to);
  }
  let removed = false;
  let sorted = true;
  for (let n = 0; n < at.length; n++) {
    const e = to[n]!;
    if (e === null) removed = true;
    else if (e.addresses[0] !== list[at[n]!]!.addresses[0]) sorted = false;
  }
  // A leaving endpoint is nulled in place and filtered out after.
  for (let n = 0; n < at.length; n++) list[at[n]!] = to[n] as SliceEndpoint;
  return { list: removed ? list.filter((e) => e !== null) : list, sorted };
}

/** patchSorted for a list not known sorted: a lookup per endpoint. */
function patchScan(list: SliceEndpoint[], changed: ReadonlyMap<string, EndpointChange>): SliceEndpoint[] {
  const out: SliceEndpoint[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    const c = changed.get(e.targetRef.uid);
    if (c === undefined) out.push(e);
    else if (c.to !== null) out.push(c.to);
  }
  return out;
}

/** The position of the endpoint with this address and uid in a compareEndpoints-sorted list, or -1. */
function findEndpoint(list: readonly SliceEndpoint[], address: string, uid: string): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const e = list[mid]!;
    const a = e.addresses[0]!;
    const u = e.targetRef.uid;
    const c = a !== address ? (a < address ? -1 : 1) : u < uid ? -1 : u > uid ? 1 : 0;
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Whether a stored slice's endpoints are well-formed enough to compare and in compareEndpoints
 * order: slices this controller wrote always are. Once per stored list (stored lists are frozen
 * and replaced on every write), not once per sync.
 */
const sortedStored = new WeakMap<readonly unknown[], boolean>();

function storedSorted(slice: SliceObject, stored: readonly SliceEndpoint[], memo: WrittenLists): boolean {
  let sorted = sortedStored.get(stored);
  if (sorted === undefined) {
    const key = sliceKey(slice);
    const written = memo.written(key);
    // The list this controller last wrote into the slice, element for element: sorted.
    if (written !== undefined && written.length === stored.length && sameElements(written, thawed(stored))) {
      if (Object.isFrozen(stored)) sortedStored.set(stored, true);
      memo.adoptWritten?.(key, stored);
      return true;
    }
    const wellFormed = stored.every((e) => typeof e?.addresses?.[0] === 'string' && typeof e.targetRef?.uid === 'string');
    sorted = wellFormed && isSorted(stored);
    if (Object.isFrozen(stored)) sortedStored.set(stored, sorted);
  }
  return sorted;
}

/**
 * A slice's key for the sorted list last written into it (EndpointSliceMemo.written): the store
 * copies the list but keeps its endpoint objects, so a stored list holding the same objects in
 * the same order is known sorted without comparing addresses.
 */
export function sliceKey(slice: SliceObject): string {
  return `${slice.metadata.namespace ?? ''}/${slice.metadata.name}`;
}

export function isSorted(endpoints: readonly SliceEndpoint[]): boolean {
  for (let i = 1; i < endpoints.length; i++) if (compareEndpoints(endpoints[i - 1]!, endpoints[i]!) > 0) return false;
  return true;
}

/**
 * The delta of `groups` from the groups of the last plan, when the last sync had one group and
 * these are that group patched (packFromDelta), else undefined.
 */
export function deltaFromPlan(planned: Map<string, Group>, groups: Map<string, Group>): GroupDelta | undefined {
  if (planned.size !== 1 || groups.size !== 1) return undefined;
  const before = planned.values().next().value!;
  const group = groups.values().next().value!;
  return group.delta !== undefined && group.delta.from === before.serial && group.key === before.key ? group.delta : undefined;
}

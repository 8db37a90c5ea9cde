/**
 * What one EndpointSlice controller instance remembers between syncs (so per cluster: a dead
 * cluster's pods and slices go with it). Everything here is a hint — a miss only costs the
 * full computation — and each name-keyed map is cleared when it grows past a bound.
 *
 * - the pod array each Service's groups were last built from (patchGroups starts from it);
 * - the sorted endpoint list last written into each slice (a stored list holding the same
 *   objects in the same order is known sorted);
 * - the last Node-zone view (a new Node table with the same zones gets the same view back);
 * - each Service's last plan: the slices a sync left behind, with their endpoints, ports and
 *   labels. The controller watches its own slices, so every write it makes wakes the Service
 *   again (upstream's endpointSliceTracker skips those; kubesim re-syncs, as it always has);
 *   when the Service, its groups and its slices are exactly what the plan says, that sync would
 *   pack every stored endpoint back where it is and write nothing, so it is answered at once.
 *
 * Memory: a remembered list is the very array the sync wrote (never copied; nothing mutates it
 * once written), and once a stored slice is seen holding the same endpoints in the same order,
 * the memo keeps the stored (frozen) array in its place: the plan, the last-written list and
 * the store then share one array per slice instead of holding three (~1.6 KB per full slice;
 * 10,000 Services over 300 pods are 30,000 slices).
 */
import { jsonEqual } from '../model/json.js';
import type { StoredObject } from '../model/types.js';
import { sameElements, thawed } from './controller-utils.js';
import { sliceKey } from './endpoint-slice-packing.js';
import type { SliceEndpoint, SlicePort } from './endpoint-slice.js';
import type { PodObject, ServiceObject } from './service-pods.js';

const MAX_REMEMBERED_SERVICES = 8192;
const MAX_REMEMBERED_SLICES = 16384;

/** A slice as this controller reads it. */
export type SliceObject = StoredObject & { addressType?: string; endpoints?: SliceEndpoint[] | null; ports?: SlicePort[] | null };

/** One slice as a sync left it: its endpoints (sorted, the group's objects), ports and labels. */
export interface PlannedSlice {
  /** Mutable only here: replaced by the stored array holding the same endpoints (see header). */
  endpoints: readonly SliceEndpoint[];
  readonly ports: readonly SlicePort[];
  readonly labels: Readonly<Record<string, string>>;
}

/** A sync's outcome for one Service: what its slices hold once its writes are applied. */
export interface SyncPlan<Groups> {
  readonly svc: ServiceObject;
  /** The endpoint groups the sync packed. */
  readonly groups: Groups;
  /** By slice name: every slice the Service owns after the sync's writes. */
  readonly slices: ReadonlyMap<string, PlannedSlice>;
}

export class EndpointSliceMemo<Zones, Groups> {
  private readonly lastPodsOf = new Map<string, readonly PodObject[]>();
  private readonly lastWritten = new Map<string, readonly SliceEndpoint[]>();
  private readonly plans = new Map<string, SyncPlan<Groups>>();
  /** The last Node-zone view built (see nodeZones). */
  lastZones: Zones | undefined;

  lastPods(serviceKey: string): readonly PodObject[] | undefined {
    return this.lastPodsOf.get(serviceKey);
  }

  rememberPods(serviceKey: string, pods: readonly PodObject[]): void {
    if (this.lastPodsOf.size >= MAX_REMEMBERED_SERVICES) this.lastPodsOf.clear();
    this.lastPodsOf.set(serviceKey, pods);
  }

  written(sliceKey: string): readonly SliceEndpoint[] | undefined {
    return this.lastWritten.get(sliceKey);
  }

  /** `sorted` is kept as is: the caller never mutates a list it has handed to a write. */
  rememberWritten(sliceKey: string, sorted: readonly SliceEndpoint[]): void {
    if (this.lastWritten.size >= MAX_REMEMBERED_SLICES) this.lastWritten.clear();
    this.lastWritten.set(sliceKey, sorted);
  }

  /**
   * When the list last written into the slice holds `stored`'s endpoints in the same order,
   * remembers the stored (frozen) array instead, so the written one can be collected.
   */
  adoptWritten(sliceKey: string, stored: readonly SliceEndpoint[]): void {
    const written = this.lastWritten.get(sliceKey);
    if (written === undefined || written === stored || written.length !== stored.length || !Object.isFrozen(stored)) return;
    if (sameElements(written, thawed(stored))) this.lastWritten.set(sliceKey, stored);
  }

  rememberPlan(serviceKey: string, plan: SyncPlan<Groups> | undefined): void {
    if (plan === undefined) {
      this.plans.delete(serviceKey);
      return;
    }
    if (this.plans.size >= MAX_REMEMBERED_SERVICES) this.plans.clear();
    this.plans.set(serviceKey, plan);
  }

  /**
   * The Service's last plan if `owned` (its managed slices) is exactly what that plan left, for
   * this Service object: the same slice names, each holding the planned endpoint objects in
   * order, with the planned ports and labels. Else undefined.
   */
  planMatching(serviceKey: string, svc: ServiceObject, owned: readonly SliceObject[]): SyncPlan<Groups> | undefined {
    const plan = this.plans.get(serviceKey);
    if (plan === undefined || plan.svc !== svc || plan.slices.size !== owned.length) return undefined;
    for (const slice of owned) {
      const want = plan.slices.get(slice.metadata.name);
      const stored = slice.endpoints;
      if (want === undefined || !stored || stored.length !== want.endpoints.length) return undefined;
      if (stored !== want.endpoints && !sameElements(thawed(stored), want.endpoints)) return undefined;
      if (!jsonEqual(slice.ports ?? [], want.ports) || !jsonEqual(slice.metadata.labels, want.labels)) return undefined;
    }
    // Every planned list equals its stored one: keep the stored arrays (see the header).
    for (const slice of owned) {
      const want = plan.slices.get(slice.metadata.name)!;
      const stored = slice.endpoints!;
      if (want.endpoints === stored || !Object.isFrozen(stored)) continue;
      const planned = want.endpoints;
      want.endpoints = stored;
      const key = sliceKey(slice);
      // The planned list is the one last written (updateSlice), just found equal to the stored one.
      if (this.lastWritten.get(key) === planned) this.lastWritten.set(key, stored);
      else this.adoptWritten(key, stored);
    }
    return plan;
  }

  /** Drops what is remembered of the Service `serviceKey` (namespace/name; it is gone). */
  forget(serviceKey: string): void {
    this.lastPodsOf.delete(serviceKey);
    this.plans.delete(serviceKey);
  }
}

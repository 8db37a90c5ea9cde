/**
 * The shared scorer behind NodeResourcesFit's strategies and NodeResourcesBalancedAllocation:
 * for each configured resource, the node's allocatable and what would be requested with the
 * pod on it, handed to a strategy function as two parallel integer arrays.
 *
 * "Requested" is the node's non-zero total for cpu and memory (a pod without a cpu request
 * counts as 100m, without a memory request as 200Mi, so empty pods still spread) unless the
 * scorer asks for plain requests (BalancedAllocation does). Ephemeral storage and scalar
 * resources always use plain requests. A scalar resource the pod does not request, or that
 * the node does not have, is left out (both entries 0).
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/resource_allocation.go
 */
import type { Pod } from '../../../model/types.js';
import type { NodeInfo, Resource } from '../../framework.js';
import { isScalarResourceName, podInfoFor } from '../../node-info.js';

/** A resource and its weight (config.ResourceSpec). */
export interface ResourceSpec {
  readonly name: string;
  readonly weight: number;
}

/** Default resources of the scoring strategies and BalancedAllocation: cpu and memory, weight 1. */
export const DEFAULT_RESOURCES: readonly ResourceSpec[] = Object.freeze([
  Object.freeze({ name: 'cpu', weight: 1 }),
  Object.freeze({ name: 'memory', weight: 1 }),
]);

/** A strategy: (requested, allocatable) per resource, in the order of `resources` → score. */
export type ResourceScorerFn = (requested: readonly number[], allocatable: readonly number[]) => number;

/**
 * The weighted average LeastAllocated and MostAllocated share: Σ(score(r) × weight) / Σ weight
 * over resources the node has (allocatable > 0), integer division as in Go.
 */
export function weightedResourceScorer(
  resources: readonly ResourceSpec[],
  score: (requested: number, capacity: number) => number,
): ResourceScorerFn {
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      const alloc = allocatable[i]!;
      if (alloc === 0) continue;
      const weight = resources[i]!.weight;
      nodeScore += score(requested[i]!, alloc) * weight;
      weightSum += weight;
    }
    return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
  };
}

export interface ResourceAllocationScorer {
  readonly name: string;
  readonly resources: readonly ResourceSpec[];
  readonly scorer: ResourceScorerFn;
  /** Use plain requests for cpu/memory instead of the non-zero defaults. */
  readonly useRequested: boolean;
  /**
   * Which built-in strategy `scorer` is (set only by the modules that build it): the indexed
   * cycle then computes the same integers in a loop of its own (scheduler/fast-alloc.ts).
   */
  readonly kind?: 'LeastAllocated' | 'MostAllocated' | 'BalancedAllocation';
}

function amount(r: Resource, name: string): number {
  switch (name) {
    case 'cpu':
      return r.milliCpu;
    case 'memory':
      return r.memory;
    case 'ephemeral-storage':
      return r.ephemeralStorage;
    case 'pods':
      return r.allowedPodNumber;
    default:
      return r.scalar[name] ?? 0;
  }
}

/** The pod's request for each resource, in order (PreScore computes this once per pod). */
export function calculatePodResourceRequestList(
  pod: Pod,
  resources: readonly ResourceSpec[],
  useRequested: boolean,
): number[] {
  const info = podInfoFor(pod);
  const reqs = useRequested ? info.requests : info.nonZeroRequests;
  return resources.map((r) => amount(reqs, r.name));
}

/**
 * calculatePodResourceRequestList with the last answer remembered, for one plugin's PreScore.
 * The list is read from the pod's request sums alone, and podInfoFor shares those between pods
 * of one frozen spec (pods of a ReplicaSet): the same sums object, the last list (read only by
 * Score, never changed).
 */
export function podResourceRequestListMemo(resources: readonly ResourceSpec[], useRequested: boolean): (pod: Pod) => number[] {
  let lastReqs: object | undefined;
  let last: number[] = [];
  return (pod) => {
    const info = podInfoFor(pod);
    const reqs = useRequested ? info.requests : info.nonZeroRequests;
    if (reqs !== lastReqs) {
      last = resources.map((r) => amount(reqs, r.name));
      lastReqs = reqs;
    }
    return last;
  };
}

/**
 * Fills allocatable[i] and requested[i] for one resource (calculateResourceAllocatableRequest);
 * both stay 0 when the resource is left out.
 */
function fill(
  node: NodeInfo,
  name: string,
  podRequest: number,
  useRequested: boolean,
  requested: number[],
  allocatable: number[],
  i: number,
): void {
  requested[i] = 0;
  allocatable[i] = 0;
  const base = useRequested ? node.requested : node.nonZeroRequested;
  switch (name) {
    case 'cpu':
      allocatable[i] = node.allocatable.milliCpu;
      requested[i] = base.milliCpu + podRequest;
      return;
    case 'memory':
      allocatable[i] = node.allocatable.memory;
      requested[i] = base.memory + podRequest;
      return;
    case 'ephemeral-storage':
      allocatable[i] = node.allocatable.ephemeralStorage;
      requested[i] = node.requested.ephemeralStorage + podRequest;
      return;
    default: {
      if (podRequest === 0 && isScalarResourceName(name)) return;
      const alloc = node.allocatable.scalar[name];
      if (alloc === undefined) return;
      allocatable[i] = alloc;
      requested[i] = (node.requested.scalar[name] ?? 0) + podRequest;
    }
  }
}

/**
 * Scores `node` for a pod whose per-resource requests are `podRequests`. `scratch` holds two
 * arrays reused across nodes of one cycle so the hot loop does not allocate.
 */
export function resourceAllocationScore(
  s: ResourceAllocationScorer,
  node: NodeInfo,
  podRequests: readonly number[],
  scratch: { requested: number[]; allocatable: number[] } = { requested: [], allocatable: [] },
): number {
  const res = s.resources;
  const requested = scratch.requested;
  const allocatable = scratch.allocatable;
  // Resizing an array on every call is measurable in the node loop; only do it when needed.
  if (requested.length !== res.length) requested.length = res.length;
  if (allocatable.length !== res.length) allocatable.length = res.length;
  for (let i = 0; i < res.length; i++) {
    fill(node, res[i]!.name, podRequests[i] ?? 0, s.useRequested, requested, allocatable, i);
  }
  return s.scorer(requested, allocatable);
}

/**
 * NodeResourcesFit: Filter rejects nodes without room for the pod's requests (cpu, memory,
 * ephemeral-storage, extended/hugepages resources, and one pod slot), listing every
 * insufficient resource with upstream's reasons ('Too many pods', 'Insufficient cpu', ...).
 * Score delegates to the configured scoring strategy (default LeastAllocated over cpu and
 * memory, weight 1 each).
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/fit.go
 */
import { BadRequestError } from '../../../model/errors.js';
import type { Pod } from '../../../model/types.js';
import {
  status,
  SUCCESS,
  type CycleState,
  type FilterPlugin,
  type NodeInfo,
  type PreFilterPlugin,
  type PreScorePlugin,
  type Resource,
  type ScorePlugin,
  type Status,
} from '../../framework.js';
import { registerFastHint } from '../../fast-hints.js';
import { isExtendedResourceName, podInfoFor } from '../../node-info.js';
import { leastResourceScorer } from './least-allocated.js';
import { mostResourceScorer } from './most-allocated.js';
import { requestedToCapacityRatioScorer, type UtilizationShapePoint } from './requested-to-capacity-ratio.js';
import {
  calculatePodResourceRequestList,
  podResourceRequestListMemo,
  DEFAULT_RESOURCES,
  resourceAllocationScore,
  type ResourceAllocationScorer,
  type ResourceScorerFn,
  type ResourceSpec,
} from './resource-allocation.js';

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface ScoringStrategy {
  readonly type: ScoringStrategyType;
  /** Defaults to cpu and memory with weight 1. */
  readonly resources?: readonly ResourceSpec[];
  /** Required for RequestedToCapacityRatio: shape points, utilization 0..100, score 0..10. */
  readonly requestedToCapacityRatio?: { readonly shape: readonly UtilizationShapePoint[] };
}

export interface NodeResourcesFitArgs {
  /** Extended resources the filter ignores, e.g. 'example.com/foo'. */
  readonly ignoredResources?: readonly string[];
  /** Extended resource groups (the part before '/') the filter ignores, e.g. 'example.com'. */
  readonly ignoredResourceGroups?: readonly string[];
  readonly scoringStrategy?: ScoringStrategy;
}

/** One resource the node lacks (upstream InsufficientResource). */
export interface InsufficientResource {
  readonly resourceName: string;
  readonly reason: string;
  readonly requested: number;
  readonly used: number;
  readonly capacity: number;
}

/** What PreFilter computes once per pod: its requests and the scalar names to check. */
interface PreFilterState {
  readonly request: Resource;
  /** Scalar resources with a non-zero request that are not ignored, sorted. */
  readonly scalarNames: readonly string[];
  readonly empty: boolean;
}

const PRE_FILTER_KEY = 'PreFilterNodeResourcesFit';
const PRE_SCORE_KEY = 'PreScoreNodeResourcesFit';

function ignored(name: string, ignoredResources: ReadonlySet<string>, ignoredGroups: ReadonlySet<string>): boolean {
  if (!isExtendedResourceName(name)) return false;
  if (ignoredResources.has(name)) return true;
  if (ignoredGroups.size === 0) return false;
  const slash = name.indexOf('/');
  return ignoredGroups.has(slash < 0 ? name : name.slice(0, slash));
}

function preFilterState(
  request: Resource,
  ignoredResources: ReadonlySet<string>,
  ignoredGroups: ReadonlySet<string>,
): PreFilterState {
  const noScalar = isEmptyObject(request.scalar);
  // Most pods ask for no scalar resource: no arrays to build then.
  const scalarNames = noScalar
    ? NO_NAMES
    : Object.keys(request.scalar)
        .filter((n) => request.scalar[n] !== 0 && !ignored(n, ignoredResources, ignoredGroups))
        .sort();
  const empty = request.milliCpu === 0 && request.memory === 0 && request.ephemeralStorage === 0 && noScalar;
  return { request, scalarNames, empty };
}

const NO_NAMES: readonly string[] = Object.freeze([]);

function isEmptyObject(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** upstream fitsRequest: every resource the node lacks, in upstream's order. */
function fitsRequest(s: PreFilterState, node: NodeInfo): InsufficientResource[] | null {
  let out: InsufficientResource[] | null = null;
  const alloc = node.allocatable;
  const used = node.requested;
  const podCount = node.pods.length;
  if (podCount + 1 > alloc.allowedPodNumber) {
    (out ??= []).push({
      resourceName: 'pods',
      reason: 'Too many pods',
      requested: 1,
      used: podCount,
      capacity: alloc.allowedPodNumber,
    });
  }
  if (s.empty) return out;
  const req = s.request;
  if (req.milliCpu > 0 && req.milliCpu > alloc.milliCpu - used.milliCpu) {
    (out ??= []).push(insufficient('cpu', req.milliCpu, used.milliCpu, alloc.milliCpu));
  }
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
    (out ??= []).push(insufficient('memory', req.memory, used.memory, alloc.memory));
  }
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    (out ??= []).push(insufficient('ephemeral-storage', req.ephemeralStorage, used.ephemeralStorage, alloc.ephemeralStorage));
  }
  const names = s.scalarNames;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const want = req.scalar[name]!;
    const have = alloc.scalar[name] ?? 0;
    const inUse = used.scalar[name] ?? 0;
    if (want > have - inUse) (out ??= []).push(insufficient(name, want, inUse, have));
  }
  return out;
}

function insufficient(name: string, requested: number, used: number, capacity: number): InsufficientResource {
  return { resourceName: name, reason: `Insufficient ${name}`, requested, used, capacity };
}

const NO_IGNORED: ReadonlySet<string> = new Set();

/** upstream noderesources.Fits: what the node lacks for `pod` (nothing ignored); [] if it fits. */
export function fits(pod: Pod, node: NodeInfo): InsufficientResource[] {
  return fitsRequest(preFilterState(podInfoFor(pod).requests, NO_IGNORED, NO_IGNORED), node) ?? [];
}

function strategyScorer(strategy: ScoringStrategy, resources: readonly ResourceSpec[]): ResourceScorerFn {
  switch (strategy.type) {
    case 'LeastAllocated':
      return leastResourceScorer(resources);
    case 'MostAllocated':
      return mostResourceScorer(resources);
    case 'RequestedToCapacityRatio': {
      const shape = strategy.requestedToCapacityRatio?.shape;
      if (shape == null || shape.length === 0) {
        throw new BadRequestError('NodeResourcesFitArgs: scoringStrategy.requestedToCapacityRatio.shape: Required value');
      }
      return requestedToCapacityRatioScorer(resources, shape);
    }
    default:
      throw new BadRequestError(`scoring strategy ${String((strategy as ScoringStrategy).type)} is not supported`);
  }
}

export type NodeResourcesFitPlugin = PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin;

/** NodeResourcesFit with its pluginConfig args. Throws BadRequestError for an invalid strategy. */
export function nodeResourcesFit(args: NodeResourcesFitArgs = {}): NodeResourcesFitPlugin {
  const ignoredResources: ReadonlySet<string> = new Set(args.ignoredResources ?? []);
  const ignoredGroups: ReadonlySet<string> = new Set(args.ignoredResourceGroups ?? []);
  const strategy: ScoringStrategy = args.scoringStrategy ?? { type: 'LeastAllocated' };
  const resources = strategy.resources != null && strategy.resources.length > 0 ? strategy.resources : DEFAULT_RESOURCES;
  resources.forEach((r, i) => {
    // ValidateNodeResourcesFitArgs: weights are in [1, MaxNodeScore].
    if (!Number.isInteger(r.weight) || r.weight < 1 || r.weight > 100) {
      throw new BadRequestError(
        `scoringStrategy.resources[${i}].weight: Invalid value: ${r.weight}: resource weight of ${r.name} not in valid range [1, 100]`,
      );
    }
  });
  const scorer: ResourceAllocationScorer = {
    name: strategy.type,
    resources,
    scorer: strategyScorer(strategy, resources),
    useRequested: false,
    ...(strategy.type === 'LeastAllocated' || strategy.type === 'MostAllocated' ? { kind: strategy.type } : {}),
  };
  const scratch = { requested: [] as number[], allocatable: [] as number[] };

  function stateFor(pod: Pod): PreFilterState {
    return preFilterState(podInfoFor(pod).requests, ignoredResources, ignoredGroups);
  }

  function preFilter(cycle: CycleState, pod: Pod): { status: Status } {
    cycle.write(PRE_FILTER_KEY, stateFor(pod));
    return { status: SUCCESS };
  }

  function filter(cycle: CycleState, pod: Pod, node: NodeInfo): Status {
    const s = cycle.read<PreFilterState>(PRE_FILTER_KEY) ?? stateFor(pod);
    const lacking = fitsRequest(s, node);
    if (lacking === null || lacking.length === 0) return SUCCESS;
    return status('Unschedulable', ...lacking.map((r) => r.reason));
  }

  const requestList = podResourceRequestListMemo(resources, false);

  function preScore(cycle: CycleState, pod: Pod): Status {
    cycle.write(PRE_SCORE_KEY, requestList(pod));
    return SUCCESS;
  }

  function score(cycle: CycleState, pod: Pod, node: NodeInfo): number {
    const reqs = cycle.read<number[]>(PRE_SCORE_KEY) ?? calculatePodResourceRequestList(pod, resources, false);
    return resourceAllocationScore(scorer, node, reqs, scratch);
  }

  return registerFastHint({ name: 'NodeResourcesFit', preFilter, filter, preScore, score }, { fit: true, allocation: scorer, preScoreNodesUnread: true });
}

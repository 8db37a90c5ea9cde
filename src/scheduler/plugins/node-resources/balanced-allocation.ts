/**
 * NodeResourcesBalancedAllocation: favours nodes whose resources would be used evenly.
 *
 * fraction(r) = min(requested / allocatable, 1) with the pod's plain requests (no non-zero
 * defaults); score = trunc((1 - std) × 100), where std is |f1 - f2| / 2 for two resources
 * and the population standard deviation for more. Example: cpu 3000/4000 = 0.75, memory
 * 5000/10000 = 0.5 → std 0.125 → 87. Floating point here is upstream's too (float64).
 *
 * v1.32 scores best-effort pods as well (the PreScore Skip for them came later).
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go
 */
import type { Pod } from '../../../model/types.js';
import {
  MAX_NODE_SCORE,
  SUCCESS,
  type CycleState,
  type NodeInfo,
  type PreScorePlugin,
  type ScorePlugin,
  type Status,
} from '../../framework.js';
import {
  calculatePodResourceRequestList,
  podResourceRequestListMemo,
  DEFAULT_RESOURCES,
  resourceAllocationScore,
  type ResourceAllocationScorer,
  type ResourceSpec,
} from './resource-allocation.js';
import { registerFastHint } from '../../fast-hints.js';

export interface NodeResourcesBalancedAllocationArgs {
  /** Default cpu and memory, weight 1 (weights are not used by this plugin). */
  readonly resources?: readonly ResourceSpec[];
}

export function balancedResourceScorer(requested: readonly number[], allocatable: readonly number[]): number {
  let n = 0;
  let total = 0;
  let f0 = 0;
  let f1 = 0;
  for (let i = 0; i < requested.length; i++) {
    const alloc = allocatable[i]!;
    if (alloc === 0) continue;
    let f = requested[i]! / alloc;
    if (f > 1) f = 1;
    total += f;
    if (n === 0) f0 = f;
    else if (n === 1) f1 = f;
    n++;
  }
  let std = 0;
  if (n === 2) {
    std = Math.abs((f0 - f1) / 2);
  } else if (n > 2) {
    // Second pass for the mean-centred sum, in the same order as upstream's slice.
    const mean = total / n;
    let sum = 0;
    for (let i = 0; i < requested.length; i++) {
      const alloc = allocatable[i]!;
      if (alloc === 0) continue;
      let f = requested[i]! / alloc;
      if (f > 1) f = 1;
      sum += (f - mean) * (f - mean);
    }
    std = Math.sqrt(sum / n);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

const PRE_SCORE_KEY = 'PreScoreNodeResourcesBalancedAllocation';

export type NodeResourcesBalancedAllocationPlugin = PreScorePlugin & ScorePlugin;

export function nodeResourcesBalancedAllocation(
  args: NodeResourcesBalancedAllocationArgs = {},
): NodeResourcesBalancedAllocationPlugin {
  const scorer: ResourceAllocationScorer = {
    name: 'NodeResourcesBalancedAllocation',
    resources: args.resources ?? DEFAULT_RESOURCES,
    scorer: balancedResourceScorer,
    useRequested: true,
    kind: 'BalancedAllocation',
  };
  const scratch = { requested: [] as number[], allocatable: [] as number[] };
  const requestList = podResourceRequestListMemo(scorer.resources, true);

  function preScore(cycle: CycleState, pod: Pod): Status {
    cycle.write(PRE_SCORE_KEY, requestList(pod));
    return SUCCESS;
  }

  function score(cycle: CycleState, pod: Pod, node: NodeInfo): number {
    const reqs = cycle.read<number[]>(PRE_SCORE_KEY) ?? calculatePodResourceRequestList(pod, scorer.resources, true);
    return resourceAllocationScore(scorer, node, reqs, scratch);
  }

  return registerFastHint({ name: 'NodeResourcesBalancedAllocation', preScore, score }, { allocation: scorer, preScoreNodesUnread: true });
}

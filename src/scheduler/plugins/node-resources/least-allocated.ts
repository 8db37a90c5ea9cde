/**
 * LeastAllocated strategy (the default): favours nodes with the most free capacity.
 *
 * per resource: (allocatable - requested) × 100 / allocatable, 0 when over capacity;
 * node score: Σ(weight × resource score) / Σ weight, integer division, over resources the
 * node has. Example: cpu 3000/4000 → 25, memory 5000/10000 → 50, equal weights → 37.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/least_allocated.go
 */
import { MAX_NODE_SCORE } from '../../framework.js';
import { weightedResourceScorer, type ResourceScorerFn, type ResourceSpec } from './resource-allocation.js';

export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export function leastResourceScorer(resources: readonly ResourceSpec[]): ResourceScorerFn {
  return weightedResourceScorer(resources, leastRequestedScore);
}

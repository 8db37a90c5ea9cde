/**
 * MostAllocated strategy (bin packing): favours the fullest nodes.
 *
 * per resource: min(requested, allocatable) × 100 / allocatable (requested can exceed
 * allocatable through the non-zero defaults); node score: Σ(weight × score) / Σ weight,
 * integer division. Example: cpu 3000/4000 → 75, memory 5000/10000 → 50, equal weights → 62.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/most_allocated.go
 */
import { MAX_NODE_SCORE } from '../../framework.js';
import { weightedResourceScorer, type ResourceScorerFn, type ResourceSpec } from './resource-allocation.js';

export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  const r = requested > capacity ? capacity : requested;
  return Math.trunc((r * MAX_NODE_SCORE) / capacity);
}

export function mostResourceScorer(resources: readonly ResourceSpec[]): ResourceScorerFn {
  return weightedResourceScorer(resources, mostRequestedScore);
}

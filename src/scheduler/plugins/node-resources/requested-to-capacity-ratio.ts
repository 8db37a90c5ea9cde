/**
 * RequestedToCapacityRatio strategy: a user-given piecewise-linear function of utilization.
 *
 * The shape's points are (utilization 0..100, score 0..10); scores are scaled ×10 to the
 * scheduler's 0..100 range (MaxNodeScore / MaxCustomPriorityScore). Per resource the
 * utilization is requested × 100 / capacity (integer), or 100 when over capacity or the
 * capacity is 0; the node score is round(Σ(weight × score) / Σ weight) over resources with a
 * positive score. Example, shape {0:0, 100:10}: cpu 3000/4000 → 75, memory 5000/10000 → 50
 * → round(125 / 2) = 63.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/noderesources/requested_to_capacity_ratio.go
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/helper/shape_score.go
 */
import { MAX_NODE_SCORE } from '../../framework.js';
import type { ResourceScorerFn, ResourceSpec } from './resource-allocation.js';

/** config.MaxCustomPriorityScore: the top of a shape's score scale. */
export const MAX_CUSTOM_PRIORITY_SCORE = 10;
const MAX_UTILIZATION = 100;

export interface UtilizationShapePoint {
  readonly utilization: number;
  readonly score: number;
}

/**
 * helper.BuildBrokenLinearFunction: linear between consecutive points (integer division),
 * flat before the first and after the last. Points must be sorted by utilization.
 */
export function buildBrokenLinearFunction(shape: readonly UtilizationShapePoint[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      const cur = shape[i]!;
      if (p <= cur.utilization) {
        if (i === 0) return cur.score;
        const prev = shape[i - 1]!;
        return (
          prev.score + Math.trunc(((cur.score - prev.score) * (p - prev.utilization)) / (cur.utilization - prev.utilization))
        );
      }
    }
    return shape[shape.length - 1]!.score;
  };
}

export function requestedToCapacityRatioScorer(
  resources: readonly ResourceSpec[],
  shape: readonly UtilizationShapePoint[],
): ResourceScorerFn {
  const scale = MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE;
  const raw = buildBrokenLinearFunction(shape.map((p) => ({ utilization: p.utilization, score: p.score * scale })));
  const resourceScore = (requested: number, capacity: number): number =>
    capacity === 0 || requested > capacity
      ? raw(MAX_UTILIZATION)
      : raw(Math.trunc((requested * MAX_UTILIZATION) / capacity));
  return (requested, allocatable) => {
    let nodeScore = 0;
    let weightSum = 0;
    for (let i = 0; i < requested.length; i++) {
      const alloc = allocatable[i]!;
      if (alloc === 0) continue;
      const weight = resources[i]!.weight;
      const s = resourceScore(requested[i]!, alloc);
      if (s > 0) {
        nodeScore += s * weight;
        weightSum += weight;
      }
    }
    // Go's math.Round: half away from zero.
    return weightSum === 0 ? 0 : goRound(nodeScore / weightSum);
  };
}

/** math.Round exactly (floor(x + 0.5) is off by one for 0.49999999999999994). */
function goRound(x: number): number {
  const t = Math.trunc(x);
  return Math.abs(x - t) >= 0.5 ? t + Math.sign(x) : t;
}

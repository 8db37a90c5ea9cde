/**
 * The built-in resource-allocation strategies on cpu and memory, computed straight from the
 * node table's typed arrays: the same integers as the plugins' own scorers
 * (node-resources/least-allocated.ts, most-allocated.ts, balanced-allocation.ts through
 * resource-allocation.ts), without filling two arrays and calling a closure per node.
 *
 * The arithmetic is the plugins', operation for operation, so results are identical:
 * - Least: per resource with allocatable a > 0 and requested r (node's + pod's),
 *   r > a ? 0 : trunc((a - r) × 100 / a); Most: trunc(min(r, a) × 100 / a); the node score
 *   trunc(Σ score × weight / Σ weight) over resources with a > 0 (0 when none). The sums
 *   are integers, so their order does not matter.
 * - Balanced: f = min(r / a, 1) per resource with a > 0, std = |(f1 - f2) / 2| for two
 *   (float subtraction is antisymmetric, so the order of the two does not matter), 0 for
 *   fewer; trunc((1 - std) × 100).
 *
 * Only scorers that declare their `kind` and score cpu and/or memory, each at most once, are
 * fused; anything else keeps the generic path.
 */
import { MAX_NODE_SCORE } from './framework.js';
import type { NodeTable } from './node-table.js';
import type { ResourceAllocationScorer } from './plugins/node-resources/resource-allocation.js';

export const LEAST = 0;
export const MOST = 1;
export const BALANCED = 2;

/** One scorer fused for one pod: which strategy, the weights and the pod's requests. */
export interface FusedAlloc {
  readonly kind: number;
  readonly useRequested: boolean;
  /** 0 when the resource is not scored. */
  readonly hasCpu: boolean;
  readonly hasMem: boolean;
  readonly cpuWeight: number;
  readonly memWeight: number;
  readonly podCpu: number;
  readonly podMem: number;
}

/** `a` fused for a pod whose request list (in `a.resources` order) is `podReq`, or null. */
export function fuseAlloc(a: ResourceAllocationScorer, podReq: readonly number[]): FusedAlloc | null {
  const kind = a.kind === 'LeastAllocated' ? LEAST : a.kind === 'MostAllocated' ? MOST : a.kind === 'BalancedAllocation' ? BALANCED : -1;
  if (kind < 0) return null;
  let hasCpu = false;
  let hasMem = false;
  let cpuWeight = 0;
  let memWeight = 0;
  let podCpu = 0;
  let podMem = 0;
  for (let i = 0; i < a.resources.length; i++) {
    const r = a.resources[i]!;
    if (r.name === 'cpu' && !hasCpu) {
      hasCpu = true;
      cpuWeight = r.weight;
      podCpu = podReq[i]!;
    } else if (r.name === 'memory' && !hasMem) {
      hasMem = true;
      memWeight = r.weight;
      podMem = podReq[i]!;
    } else return null;
  }
  return { kind, useRequested: a.useRequested, hasCpu, hasMem, cpuWeight, memWeight, podCpu, podMem };
}

/** The fused scorer's score of row `row`. */
export function fusedScore(f: FusedAlloc, t: NodeTable, row: number): number {
  const ac = f.hasCpu ? t.allocCpu[row]! : 0;
  const am = f.hasMem ? t.allocMem[row]! : 0;
  const rc = (f.useRequested ? t.reqCpu : t.nzCpu)[row]! + f.podCpu;
  const rm = (f.useRequested ? t.reqMem : t.nzMem)[row]! + f.podMem;
  if (f.kind === BALANCED) {
    if (ac === 0 || am === 0) return MAX_NODE_SCORE; // fewer than two resources: std 0
    let fc = rc / ac;
    if (fc > 1) fc = 1;
    let fm = rm / am;
    if (fm > 1) fm = 1;
    const std = Math.abs((fc - fm) / 2);
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
  let score = 0;
  let weights = 0;
  if (ac !== 0) {
    let s: number;
    if (f.kind === MOST) s = Math.trunc(((rc > ac ? ac : rc) * MAX_NODE_SCORE) / ac);
    else s = rc > ac ? 0 : Math.trunc(((ac - rc) * MAX_NODE_SCORE) / ac);
    score += s * f.cpuWeight;
    weights += f.cpuWeight;
  }
  if (am !== 0) {
    let s: number;
    if (f.kind === MOST) s = Math.trunc(((rm > am ? am : rm) * MAX_NODE_SCORE) / am);
    else s = rm > am ? 0 : Math.trunc(((am - rm) * MAX_NODE_SCORE) / am);
    score += s * f.memWeight;
    weights += f.memWeight;
  }
  return weights === 0 ? 0 : Math.trunc(score / weights);
}

/**
 * totals[i] += weight × the fused score of rows[i], for i < k: fusedScore's arithmetic in one
 * loop per strategy with the table's arrays in locals (the row path's hot loop). Returns the
 * first score out of [0, MAX_NODE_SCORE] (the framework's error), or -1 when all are in range.
 */
export function addFusedScores(f: FusedAlloc, t: NodeTable, rows: Int32Array, k: number, weight: number, totals: Float64Array): number {
  const allocCpu = t.allocCpu;
  const allocMem = t.allocMem;
  const usedCpu = f.useRequested ? t.reqCpu : t.nzCpu;
  const usedMem = f.useRequested ? t.reqMem : t.nzMem;
  const { hasCpu, hasMem, podCpu, podMem, cpuWeight, memWeight } = f;
  const most = f.kind === MOST;
  for (let i = 0; i < k; i++) {
    const row = rows[i]!;
    const ac = hasCpu ? allocCpu[row]! : 0;
    const am = hasMem ? allocMem[row]! : 0;
    const rc = usedCpu[row]! + podCpu;
    const rm = usedMem[row]! + podMem;
    let v: number;
    if (f.kind === BALANCED) {
      if (ac === 0 || am === 0) v = MAX_NODE_SCORE;
      else {
        let fc = rc / ac;
        if (fc > 1) fc = 1;
        let fm = rm / am;
        if (fm > 1) fm = 1;
        v = Math.trunc((1 - Math.abs((fc - fm) / 2)) * MAX_NODE_SCORE);
      }
    } else {
      let score = 0;
      let weights = 0;
      if (ac !== 0) {
        score += (most ? Math.trunc(((rc > ac ? ac : rc) * MAX_NODE_SCORE) / ac) : rc > ac ? 0 : Math.trunc(((ac - rc) * MAX_NODE_SCORE) / ac)) * cpuWeight;
        weights += cpuWeight;
      }
      if (am !== 0) {
        score += (most ? Math.trunc(((rm > am ? am : rm) * MAX_NODE_SCORE) / am) : rm > am ? 0 : Math.trunc(((am - rm) * MAX_NODE_SCORE) / am)) * memWeight;
        weights += memWeight;
      }
      v = weights === 0 ? 0 : Math.trunc(score / weights);
    }
    if (v > MAX_NODE_SCORE || v < 0) return v;
    totals[i] = totals[i]! + v * weight;
  }
  return -1;
}

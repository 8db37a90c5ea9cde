/**
 * The fused resource-allocation scorers (fast-alloc.ts) against the plugins' own scorers: for
 * random node figures (allocatable 0, requests over capacity, non-zero defaults), pod
 * requests, resource lists (cpu, memory, either order, one of them) and weights, the fused
 * loops (one row, and the row path's loop adding weight × score) give the integer the scorer does.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addFusedScores, fuseAlloc, fusedScore } from '../../src/scheduler/fast-alloc.js';
import type { NodeTable } from '../../src/scheduler/node-table.js';
import { nodeResourcesBalancedAllocation } from '../../src/scheduler/plugins/node-resources/balanced-allocation.js';
import { nodeResourcesFit } from '../../src/scheduler/plugins/node-resources/fit.js';
import { fastHintOf } from '../../src/scheduler/fast-hints.js';
import type { ResourceAllocationScorer, ResourceSpec } from '../../src/scheduler/plugins/node-resources/resource-allocation.js';

const amount = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 2 ** 40 }));
const figures = fc.record({ allocCpu: amount, allocMem: amount, reqCpu: amount, reqMem: amount, nzCpu: amount, nzMem: amount, podCpu: amount, podMem: amount });
const resources = fc.constantFrom<readonly string[]>(['cpu', 'memory'], ['memory', 'cpu'], ['cpu'], ['memory']);
const weights = fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100 }));

function scorerOf(kind: string, specs: readonly ResourceSpec[]): ResourceAllocationScorer {
  const plugin =
    kind === 'BalancedAllocation'
      ? nodeResourcesBalancedAllocation({ resources: specs })
      : nodeResourcesFit({ scoringStrategy: { type: kind as 'LeastAllocated' | 'MostAllocated', resources: specs } });
  return fastHintOf(plugin)!.allocation!;
}

describe('fused resource-allocation scorers', () => {
  it.each(['LeastAllocated', 'MostAllocated', 'BalancedAllocation'])('score as the %s scorer does', (kind) => {
    fc.assert(
      fc.property(figures, resources, weights, (f, names, [w0, w1]) => {
        const specs = names.map((name, i) => ({ name, weight: i === 0 ? w0 : w1 }));
        const a = scorerOf(kind, specs);
        const podReq = names.map((n) => (n === 'cpu' ? f.podCpu : f.podMem));
        const fused = fuseAlloc(a, podReq);
        expect(fused).not.toBeNull();
        const table = {
          allocCpu: Float64Array.of(f.allocCpu),
          allocMem: Float64Array.of(f.allocMem),
          reqCpu: Float64Array.of(f.reqCpu),
          reqMem: Float64Array.of(f.reqMem),
          nzCpu: Float64Array.of(f.nzCpu),
          nzMem: Float64Array.of(f.nzMem),
        } as unknown as NodeTable;
        const used = (n: string) => (n === 'cpu' ? (a.useRequested ? f.reqCpu : f.nzCpu) : a.useRequested ? f.reqMem : f.nzMem);
        const requested = names.map((n, i) => used(n) + podReq[i]!);
        const allocatable = names.map((n) => (n === 'cpu' ? f.allocCpu : f.allocMem));
        const expected = a.scorer(requested, allocatable);
        expect(fusedScore(fused!, table, 0)).toBe(expected);
        // The row loop: weight × score added to the row's total.
        const totals = Float64Array.of(7);
        expect(addFusedScores(fused!, table, Int32Array.of(0), 1, 3, totals)).toBe(-1);
        expect(totals[0]).toBe(7 + 3 * expected);
      }),
      { numRuns: 2000, seed: 4 },
    );
  });

  it('leaves other resources and strategies to the generic path', () => {
    expect(fuseAlloc(scorerOf('MostAllocated', [{ name: 'cpu', weight: 1 }, { name: 'example.com/gpu', weight: 1 }]), [0, 0])).toBeNull();
    expect(fuseAlloc(scorerOf('LeastAllocated', [{ name: 'cpu', weight: 1 }, { name: 'cpu', weight: 2 }]), [0, 0])).toBeNull();
    const ratio = fastHintOf(nodeResourcesFit({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } }))!.allocation!;
    expect(fuseAlloc(ratio, [0, 0])).toBeNull();
  });
});

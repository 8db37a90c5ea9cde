/**
 * activeQ's RunHeap (an ascending run in front of a binary heap) must pop exactly what a plain
 * binary heap pops under a total order, whatever the interleaving of pushes and pops: mostly
 * ascending pushes (a create of many pods), out-of-order ones (retries, higher priorities),
 * and long runs drained and refilled (the run's array is compacted on the way).
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { MinHeap } from '../../src/clock/heap.js';
import { RunHeap } from '../../src/scheduler/run-heap.js';

interface Item {
  readonly priority: number;
  readonly seq: number;
}

/** Higher priority first, then lower seq: total, as the queue's orders are. */
const less = (a: Item, b: Item): boolean => (a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq);

const opArb = fc.oneof(
  // A burst of pushes at one priority (ascending seq, like a create), or pops.
  fc.record({ push: fc.integer({ min: 1, max: 1500 }), priority: fc.integer({ min: -2, max: 2 }) }),
  fc.record({ pop: fc.integer({ min: 1, max: 1500 }) }),
);

describe('RunHeap', () => {
  it('pops in the same order as a binary heap', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 30 }), (ops) => {
        const run = new RunHeap<Item>(less);
        const heap = new MinHeap<Item>(less);
        let seq = 0;
        // Popped sequences, compared by identity once at the end (an expect per pop is slow).
        const got: (Item | undefined)[] = [];
        const want: (Item | undefined)[] = [];
        for (const op of ops) {
          if ('push' in op) {
            for (let i = 0; i < op.push; i++) {
              const item = { priority: op.priority, seq: seq++ };
              run.push(item);
              heap.push(item);
            }
          } else {
            for (let i = 0; i < op.pop; i++) {
              got.push(run.pop());
              want.push(heap.pop());
            }
          }
          if (run.size !== heap.size) return false;
        }
        while (heap.size > 0) {
          got.push(run.pop());
          want.push(heap.pop());
        }
        return run.pop() === undefined && got.length === want.length && got.every((x, i) => x === want[i]);
      }),
      { numRuns: 40, seed: 20261122 },
    );
  });
});

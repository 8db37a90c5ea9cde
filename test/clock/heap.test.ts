import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { MinHeap } from '../../src/clock/heap.js';

const numLess = (a: number, b: number): boolean => a < b;

function drain<T>(h: MinHeap<T>): T[] {
  const out: T[] = [];
  for (let x = h.pop(); x !== undefined; x = h.pop()) out.push(x);
  return out;
}

describe('MinHeap', () => {
  it('is empty to start with', () => {
    const h = new MinHeap(numLess);
    expect(h.size).toBe(0);
    expect(h.peek()).toBeUndefined();
    expect(h.pop()).toBeUndefined();
  });

  it('pops a fixed example in ascending order', () => {
    const h = new MinHeap(numLess);
    for (const x of [5, 3, 8, 1, 9, 2, 7, 3]) h.push(x);
    expect(h.size).toBe(8);
    expect(h.peek()).toBe(1);
    expect(drain(h)).toEqual([1, 2, 3, 3, 5, 7, 8, 9]);
    expect(h.size).toBe(0);
  });

  it('pops any input in sorted order (heap sort equals Array.sort)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 })), (xs) => {
        const h = new MinHeap(numLess);
        for (const x of xs) h.push(x);
        expect(h.size).toBe(xs.length);
        expect(drain(h)).toEqual([...xs].sort((a, b) => a - b));
      }),
    );
  });

  it('peek always shows the minimum under interleaved pushes and pops', () => {
    const op = fc.oneof(fc.record({ push: fc.integer({ min: 0, max: 50 }) }), fc.constant('pop' as const));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const h = new MinHeap(numLess);
        const model: number[] = [];
        for (const o of ops) {
          if (o === 'pop') {
            model.sort((a, b) => a - b);
            expect(h.pop()).toBe(model.shift());
          } else {
            h.push(o.push);
            model.push(o.push);
          }
          expect(h.size).toBe(model.length);
          expect(h.peek()).toBe(model.length === 0 ? undefined : Math.min(...model));
        }
      }),
    );
  });

  it('orders by the comparator given, e.g. a max-heap or a (key, seq) total order', () => {
    const max = new MinHeap<number>((a, b) => a > b);
    for (const x of [1, 4, 2]) max.push(x);
    expect(drain(max)).toEqual([4, 2, 1]);

    type E = { key: number; seq: number };
    const h = new MinHeap<E>((a, b) => a.key < b.key || (a.key === b.key && a.seq < b.seq));
    const es = [3, 1, 3, 1, 2].map((key, seq) => ({ key, seq }));
    for (const e of es) h.push(e);
    expect(drain(h).map((e) => `${e.key}/${e.seq}`)).toEqual(['1/1', '1/3', '2/4', '3/0', '3/2']);
  });

  it('retain drops filtered items and keeps the heap order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 })), fc.integer({ min: 2, max: 5 }), (xs, k) => {
        const h = new MinHeap(numLess);
        for (const x of xs) h.push(x);
        h.retain((x) => x % k !== 0);
        const expected = xs.filter((x) => x % k !== 0).sort((a, b) => a - b);
        expect(h.size).toBe(expected.length);
        expect(drain(h)).toEqual(expected);
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { HeldSet } from '../../src/reconcilers/node-ipam-set.js';

describe('HeldSet (node IPAM free-set)', () => {
  it('answers the lowest free index, and the freed one again after a release', () => {
    const s = new HeldSet(4, 0, 4);
    const got: (number | undefined)[] = [];
    for (let k = 0; k < 5; k++) {
      const i = s.lowestFree();
      got.push(i);
      if (i !== undefined) s.add(i);
    }
    expect(got).toEqual([0, 1, 2, 3, undefined]);
    s.remove(2);
    s.remove(1);
    expect(s.lowestFree()).toBe(1);
    s.add(1);
    expect(s.lowestFree()).toBe(2);
  });

  it('skips held indexes and keeps an index held while any holder remains', () => {
    const s = new HeldSet(8, 0, 8);
    s.add(0);
    s.add(0); // a second node given the same block by hand
    s.add(1);
    expect(s.lowestFree()).toBe(2);
    s.remove(0);
    expect(s.lowestFree()).toBe(2);
    s.remove(0);
    expect(s.lowestFree()).toBe(0);
  });

  it('hands out only [first, end): neither .0 nor the broadcast address of a /29', () => {
    // 8 addresses: .0 is the network, .7 the broadcast; .1-.6 are handed out.
    const s = new HeldSet(8, 1, 7);
    const got: number[] = [];
    for (let i = s.lowestFree(); i !== undefined; i = s.lowestFree()) {
      got.push(i);
      s.add(i);
    }
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
    s.remove(0); // an address held by hand at .0 going away frees nothing we hand out
    expect(s.lowestFree()).toBeUndefined();
    s.remove(4);
    expect(s.lowestFree()).toBe(4);
  });
});

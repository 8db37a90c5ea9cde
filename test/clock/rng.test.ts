import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../../src/clock/rng.js';
import { InternalError } from '../../src/model/errors.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// kubernetes/apimachinery pkg/util/rand/rand.go: no vowels, no 0, 1 or 3.
const SUFFIX = /^[bcdfghjklmnpqrstvwxz2456789]*$/;

/** A mixed sequence of every kind of draw, so determinism covers all of them. */
function sample(r: Rng): unknown[] {
  return [r.next(), r.int(10), r.int(1_000_003), r.intBetween(-5, 5), r.pick(['a', 'b', 'c']), r.uuid(), r.nameSuffix(), r.next()];
}

describe('Rng determinism', () => {
  // Pinned outputs: a change here changes every seeded run (uids, names, tie-breaks), so it must
  // be deliberate.
  it('produces the pinned sequence for seed 42', () => {
    const r = Rng.root(42);
    expect(r.path).toBe('42');
    expect([r.next(), r.next(), r.int(10), r.int(1000), r.uuid(), r.nameSuffix(), r.nameSuffix(10)]).toEqual([
      0.6848634963389486,
      0.5463244677521288,
      9,
      811,
      '9051243d-f6aa-4e70-8b81-d8f8a440f4fa',
      'vbmnk',
      '6xnk82pjxr',
    ]);
    const s = Rng.root(42).fork('scheduler');
    expect(s.path).toBe('42/scheduler');
    expect([s.int(100), s.int(100), s.int(100), s.uuid()]).toEqual([66, 80, 93, '18d4d1aa-9bb6-48a6-b1a2-6fc87637fd02']);
  });

  it('same seed, same sequence (any seed, every kind of draw)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), (seed) => {
        const a = Rng.root(seed);
        const b = Rng.root(seed);
        for (let i = 0; i < 5; i++) expect(sample(a)).toEqual(sample(b));
      }),
    );
  });

  it('a number seed and its string form are the same stream', () => {
    expect(sample(Rng.root(7))).toEqual(sample(Rng.root('7')));
  });

  it('different seeds give different sequences', () => {
    expect(sample(Rng.root(1))).not.toEqual(sample(Rng.root(2)));
  });
});

describe('Rng.fork', () => {
  it('names streams by path', () => {
    const root = Rng.root('seed');
    expect(root.fork('scheduler').path).toBe('seed/scheduler');
    expect(root.fork('reconcilers').fork('replicaset').path).toBe('seed/reconcilers/replicaset');
  });

  it('does not consume draws from the parent', () => {
    const plain = Rng.root(42);
    const forked = Rng.root(42);
    forked.fork('a');
    forked.fork('b').next();
    expect(sample(forked)).toEqual(sample(plain));
  });

  it('gives independent streams: drawing from fork "a" does not change fork "b"', () => {
    fc.assert(
      fc.property(fc.nat({ max: 50 }), fc.nat({ max: 50 }), (drawsFromA, drawsFromRoot) => {
        const root = Rng.root(42);
        const a = root.fork('a');
        for (let i = 0; i < drawsFromA; i++) a.next();
        for (let i = 0; i < drawsFromRoot; i++) root.next();
        const b = root.fork('b');
        expect(sample(b)).toEqual(sample(Rng.root(42).fork('b')));
      }),
    );
  });

  it('a fork is a function of its path alone, whenever it is made', () => {
    const early = Rng.root(9).fork('x');
    const root = Rng.root(9);
    for (let i = 0; i < 100; i++) root.next();
    expect(sample(root.fork('x'))).toEqual(sample(early));
    expect(sample(Rng.root(9).fork('x').fork('y'))).toEqual(sample(Rng.root(9).fork('x/y')));
  });

  it('differs from its parent and its siblings', () => {
    const root = Rng.root(42);
    const seqs = [Rng.root(42), root.fork('a'), root.fork('b')].map(sample);
    expect(seqs[1]).not.toEqual(seqs[0]);
    expect(seqs[2]).not.toEqual(seqs[0]);
    expect(seqs[2]).not.toEqual(seqs[1]);
  });

  it('rejects an empty name', () => {
    expect(() => Rng.root(1).fork('')).toThrow(InternalError);
  });
});

describe('Rng draws', () => {
  it('next() is in [0, 1) with 32-bit resolution', () => {
    const r = Rng.root('next');
    const bad: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const x = r.next();
      if (!(x >= 0 && x < 1 && Number.isInteger(x * 2 ** 32))) bad.push(x);
    }
    expect(bad).toEqual([]);
  });

  it('int(n) stays in [0, n) for any n, including 1 and 2^32', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 2 ** 32 }), (seed, n) => {
        const r = Rng.root(seed);
        for (let i = 0; i < 20; i++) {
          const x = r.int(n);
          expect(Number.isInteger(x)).toBe(true);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(n);
        }
      }),
    );
    expect(Rng.root(1).int(1)).toBe(0);
  });

  it('int(n) is roughly uniform (every bucket within 15% of its share)', () => {
    const r = Rng.root('uniform');
    const n = 27;
    const counts = new Array<number>(n).fill(0);
    const draws = 27_000;
    for (let i = 0; i < draws; i++) counts[r.int(n)]! += 1;
    for (const c of counts) expect(Math.abs(c - draws / n)).toBeLessThan(0.15 * (draws / n));
  });

  it('int(n) redraws past the largest multiple of n (rejection sampling)', () => {
    // n = 2^32 - 1: only the draw 2^32 - 1 is rejected; n = 3·2^30: draws >= 3·2^30 are
    // rejected, i.e. a quarter of them. Results must still be in range and deterministic.
    const n = 3 * 2 ** 30;
    const a = Rng.root('reject');
    const b = Rng.root('reject');
    for (let i = 0; i < 1000; i++) {
      const x = a.int(n);
      expect(x).toBeLessThan(n);
      expect(b.int(n)).toBe(x);
    }
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 32 + 1])('int(%s) is a bug', (n) => {
    expect(() => Rng.root(1).int(n)).toThrow(InternalError);
  });

  it('intBetween is inclusive at both ends', () => {
    const r = Rng.root('between');
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const x = r.intBetween(-2, 2);
      expect(x).toBeGreaterThanOrEqual(-2);
      expect(x).toBeLessThanOrEqual(2);
      seen.add(x);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    expect(r.intBetween(7, 7)).toBe(7);
    expect(() => r.intBetween(3, 2)).toThrow(InternalError);
  });

  it('pick returns an element and reaches all of them; empty is a bug', () => {
    const r = Rng.root('pick');
    const items = ['a', 'b', 'c'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) seen.add(r.pick(items));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    expect(() => r.pick([])).toThrow(InternalError);
  });

  it('uuid is RFC 4122 version 4 and does not repeat', () => {
    const r = Rng.root('uuid');
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const u = r.uuid();
      expect(u).toMatch(UUID_V4);
      seen.add(u);
    }
    expect(seen.size).toBe(2000);
  });

  it('nameSuffix uses the apimachinery alphabet, default length 5', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 64 }), (seed, len) => {
        const r = Rng.root(seed);
        const five = r.nameSuffix();
        expect(five).toHaveLength(5);
        expect(five).toMatch(SUFFIX);
        const s = r.nameSuffix(len);
        expect(s).toHaveLength(len);
        expect(s).toMatch(SUFFIX);
      }),
    );
  });

  it('nameSuffix reaches every character of the alphabet', () => {
    const r = Rng.root('alphabet');
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) for (const c of r.nameSuffix()) seen.add(c);
    expect([...seen].sort().join('')).toBe([...'bcdfghjklmnpqrstvwxz2456789'].sort().join(''));
  });

  it.each([-1, 1.5])('nameSuffix(%s) is a bug (upstream panics)', (len) => {
    expect(() => Rng.root(1).nameSuffix(len)).toThrow(InternalError);
  });
});

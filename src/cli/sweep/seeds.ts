/**
 * Seed lists and shards for `kubesim sweep`: parses `1..1000`, `1,2,5`, `1..10,20..30` into a
 * sorted list of distinct seeds, and picks one shard of it. Pure; bad input throws
 * SweepUsageError, which the CLI maps to exit status 2.
 */

/** Bad command-line input to `kubesim sweep` (a seed list, a shard, a metric, a file). */
export class SweepUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SweepUsageError';
  }
}

/** A sweep is a batch job, not a fuzzer: a million runs is already days of CPU. */
export const MAX_SEEDS = 1_000_000;

const INT = /^\d+$/;

function seedNumber(text: string, spec: string): number {
  const t = text.trim();
  if (!INT.test(t)) throw new SweepUsageError(`invalid seed "${t}" in --seeds "${spec}": seeds are non-negative integers`);
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw new SweepUsageError(`seed ${t} in --seeds "${spec}" is too large`);
  return n;
}

/**
 * `1..4,9,7..8` → [1, 2, 3, 4, 7, 8, 9]. Ranges are inclusive; overlaps and repeats count once.
 * The total is checked before any range is expanded, so `0..9007199254740991` fails fast.
 */
export function parseSeeds(spec: string): number[] {
  if (spec.trim() === '') throw new SweepUsageError('--seeds is empty');
  const ranges: [number, number][] = [];
  let total = 0;
  for (const part of spec.split(',')) {
    const dots = part.indexOf('..');
    const lo = seedNumber(dots < 0 ? part : part.slice(0, dots), spec);
    const hi = dots < 0 ? lo : seedNumber(part.slice(dots + 2), spec);
    if (hi < lo) throw new SweepUsageError(`seed range "${part.trim()}" in --seeds "${spec}" is empty (${lo} > ${hi})`);
    total += hi - lo + 1;
    if (total > MAX_SEEDS) throw new SweepUsageError(`--seeds "${spec}" names more than ${MAX_SEEDS} seeds`);
    ranges.push([lo, hi]);
  }
  // Merge the sorted ranges so repeats are dropped without a Set of every seed.
  ranges.sort((a, b) => a[0] - b[0]);
  const seeds: number[] = [];
  let next = 0; // smallest seed not yet emitted
  for (const [lo, hi] of ranges) {
    for (let s = Math.max(lo, next); s <= hi; s++) seeds.push(s);
    next = Math.max(next, hi + 1);
  }
  return seeds;
}

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `2/4` → { index: 2, count: 4 }; index must be within 1..count. */
export function parseShard(spec: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new SweepUsageError(`--shard must look like i/n (for example 1/4), got "${spec}"`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) throw new SweepUsageError(`--shard ${spec}: the shard count must be at least 1`);
  if (!Number.isSafeInteger(index) || index < 1 || index > count) throw new SweepUsageError(`--shard ${spec}: i must be between 1 and ${count}`);
  return { index, count };
}

/**
 * The seeds at positions p (0-based, in the sorted list) with p % count == index - 1. Every
 * seed lands in exactly one shard, and shards stay balanced even for a list like `1..10,1000`.
 */
export function shardSeeds(seeds: readonly number[], shard: Shard): number[] {
  return seeds.filter((_, p) => p % shard.count === shard.index - 1);
}

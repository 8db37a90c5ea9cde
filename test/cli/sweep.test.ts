import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  aggregate,
  canonicalJson,
  mergeSweeps,
  metricStats,
  nearestRank,
  parseMetrics,
  parseSweepResult,
  type SeedResult,
} from '../../src/cli/sweep/aggregate.js';
import { MAX_SEEDS, parseSeeds, parseShard, shardSeeds, SweepUsageError } from '../../src/cli/sweep/seeds.js';
import { chunkSeeds, MAX_CHUNK } from '../../src/cli/sweep/sweep.js';

describe('parseSeeds', () => {
  it.each`
    spec                | seeds
    ${'1..5'}           | ${[1, 2, 3, 4, 5]}
    ${'1,2,5'}          | ${[1, 2, 5]}
    ${'1..3,7..8'}      | ${[1, 2, 3, 7, 8]}
    ${'7..8,1..3'}      | ${[1, 2, 3, 7, 8]}
    ${'1..4,3..6,5'}    | ${[1, 2, 3, 4, 5, 6]}
    ${'0'}              | ${[0]}
    ${' 2 .. 3 , 9 '}   | ${[2, 3, 9]}
    ${'4..4'}           | ${[4]}
  `('$spec → $seeds', ({ spec, seeds }: { spec: string; seeds: number[] }) => {
    expect(parseSeeds(spec)).toEqual(seeds);
  });

  it.each`
    spec                      | message
    ${''}                     | ${'--seeds is empty'}
    ${'5..1'}                 | ${'is empty (5 > 1)'}
    ${'a'}                    | ${'invalid seed "a"'}
    ${'1..'}                  | ${'invalid seed ""'}
    ${'-1'}                   | ${'invalid seed "-1"'}
    ${'1.5'}                  | ${'invalid seed "1.5"'}
    ${'1,,2'}                 | ${'invalid seed ""'}
    ${'99999999999999999999'} | ${'too large'}
    ${'1..1000001'}           | ${`more than ${MAX_SEEDS} seeds`}
    ${'0..9007199254740991'}  | ${`more than ${MAX_SEEDS} seeds`}
  `('rejects "$spec"', ({ spec, message }: { spec: string; message: string }) => {
    expect(() => parseSeeds(spec)).toThrow(SweepUsageError);
    expect(() => parseSeeds(spec)).toThrow(message);
  });

  it('gives sorted, distinct seeds covering exactly the named ranges', () => {
    const range = fc.tuple(fc.nat(200), fc.nat(20)).map(([lo, len]) => [lo, lo + len] as const);
    fc.assert(
      fc.property(fc.array(range, { minLength: 1, maxLength: 6 }), (ranges) => {
        const seeds = parseSeeds(ranges.map(([lo, hi]) => `${lo}..${hi}`).join(','));
        const expected = [...new Set(ranges.flatMap(([lo, hi]) => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i)))].sort((a, b) => a - b);
        expect(seeds).toEqual(expected);
      }),
    );
  });
});

describe('shards', () => {
  it.each`
    spec     | index | count
    ${'1/1'} | ${1}  | ${1}
    ${'1/2'} | ${1}  | ${2}
    ${'2/2'} | ${2}  | ${2}
    ${'3/8'} | ${3}  | ${8}
  `('parses $spec', ({ spec, index, count }: { spec: string; index: number; count: number }) => {
    expect(parseShard(spec)).toEqual({ index, count });
  });

  it.each(['0/2', '3/2', '1/0', '2', 'a/b', '1/2/3', '-1/2'])('rejects --shard %s', (spec) => {
    expect(() => parseShard(spec)).toThrow(SweepUsageError);
  });

  it('takes positions p with p % n == i-1 of the sorted list', () => {
    const seeds = parseSeeds('1..5,100');
    expect(shardSeeds(seeds, { index: 1, count: 2 })).toEqual([1, 3, 5]);
    expect(shardSeeds(seeds, { index: 2, count: 2 })).toEqual([2, 4, 100]);
    expect(shardSeeds(seeds, { index: 3, count: 4 })).toEqual([3]);
  });

  it('shards are disjoint and cover every seed', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(10_000), { maxLength: 60 }), fc.integer({ min: 1, max: 9 }), (raw, count) => {
        const seeds = [...raw].sort((a, b) => a - b);
        const parts = Array.from({ length: count }, (_, i) => shardSeeds(seeds, { index: i + 1, count }));
        const union = parts.flat().sort((a, b) => a - b);
        expect(union).toEqual(seeds); // covers, and no seed twice
        for (const p of parts) expect(p.length === Math.floor(seeds.length / count) || p.length === Math.ceil(seeds.length / count)).toBe(true);
      }),
    );
  });
});

describe('chunkSeeds', () => {
  it.each`
    seeds     | threads | size | chunks | why
    ${200}    | ${2}    | ${6} | ${39}  | ${'⌊200 / (2 × 16)⌋ = 6; 30 chunks of 6, then 5, 4, 3, 2, 2, 1, 1, 1, 1'}
    ${200}    | ${1}    | ${8} | ${25}  | ${'⌊200 / 16⌋ = 12, capped at MAX_CHUNK'}
    ${20}     | ${2}    | ${1} | ${20}  | ${'a short sweep keeps one seed per task'}
    ${1}      | ${4}    | ${1} | ${1}   | ${'never an empty chunk'}
    ${10_000} | ${64}   | ${8} | ${1469} | ${'⌊10000 / 1024⌋ = 9, capped; smaller once fewer than 1,024 are left'}
  `('$seeds seeds on $threads threads: chunks of $size ($why)', ({ seeds, threads, size, chunks }: { seeds: number; threads: number; size: number; chunks: number }) => {
    const got = chunkSeeds(Array.from({ length: seeds }, (_, i) => i + 1), threads);
    expect(got).toHaveLength(chunks);
    expect(got[0]).toHaveLength(size);
    expect(size).toBeLessThanOrEqual(MAX_CHUNK);
  });

  it('ends a multi-thread sweep on one-seed chunks, sizes never growing, so threads finish together', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 2, max: 16 }), (n, threads) => {
        const sizes = chunkSeeds(Array.from({ length: n }, (_, i) => i), threads).map((c) => c.length);
        expect(sizes.at(-1)).toBe(1);
        for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]!);
        // Every chunk is at most half of one thread's share of what was left when it was cut.
        let left = n;
        for (const s of sizes) {
          expect(s).toBeLessThanOrEqual(Math.max(1, Math.ceil(left / (threads * 2))));
          left -= s;
        }
      }),
    );
  });

  it('keeps equal chunks on one thread (no one waits for it)', () => {
    expect(chunkSeeds(Array.from({ length: 200 }, (_, i) => i), 1).map((c) => c.length)).toEqual([...Array<number>(25).fill(8)]);
  });

  it('keeps every seed exactly once, in order', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(5000), { maxLength: 400 }), fc.integer({ min: 1, max: 8 }), (raw, threads) => {
        const seeds = [...raw].sort((a, b) => a - b);
        const chunks = chunkSeeds(seeds, threads);
        expect(chunks.flat()).toEqual(seeds);
        for (const c of chunks) expect(c.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('percentiles', () => {
  // Nearest-rank method, worked examples from Wikipedia "Percentile" (ordinal rank ⌈P/100 × N⌉).
  it.each`
    values                        | p      | value
    ${[15, 20, 35, 40, 50]}       | ${5}   | ${15}
    ${[15, 20, 35, 40, 50]}       | ${30}  | ${20}
    ${[15, 20, 35, 40, 50]}       | ${40}  | ${20}
    ${[15, 20, 35, 40, 50]}       | ${50}  | ${35}
    ${[15, 20, 35, 40, 50]}       | ${100} | ${50}
    ${[3, 6, 7, 8, 8, 10, 13, 15, 16, 20]} | ${25} | ${7}
    ${[3, 6, 7, 8, 8, 10, 13, 15, 16, 20]} | ${50} | ${8}
    ${[3, 6, 7, 8, 8, 10, 13, 15, 16, 20]} | ${75} | ${15}
    ${[10, 20, 30, 40, 50, 60]}   | ${90}  | ${60}
    ${[7]}                        | ${99}  | ${7}
    ${[7]}                        | ${0}   | ${7}
  `('p$p of $values = $value', ({ values, p, value }: { values: number[]; p: number; value: number }) => {
    expect(nearestRank(values, p)).toBe(value);
  });

  it('p50/p90/p99 of 1..100 are 50/90/99 (rank = p exactly)', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted on purpose
    expect(metricStats(values)).toEqual({ count: 100, min: 1, p50: 50, p90: 90, p99: 99, max: 100 });
    expect(metricStats([])).toEqual({ count: 0 });
  });
});

describe('parseMetrics', () => {
  it('defaults to all, keeps the built-in order, rejects unknown names', () => {
    expect(parseMetrics(undefined)).toEqual(['duration', 'rolloutMs', 'pendingPods']);
    expect(parseMetrics('pendingPods,duration')).toEqual(['duration', 'pendingPods']);
    expect(parseMetrics('duration,duration')).toEqual(['duration']);
    expect(() => parseMetrics('duration,latency')).toThrow('unknown metric "latency"');
  });
});

const SCENARIO = { name: 's', sha256: 'ab'.repeat(32) };
const METRICS = ['duration', 'rolloutMs', 'pendingPods'] as const;

function result(seed: number, status: SeedResult['status'] = 'passed', extra: Partial<SeedResult> = {}): SeedResult {
  return {
    seed,
    status,
    failed: status === 'failed' ? [`expectation of seed ${seed}`] : [],
    traceHash: `h${seed}`,
    endMs: 1000 * seed,
    metrics: { duration: 1000 * seed, pendingPods: seed % 3, ...(seed % 2 === 0 ? { rolloutMs: 500 * seed } : {}) },
    ...extra,
  };
}

describe('aggregate', () => {
  it('counts, sorts failing seeds, and computes per-metric stats over the seeds that have them', () => {
    const a = aggregate(SCENARIO, METRICS, [result(4, 'failed'), result(1), result(3, 'skipped'), result(2, 'failed'), result(5)]);
    expect(a).toMatchObject({ seeds: 5, passed: 2, failed: 2, skipped: 1, failingSeeds: [2, 4] });
    expect(a.results.map((r) => r.seed)).toEqual([1, 2, 3, 4, 5]);
    expect(a.stats.duration).toEqual({ count: 5, min: 1000, p50: 3000, p90: 5000, p99: 5000, max: 5000 });
    expect(a.stats.rolloutMs).toEqual({ count: 2, min: 1000, p50: 1000, p90: 2000, p99: 2000, max: 2000 });
    expect(a.stats.pendingPods).toEqual({ count: 5, min: 0, p50: 1, p90: 2, p99: 2, max: 2 });
    expect(a.aggregateHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order results arrive in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(500), { minLength: 1, maxLength: 30 }), fc.integer(), (seeds, salt) => {
        const rs = seeds.map((s) => result(s, (s + salt) % 4 === 0 ? 'failed' : 'passed'));
        const shuffled = [...rs].sort((x, y) => ((x.seed * 7919 + salt) % 101) - ((y.seed * 7919 + salt) % 101));
        expect(JSON.stringify(aggregate(SCENARIO, METRICS, shuffled))).toBe(JSON.stringify(aggregate(SCENARIO, METRICS, rs)));
      }),
    );
  });

  it('the hash changes with any per-seed detail', () => {
    const base = aggregate(SCENARIO, METRICS, [result(1), result(2)]).aggregateHash;
    expect(aggregate(SCENARIO, METRICS, [result(1), result(2, 'passed', { traceHash: 'other' })]).aggregateHash).not.toBe(base);
    expect(aggregate(SCENARIO, METRICS, [result(1), result(2, 'passed', { endMs: 1 })]).aggregateHash).not.toBe(base);
  });

  it('rejects a seed given twice', () => {
    expect(() => aggregate(SCENARIO, METRICS, [result(1), result(1)])).toThrow('seed 1 appears twice');
  });

  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe('merge', () => {
  it('shards merged equal the whole sweep, for any shard count', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(300), { maxLength: 25 }), fc.integer({ min: 1, max: 5 }), (raw, count) => {
        const seeds = [...raw].sort((a, b) => a - b);
        const whole = aggregate(SCENARIO, METRICS, seeds.map((s) => result(s, s % 5 === 0 ? 'failed' : 'passed')));
        const shards = Array.from({ length: count }, (_, i) => {
          const shard = { index: i + 1, count };
          const part = aggregate(SCENARIO, METRICS, shardSeeds(seeds, shard).map((s) => result(s, s % 5 === 0 ? 'failed' : 'passed')), shard);
          return parseSweepResult(JSON.stringify(part, null, 2), `shard${i + 1}.json`); // through the file format
        });
        expect(JSON.stringify(mergeSweeps(shards))).toBe(JSON.stringify(whole));
      }),
    );
  });

  it('refuses mismatched, overlapping or tampered inputs', () => {
    const a = aggregate(SCENARIO, METRICS, [result(1)]);
    expect(() => mergeSweeps([a, aggregate({ ...SCENARIO, sha256: 'cd'.repeat(32) }, METRICS, [result(2)])])).toThrow('different scenarios');
    expect(() => mergeSweeps([a, aggregate(SCENARIO, ['duration'], [result(2)])])).toThrow('different --metrics');
    expect(() => mergeSweeps([a, a])).toThrow('seed 1 appears twice');
    expect(() => mergeSweeps([])).toThrow(SweepUsageError);
    const tampered = JSON.stringify({ ...a, results: [{ ...a.results[0], status: 'passed', endMs: 1 }] });
    expect(() => parseSweepResult(tampered, 'x.json')).toThrow('aggregateHash does not match');
    expect(() => parseSweepResult('{', 'x.json')).toThrow('x.json: invalid JSON');
    expect(() => parseSweepResult('{"kind":"Scenario"}', 'x.json')).toThrow('not the JSON output');
    expect(() => parseSweepResult(JSON.stringify({ ...a, results: [{ seed: -1 }] }), 'x.json')).toThrow('results[0]: not a kubesim sweep seed result');
  });
});

// Runs the BUILT CLI as a user would (after `npx tsc -p tsconfig.build.json`): the pool's
// worker is dist/cli/sweep/worker.js, so the source tree alone cannot run a sweep.
describe('kubesim sweep (built CLI)', () => {
  const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
  const EXAMPLE = new URL('../../examples/bad-rollout-undo/scenario.yaml', import.meta.url).pathname;
  const kubesim = (...args: string[]) => spawnSync('node', [BIN, ...args], { encoding: 'utf8' });

  beforeAll(() => {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  }, 180_000);

  it('1 worker, 2 workers and 2 merged shards give the identical aggregate', () => {
    const one = kubesim('sweep', EXAMPLE, '--seeds', '1..6', '--workers', '1', '--output', 'json');
    expect(one.stderr).toBe('');
    expect(one.status).toBe(0);
    const two = kubesim('sweep', EXAMPLE, '--seeds', '1..6', '--workers', '2', '--output', 'json');
    expect(two.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-sweep-'));
    const files = ['1/2', '2/2'].map((shard, i) => {
      const r = kubesim('sweep', EXAMPLE, '--seeds', '1..6', '--shard', shard, '--workers', '1', '--output', 'json');
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ shard, seeds: 3 });
      const file = join(dir, `shard${i + 1}.json`);
      writeFileSync(file, r.stdout);
      return file;
    });
    const merged = kubesim('sweep', '--merge', ...files, '--output', 'json');
    expect(merged.status).toBe(0);

    const report = JSON.parse(one.stdout) as { seeds: number; passed: number; failingSeeds: number[]; results: { seed: number; traceHash: string }[]; stats: Record<string, { count: number }> };
    expect(report).toMatchObject({ kind: 'SweepResult', scenario: { name: 'bad-rollout-undo' }, seeds: 6, passed: 6, failed: 0, skipped: 0, failingSeeds: [] });
    expect(report.results.map((r) => r.seed)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(report.results.map((r) => r.traceHash)).size).toBe(6); // the seed reached the cluster
    expect(report.stats.duration?.count).toBe(6);
    expect(two.stdout).toBe(one.stdout);
    expect(merged.stdout).toBe(one.stdout);

    const text = kubesim('sweep', EXAMPLE, '--seeds', '1..2', '--workers', '2');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^SWEEP bad-rollout-undo: 2 seeds, 2 passed, 0 failed, 0 skipped$/m);
    expect(text.stdout).toMatch(/^duration {3,}2 /m);
    expect(text.stderr).toBe(''); // no progress bar when stderr is not a terminal
  }, 120_000);

  it('draws a progress bar on a terminal, on stderr only, and never with --output json', () => {
    // A preload that makes stderr claim to be a terminal, so the bar's bytes land in a pipe we can read.
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-tty-'));
    const tty = join(dir, 'tty.mjs');
    writeFileSync(tty, "Object.defineProperty(process.stderr, 'isTTY', { value: true });\nprocess.stderr.columns = 200;\n");
    const onTty = (...args: string[]) => spawnSync('node', ['--import', tty, BIN, 'sweep', EXAMPLE, '--seeds', '1..3', '--workers', '2', ...args], { encoding: 'utf8' });

    const text = onTty();
    expect(text.status).toBe(0);
    expect(text.stderr).toMatch(/\r\x1b\[K\[#{24}\] 3\/3 seeds 100%/);
    // src/ reads no wall clock: the CLI bar has no elapsed time or ETA.
    expect(text.stderr).not.toMatch(/elapsed|ETA/);
    expect(text.stderr.endsWith('\r\x1b[K')).toBe(true); // erased when done: the summary starts on a clean line
    expect(text.stdout).not.toContain('\r');
    expect(text.stdout).toMatch(/^SWEEP bad-rollout-undo: 3 seeds, 3 passed/m);

    const json = onTty('--output', 'json');
    expect(json.status).toBe(0);
    expect(json.stderr).toBe('');
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'SweepResult', seeds: 3 });
  }, 60_000);

  it('exits 1 and lists the failing seeds when expectations fail', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-sweep-'));
    const file = join(dir, 'fail.yaml');
    writeFileSync(file, 'apiVersion: kubesim.dev/v1alpha1\nkind: Scenario\nmetadata: { name: f }\ncluster: { nodes: 1 }\nexpect:\n  - { kubectl: "get nodes", contains: "no-such-node" }\n');
    const r = kubesim('sweep', file, '--seeds', '3,1', '--workers', '2', '--output', 'json');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { failingSeeds: number[]; results: { failed: string[] }[] };
    expect(out.failingSeeds).toEqual([1, 3]);
    expect(out.results[0]?.failed).toEqual(['kubectl get nodes contains "no-such-node"']);
  }, 60_000);

  it.each`
    args                                                       | message
    ${[EXAMPLE, '--seeds', '5..1']}                            | ${'is empty (5 > 1)'}
    ${[EXAMPLE]}                                               | ${'needs --seeds'}
    ${[EXAMPLE, '--seeds', '1..2', '--shard', '3/2']}          | ${'i must be between 1 and 2'}
    ${[EXAMPLE, '--seeds', '1..2', '--metrics', 'x']}          | ${'unknown metric "x"'}
    ${[EXAMPLE, '--seeds', '1..2', '--workers', '0']}          | ${'--workers must be between 1'}
    ${['missing.yaml', '--seeds', '1']}                        | ${'cannot read missing.yaml: ENOENT'}
    ${['--merge', 'missing.json']}                             | ${'cannot read missing.json: ENOENT'}
    ${['--merge', EXAMPLE]}                                    | ${'invalid JSON'}
  `('exits 2: $message', ({ args, message }: { args: string[]; message: string }) => {
    const r = kubesim('sweep', ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

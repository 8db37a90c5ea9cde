/**
 * Runs one scenario over many seeds on a pool of worker threads (tinypool) and aggregates the
 * results.
 *
 * The main thread reads and validates the scenario once (a bad file is a usage error before
 * any worker starts) and gives every worker the same text once, as workerData; tasks are
 * small chunks of seeds (chunkSeeds). The main thread only queues chunks and collects
 * results, so it stays idle while the workers run. Results are aggregated by seed, so the
 * worker count and the chunking change only the wall time, never the output.
 *
 * Why a sweep on 2 workers is not twice as fast as on 1 (measured, see docs/sweeps.md): each
 * worker is its own V8 isolate and JIT-compiles the simulator by itself, and a short scenario
 * needs on the order of a hundred seeds before its code is optimized. On 1 worker that
 * compilation runs on V8's helper threads, on the otherwise idle second core; on 2 workers it
 * is paid twice and competes with the runs. Even after warm-up the helpers keep ~20% of a
 * worker's CPU busy (functions that get hot late, re-compiles after deoptimizations, GC); V8 flags only move that work
 * onto the workers, so the pool does not set any.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Tinypool from 'tinypool';
import { parseScenario } from '../scenario/runner.js';
import { ScenarioError } from '../scenario/schema.js';
import { aggregate, type MetricName, type SeedResult, type SweepResult } from './aggregate.js';
import { SweepUsageError, type Shard } from './seeds.js';
import type { SweepTask, SweepTaskResult, SweepWorkerData } from './worker.js';

/** More threads than this only adds memory; a 2-core laptop and a 64-core runner both fit. */
export const MAX_WORKERS = 256;

export interface SweepOptions {
  readonly file: string;
  /** Sorted, distinct seeds (parseSeeds, then shardSeeds when sharding). */
  readonly seeds: readonly number[];
  readonly workers: number;
  readonly metrics: readonly MetricName[];
  /** Recorded in the output; `seeds` must already be this shard's. */
  readonly shard?: Shard;
  /** Called after each chunk of seeds finishes, in completion order. */
  readonly onProgress?: (done: number, total: number, failed: number) => void;
}

/** At most this many seeds per task: a chunk is the unit of load balancing and of progress. */
export const MAX_CHUNK = 8;

/**
 * Splits sorted seeds into consecutive chunks: about 16 chunks per thread, so no thread waits
 * long at the end, and at most MAX_CHUNK seeds each, so progress moves often. One message per
 * chunk instead of one per seed keeps the main thread out of the way.
 * Example: 200 seeds, 2 threads → ⌊200 / 32⌋ = 6 seeds per chunk.
 *
 * With more than one thread the last chunks get smaller (guided self-scheduling): a chunk
 * holds at most half of one thread's share of the seeds not yet handed out, so the sweep
 * ends on one-seed chunks and the threads finish within about one seed of each other instead
 * of one whole chunk, while every core is busy (200 seeds on 2 threads: 30 chunks of 6, then
 * 5, 4, 3, 2, 2, 1, 1, 1, 1). One thread has no one to wait for, so its chunks stay equal.
 */
export function chunkSeeds(seeds: readonly number[], threads: number): number[][] {
  const size = Math.max(1, Math.min(MAX_CHUNK, Math.trunc(seeds.length / (threads * 16))));
  const chunks: number[][] = [];
  for (let i = 0; i < seeds.length; ) {
    const left = seeds.length - i;
    const n = threads > 1 ? Math.min(size, Math.ceil(left / (threads * 2))) : size;
    chunks.push(seeds.slice(i, i + n));
    i += n;
  }
  return chunks;
}

/** Reads a file for the sweep; a missing or unreadable file is bad usage (exit 2). */
export function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new SweepUsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Throws SweepUsageError for unreadable files and ScenarioError for invalid scenarios. */
export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  if (!Number.isSafeInteger(opts.workers) || opts.workers < 1 || opts.workers > MAX_WORKERS) {
    throw new SweepUsageError(`--workers must be between 1 and ${MAX_WORKERS}, got ${opts.workers}`);
  }
  const text = readInput(opts.file);
  const scenario = parseScenario(text);
  const id = { name: scenario.name, sha256: createHash('sha256').update(text).digest('hex') };
  const base = dirname(resolve(opts.file));
  const results: SeedResult[] = [];
  if (opts.seeds.length > 0) {
    const threads = Math.min(opts.workers, opts.seeds.length);
    const workerData: SweepWorkerData = { scenarioText: text, baseDir: base, metrics: opts.metrics };
    // minThreads = maxThreads: every worker starts (and loads the simulator) at once and stays
    // up until the sweep ends, instead of being started on demand or retired when idle.
    const pool = new Tinypool({ filename: new URL('./worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads, workerData });
    let failed = 0;
    try {
      const runs = chunkSeeds(opts.seeds, threads).map(async (seeds) => {
        const task: SweepTask = { seeds };
        const r = (await pool.run(task)) as SweepTaskResult;
        if (!r.ok) throw new ScenarioError('', r.invalid);
        for (const x of r.results) {
          results.push(x);
          if (x.status === 'failed') failed++;
        }
        opts.onProgress?.(results.length, opts.seeds.length, failed);
      });
      await Promise.all(runs);
    } finally {
      await pool.destroy();
    }
  }
  return aggregate(id, opts.metrics, results, opts.shard);
}

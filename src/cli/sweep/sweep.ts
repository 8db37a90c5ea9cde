/**
 * Runs one scenario over many seeds on a pool of worker threads (tinypool), one task per
 * seed so a slow seed never holds up a whole batch, and aggregates the results.
 *
 * The main thread reads and validates the scenario once (a bad file is a usage error before
 * any worker starts) and hands every worker the same text. Results are aggregated by seed,
 * so the worker count changes only the wall time, never the output.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Tinypool from 'tinypool';
import { parseScenario } from '../scenario/runner.js';
import { ScenarioError } from '../scenario/schema.js';
import { aggregate, type MetricName, type SeedResult, type SweepResult } from './aggregate.js';
import { SweepUsageError, type Shard } from './seeds.js';
import type { SweepTask, SweepTaskResult } from './worker.js';

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
  /** Called after each seed finishes, in completion order. */
  readonly onProgress?: (done: number, total: number, failed: number) => void;
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
    const pool = new Tinypool({ filename: new URL('./worker.js', import.meta.url).href, minThreads: threads, maxThreads: threads });
    let failed = 0;
    try {
      const runs = opts.seeds.map(async (seed) => {
        const task: SweepTask = { scenarioText: text, baseDir: base, seed, metrics: opts.metrics };
        const r = (await pool.run(task)) as SweepTaskResult;
        if (!r.ok) throw new ScenarioError('', r.invalid);
        results.push(r.result);
        if (r.result.status === 'failed') failed++;
        opts.onProgress?.(results.length, opts.seeds.length, failed);
      });
      await Promise.all(runs);
    } finally {
      await pool.destroy();
    }
  }
  return aggregate(id, opts.metrics, results, opts.shard);
}

/**
 * The pool worker of `kubesim sweep` (tinypool loads dist/cli/sweep/worker.js in each worker
 * thread): runs one scenario for a chunk of seeds and returns each seed's result as plain data.
 *
 * The scenario comes once per worker, as workerData, and is parsed when the worker loads —
 * while the main thread is still queueing work — so a task is only a list of seeds. Each run
 * builds its own cluster from its seed, so a worker keeps nothing between seeds but the parsed
 * scenario and the manifest files it read, both pure functions of the sweep's input: which
 * worker runs a seed, and after which other seeds, cannot change its result.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Tinypool from 'tinypool';
import { KubesimError } from '../../model/errors.js';
import { parseScenario, runScenario } from '../scenario/runner.js';
import { ScenarioError, type Scenario } from '../scenario/schema.js';
import { seedResult, type MetricName, type SeedResult } from './aggregate.js';

/** What every worker of one sweep shares (tinypool's workerData). */
export interface SweepWorkerData {
  /** The scenario file's text (read once by the main thread, so every worker runs the same bytes). */
  readonly scenarioText: string;
  /** Directory manifest paths are relative to. */
  readonly baseDir: string;
  readonly metrics: readonly MetricName[];
}

/** One task: a few seeds, run in order. */
export interface SweepTask {
  readonly seeds: readonly number[];
}

export type SweepTaskResult = { readonly ok: true; readonly results: readonly SeedResult[] } | { readonly ok: false; readonly invalid: string };

type Loaded = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly invalid: string };

// Tinypool's own accessor: the thread's raw workerData also carries the pool's private state.
const data = Tinypool.workerData as SweepWorkerData | undefined;
const files = new Map<string, string>();

function load(): Loaded {
  try {
    return { ok: true, scenario: parseScenario(data!.scenarioText) };
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, invalid: e.message };
    throw e;
  }
}
// At module load: the parse overlaps the main thread's start-up instead of the first task.
const loaded = data !== undefined && data !== null ? load() : undefined;

function readFile(path: string): string {
  const full = resolve(data!.baseDir, path);
  let text = files.get(full);
  if (text === undefined) {
    text = readFileSync(full, 'utf8');
    files.set(full, text);
  }
  return text;
}

function runOne(scenario: Scenario, seed: number): SeedResult | { invalid: string } {
  try {
    const report = runScenario(scenario, { seed, readFile, metrics: true });
    return seedResult(seed, report, data!.metrics);
  } catch (e) {
    if (e instanceof ScenarioError) return { invalid: e.message };
    // An API error escaping the run (say, a step limit) fails this seed, not the whole sweep.
    if (e instanceof KubesimError) return { seed, status: 'failed', failed: [], reason: `error: ${e.message}`, traceHash: '', endMs: 0, metrics: {} };
    throw e;
  }
}

export default function runSeeds(task: SweepTask): SweepTaskResult {
  if (loaded === undefined) throw new Error('kubesim sweep worker started without workerData');
  if (!loaded.ok) return loaded;
  const results: SeedResult[] = [];
  for (const seed of task.seeds) {
    const r = runOne(loaded.scenario, seed);
    if ('invalid' in r) return { ok: false, invalid: r.invalid };
    results.push(r);
  }
  return { ok: true, results };
}

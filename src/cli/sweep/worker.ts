/**
 * The pool worker of `kubesim sweep` (tinypool loads dist/cli/sweep/worker.js in each worker
 * thread): runs one scenario for one seed and returns the seed's result as plain data.
 *
 * Each run builds its own cluster from the seed, so a worker keeps nothing between tasks but
 * the parsed scenario and the manifest files it read — both pure functions of the task.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KubesimError } from '../../model/errors.js';
import { parseScenario, runScenario } from '../scenario/runner.js';
import { ScenarioError, type Scenario } from '../scenario/schema.js';
import { seedResult, type MetricName, type SeedResult } from './aggregate.js';

export interface SweepTask {
  /** The scenario file's text (read once by the main thread, so every worker runs the same bytes). */
  readonly scenarioText: string;
  /** Directory manifest paths are relative to. */
  readonly baseDir: string;
  readonly seed: number;
  readonly metrics: readonly MetricName[];
}

export type SweepTaskResult = { readonly ok: true; readonly result: SeedResult } | { readonly ok: false; readonly invalid: string };

// One scenario per sweep, so a one-entry cache: parse once per worker, not once per seed.
let cached: { text: string; scenario: Scenario; files: Map<string, string> } | undefined;

export default function runSeed(task: SweepTask): SweepTaskResult {
  if (cached?.text !== task.scenarioText) {
    try {
      cached = { text: task.scenarioText, scenario: parseScenario(task.scenarioText), files: new Map() };
    } catch (e) {
      if (e instanceof ScenarioError) return { ok: false, invalid: e.message };
      throw e;
    }
  }
  const { scenario, files } = cached;
  const readFile = (path: string): string => {
    const full = resolve(task.baseDir, path);
    let text = files.get(full);
    if (text === undefined) {
      text = readFileSync(full, 'utf8');
      files.set(full, text);
    }
    return text;
  };
  try {
    const report = runScenario(scenario, { seed: task.seed, readFile, metrics: true });
    return { ok: true, result: seedResult(task.seed, report, task.metrics) };
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, invalid: e.message };
    // An API error escaping the run (say, a step limit) fails this seed, not the whole sweep.
    if (e instanceof KubesimError) {
      return { ok: true, result: { seed: task.seed, status: 'failed', failed: [], reason: `error: ${e.message}`, traceHash: '', endMs: 0, metrics: {} } };
    }
    throw e;
  }
}

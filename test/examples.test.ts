import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario, type ScenarioReport } from '../src/cli/scenario/runner.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function runExample(path: string): { report: ScenarioReport; log: string } {
  const file = resolve(ROOT, path);
  const lines: string[] = [];
  const report = runScenario(parseScenario(readFileSync(file, 'utf8')), {
    readFile: (p) => readFileSync(resolve(dirname(file), p), 'utf8'),
    onProgress: (l) => lines.push(l),
  });
  return { report, log: lines.join('\n') };
}

// Every example scenario runs through the same runner `kubesim run` uses, in-process.
describe('examples/', () => {
  it.each([
    'examples/voting-app/scenario.yaml',
    'examples/guestbook/scenario.yaml',
    'examples/zone-outage/scenario.yaml',
    'examples/bad-rollout-undo/scenario.yaml',
    'examples/rollout-under-node-failure/scenario.yaml',
    'examples/bin-packing-comparison/least-allocated.yaml',
    'examples/bin-packing-comparison/most-allocated.yaml',
  ])('%s passes', (path) => {
    const { report, log } = runExample(path);
    expect({ status: report.status, reason: report.reason, log }).toEqual({ status: 'passed', reason: undefined, log });
    expect(report.expectations.length).toBeGreaterThan(0);
  });

  it('examples/drain-with-pdb/scenario.yaml passes', () => {
    const { report, log } = runExample('examples/drain-with-pdb/scenario.yaml');
    expect({ status: report.status, log }).toEqual({ status: 'passed', log });
  });

  it('runs are deterministic: the same scenario gives the same trace hash', () => {
    expect(runExample('examples/bad-rollout-undo/scenario.yaml').report.traceHash).toBe(runExample('examples/bad-rollout-undo/scenario.yaml').report.traceHash);
  });
});

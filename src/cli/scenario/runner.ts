/**
 * Runs a Scenario: builds the cluster, applies the manifests (through `kubectl apply`, so
 * they are strictly decoded), runs the timed steps in virtual time, and checks the
 * expectations. Returns a report; `kubesim run` turns it into text or JSON and an exit code.
 *
 * A scenario that needs a cluster feature this build lacks (faults, drain) ends `skipped` with
 * the reason, rather than failing or passing silently.
 */
import { parse } from 'yaml';
import { formatDuration } from '../../clock/duration.js';
import { KubesimError } from '../../model/errors.js';
import { forEachObject } from '../../model/store.js';
import { createCluster, type Cluster, type ClusterOptions } from '../../sim/cluster.js';
import { KubectlError, runKubectl } from '../../kubectl/index.js';
import { ScenarioError, validateScenario, type Expectation, type ManifestRef, type Scenario, type Step } from './schema.js';

/** Scenario files are configuration, not bulk data: anything larger is refused. */
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;

export type ScenarioStatus = 'passed' | 'failed' | 'skipped';

export interface StepReport {
  readonly atMs: number;
  readonly action: string;
  readonly ok: boolean;
  readonly output?: string;
  readonly error?: string;
}

export interface ExpectationReport {
  readonly atMs: number;
  readonly description: string;
  readonly passed: boolean;
  readonly actual: string;
}

export interface ScenarioReport {
  readonly name: string;
  readonly seed: string;
  readonly status: ScenarioStatus;
  readonly reason?: string;
  readonly steps: StepReport[];
  readonly expectations: ExpectationReport[];
  readonly endMs: number;
  readonly traceHash: string;
  /** Present only when `RunOptions.metrics` asks for it (kept out of `kubesim run` output). */
  readonly metrics?: ScenarioMetrics;
}

/** Numbers `kubesim sweep` aggregates across seeds, read from the run's final state. */
export interface ScenarioMetrics {
  /** Virtual time at the end of the run. */
  readonly durationMs: number;
  /**
   * Virtual time at which the last passing `rollout ... done: true` expectation held (with a
   * `within`, the moment it first held); absent when the scenario has no such expectation.
   */
  readonly rolloutMs?: number;
  /** Pods whose status.phase is Pending at the end (unscheduled or not yet started). */
  readonly pendingPods: number;
}

export interface RunOptions {
  /** Overrides `cluster.seed`. */
  readonly seed?: string | number;
  /** Reads a manifest path relative to the scenario (the CLI passes a file-system reader). */
  readonly readFile?: (path: string) => string;
  /** Called with each line of progress as it happens. */
  readonly onProgress?: (line: string) => void;
  /** Adds `metrics` to the report. */
  readonly metrics?: boolean;
}

/** Marks a feature the cluster does not offer yet. */
class Unavailable extends Error {}

const NOT_SUPPORTED = /is not supported yet by this kubesim cluster/;

/** Parses scenario text (YAML) and validates it; ScenarioError for every problem. */
export function parseScenario(text: string): Scenario {
  if (text.length > MAX_SCENARIO_BYTES) throw new ScenarioError('', `scenario file is larger than ${MAX_SCENARIO_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = parse(text, { schema: 'core', uniqueKeys: true, maxAliasCount: 100, prettyErrors: true });
  } catch (e) {
    throw new ScenarioError('', `invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  return validateScenario(doc);
}

function manifestText(ref: ManifestRef, opts: RunOptions): { name: string; text: string } {
  if ('inline' in ref) return { name: 'inline.yaml', text: ref.inline };
  if ('object' in ref) return { name: `${String(ref.object.kind).toLowerCase()}.json`, text: JSON.stringify(ref.object) };
  if (!opts.readFile) throw new ScenarioError('manifests', `cannot read ${ref.path}: no file reader given`);
  try {
    return { name: ref.path, text: opts.readFile(ref.path) };
  } catch (e) {
    throw new ScenarioError('manifests', `cannot read ${ref.path}: ${(e as Error).message}`);
  }
}

function describeExpectation(e: Expectation): string {
  const within = e.withinMs === undefined ? '' : ` within ${formatDuration(e.withinMs)}`;
  switch (e.kind) {
    case 'kubectl': {
      const what = e.fails !== undefined ? (e.fails ? 'fails' : 'succeeds') : e.equals !== undefined ? `equals ${JSON.stringify(e.equals)}` : e.contains !== undefined ? `contains ${JSON.stringify(e.contains)}` : `matches /${e.matches}/`;
      return `kubectl ${e.command} ${what}${within}`;
    }
    case 'rollout':
      return `rollout ${e.ref} done=${e.done}${within}`;
    case 'request':
      return `request ${e.from ?? 'in-cluster client'} -> ${e.to} ok=${e.ok}${within}`;
  }
}

/** One evaluation: whether it holds and what was seen. */
function check(cluster: Cluster, e: Expectation): { passed: boolean; actual: string } {
  switch (e.kind) {
    case 'kubectl': {
      let out: string;
      try {
        out = runKubectl(cluster, e.command);
      } catch (err) {
        if (!(err instanceof KubesimError)) throw err;
        if (err instanceof KubectlError && NOT_SUPPORTED.test(err.message)) throw new Unavailable(err.message.replace(/^error: /, ''));
        return { passed: e.fails === true, actual: `error: ${err.message}` };
      }
      const text = out.replace(/\n$/, '');
      if (e.fails !== undefined) return { passed: e.fails === false, actual: text };
      const passed =
        (e.equals === undefined || text.trim() === e.equals.trim()) &&
        (e.contains === undefined || text.includes(e.contains)) &&
        (e.matches === undefined || new RegExp(e.matches).test(text));
      return { passed, actual: text };
    }
    case 'rollout': {
      try {
        const s = cluster.rollout.status(e.ref, e.namespace === undefined ? {} : { namespace: e.namespace });
        return { passed: s.done === e.done, actual: s.message };
      } catch (err) {
        if (err instanceof KubesimError) return { passed: false, actual: `error: ${err.message}` };
        throw err;
      }
    }
    case 'request': {
      const r = cluster.network.request({ to: e.to, ...(e.from === undefined ? {} : { from: e.from }), ...(e.namespace === undefined ? {} : { namespace: e.namespace }) });
      const actual = r.ok ? `ok via ${r.via} to ${r.endpoint.pod ?? r.endpoint.ip}` : `${r.reason}: ${r.message}`;
      return { passed: r.ok === e.ok, actual };
    }
  }
}

function evaluate(cluster: Cluster, e: Expectation): ExpectationReport {
  let result = check(cluster, e);
  if (!result.passed && e.withinMs !== undefined) {
    cluster.runUntil(
      () => {
        result = check(cluster, e);
        return result.passed;
      },
      { timeout: e.withinMs },
    );
  }
  return { atMs: cluster.now, description: describeExpectation(e), passed: result.passed, actual: result.actual };
}

interface FaultsLike {
  run(spec: unknown): void;
}

function runStep(cluster: Cluster, step: Step, opts: RunOptions, expectations: ExpectationReport[]): StepReport {
  const atMs = cluster.now;
  const a = step.action;
  switch (a.kind) {
    case 'apply': {
      const out: string[] = [];
      for (const ref of a.manifests) {
        const { name, text } = manifestText(ref, opts);
        out.push(runKubectl(cluster, `apply -f ${JSON.stringify(name)}`, { files: { [name]: text } }).replace(/\n$/, ''));
      }
      return { atMs, action: `kubectl apply ${a.manifests.map((m) => ('path' in m ? m.path : 'inline')).join(' ')}`, ok: true, output: out.join('\n') };
    }
    case 'kubectl': {
      const action = `kubectl ${a.command}`;
      try {
        const output = runKubectl(cluster, a.command).replace(/\n$/, '');
        if (a.fails) return { atMs, action, ok: false, output, error: 'expected this command to fail, but it succeeded' };
        return { atMs, action, ok: true, output };
      } catch (e) {
        if (!(e instanceof KubesimError)) throw e;
        if (NOT_SUPPORTED.test(e.message)) throw new Unavailable(e.message.replace(/^error: /, ''));
        return a.fails ? { atMs, action, ok: true, output: e.message } : { atMs, action, ok: false, error: e.message };
      }
    }
    case 'fault': {
      const faults = (cluster as unknown as { faults?: FaultsLike }).faults;
      const action = `fault ${a.spec.fault}${a.spec.target !== undefined ? ` ${a.spec.target}` : ''}`;
      if (!faults || typeof faults.run !== 'function') throw new Unavailable('fault injection (cluster.faults) is not available in this kubesim build');
      try {
        faults.run(a.spec);
        return { atMs, action, ok: true };
      } catch (e) {
        if (e instanceof KubesimError) return { atMs, action, ok: false, error: e.message };
        throw e;
      }
    }
    case 'advance':
      cluster.advance(a.ms);
      return { atMs, action: `advance ${formatDuration(a.ms)}`, ok: true };
    case 'expect': {
      const reports = a.expectations.map((e) => evaluate(cluster, e));
      expectations.push(...reports);
      return { atMs, action: `expect (${reports.length})`, ok: reports.every((r) => r.passed) };
    }
  }
}

function makeCluster(s: Scenario, seed: string | number | undefined): Cluster {
  const options = { ...s.cluster, ...(seed !== undefined ? { seed } : {}) } as ClusterOptions;
  try {
    return createCluster(options);
  } catch (e) {
    if (e instanceof KubesimError) throw new ScenarioError('cluster', e.message);
    throw e;
  }
}

const stamp = (ms: number): string => `[t=${formatDuration(ms).padEnd(7)}]`;

/** Runs a validated scenario. Throws ScenarioError only for problems found before the run starts. */
export function runScenario(s: Scenario, opts: RunOptions = {}): ScenarioReport {
  const cluster = makeCluster(s, opts.seed);
  const progress = opts.onProgress ?? (() => {});
  const steps: StepReport[] = [];
  const expectations: ExpectationReport[] = [];
  let status: ScenarioStatus = 'passed';
  let reason: string | undefined;
  let rolloutMs: number | undefined;
  // Expectations and their reports line up one to one, in order.
  const noteRollouts = (specs: readonly Expectation[], reports: readonly ExpectationReport[]): void => {
    specs.forEach((e, i) => {
      const x = reports[i];
      if (e.kind === 'rollout' && e.done && x !== undefined && x.passed) rolloutMs = x.atMs;
    });
  };
  const record = (r: StepReport): void => {
    steps.push(r);
    progress(`${stamp(r.atMs)} ${r.action}${r.ok ? '' : '  FAILED'}`);
    for (const l of (r.output ?? '').split('\n')) if (l !== '') progress(`            ${l}`);
    if (r.error !== undefined) for (const l of r.error.split('\n')) progress(`            ${l}`);
  };
  const all: Step[] = [...(s.manifests.length > 0 ? [{ atMs: 0, action: { kind: 'apply' as const, manifests: s.manifests } }] : []), ...s.steps];
  try {
    for (const step of all) {
      if (step.atMs !== undefined && step.atMs > cluster.now) cluster.advance(step.atMs - cluster.now);
      if (step.note !== undefined) progress(`${stamp(cluster.now)} # ${step.note}`);
      const before = expectations.length;
      let r: StepReport;
      try {
        r = runStep(cluster, step, opts, expectations);
      } catch (e) {
        if (e instanceof KubesimError && step.action.kind === 'apply') r = { atMs: cluster.now, action: 'kubectl apply', ok: false, error: e.message };
        else throw e;
      }
      record(r);
      if (step.action.kind === 'expect') noteRollouts(step.action.expectations, expectations.slice(before));
      for (const x of expectations.slice(before)) progress(`            ${x.passed ? 'PASS' : 'FAIL'} ${x.description}${x.passed ? '' : ` (got: ${x.actual})`}`);
      if (!r.ok) {
        status = 'failed';
        reason = r.error ?? `step at ${formatDuration(r.atMs)} failed: ${r.action}`;
        break;
      }
    }
    if (status === 'passed') {
      if (s.durationMs !== undefined && s.durationMs > cluster.now) cluster.advance(s.durationMs - cluster.now);
      for (const e of s.expect) {
        const x = evaluate(cluster, e);
        expectations.push(x);
        noteRollouts([e], [x]);
        progress(`${stamp(x.atMs)} ${x.passed ? 'PASS' : 'FAIL'} ${x.description}${x.passed ? '' : ` (got: ${x.actual})`}`);
      }
      const failedExp = expectations.filter((x) => !x.passed);
      if (failedExp.length > 0) {
        status = 'failed';
        reason = `${failedExp.length} of ${expectations.length} expectations failed`;
      }
    }
  } catch (e) {
    if (!(e instanceof Unavailable)) throw e;
    status = 'skipped';
    reason = e.message;
    progress(`${stamp(cluster.now)} SKIPPED: ${e.message}`);
  }
  const metrics = opts.metrics === true ? { metrics: finalMetrics(cluster, rolloutMs) } : {};
  return { name: s.name, seed: cluster.seed, status, ...(reason !== undefined ? { reason } : {}), steps, expectations, endMs: cluster.now, traceHash: cluster.traceHash(), ...metrics };
}

function finalMetrics(cluster: Cluster, rolloutMs: number | undefined): ScenarioMetrics {
  let pendingPods = 0;
  forEachObject(cluster.state, 'Pod', (pod) => {
    if ((pod as { status?: { phase?: string } }).status?.phase === 'Pending') pendingPods++;
  });
  return { durationMs: cluster.now, ...(rolloutMs !== undefined ? { rolloutMs } : {}), pendingPods };
}

/** One-line summary: `PASSED zone-outage: 4 expectations, t=6m0s, trace 1a2b...`. */
export function summarize(r: ScenarioReport): string {
  const word = r.status === 'passed' ? 'PASSED' : r.status === 'failed' ? 'FAILED' : 'SKIPPED';
  const detail = r.reason !== undefined ? ` — ${r.reason}` : '';
  return `${word} ${r.name} (seed ${r.seed}): ${r.expectations.filter((x) => x.passed).length}/${r.expectations.length} expectations, t=${formatDuration(r.endMs)}, trace ${r.traceHash.slice(0, 16)}${detail}`;
}

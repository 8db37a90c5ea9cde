/**
 * What `kubesim sweep` reports: one result per seed, and the aggregate over them (counts,
 * failing seeds, nearest-rank percentiles per metric, and a hash of the per-seed results).
 *
 * The aggregate is a function of the set of per-seed results alone — never of the worker
 * count, the order runs finished in, or how seeds were split into shards — so a sweep on one
 * worker, on many, and shards merged with `--merge` print the same JSON, byte for byte. The
 * shard file format is this same JSON, which is what lets `--merge` read shard outputs back.
 */
import { createHash } from 'node:crypto';
import { formatDuration } from '../../clock/duration.js';
import type { ScenarioReport, ScenarioStatus } from '../scenario/runner.js';
import { table } from '../table.js';
import { SweepUsageError, type Shard } from './seeds.js';

/** Built-in metrics, in report order. `duration` and `rolloutMs` are virtual milliseconds. */
export const METRICS = ['duration', 'rolloutMs', 'pendingPods'] as const;
export type MetricName = (typeof METRICS)[number];

/** `--metrics duration,pendingPods`; undefined means all, in METRICS order. */
export function parseMetrics(spec: string | undefined): MetricName[] {
  if (spec === undefined) return [...METRICS];
  const wanted = new Set<string>();
  for (const raw of spec.split(',')) {
    const name = raw.trim();
    if (!(METRICS as readonly string[]).includes(name)) throw new SweepUsageError(`unknown metric "${name}" in --metrics (known: ${METRICS.join(', ')})`);
    wanted.add(name);
  }
  // METRICS order, not the user's, so `--metrics a,b` and `--metrics b,a` hash the same.
  return METRICS.filter((m) => wanted.has(m));
}

export interface SeedResult {
  readonly seed: number;
  readonly status: ScenarioStatus;
  /** Descriptions of the expectations that did not hold. */
  readonly failed: readonly string[];
  /** Why the run failed or was skipped (a failed step, a count of failed expectations). */
  readonly reason?: string;
  readonly traceHash: string;
  readonly endMs: number;
  /** Only the metrics asked for, and only those the run produced (no rollout, no rolloutMs). */
  readonly metrics: Readonly<Partial<Record<MetricName, number>>>;
}

/** One seed's result from a runScenario report made with `{ metrics: true }`. */
export function seedResult(seed: number, report: ScenarioReport, metrics: readonly MetricName[]): SeedResult {
  const all: Partial<Record<MetricName, number>> = {
    duration: report.metrics?.durationMs ?? report.endMs,
    ...(report.metrics?.rolloutMs !== undefined ? { rolloutMs: report.metrics.rolloutMs } : {}),
    ...(report.metrics !== undefined ? { pendingPods: report.metrics.pendingPods } : {}),
  };
  const picked: Partial<Record<MetricName, number>> = {};
  for (const m of metrics) {
    const v = all[m];
    if (v !== undefined) picked[m] = v;
  }
  return {
    seed,
    status: report.status,
    failed: report.expectations.filter((x) => !x.passed).map((x) => x.description),
    ...(report.reason !== undefined ? { reason: report.reason } : {}),
    traceHash: report.traceHash,
    endMs: report.endMs,
    metrics: picked,
  };
}

export interface MetricStats {
  /** Seeds that produced the metric. The rest of the fields are absent when it is 0. */
  readonly count: number;
  readonly min?: number;
  readonly p50?: number;
  readonly p90?: number;
  readonly p99?: number;
  readonly max?: number;
}

/**
 * Nearest-rank percentile of ascending `sorted` (non-empty): the value at rank ⌈p·n/100⌉.
 * Example: n = 6, p = 50 → rank 3 → sorted[2]; p = 90 → rank ⌈5.4⌉ = 6 → sorted[5].
 * Integer arithmetic, so no float rounding decides which seed is the p99.
 */
export function nearestRank(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  const rank = Math.max(1, Math.trunc((p * n + 99) / 100));
  return sorted[Math.min(rank, n) - 1]!;
}

export function metricStats(values: readonly number[]): MetricStats {
  if (values.length === 0) return { count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0]!,
    p50: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    p99: nearestRank(sorted, 99),
    max: sorted[sorted.length - 1]!,
  };
}

/** JSON with object keys sorted at every level and no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** The scenario a sweep ran: its metadata.name and the sha256 of the file's text. */
export interface ScenarioId {
  readonly name: string;
  readonly sha256: string;
}

export const SWEEP_KIND = 'SweepResult';

export interface SweepResult {
  readonly kind: typeof SWEEP_KIND;
  readonly scenario: ScenarioId;
  /** Present on the output of `--shard i/n`; a merge drops it. */
  readonly shard?: string;
  readonly metrics: readonly MetricName[];
  readonly seeds: number;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failingSeeds: readonly number[];
  readonly stats: Readonly<Partial<Record<MetricName, MetricStats>>>;
  /** sha256 of canonicalJson(results), results sorted by seed. */
  readonly aggregateHash: string;
  readonly results: readonly SeedResult[];
}

/** Builds the aggregate; `results` may come in any order (workers finish when they finish). */
export function aggregate(scenario: ScenarioId, metrics: readonly MetricName[], results: readonly SeedResult[], shard?: Shard): SweepResult {
  const sorted = [...results].sort((a, b) => a.seed - b.seed);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.seed === sorted[i - 1]!.seed) throw new SweepUsageError(`seed ${sorted[i]!.seed} appears twice (do the shards overlap?)`);
  }
  const stats: Partial<Record<MetricName, MetricStats>> = {};
  for (const m of metrics) {
    const values: number[] = [];
    for (const r of sorted) {
      const v = r.metrics[m];
      if (v !== undefined) values.push(v);
    }
    stats[m] = metricStats(values);
  }
  return {
    kind: SWEEP_KIND,
    scenario: { name: scenario.name, sha256: scenario.sha256 },
    ...(shard !== undefined ? { shard: `${shard.index}/${shard.count}` } : {}),
    metrics: [...metrics],
    seeds: sorted.length,
    passed: sorted.filter((r) => r.status === 'passed').length,
    failed: sorted.filter((r) => r.status === 'failed').length,
    skipped: sorted.filter((r) => r.status === 'skipped').length,
    failingSeeds: sorted.filter((r) => r.status === 'failed').map((r) => r.seed),
    stats,
    aggregateHash: createHash('sha256').update(canonicalJson(sorted)).digest('hex'),
    results: sorted,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkSeedResult(v: unknown, where: string): SeedResult {
  const ok =
    isRecord(v) &&
    Number.isSafeInteger(v.seed) &&
    (v.seed as number) >= 0 &&
    (v.status === 'passed' || v.status === 'failed' || v.status === 'skipped') &&
    Array.isArray(v.failed) &&
    v.failed.every((d) => typeof d === 'string') &&
    (v.reason === undefined || typeof v.reason === 'string') &&
    typeof v.traceHash === 'string' &&
    typeof v.endMs === 'number' &&
    isRecord(v.metrics) &&
    Object.entries(v.metrics).every(([k, n]) => (METRICS as readonly string[]).includes(k) && typeof n === 'number');
  if (!ok) throw new SweepUsageError(`${where}: not a kubesim sweep seed result`);
  return v as unknown as SeedResult;
}

/** Reads one `kubesim sweep --output json` file back, checking its shape and its hash. */
export function parseSweepResult(text: string, where: string): SweepResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SweepUsageError(`${where}: invalid JSON: ${(e as Error).message}`);
  }
  if (!isRecord(doc) || doc.kind !== SWEEP_KIND) throw new SweepUsageError(`${where}: not the JSON output of "kubesim sweep --output json"`);
  const scenario = doc.scenario;
  if (!isRecord(scenario) || typeof scenario.name !== 'string' || typeof scenario.sha256 !== 'string') throw new SweepUsageError(`${where}: missing scenario name and sha256`);
  if (!Array.isArray(doc.metrics) || !doc.metrics.every((m) => (METRICS as readonly unknown[]).includes(m))) throw new SweepUsageError(`${where}: invalid metrics list`);
  if (!Array.isArray(doc.results)) throw new SweepUsageError(`${where}: missing results`);
  const results = doc.results.map((r, i) => checkSeedResult(r, `${where}: results[${i}]`));
  const again = aggregate({ name: scenario.name, sha256: scenario.sha256 }, doc.metrics as MetricName[], results);
  // A hand-edited or truncated shard would otherwise slip into the merged numbers unnoticed.
  if (again.aggregateHash !== doc.aggregateHash) throw new SweepUsageError(`${where}: aggregateHash does not match its results (edited or truncated file?)`);
  return { ...again, ...(typeof doc.shard === 'string' ? { shard: doc.shard } : {}) };
}

/** Merges shard outputs of one scenario and one metric list into the sweep they add up to. */
export function mergeSweeps(parts: readonly SweepResult[]): SweepResult {
  const first = parts[0];
  if (first === undefined) throw new SweepUsageError('--merge needs at least one file');
  for (const p of parts) {
    if (p.scenario.sha256 !== first.scenario.sha256 || p.scenario.name !== first.scenario.name) {
      throw new SweepUsageError(`cannot merge sweeps of different scenarios (${first.scenario.name} ${first.scenario.sha256.slice(0, 12)} and ${p.scenario.name} ${p.scenario.sha256.slice(0, 12)})`);
    }
    if (p.metrics.join(',') !== first.metrics.join(',')) throw new SweepUsageError(`cannot merge sweeps with different --metrics (${first.metrics.join(',')} and ${p.metrics.join(',')})`);
  }
  return aggregate(first.scenario, first.metrics, parts.flatMap((p) => p.results));
}

const MS_METRICS: ReadonlySet<MetricName> = new Set(['duration', 'rolloutMs']);

/** The readable summary: counts, a percentile table, the failing seeds, the hash. */
export function formatSweep(r: SweepResult): string {
  const lines = [`SWEEP ${r.scenario.name}${r.shard !== undefined ? ` (shard ${r.shard})` : ''}: ${r.seeds} seeds, ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`];
  if (r.metrics.length > 0) {
    const rows = r.metrics.map((m) => {
      const s = r.stats[m] ?? { count: 0 };
      const show = (v: number | undefined): string => (v === undefined ? '-' : MS_METRICS.has(m) ? formatDuration(v) : String(v));
      return [m, String(s.count), show(s.min), show(s.p50), show(s.p90), show(s.p99), show(s.max)];
    });
    lines.push('', table(['METRIC', 'SEEDS', 'MIN', 'P50', 'P90', 'P99', 'MAX'], rows));
  }
  if (r.failingSeeds.length > 0) {
    lines.push('', `failing seeds: ${r.failingSeeds.join(', ')}`);
    const shown = r.results.filter((x) => x.status === 'failed').slice(0, 5);
    for (const x of shown) lines.push(`  seed ${x.seed}: ${x.failed.length > 0 ? x.failed.join('; ') : (x.reason ?? 'failed')}`);
    if (r.failingSeeds.length > shown.length) lines.push(`  ... and ${r.failingSeeds.length - shown.length} more (see --output json)`);
  }
  lines.push('', `aggregate ${r.aggregateHash}`);
  return lines.join('\n');
}

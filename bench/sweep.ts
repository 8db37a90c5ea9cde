/**
 * Seed-sweep benchmark: `kubesim sweep` (runSweep, the same code as the CLI) on 1, 2, ...
 * workers, each run a fresh child process so every run pays worker start-up and JIT warm-up
 * exactly as a user does.
 *
 * Wall time alone cannot tell a slow sweep from a busy machine, so each child also reports
 * where the CPU went, per OS thread (Linux /proc/self/task): the main thread, the pool's
 * worker threads, and the rest (V8's GC and compiler helper threads, libuv). On a shared
 * machine compare `cpuPerSeedMs` across worker counts (it should not grow with workers) and
 * read `speedup` only next to the load average printed with it.
 *
 *   npx tsc -p bench/tsconfig.json && node .bench-out/bench/sweep.js
 *   node .bench-out/bench/sweep.js --scenario=examples/guestbook/scenario.yaml --seeds=1..200 --workers=1,2 --runs=3
 *
 * Output: one JSON line per run, then a table of medians per worker count.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMetrics } from '../src/cli/sweep/aggregate.js';
import { parseSeeds } from '../src/cli/sweep/seeds.js';
import { runSweep } from '../src/cli/sweep/sweep.js';
import { createProgress } from './progress.js';
import { benchArgs, markdownTable, median } from './report.js';

interface ChildSpec {
  readonly scenario: string;
  readonly seeds: string;
  readonly workers: number;
}

interface ChildResult {
  readonly workers: number;
  readonly seeds: number;
  readonly wallMs: number;
  /** user + sys of the whole process (every thread). */
  readonly cpuMs: number;
  readonly mainCpuMs: number;
  /** One entry per pool worker thread, busiest first. */
  readonly workerCpuMs: readonly number[];
  /** V8 GC/compiler helpers, libuv and other threads that existed before the pool. */
  readonly otherCpuMs: number;
  /**
   * CPU per seed over the second half of the sweep (from the first chunk that brings the count
   * of finished seeds to half or more, to the end): the warm-up of each worker's JIT mostly
   * falls in the first half, so this is the steady cost a longer sweep pays per seed.
   */
  readonly steady: { readonly seeds: number; readonly workerMsPerSeed: number; readonly otherMsPerSeed: number };
  readonly aggregateHash: string;
  readonly loadavg1: number;
}

// ---- per-thread CPU (Linux only; empty elsewhere) -------------------------------------------

const TICK_MS = 10; // USER_HZ is 100 on every Linux kernel Node supports

/** tid → user+sys ms of every thread of this process, read from /proc. */
function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  if (!existsSync('/proc/self/task')) return out;
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(t), (Number(f[11]) + Number(f[12])) * TICK_MS);
    } catch {
      // the thread exited between readdir and read
    }
  }
  return out;
}

/** Process user+sys ms from /proc/self/stat (every thread, live or exited); 0 off Linux. */
function processCpu(): number {
  if (!existsSync('/proc/self/stat')) return 0;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

async function runChild(spec: ChildSpec): Promise<ChildResult> {
  const before = threadCpu();
  const last = new Map(before);
  // Pool threads exit when the pool is destroyed, so keep the last value seen of each thread:
  // sampled after every chunk (cheap: a few dozen reads) and every 500 ms.
  const sample = () => {
    for (const [tid, ms] of threadCpu()) last.set(tid, ms);
  };
  // Pool threads' CPU so far (threads that did not exist before the sweep, the main thread aside).
  const poolCpu = () => [...last.keys()].filter((tid) => !before.has(tid)).reduce((a, tid) => a + (last.get(tid) ?? 0), 0);
  let half: { done: number; pool: number; proc: number } | undefined;
  const timer = setInterval(sample, 500);
  const seeds = parseSeeds(spec.seeds);
  const onProgress = (done: number) => {
    sample();
    if (half === undefined && done * 2 >= seeds.length) half = { done, pool: poolCpu(), proc: processCpu() - (last.get(process.pid) ?? 0) };
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await runSweep({ file: spec.scenario, seeds, workers: spec.workers, metrics: parseMetrics(undefined), onProgress });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  sample();
  const delta = (tid: number) => (last.get(tid) ?? 0) - (before.get(tid) ?? 0);
  const workerCpuMs = [...last.keys()]
    .filter((tid) => !before.has(tid))
    .map(delta)
    .sort((a, b) => b - a)
    .slice(0, spec.workers);
  const mainCpuMs = delta(process.pid);
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
  // Second half: pool threads' CPU and the rest of the process (main thread excluded) since `half`.
  const steadySeeds = seeds.length - (half?.done ?? 0);
  const steadyPool = poolCpu() - (half?.pool ?? 0);
  const steadyOther = processCpu() - (last.get(process.pid) ?? 0) - (half?.proc ?? 0) - steadyPool;
  const perSeed = (ms: number) => (steadySeeds > 0 ? Math.round((10 * ms) / steadySeeds) / 10 : 0);
  return {
    workers: spec.workers,
    seeds: seeds.length,
    wallMs: Math.round(wallMs),
    cpuMs,
    mainCpuMs,
    workerCpuMs,
    otherCpuMs: Math.max(0, cpuMs - mainCpuMs - workerCpuMs.reduce((a, b) => a + b, 0)),
    steady: { seeds: steadySeeds, workerMsPerSeed: perSeed(steadyPool), otherMsPerSeed: perSeed(steadyOther) },
    aggregateHash: result.aggregateHash,
    loadavg1: Number(loadavg()[0]!.toFixed(2)),
  };
}

// ---- the driver -----------------------------------------------------------------------------

function spawnChild(spec: ChildSpec): Promise<ChildResult> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((done, fail) => {
    // The driver's own V8 flags (e.g. `node --max-semi-space-size=32 .bench-out/bench/sweep.js`)
    // reach the measured process, so flags can be compared without editing this file.
    const child = spawn(process.execPath, [...process.execArgv, self, `--child=${JSON.stringify(spec)}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(JSON.parse(out.trim().split('\n').pop()!) as ChildResult) : fail(new Error(`child exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const args = benchArgs();
  const child = args.get('child');
  if (child !== undefined) {
    process.stdout.write(`${JSON.stringify(await runChild(JSON.parse(child) as ChildSpec))}\n`);
    return;
  }
  const scenario = resolve(args.get('scenario') ?? 'examples/bad-rollout-undo/scenario.yaml');
  const seeds = args.get('seeds') ?? '1..200';
  const workerCounts = (args.get('workers') ?? '1,2').split(',').map(Number);
  const runs = Number(args.get('runs') ?? 3);
  // Interleaved (1, 2, 1, 2, ...) so a burst of load from other jobs hits every count alike.
  const specs: ChildSpec[] = [];
  for (let r = 0; r < runs; r++) for (const workers of workerCounts) specs.push({ scenario, seeds, workers });
  const progress = createProgress({ total: specs.length, label: 'sweep runs' });
  const results: ChildResult[] = [];
  for (const spec of specs) {
    const r = await spawnChild(spec);
    results.push(r);
    progress.tick();
    progress.log(JSON.stringify({ bench: 'sweep', ...r }));
  }
  progress.done();
  const hashes = new Set(results.map((r) => r.aggregateHash));
  const base = median(results.filter((r) => r.workers === workerCounts[0]).map((r) => r.wallMs));
  const rows = workerCounts.map((workers) => {
    const rs = results.filter((r) => r.workers === workers);
    const wall = median(rs.map((r) => r.wallMs));
    const cpu = median(rs.map((r) => r.cpuMs));
    return {
      workers,
      seeds: rs[0]!.seeds,
      runs: rs.length,
      wallMs: wall,
      speedup: (base / wall).toFixed(2),
      cpuMs: cpu,
      cpuPerSeedMs: (cpu / rs[0]!.seeds).toFixed(1),
      mainCpuMs: median(rs.map((r) => r.mainCpuMs)),
      workerCpuMs: median(rs.map((r) => r.workerCpuMs.reduce((a, b) => a + b, 0))),
      otherCpuMs: median(rs.map((r) => r.otherCpuMs)),
      steadyWorkerMsPerSeed: median(rs.map((r) => r.steady.workerMsPerSeed)),
      steadyOtherMsPerSeed: median(rs.map((r) => r.steady.otherMsPerSeed)),
      loadavg1: median(rs.map((r) => r.loadavg1)),
    };
  });
  const summary = { bench: 'sweep', scenario: args.get('scenario') ?? 'examples/bad-rollout-undo/scenario.yaml', identicalAggregate: hashes.size === 1, rows };
  process.stdout.write(`${JSON.stringify(summary)}\n\n`);
  process.stdout.write(`${markdownTable(rows, ['workers', 'seeds', 'runs', 'wallMs', 'speedup', 'cpuMs', 'cpuPerSeedMs', 'mainCpuMs', 'workerCpuMs', 'otherCpuMs', 'steadyWorkerMsPerSeed', 'steadyOtherMsPerSeed', 'loadavg1'])}\n`);
  process.stdout.write(`aggregate identical for every worker count: ${hashes.size === 1 ? 'yes' : 'NO'}\n`);
}

await main();

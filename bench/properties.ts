/**
 * Property-suite throughput: runs per second of a checkController run shaped like the
 * property suites — 20-node clusters in 3 zones, operation sequences of up to 50 commands
 * (kubesim/testing's default operation mix: applies, rollouts, scaling, Services, pod
 * disruptions, waits, settles, node/zone/master faults), every built-in invariant checked
 * after every step. One process, so one core. Target: >= 50 runs/s.
 *
 *   npm run bench:properties [-- --runs=20 --maxCommands=50 --nodes=20 --seed=1]
 *
 * Seeded (fast-check seed and cluster seeds); prints one JSON line, then a table.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import fc from 'fast-check';
import { createCluster, KubesimError, InternalError, type Cluster, type ClusterState } from '../src/index.js';
import { builtinInvariants, checkController, defaultImages, hasFaults, initialModel, operations as operationArbs, recoverAll, type SimCommand, type SimModel, type SimReal } from '../src/testing/index.js';
import { benchArgs } from './report.js';

/**
 * The live heap after a full collection: what the runs left reachable.
 * Peak RSS mostly measures garbage not yet collected (it swings by 2x with the machine's load),
 * so a leak shows here first: it should not grow with --runs.
 */
function liveHeapMiB(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return Number((process.memoryUsage().heapUsed / 2 ** 20).toFixed(1));
}

const args = benchArgs();
const RUNS = Number(args.get('runs') ?? 20);
const MAX_COMMANDS = Number(args.get('maxCommands') ?? 50);
const NODES = Number(args.get('nodes') ?? 20);
const SEED = Number(args.get('seed') ?? 1);

// Warm-up (JIT), not counted.
checkController({ cluster: { nodes: NODES, zones: 3, images: defaultImages }, numRuns: 2, maxCommands: MAX_COMMANDS, seed: SEED + 1000 });

let operations = 0;
let failure = '';
// CPU time beside wall time: on a shared, loaded machine wall time mostly measures the others.
const cpuMs = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
};
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
try {
checkController({
  cluster: { nodes: NODES, zones: 3, images: defaultImages },
  numRuns: RUNS,
  maxCommands: MAX_COMMANDS,
  seed: SEED,
  verbose: true,
  // "checkController run N: K operations, ok" per run: summed for the mean sequence length.
  log: (line) => {
    const m = /: (\d+) operations/.exec(line);
    if (m) operations += Number(m[1]);
  },
});
} catch (e) {
  // A failing property shrinks (more runs); the figure then is not comparable: say so.
  failure = String(e instanceof Error ? e.message.split('\n')[0] : e);
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = cpuMs(c0);
// After the checkController runs, before the fixed runner below allocates its sequences.
const liveHeap = liveHeapMiB();

// ---- fixed: exactly MAX_COMMANDS operations per run ------------------------------------------
// fc.commands draws sequences of up to maxCommands and most are much shorter (see meanOperations),
// so this second figure runs sequences of exactly MAX_COMMANDS operations from the same mix,
// each on a fresh cluster, with the built-in invariants evaluated after every operation and at
// each settle (violations are counted, not thrown, so no shrinking runs).

class Real implements SimReal {
  violations = 0;
  before: ClusterState;
  baseline: ClusterState | undefined;
  model: SimModel | undefined;
  disrupted = false;
  constructor(readonly cluster: Cluster) {
    this.before = cluster.state;
  }
  private check(scope: 'always' | 'all'): void {
    const ctx = { before: this.before, baseline: this.baseline, disruptedSinceBaseline: this.disrupted, faultsActive: this.model ? hasFaults(this.model) : false };
    for (const inv of builtinInvariants) if (scope === 'all' || inv.scope === 'always') if (!inv(this.cluster, ctx).ok) this.violations++;
  }
  step(_label: string, fn: (cluster: Cluster) => void, opts: { disruptive?: boolean } = {}): void {
    this.before = this.cluster.state;
    if (opts.disruptive) this.disrupted = true;
    try {
      fn(this.cluster);
    } catch (e) {
      if (!(e instanceof KubesimError) || e instanceof InternalError) throw e;
    }
    this.check('always');
  }
  settle(): void {
    this.cluster.settle({ timeout: '10m' });
    if (this.model && hasFaults(this.model)) return;
    this.check('all');
    this.baseline = this.cluster.state;
    this.disrupted = false;
  }
}

const sequences = fc.sample(fc.array(fc.oneof(...operationArbs()), { minLength: MAX_COMMANDS, maxLength: MAX_COMMANDS }), { numRuns: RUNS, seed: SEED });
let fixedOps = 0;
let fixedViolations = 0;
const fc0 = process.cpuUsage();
const f0 = process.hrtime.bigint();
sequences.forEach((cmds: SimCommand[], i) => {
  const cluster = createCluster({ nodes: NODES, zones: 3, images: defaultImages, seed: i + 1 });
  const real = new Real(cluster);
  cluster.settle({ timeout: '10m' });
  real.baseline = cluster.state;
  const model = initialModel(cluster);
  real.model = model;
  for (const c of cmds) {
    if (!c.check(model)) continue;
    c.run(model, real);
    fixedOps++;
  }
  recoverAll(model, real);
  real.settle();
  fixedViolations += real.violations;
});
const fixedMs = Number(process.hrtime.bigint() - f0) / 1e6;
const fixedCpu = cpuMs(fc0);
const fixed = {
  bench: 'properties-fixed',
  nodes: NODES,
  operations: MAX_COMMANDS,
  runs: RUNS,
  ms: Math.round(fixedMs),
  runsPerSec: Number(((RUNS * 1000) / fixedMs).toFixed(2)),
  msPerRun: Math.round(fixedMs / RUNS),
  cpuMs: Math.round(fixedCpu),
  runsPerCpuSec: Number(((RUNS * 1000) / fixedCpu).toFixed(2)),
  meanOperationsRun: Number((fixedOps / RUNS).toFixed(1)),
  invariantViolations: fixedViolations,
  target: (RUNS * 1000) / fixedMs >= 50 ? 'met' : 'missed',
};

const row = {
  bench: 'properties',
  nodes: NODES,
  maxCommands: MAX_COMMANDS,
  runs: RUNS,
  ms: Math.round(ms),
  runsPerSec: Number(((RUNS * 1000) / ms).toFixed(2)),
  msPerRun: Math.round(ms / RUNS),
  cpuMs: Math.round(cpu),
  runsPerCpuSec: Number(((RUNS * 1000) / cpu).toFixed(2)),
  meanOperations: Number((operations / RUNS).toFixed(1)),
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  liveHeapMiB: liveHeap,
  ...(failure ? { failure } : {}),
  target: (RUNS * 1000) / ms >= 50 ? 'met' : 'missed',
};
console.log(JSON.stringify(row));
console.log(JSON.stringify(fixed));
console.log('');
console.log('| nodes | maxCommands | mean ops | runs |     ms | runs/s | ms/run | CPU ms | runs/CPU s | peak RSS MiB | target (>= 50 runs/s) |');
console.log('|------:|------------:|---------:|-----:|-------:|-------:|-------:|-------:|-----------:|-------------:|-----------------------|');
console.log(
  `| ${NODES} | ${MAX_COMMANDS} | ${row.meanOperations} | ${RUNS} | ${row.ms} | ${row.runsPerSec} | ${row.msPerRun} | ${row.cpuMs} | ${row.runsPerCpuSec} | ${row.peakRssMiB} | ${row.target} |`,
);
console.log('');
console.log('fixed-length sequences (own runner, no shrinking):');
console.log('| nodes | operations | mean run (precondition held) | runs |     ms | runs/s | ms/run | CPU ms | runs/CPU s | invariant violations | target |');
console.log('|------:|-----------:|-----------------------------:|-----:|-------:|-------:|-------:|-------:|-----------:|---------------------:|--------|');
console.log(`| ${NODES} | ${MAX_COMMANDS} | ${fixed.meanOperationsRun} | ${RUNS} | ${fixed.ms} | ${fixed.runsPerSec} | ${fixed.msPerRun} | ${fixed.cpuMs} | ${fixed.runsPerCpuSec} | ${fixed.invariantViolations} | ${fixed.target} |`);

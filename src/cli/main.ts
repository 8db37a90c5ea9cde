#!/usr/bin/env node
/**
 * The `kubesim` command. Parses argv, runs a subcommand, maps outcomes to exit codes:
 * 0 success, 1 a failed run or expectation, 2 bad usage or an invalid scenario file.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { KubesimError } from '../model/errors.js';
import { runDemo } from './demo.js';
import { ScenarioError } from './scenario/schema.js';
import { parseScenario, runScenario, summarize } from './scenario/runner.js';
import { stderrProgress } from './progress.js';
import { runShell } from './shell.js';
import { formatSweep, mergeSweeps, parseMetrics, parseSweepResult, type SweepResult } from './sweep/aggregate.js';
import { parseSeeds, parseShard, shardSeeds, SweepUsageError } from './sweep/seeds.js';

const HELP = `kubesim — a deterministic, in-memory Kubernetes cluster simulator

Usage:
  kubesim demo [--seed N]                            run the narrated demo
  kubesim run SCENARIO.yaml [--seed N] [--output json]  run a scenario and check its expectations
  kubesim sweep SCENARIO.yaml --seeds 1..1000        run a scenario over many seeds in parallel
  kubesim shell [--seed N] [--nodes N] [--zones N]   an interactive kubectl prompt on a fresh cluster
  kubesim version                                    print the version
  kubesim help                                       this text

Every command takes --help.`;

const COMMAND_HELP: Record<string, string> = {
  demo: `Usage: kubesim demo [--seed N]

Runs the voting app (vote, redis, worker, db, result) on a 3-zone cluster with 3
control-plane nodes: a rolling update, a bad rollout rolled back, a zone outage and its
recovery, narrated as a timeline with kubectl tables. Virtual time; the same seed prints
the same output.`,
  run: `Usage: kubesim run SCENARIO.yaml [--seed N] [--output json]

Runs a kind: Scenario file (apiVersion kubesim.dev/v1alpha1): cluster options, manifests
(paths relative to the file, or inline), timed steps (apply, kubectl, fault, advance,
expect) and expectations on the final state.

Options:
  --seed N         override the scenario's cluster seed
  --output json    print a machine-readable report instead of the timeline

Exit status: 0 all expectations held (or the scenario was skipped for a missing feature),
1 a step or an expectation failed, 2 bad usage or an invalid scenario file.`,
  sweep: `Usage: kubesim sweep SCENARIO.yaml --seeds SEEDS [--workers N] [--shard i/n]
                     [--metrics m1,m2] [--output json]
       kubesim sweep --merge SHARD.json SHARD.json ... [--output json]

Runs one scenario once per seed (the seed replaces the scenario's cluster seed) on worker
threads, and aggregates: passed/failed/skipped counts, the failing seeds, and per metric
min/p50/p90/p99/max (nearest rank). The aggregate, with its aggregateHash, is the same for
any --workers and for shards merged with --merge.

Options:
  --seeds SEEDS    1..1000, 1,2,5 or 1..10,20..30 (inclusive ranges; repeats count once)
  --workers N      worker threads (default: the number of CPUs)
  --shard i/n      run only the seeds at positions p (0-based, sorted) with p % n == i-1
  --metrics LIST   any of duration, rolloutMs, pendingPods (default: all)
  --output json    print the machine-readable result (also the shard file format)
  --merge          merge the JSON outputs of shards given as arguments

Exit status: 0 every seed passed (or was skipped), 1 some seed failed, 2 bad usage
(bad seed list, shard out of range, unreadable or invalid file).`,
  shell: `Usage: kubesim shell [--seed N] [--nodes N] [--zones N] [--masters N]

An interactive prompt on a fresh cluster. Type kubectl commands (with or without the
leading "kubectl"), or:
  advance 30s            move virtual time forward
  fail node NAME         switch a node off       recover node NAME   switch it back on
  fail zone ZONE         fail a whole zone       recover zone ZONE
  time                   print the virtual time
  exit                   leave (also Ctrl-D)`,
  version: 'Usage: kubesim version\n\nPrints the kubesim version and the Kubernetes version it simulates.',
  help: 'Usage: kubesim help\n\nPrints the list of commands.',
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `kubesim ${pkg.version} (simulates Kubernetes v1.32)`;
}

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string>;
}

/** `--name value`, `--name=value`; only the flags a command declares. */
function parseFlags(args: readonly string[], known: readonly string[], command: string): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (!known.includes(name)) throw new UsageError(`unknown flag --${name} for "kubesim ${command}"`);
    const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`flag --${name} needs a value`);
    flags.set(name, value);
  }
  return { positional, flags };
}

function intFlag(p: Parsed, name: string): number | undefined {
  const v = p.flags.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a non-negative integer, got "${v}"`);
  return Number(v);
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
};

function run(args: readonly string[], io: Io): number {
  const p = parseFlags(args, ['seed', 'output'], 'run');
  const file = p.positional[0];
  if (file === undefined || p.positional.length > 1) throw new UsageError('kubesim run takes exactly one SCENARIO.yaml');
  const output = p.flags.get('output') ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be "json" (or omitted), got "${output}"`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const base = dirname(resolve(file));
  const readFile = (path: string): string => readFileSync(resolve(base, path), 'utf8');
  let report;
  try {
    const scenario = parseScenario(text);
    const seed = p.flags.get('seed');
    report = runScenario(scenario, { ...(seed !== undefined ? { seed } : {}), readFile, ...(output === 'text' ? { onProgress: io.out } : {}) });
  } catch (e) {
    if (e instanceof ScenarioError) {
      if (output === 'json') io.out(JSON.stringify({ status: 'invalid', error: e.message, field: e.field }, null, 2));
      io.err(`error: invalid scenario ${file}: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (output === 'json') io.out(JSON.stringify(report, null, 2));
  else io.out(summarize(report));
  return report.status === 'failed' ? 1 : 0;
}

async function sweep(args: readonly string[], io: Io): Promise<number> {
  // --merge takes no value; the files are the positional arguments.
  const merge = args.includes('--merge');
  const p = parseFlags(
    args.filter((a) => a !== '--merge'),
    merge ? ['output'] : ['seeds', 'workers', 'shard', 'metrics', 'output'],
    'sweep',
  );
  const output = p.flags.get('output') ?? 'text';
  if (output !== 'text' && output !== 'json') throw new UsageError(`--output must be "json" (or omitted), got "${output}"`);
  // Loaded here so the other commands do not load the worker pool library at start-up.
  const { readInput, runSweep } = await import('./sweep/sweep.js');
  let result: SweepResult;
  if (merge) {
    if (p.positional.length === 0) throw new UsageError('kubesim sweep --merge needs the JSON files of the shards');
    result = mergeSweeps(p.positional.map((f) => parseSweepResult(readInput(f), f)));
  } else {
    const file = p.positional[0];
    if (file === undefined || p.positional.length > 1) throw new UsageError('kubesim sweep takes exactly one SCENARIO.yaml');
    const spec = p.flags.get('seeds');
    if (spec === undefined) throw new UsageError('kubesim sweep needs --seeds (for example --seeds 1..100)');
    const all = parseSeeds(spec);
    const shardSpec = p.flags.get('shard');
    const shard = shardSpec === undefined ? undefined : parseShard(shardSpec);
    const seeds = shard === undefined ? all : shardSeeds(all, shard);
    const metrics = parseMetrics(p.flags.get('metrics'));
    const workers = intFlag(p, 'workers') ?? availableParallelism();
    // Never with --output json: the bar is for a person watching, and a script reading JSON gets none.
    const bar = output === 'text' ? stderrProgress(seeds.length, 'seeds') : undefined;
    const onProgress = bar && ((done: number, _total: number, failed: number) => bar.update(done, failed > 0 ? `${failed} failed` : ''));
    try {
      result = await runSweep({ file, seeds, workers, metrics, ...(shard !== undefined ? { shard } : {}), ...(onProgress ? { onProgress } : {}) });
    } catch (e) {
      if (e instanceof ScenarioError) {
        io.err(`error: invalid scenario ${file}: ${e.message}`);
        return 2;
      }
      throw e;
    } finally {
      bar?.finish();
    }
  }
  io.out(output === 'json' ? JSON.stringify(result, null, 2) : formatSweep(result));
  return result.failed > 0 ? 1 : 0;
}

export function main(argv: readonly string[], io: Io = stdio): number | Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(HELP);
    return 0;
  }
  const help = COMMAND_HELP[command];
  if (!help) {
    io.err(`unknown command "${command}"\n\n${HELP}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(help);
    return 0;
  }
  try {
    switch (command) {
      case 'demo': {
        const p = parseFlags(rest, ['seed'], 'demo');
        if (p.positional.length > 0) throw new UsageError(`unexpected argument "${p.positional[0]}"`);
        io.out(runDemo(p.flags.get('seed') ?? 1));
        return 0;
      }
      case 'run':
        return run(rest, io);
      case 'sweep':
        return sweep(rest, io).catch((e: unknown) => usageExit(e, command, io));
      case 'shell': {
        const p = parseFlags(rest, ['seed', 'nodes', 'zones', 'masters'], 'shell');
        return runShell({
          seed: p.flags.get('seed') ?? 1,
          nodes: intFlag(p, 'nodes') ?? 3,
          zones: intFlag(p, 'zones') ?? 3,
          masters: intFlag(p, 'masters') ?? 1,
        });
      }
      case 'version':
        io.out(version());
        return 0;
      default:
        io.out(HELP);
        return 0;
    }
  } catch (e) {
    return usageExit(e, command, io);
  }
}

/** Bad usage prints the problem and a pointer to --help, exit 2; anything else propagates. */
function usageExit(e: unknown, command: string, io: Io): number {
  if (e instanceof UsageError || e instanceof SweepUsageError) {
    io.err(`error: ${e.message}\nSee 'kubesim ${command} --help'.`);
    return 2;
  }
  throw e;
}

// Run only as the program, not when imported (tests import main()).
function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === new URL(`file://${realpathSync(script)}`).href;
  } catch {
    return false;
  }
}
const invoked = isMain();
if (invoked) {
  Promise.resolve()
    .then(() => main(process.argv.slice(2)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        if (e instanceof KubesimError) {
          console.error(`error: ${e.message}`);
          process.exitCode = 1;
        } else {
          throw e;
        }
      },
    );
}

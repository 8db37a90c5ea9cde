/**
 * `kubesim shell`: a prompt (node:readline, with history) on a fresh cluster. Each line is a
 * kubectl command, or one of the shell's own: `advance 30s`, `fail node NAME`,
 * `recover node NAME`, `fail zone Z`, `recover zone Z`, `time`, `exit`. Output is what kubectl
 * would print; errors print kubectl's message and the prompt continues.
 */
import { createInterface } from 'node:readline';
import { formatDuration } from '../clock/duration.js';
import { KubesimError } from '../model/errors.js';
import { createCluster, type Cluster } from '../sim/cluster.js';

export interface ShellOptions {
  readonly seed: string | number;
  readonly nodes: number;
  readonly zones: number;
  readonly masters: number;
}

interface FaultsLike {
  failNode?(n: string): void;
  recoverNode?(n: string): void;
  failZone?(z: string): void;
  recoverZone?(z: string): void;
}

/** Runs one shell line; returns the text to print, or undefined to exit. Pure except for the cluster. */
export function shellLine(cluster: Cluster, line: string): string | undefined {
  const words = line.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return '';
  const [w0, w1, w2] = words;
  if (w0 === 'exit' || w0 === 'quit') return undefined;
  try {
    if (w0 === 'time') return `t=${formatDuration(cluster.now)} (${cluster.nowTimestamp})`;
    if (w0 === 'advance') {
      if (w1 === undefined) return 'usage: advance DURATION (e.g. advance 30s)';
      cluster.advance(w1);
      return `t=${formatDuration(cluster.now)}`;
    }
    if ((w0 === 'fail' || w0 === 'recover') && (w1 === 'node' || w1 === 'zone')) {
      if (w2 === undefined) return `usage: ${w0} ${w1} NAME`;
      const faults = (cluster as unknown as { faults?: FaultsLike }).faults;
      const method = `${w0}${w1 === 'node' ? 'Node' : 'Zone'}` as keyof FaultsLike;
      const fn = faults?.[method];
      if (typeof fn !== 'function') return 'fault injection is not available in this kubesim build';
      fn.call(faults, w2);
      return `${w1} ${w2} ${w0 === 'fail' ? 'failed' : 'recovered'} at t=${formatDuration(cluster.now)}`;
    }
    return cluster.kubectl(line.trim()).replace(/\n$/, '');
  } catch (e) {
    if (e instanceof KubesimError) {
      const stdout = (e as { stdout?: string }).stdout ?? '';
      return `${stdout}${e.message}`;
    }
    throw e;
  }
}

export function runShell(opts: ShellOptions): Promise<number> {
  const cluster = createCluster({ seed: opts.seed, nodes: opts.nodes, zones: opts.zones, controlPlane: { masters: opts.masters } });
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true, historySize: 1000 });
  const prompt = (): void => {
    rl.setPrompt(`kubesim [t=${formatDuration(cluster.now)}]> `);
    rl.prompt();
  };
  process.stdout.write(`kubesim shell: ${opts.nodes} nodes, ${opts.zones} zones, seed ${cluster.seed}. Type kubectl commands, "advance 30s", "exit".\n`);
  return new Promise((resolveExit) => {
    rl.on('line', (line) => {
      const out = shellLine(cluster, line);
      if (out === undefined) {
        rl.close();
        return;
      }
      if (out !== '') process.stdout.write(`${out}\n`);
      prompt();
    });
    rl.on('close', () => resolveExit(0));
    prompt();
  });
}

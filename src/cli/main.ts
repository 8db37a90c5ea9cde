#!/usr/bin/env node
/**
 * The `kubesim` command. Parses argv, runs a subcommand, maps errors to exit codes:
 * 0 success, 1 a failed run or expectation, 2 bad usage.
 */
import { readFileSync } from 'node:fs';
import { KubesimError } from '../model/errors.js';
import { runDemo } from './demo.js';

const HELP = `kubesim — a deterministic, in-memory Kubernetes cluster simulator

Usage:
  kubesim demo [--seed N]   run the narrated demo
  kubesim version           print the version
  kubesim help              this text

Every command takes --help.`;

const COMMAND_HELP: Record<string, string> = {
  demo: `Usage: kubesim demo [--seed N]

Creates a 3-zone cluster with 3 control-plane nodes, applies a small app, advances virtual
time and prints what happened. The same seed prints the same output.`,
  version: 'Usage: kubesim version\n\nPrints the kubesim version and the Kubernetes version it simulates.',
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return `kubesim ${pkg.version} (simulates Kubernetes v1.32)`;
}

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

export function main(argv: readonly string[]): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    const help = COMMAND_HELP[command];
    if (!help) {
      console.error(`unknown command "${command}"\n\n${HELP}`);
      return 2;
    }
    console.log(help);
    return 0;
  }
  switch (command) {
    case 'demo':
      console.log(runDemo(flag(rest, '--seed') ?? 1));
      return 0;
    case 'version':
      console.log(version());
      return 0;
    default:
      console.error(`unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof KubesimError) {
    console.error(`error: ${e.message}`);
    process.exitCode = 1;
  } else {
    throw e;
  }
}

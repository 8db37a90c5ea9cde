import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

// Runs the built CLI as a user would after `npm ci` (which builds through `prepare`).
const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}, 120_000);

describe('kubesim CLI', () => {
  it('is built', () => {
    expect(existsSync(BIN)).toBe(true);
  });

  it('runs the demo deterministically', () => {
    const a = execFileSync('node', [BIN, 'demo'], { encoding: 'utf8' });
    const b = execFileSync('node', [BIN, 'demo', '--seed', '1'], { encoding: 'utf8' });
    expect(a).toBe(b);
    expect(a).toContain('deployment.apps/vote created');
    expect(a).toContain('deployment.apps/vote unchanged');
    expect(a).toContain('service/vote unchanged');
    expect(a).toContain('is invalid: spec.replicas: Invalid value: -1');
    const c = execFileSync('node', [BIN, 'demo', '--seed', '2'], { encoding: 'utf8' });
    expect(c).not.toBe(a);
  });

  it('prints help for every command and fails on unknown ones', () => {
    expect(execFileSync('node', [BIN, '--help'], { encoding: 'utf8' })).toContain('Usage:');
    expect(execFileSync('node', [BIN, 'demo', '--help'], { encoding: 'utf8' })).toContain('kubesim demo');
    expect(execFileSync('node', [BIN, 'version'], { encoding: 'utf8' })).toMatch(/^kubesim \d+\.\d+\.\d+ \(simulates Kubernetes v1\.32\)/);
    const bad = spawnSync('node', [BIN, 'frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
  });
});

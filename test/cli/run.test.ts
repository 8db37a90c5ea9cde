import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

// Runs the BUILT CLI as a user would (after `npx tsc -p tsconfig.build.json`).
const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}, 180_000);

function kubesim(...args: string[]) {
  return spawnSync('node', [BIN, ...args], { encoding: 'utf8' });
}

function scenarioFile(text: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-run-'));
  writeFileSync(join(dir, 'scenario.yaml'), text);
  for (const [name, body] of Object.entries(extra)) writeFileSync(join(dir, name), body);
  return join(dir, 'scenario.yaml');
}

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx:1.27 }] }
`;

const scenario = (expectations: string, manifests = '[web.yaml]') => `apiVersion: kubesim.dev/v1alpha1
kind: Scenario
metadata: { name: t }
cluster: { nodes: 2 }
manifests: ${manifests}
steps:
  - { at: 30s, kubectl: "scale deployment web --replicas=3" }
expect:
${expectations}
`;

describe('kubesim run', () => {
  it('exits 0 when every expectation holds, and prints the timeline', () => {
    const r = kubesim('run', scenarioFile(scenario('  - { kubectl: "get deploy web -o jsonpath={.spec.replicas}", equals: "3" }\n  - { rollout: deployment/web, done: true, within: 2m }'), { 'web.yaml': WEB }));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('[t=0s     ] kubectl apply web.yaml');
    expect(r.stdout).toContain('deployment.apps/web scaled');
    expect(r.stdout).toMatch(/^PASSED t \(seed 1\): 2\/2 expectations/m);
  });

  it('exits 1 with a clear report when an expectation fails', () => {
    const r = kubesim('run', scenarioFile(scenario('  - { kubectl: "get deploy web -o jsonpath={.spec.replicas}", equals: "5" }'), { 'web.yaml': WEB }));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL kubectl get deploy web -o jsonpath={.spec.replicas} equals "5" (got: 3)');
    expect(r.stdout).toMatch(/^FAILED t .* 1 of 1 expectations failed$/m);
  });

  it('exits 1 when a manifest is rejected by the API server', () => {
    const r = kubesim('run', scenarioFile(scenario('  - { rollout: deployment/web, done: true }'), { 'web.yaml': WEB.replace('replicas: 2', 'replicaz: 2') }));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('strict decoding error: unknown field "spec.replicaz"');
  });

  it.each`
    text                                                                                      | message
    ${'kind: Scenario\napiVersion: v1\n'}                                                     | ${'apiVersion: must be "kubesim.dev/v1alpha1", got "v1"'}
    ${'apiVersion: kubesim.dev/v1alpha1\nkind: Test\n'}                                       | ${'kind: must be "Scenario", got "Test"'}
    ${'apiVersion: kubesim.dev/v1alpha1\nkind: Scenario\nsteps: [{ at: 2x, advance: 1s }]\n'} | ${'steps[0].at: invalid duration "2x"'}
    ${'apiVersion: kubesim.dev/v1alpha1\nkind: Scenario\nsteps: [{ at: 1m }]\n'}              | ${'steps[0]: must have exactly one of apply, kubectl, fault, advance, expect (found none)'}
    ${'apiVersion: kubesim.dev/v1alpha1\nkind: Scenario\nexpect: [{ rollout: deploy/x }]\n'}  | ${'expect[0].done: must be true or false'}
    ${'apiVersion: kubesim.dev/v1alpha1\nkind: Scenario\nclustr: {}\n'}                       | ${'clustr: unknown field'}
    ${'apiVersion: kubesim.dev/v1alpha1\nkind: Scenario\ncluster: { zones: 99 }\n'}           | ${'cluster: createCluster: zones: must be an integer between 0 and 26, got 99'}
    ${'a: [b\n'}                                                                              | ${'invalid YAML'}
  `('exits 2 for an invalid scenario: $message', ({ text, message }) => {
    const r = kubesim('run', scenarioFile(text));
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 for bad usage', () => {
    expect(kubesim('run').status).toBe(2);
    expect(kubesim('run', 'does-not-exist.yaml').stderr).toContain('cannot read does-not-exist.yaml: ENOENT');
    expect(kubesim('run', 'x.yaml', '--output', 'xml').status).toBe(2);
    expect(kubesim('run', 'x.yaml', '--frobnicate', '1').stderr).toContain('unknown flag --frobnicate');
  });

  it('--output json prints one machine-readable report', () => {
    const r = kubesim('run', join(EXAMPLES, 'voting-app/scenario.yaml'), '--output', 'json', '--seed', '9');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(report).sort()).toEqual(['endMs', 'expectations', 'name', 'seed', 'status', 'steps', 'traceHash']);
    expect(report).toMatchObject({ name: 'voting-app', seed: '9', status: 'passed' });
    expect((report.expectations as { passed: boolean }[]).every((e) => e.passed)).toBe(true);
    expect(report.steps).toEqual(expect.arrayContaining([expect.objectContaining({ atMs: 0, ok: true, action: expect.stringContaining('kubectl apply') })]));
    const invalid = kubesim('run', scenarioFile('kind: x\n'), '--output', 'json');
    expect(invalid.status).toBe(2);
    expect(JSON.parse(invalid.stdout)).toMatchObject({ status: 'invalid', field: 'apiVersion' });
  });

  it('the same scenario and seed print the same bytes', () => {
    const a = kubesim('run', join(EXAMPLES, 'bad-rollout-undo/scenario.yaml'));
    const b = kubesim('run', join(EXAMPLES, 'bad-rollout-undo/scenario.yaml'));
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });
});

describe('kubesim demo and --help', () => {
  it('the demo tells the whole story, deterministically', () => {
    const a = kubesim('demo');
    expect(a.status).toBe(0);
    expect(kubesim('demo', '--seed', '1').stdout).toBe(a.stdout);
    for (const s of ['deployment.apps/vote created', 'successfully rolled out', 'CrashLoopBackOff', 'deployment.apps/vote rolled back', 'REVISION  CHANGE-CAUSE']) {
      expect(a.stdout).toContain(s);
    }
    expect(a.stdout).toMatch(/zone-a goes dark|zone outage skipped/);
    expect(kubesim('demo', '--seed', '2').stdout).not.toBe(a.stdout);
  });

  it.each(['demo', 'run', 'shell', 'version', 'help'])('kubesim %s --help', (cmd) => {
    const r = kubesim(cmd, '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(cmd === 'help' ? /Usage:\n  kubesim demo/ : /^Usage: kubesim /);
  });

  it('the shell takes kubectl commands and its own', () => {
    const r = spawnSync('node', [BIN, 'shell', '--nodes', '2'], { encoding: 'utf8', input: 'run x --image=nginx\nadvance 30s\nget pods\nfail node node-1\nkubectl get nodes\nexit\n' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('pod/x created');
    expect(r.stdout).toContain('t=30s');
    expect(r.stdout).toMatch(/x\s+1\/1\s+Running/);
    expect(r.stdout).toMatch(/node node-1 failed|fault injection is not available/);
  });
});

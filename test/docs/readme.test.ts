/** The README's quick start runs as written (kept in sync by extracting it from README.md). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as kubesim from '../../src/index.js';

function quickStart(): string {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('```ts\nimport { createCluster }');
  const end = readme.indexOf('```', start + 5);
  return readme.slice(start + 5, end).replace("import { createCluster } from 'kubesim';", '');
}

describe('README quick start', () => {
  it('runs, and routes a request to a ready pod', () => {
    const logs: unknown[] = [];
    const console = { log: (v: unknown) => logs.push(v) };
    // The snippet is plain JavaScript apart from its import; run it against the real API.
    const run = new Function('createCluster', 'console', quickStart());
    run(kubesim.createCluster, console);
    expect(String(logs[0])).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(logs[1]).toMatch(/^Waiting for deployment "web" rollout to finish|deployment "web" successfully rolled out/);
    expect(logs[3]).toMatchObject({ ok: true });
    expect(String(logs[4])).toMatch(/^[0-9a-f]{64}$/);
  });
});

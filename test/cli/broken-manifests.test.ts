import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario } from '../../src/cli/scenario/runner.js';
import { createCluster, KubesimError } from '../../src/index.js';
import { decodeManifestsStrict } from '../../src/model/strict-decode.js';

const TEMPLATE = `  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx }] }`;
const deploy = (spec: string, meta = '{ name: web }', apiVersion = 'apps/v1', kind = 'Deployment') =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: ${meta}\nspec:\n${spec}\n`;
const GOOD_SELECTOR = '  selector: { matchLabels: { app: web } }';

/** Untrusted manifests, each with what the API server (or the YAML decoder) answers. */
const CASES: { name: string; manifest: string; error: RegExp; strictOnly?: boolean }[] = [
  { name: 'bad YAML', manifest: 'apiVersion: v1\nkind: [Pod\n', error: /error parsing YAML in document 0 \(line \d+, column \d+\)/ },
  { name: 'an unknown kind', manifest: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n', error: /no matches for kind "Widget"/ },
  { name: 'a wrong apiVersion', manifest: deploy(`${GOOD_SELECTOR}\n${TEMPLATE}`, '{ name: web }', 'apps/v2'), error: /no matches for kind "Deployment" in version "apps\/v2"/ },
  { name: 'a missing required field', manifest: deploy(TEMPLATE), error: /Deployment\.apps "web" is invalid: .*spec\.selector: Required value/ },
  {
    name: 'a wrong type',
    manifest: deploy(`  replicas: "3"\n${GOOD_SELECTOR}\n${TEMPLATE}`),
    error: /spec\.replicas: Invalid value: "3": must be an integer|cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32/,
  },
  {
    name: 'a selector that does not match the template',
    manifest: deploy(`  selector: { matchLabels: { app: other } }\n${TEMPLATE}`),
    error: /spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/,
  },
  { name: 'a __proto__ key', manifest: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","__proto__":{"x":1}}}`, error: /__proto__: field name is not allowed/ },
  {
    name: 'a constructor key (an unknown field)',
    manifest: deploy(`${GOOD_SELECTOR}\n${TEMPLATE}`, '{ name: web, constructor: x }'),
    error: /strict decoding error: unknown field "metadata\.constructor"/,
    strictOnly: true,
  },
  { name: 'an unknown field', manifest: deploy(`  replicaz: 3\n${GOOD_SELECTOR}\n${TEMPLATE}`), error: /strict decoding error: unknown field "spec\.replicaz"/, strictOnly: true },
  { name: 'a 10 MB document', manifest: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: big }\ndata: { x: "${'x'.repeat(10 * 1024 * 1024)}" }\n`, error: /Request entity too large: limit is 3145728/ },
];

function scenarioWith(manifest: string): string {
  return `apiVersion: kubesim.dev/v1alpha1
kind: Scenario
metadata: { name: broken }
cluster: { nodes: 1 }
manifests: [m.yaml]
expect: [{ kubectl: "get pods", fails: false }]
`;
}

describe('broken manifests through kubesim run', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s fails the run (exit 1) and names the problem', (_n, c) => {
    const report = runScenario(parseScenario(scenarioWith(c.manifest)), { readFile: () => c.manifest });
    expect(report.status).toBe('failed');
    expect(report.steps[0]!.ok).toBe(false);
    expect(report.steps[0]!.error).toMatch(c.error);
    expect(report.expectations).toEqual([]); // nothing after the failed step ran
  });
});

describe('broken manifests through cluster.apply', () => {
  it.each(CASES.filter((c) => !c.strictOnly).map((c) => [c.name, c] as const))('%s is a typed error and changes nothing', (_n, c) => {
    const cluster = createCluster({ nodes: 1 });
    const before = cluster.traceHash();
    let err: unknown;
    try {
      cluster.apply(c.manifest);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubesimError);
    expect((err as Error).message).toMatch(c.error);
    expect(cluster.traceHash()).toBe(before);
  });

  // cluster.apply does not decode strictly until the lead wires decodeManifestsStrict into it;
  // the function it will call already rejects these.
  it.each(CASES.filter((c) => c.strictOnly).map((c) => [c.name, c] as const))('%s is rejected by strict decoding', (_n, c) => {
    expect(() => decodeManifestsStrict(c.manifest)).toThrow(c.error);
  });
});

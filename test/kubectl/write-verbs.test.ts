import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/index.js';
import { KubectlError } from '../../src/kubectl/index.js';
import { runKubectl } from '../../src/kubectl/index.js';
import { webCluster, WEB } from './fixture.js';

function fails(c: Cluster, cmd: string, opts = {}): KubectlError {
  try {
    runKubectl(c, cmd, opts);
  } catch (e) {
    if (e instanceof KubectlError) return e;
    throw e;
  }
  throw new Error(`expected "${cmd}" to fail`);
}

describe('kubectl write verbs: success lines', () => {
  it.each`
    cmd                                                                  | out
    ${'scale deployment web --replicas=3'}                               | ${'deployment.apps/web scaled\n'}
    ${'scale deploy/web --replicas 1'}                                   | ${'deployment.apps/web scaled\n'}
    ${'set image deployment/web nginx=nginx:1.28'}                       | ${'deployment.apps/web image updated\n'}
    ${'run x --image=busybox'}                                           | ${'pod/x created\n'}
    ${'create deployment api --image=example/api:v1 --replicas=2'}       | ${'deployment.apps/api created\n'}
    ${'create namespace shop'}                                           | ${'namespace/shop created\n'}
    ${'expose deployment/web --port=8080 --target-port=80 --name=web2 --type=NodePort'} | ${'service/web2 exposed\n'}
    ${'label deployment web tier=frontend'}                              | ${'deployment.apps/web labeled\n'}
    ${'annotate deployment web note=hello'}                              | ${'deployment.apps/web annotated\n'}
    ${'rollout restart deployment/web'}                                  | ${'deployment.apps/web restarted\n'}
    ${'rollout pause deployment/web'}                                    | ${'deployment.apps/web paused\n'}
    ${'delete service web'}                                              | ${'service "web" deleted\n'}
    ${'delete deployment web --cascade=orphan'}                          | ${'deployment.apps "web" deleted\n'}
    ${`patch deployment web -p '{"spec":{"replicas":4}}'`}               | ${'deployment.apps/web patched\n'}
    ${`patch deployment web --type merge -p '{"spec":{"replicas":2}}'`}  | ${'deployment.apps/web patched (no change)\n'}
    ${`patch deployment web --type json -p '[{"op":"replace","path":"/spec/replicas","value":5}]'`} | ${'deployment.apps/web patched\n'}
  `('kubectl $cmd', ({ cmd, out }) => {
    const c = webCluster();
    expect(runKubectl(c, cmd)).toBe(out);
  });

  it('scale writes spec.replicas and the controllers follow', () => {
    const c = webCluster();
    c.kubectl('scale deployment web --replicas=4');
    c.advance('2m');
    expect(c.kubectl('get deploy web -o jsonpath={.status.readyReplicas}')).toBe('4');
  });

  it('create deployment builds what kubectl builds', () => {
    const c = webCluster();
    c.kubectl('create deployment api --image=registry.example.com/team/api:v1@sha256:abc --replicas=2');
    const d = c.get('deploy', 'api') as { metadata: { labels?: Record<string, string> }; spec: { replicas: number; selector: unknown; template: { spec: { containers: { name: string }[] } } } };
    expect(d.metadata.labels).toEqual({ app: 'api' });
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'api' } });
    expect(d.spec.template.spec.containers[0]!.name).toBe('api');
  });

  it('expose copies the selector and labels, and the ports', () => {
    const c = webCluster();
    c.kubectl('expose deployment web --port=8080 --target-port=80 --name=web2');
    const s = c.get('svc', 'web2') as { spec: { selector: unknown; ports: unknown[] } };
    expect(s.spec.selector).toEqual({ app: 'web' });
    expect(s.spec.ports).toEqual([expect.objectContaining({ port: 8080, targetPort: 80, protocol: 'TCP' })]);
  });

  it('rollout status waits (advancing virtual time) until the rollout is done', () => {
    const c = webCluster();
    c.kubectl('set image deployment/web nginx=nginx:1.28');
    const out = c.kubectl('rollout status deployment/web');
    expect(out.trimEnd().split('\n').at(-1)).toBe('deployment "web" successfully rolled out');
    expect(c.kubectl('rollout history deployment/web')).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect(c.kubectl('rollout undo deployment/web')).toBe('deployment.apps/web rolled back\n');
  });

  it('label: removal, overwrite rules and the "already has a value" error', () => {
    const c = webCluster();
    c.kubectl('label deployment web app=web');
    expect(fails(c, 'label deployment web app=other').message).toBe("error: 'app' already has a value (web), and --overwrite is false");
    expect(c.kubectl('label deployment web app=other --overwrite')).toBe('deployment.apps/web labeled\n');
    expect(c.kubectl('label deployment web app-')).toBe('deployment.apps/web unlabeled\n');
    expect(c.kubectl('label deployment web app-')).toBe('label "app" not found.\ndeployment.apps/web not labeled\n');
    expect(c.kubectl('label deployment web a=1 b=2')).toBe('deployment.apps/web labeled\n');
    expect(c.kubectl('label deployment web a- c=3')).toBe('deployment.apps/web modified\n');
    expect(c.get('deploy', 'web').metadata.labels).toEqual({ b: '2', c: '3' });
    c.kubectl('annotate deployment web note=a');
    expect(fails(c, 'annotate deployment web note=b').message).toBe("error: --overwrite is false but found the following declared annotation(s): 'note' already has a value (a)");
  });

  it('delete: by selector, grace period and cascade', () => {
    const c = webCluster();
    const pods = c.get('pods').map((p) => p.metadata.name);
    const out = c.kubectl('delete pods -l app=web --grace-period=0 --force');
    expect(out).toBe(pods.map((p) => `pod "${p}" force deleted\n`).join(''));
    expect(fails(c, 'delete deployment nope').message).toBe('Error from server (NotFound): deployments.apps "nope" not found');
    expect(fails(c, 'delete deployment web --cascade=sideways').message).toBe('error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan".');
    c.kubectl('delete deployment web --cascade=orphan');
    c.advance('10s');
    expect(c.get('rs').length).toBe(1); // orphaned, not collected
  });

  it('apply -f from the files map and stdin, with strict decoding', () => {
    const c = createCluster({ nodes: 1 });
    expect(runKubectl(c, 'apply -f web.yaml', { files: { 'web.yaml': WEB } })).toBe('deployment.apps/web created\nservice/web created\n');
    expect(runKubectl(c, 'apply -f -', { stdin: WEB })).toBe('deployment.apps/web unchanged\nservice/web unchanged\n');
    expect(fails(c, 'apply -f nope.yaml').message).toBe('error: the path "nope.yaml" does not exist');
    const bad = WEB.replace('replicas: 2', 'replicaz: 2');
    expect(fails(c, 'apply -f bad.yaml', { files: { 'bad.yaml': bad } }).message).toBe(
      'Error from server (BadRequest): error when applying "bad.yaml": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"',
    );
  });

  it('errors: unknown verbs, already paused, missing image', () => {
    const c = webCluster();
    c.kubectl('rollout pause deployment/web');
    expect(fails(c, 'rollout pause deployment/web').message).toBe('error: deployments.apps "web" is already paused');
    expect(fails(c, 'run y').message).toBe('error: required flag(s) "image" not set');
    expect(fails(c, 'create deployment web --image=a').message).toBe('Error from server (AlreadyExists): deployments.apps "web" already exists');
    expect(fails(c, 'frobnicate').message).toBe('Error: unknown command "frobnicate" for "kubectl"');
    expect(fails(c, `patch deployment web -p '{"spec":{"replicaz":1}}'`).message).toBe(
      'error: Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicaz"',
    );
  });
});

describe('kubectl top', () => {
  it('nodes: requests as usage, percentages of allocatable', () => {
    const c = webCluster();
    const out = c.kubectl('top nodes');
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s+$/);
    // two pods of 100m/128Mi over two 4-cpu/16Gi nodes: one each (spread)
    expect(lines.slice(1, 3).map((l) => l.trim().split(/\s+/))).toEqual([
      ['node-1', '100m', '2%', '128Mi', '0%'],
      ['node-2', '100m', '2%', '128Mi', '0%'],
    ]);
  });

  it('pods', () => {
    const c = webCluster();
    const out = c.kubectl('top pods');
    expect(out.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s+$/);
    expect(out.split('\n').slice(1, 3).map((l) => l.trim().split(/\s+/).slice(1))).toEqual([['100m', '128Mi'], ['100m', '128Mi']]);
  });
});

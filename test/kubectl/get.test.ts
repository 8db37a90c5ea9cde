import { describe, expect, it } from 'vitest';
import { runKubectl, KubectlError } from '../../src/kubectl/index.js';
import { webCluster } from './fixture.js';

/** Two web pods the kubelet runs, plus one pod too big for any node (Pending), 5 minutes on. */
function setup() {
  const c = webCluster();
  c.run('big', { image: 'nginx:1.27', requests: { cpu: '100' } });
  c.advance('5m');
  const pods = (c.get('pods') as { metadata: { name: string } }[]).map((p) => p.metadata.name);
  return { c, pods, k: (args: string) => runKubectl(c, args) };
}

describe('kubectl get (golden, kubectl 1.32 layout)', () => {
  it.each([
    ['get pods', 'get-pods.txt'],
    ['get pods -o wide', 'get-pods-wide.txt'],
    ['get deploy', 'get-deploy.txt'],
    ['get deployments.apps -o wide', 'get-deploy-wide.txt'],
    ['get rs', 'get-rs.txt'],
    ['get nodes', 'get-nodes.txt'],
    ['get svc', 'get-svc.txt'],
    ['get events', 'get-events.txt'],
    ['get all', 'get-all.txt'],
    ['get pods -A --show-labels', 'get-pods-all-namespaces-labels.txt'],
    ['get pc', 'get-pc.txt'],
    ['get ns', 'get-ns.txt'],
    ['describe pod', 'describe-pod.txt'],
    ['describe deployment web', 'describe-deployment.txt'],
    ['describe rs', 'describe-rs.txt'],
    ['describe svc web', 'describe-svc.txt'],
    ['describe node node-1', 'describe-node.txt'],
    ['api-resources', 'api-resources.txt'],
  ])('%s', async (cmd, file) => {
    const { k } = setup();
    await expect(k(cmd)).toMatchFileSnapshot(`./__snapshots__/${file}`);
  });

  it('prints the pod table exactly', () => {
    const { k, pods } = setup();
    const [big, a, b] = pods;
    expect(big).toBe('big');
    expect(k('get pods')).toBe(
      'NAME                   READY   STATUS    RESTARTS   AGE\n' +
        'big                    0/1     Pending   0          5m\n' +
        `${a}   1/1     Running   0          6m30s\n` +
        `${b}   1/1     Running   0          6m30s\n`,
    );
  });

  it('separates the tables of several kinds with a blank line and names them kind.group/name', () => {
    const { c, k } = setup();
    const ip = (c.get('svc', 'web').spec as { clusterIP: string }).clusterIP;
    const out = k('get deploy,svc');
    expect(out).toBe(
      'NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\n' +
        'deployment.apps/web   2/2     2            2           6m30s\n' +
        '\n' +
        `NAME                 TYPE        CLUSTER-IP${' '.repeat(Math.max(ip.length, 10) - 10)}   EXTERNAL-IP   PORT(S)   AGE\n` +
        `service/kubernetes   ClusterIP   10.96.0.1${' '.repeat(Math.max(ip.length, 10) - 9)}   <none>        443/TCP   6m30s\n` +
        `service/web          ClusterIP   ${ip.padEnd(10)}   <none>        80/TCP    6m30s\n`,
    );
  });

  it('-o name, --no-headers, -l, --field-selector, --sort-by', () => {
    const { k, pods } = setup();
    expect(k('get deploy,rs -o name')).toMatch(/^deployment\.apps\/web\nreplicaset\.apps\/web-[a-z0-9]+\n$/);
    expect(k('get pods --no-headers').split('\n')[0]).toMatch(/^big /);
    expect(k('get pods -l app=nope')).toBe('No resources found in default namespace.\n');
    expect(k('get pods --field-selector status.phase=Running -o name')).toBe(`pod/${pods[1]}\npod/${pods[2]}\n`);
    expect(k('get pods --field-selector status.phase=Pending -o name')).toBe('pod/big\n');
    expect(k('get pods --sort-by=.metadata.creationTimestamp -o name').split('\n')[2]).toBe('pod/big');
  });

  it('-o jsonpath supports paths, ranges and filters', () => {
    const { k, pods } = setup();
    expect(k("get pods -o jsonpath='{.items[*].metadata.name}'")).toBe(pods.join(' '));
    expect(k(`get pods -o jsonpath="{range .items[*]}{.metadata.name}{'\\t'}{.status.phase}{\\"\\n\\"}{end}"`)).toBe(
      `big\tPending\n${pods[1]}\tRunning\n${pods[2]}\tRunning\n`,
    );
    expect(k(`get pods -o jsonpath='{.items[?(@.status.phase=="Pending")].metadata.name}'`)).toBe('big');
    expect(k('get deploy web -o jsonpath={.spec.template.metadata.labels}')).toBe('{"app":"web"}');
  });

  it('-o json prints one named object with 4-space indent and sorted keys; lists as kind: List', () => {
    const { k } = setup();
    const one = k('get svc web -o json');
    expect(one.startsWith('{\n    "apiVersion": "v1",\n    "kind": "Service",\n    "metadata": {\n')).toBe(true);
    expect(k('get svc -o yaml')).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Service\n[\s\S]*\nkind: List\nmetadata:\n  resourceVersion: ""\n$/);
    expect(k('get svc web -o yaml')).toContain('  creationTimestamp: "2025-01-01T00:00:00Z"\n');
  });
});

describe('kubectl errors', () => {
  const cases: [string, string][] = [
    ['get deploy nope', 'Error from server (NotFound): deployments.apps "nope" not found'],
    ['get widgets', 'error: the server doesn\'t have a resource type "widgets"'],
    ['frobnicate pods', 'Error: unknown command "frobnicate" for "kubectl"'],
    ['get pods --foo', "Error: unknown flag: --foo\nSee 'kubectl get --help' for usage."],
    ['get pods -x', "Error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage."],
    ['get pods -n', "Error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage."],
    ['get pods --no-headers=maybe', 'Error: invalid argument "maybe" for "--no-headers" flag: strconv.ParseBool: parsing "maybe": invalid syntax\nSee \'kubectl get --help\' for usage.'],
    ['describe', 'error: You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.'],
  ];
  it.each(cases)('%s', (cmd, message) => {
    const c = webCluster();
    let err: unknown;
    try {
      runKubectl(c, cmd);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubectlError);
    expect((err as Error).message).toBe(message);
  });

  it('prints what was found and reports the rest (get pod a b)', () => {
    const c = webCluster();
    const name = (c.get('pods')[0] as { metadata: { name: string } }).metadata.name;
    try {
      runKubectl(c, `get pod ${name} missing -o name`);
      expect.unreachable();
    } catch (e) {
      expect((e as KubectlError).message).toBe('Error from server (NotFound): pods "missing" not found');
      expect((e as KubectlError).stdout).toBe(`pod/${name}\n`);
    }
  });

  it('reports an empty namespace as kubectl does', () => {
    const c = webCluster();
    expect(runKubectl(c, 'get pods -n kube-public')).toBe('No resources found in kube-public namespace.\n');
    expect(runKubectl(c, 'get ing -A')).toBe('No resources found\n');
  });
});

describe('version and cluster-info', () => {
  it('prints client, kustomize and server versions', () => {
    const c = webCluster();
    expect(runKubectl(c, 'version')).toBe('Client Version: v1.32.0\nKustomize Version: v5.5.0\nServer Version: v1.32.0\n');
    expect(runKubectl(c, 'version --client')).toBe('Client Version: v1.32.0\nKustomize Version: v5.5.0\n');
    expect(runKubectl(c, 'cluster-info')).toContain('Kubernetes control plane is running at https://127.0.0.1:6443\n');
  });
});

/**
 * A highly available control plane: static (mirror) pods per master, and an API that serves
 * while a majority of the etcd members (one per master) is up. Without it user calls fail
 * with ServiceUnavailable and change nothing, controllers and the scheduler wait, kubelets
 * keep their pods running and traffic keeps flowing; when the quorum returns, everything
 * catches up.
 */
import { describe, expect, it } from 'vitest';
import { BadRequestError, createCluster, KubesimError, ServiceUnavailableError, type Cluster, type StoredObject } from '../../src/index.js';
import { listObjects } from '../../src/model/store.js';

const images = { 'nginx:1.27': { pullTime: '2s', startupTime: '1s' } };
const web = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
});
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };

const ready = (p: StoredObject) => ((p.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
/** Reads straight from state, which needs no API server. */
const webPods = (c: Cluster) => listObjects(c.state, 'Pod', 'default').filter((p) => p.metadata.labels?.app === 'web' && !p.metadata.deletionTimestamp);

function ha(): Cluster {
  const c = createCluster({ nodes: 3, zones: 3, controlPlane: { masters: 3 }, images });
  c.apply([web(3), service]);
  c.settle();
  return c;
}

describe('static pods', () => {
  it('runs etcd, kube-apiserver, kube-controller-manager and kube-scheduler on every master as mirror pods', () => {
    const c = createCluster({ nodes: 1, controlPlane: { masters: 3 } });
    const pods = c.get('pods', undefined, { namespace: 'kube-system' });
    expect(pods.map((p) => p.metadata.name)).toEqual(
      ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].flatMap((n) => [1, 2, 3].map((i) => `${n}-control-plane-${i}`)).sort(),
    );
    const etcd = c.get('pod', 'etcd-control-plane-2', { namespace: 'kube-system' });
    const node = c.get('node', 'control-plane-2');
    expect(etcd.metadata.annotations?.['kubernetes.io/config.mirror']).toMatch(/^[0-9a-f]{32}$/);
    expect(etcd.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'control-plane-2', uid: node.metadata.uid, controller: true }]);
    expect(etcd.spec).toMatchObject({ nodeName: 'control-plane-2', priorityClassName: 'system-node-critical', priority: 2000001000, hostNetwork: true });
    expect(etcd.status).toMatchObject({ phase: 'Running', podIP: '10.0.0.2' });
    expect(pods.every(ready)).toBe(true);
    expect(c.now).toBe(0);
    // Static pods tolerate every NoExecute taint: the taint eviction controller leaves them.
    expect((etcd.spec as { tolerations: unknown[] }).tolerations).toEqual([{ operator: 'Exists', effect: 'NoExecute' }]);
  });

  it('adds nothing to a cluster without masters, and the API is always up there', () => {
    const c = createCluster({ nodes: 2 });
    expect(c.get('pods', undefined, { namespace: 'kube-system' })).toEqual([]);
    expect(c.controlPlane.available(c.state)).toBe(true);
    expect(() => c.faults.failMaster()).toThrow(BadRequestError);
  });
});

describe('API availability (etcd quorum)', () => {
  it.each`
    masters | down | available
    ${1}    | ${0} | ${true}
    ${1}    | ${1} | ${false}
    ${2}    | ${1} | ${false}
    ${3}    | ${1} | ${true}
    ${3}    | ${2} | ${false}
    ${5}    | ${2} | ${true}
    ${5}    | ${3} | ${false}
  `('$masters masters, $down down → available $available (quorum ⌊N/2⌋+1)', ({ masters, down, available }) => {
    const c = createCluster({ nodes: 1, controlPlane: { masters } });
    for (let i = 0; i < down; i++) c.faults.failMaster();
    expect(c.controlPlane.available(c.state)).toBe(available);
  });

  it('loses 1 of 3 masters without anything visible to users', () => {
    const c = ha();
    c.faults.failMaster();
    expect(c.faults.list().map((f) => `${f.metadata.name} ${f.fault}`)).toEqual(['node/control-plane-1 MasterDown']);
    c.scale('deployment/web', 4);
    expect(c.settle()).toBe(true);
    expect(webPods(c).filter(ready)).toHaveLength(4);
    expect(c.kubectl('get deploy web')).toContain('4/4');
  });

  it('loses 2 of 3: calls fail with ServiceUnavailable and change nothing, pods keep serving, recovery converges', () => {
    const c = ha();
    c.faults.failMaster('control-plane-1');
    c.faults.failMaster(); // the first master still up: control-plane-2
    expect(c.faults.list().map((f) => f.target)).toEqual(['control-plane-1', 'control-plane-2']);
    const before = { state: c.state, hash: c.traceHash() };

    expect(() => c.apply(web(5))).toThrow(ServiceUnavailableError);
    expect(() => c.scale('deployment/web', 5)).toThrow(ServiceUnavailableError);
    expect(() => c.setImage('deployment/web', 'web', 'nginx:1.28')).toThrow(ServiceUnavailableError);
    expect(() => c.delete('deployment', 'web')).toThrow(ServiceUnavailableError);
    expect(() => c.run('x', { image: 'busybox' })).toThrow(ServiceUnavailableError);
    expect(() => c.rollout.restart('deployment/web')).toThrow(ServiceUnavailableError);
    expect(() => c.get('pods')).toThrow(/etcd has no quorum: 1 of 3 members up, 2 needed/);
    let err: unknown;
    try {
      c.kubectl('get pods');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubesimError);
    expect((err as KubesimError).reason).toBe('ServiceUnavailable');
    expect((err as Error).message).toBe('The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?');
    expect(c.state).toBe(before.state);
    expect(c.traceHash()).toBe(before.hash);

    // Kubelets keep their pods, traffic flows, and nobody marks anything while the API is gone.
    c.advance('5m');
    for (let i = 0; i < 10; i++) expect(c.network.request({ to: 'web' })).toMatchObject({ ok: true });
    expect(webPods(c).filter(ready)).toHaveLength(3);

    c.faults.recoverMaster();
    expect(c.controlPlane.available(c.state)).toBe(true);
    c.scale('deployment/web', 5);
    expect(c.settle()).toBe(true);
    expect(webPods(c).filter(ready)).toHaveLength(5);
  });

  it('queues what happens during the outage: a node that dies meanwhile is marked once the quorum is back', () => {
    const c = ha();
    c.advance(10_000 - c.now);
    c.faults.failMaster('control-plane-1');
    c.faults.failMaster('control-plane-2'); // API down at 10 s
    c.advance('30s');
    c.faults.failNode('node-3'); // at 40 s: its kubelet had last reached the API at 10 s
    c.advance('2m');
    const node3 = () => listObjects(c.state, 'Node').find((n) => n.metadata.name === 'node-3')!;
    const readyCond = () => ((node3().status as { conditions: { type: string; status: string; lastTransitionTime: string }[] }).conditions.find((x) => x.type === 'Ready'))!;
    expect(readyCond().status).toBe('True'); // nobody could mark it
    c.faults.recoverMaster('control-plane-2'); // at 160 s, a monitor tick
    // Overdue since 65 s (last renewal 10 s + 50 s grace): marked at the first pass it gets.
    expect(readyCond()).toMatchObject({ status: 'Unknown', lastTransitionTime: '2025-01-01T00:02:40Z' });
    const master = listObjects(c.state, 'Node').find((n) => n.metadata.name === 'control-plane-1')!;
    expect(JSON.stringify(master.status)).toContain('NodeStatusUnknown'); // still off
    const lease = c.get('lease', 'node-3', { namespace: 'kube-node-lease' });
    expect(lease.spec).toMatchObject({ renewTime: '2025-01-01T00:00:10.000000Z' });
  });
});

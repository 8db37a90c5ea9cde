/**
 * Workload scenarios with everything running: Deployment and ReplicaSet controllers, the
 * scheduler, kubelets and the garbage collector. Each test reads like a kubectl session.
 */
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type StoredObject } from '../../src/index.js';

const web = (replicas = 3, image = 'nginx:1.27', extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    ...extra,
  },
});

const images = {
  'nginx:1.27': { pullTime: '2s', startupTime: '1s' },
  'nginx:1.28': { pullTime: '3s', startupTime: '1s' },
  'nginx:broken': { pullTime: '1s', startupTime: '500ms', crashAfter: '2s', exitCode: 1 },
};

function cluster(): Cluster {
  return createCluster({ nodes: 3, zones: 3, images });
}

const ready = (p: StoredObject) =>
  (p.status as { conditions?: { type: string; status: string }[] }).conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const live = (c: Cluster) => c.get('pods').filter((p) => !p.metadata.deletionTimestamp);
const image = (p: StoredObject) => (p.spec as { containers: { image: string }[] }).containers[0]!.image;
const reasons = (c: Cluster, reason: string) =>
  c.get('events').filter((e) => (e as { reason?: string }).reason === reason).map((e) => (e as { message?: string }).message);
const replicaSets = (c: Cluster) =>
  c.get('rs').map((rs) => `${rs.metadata.annotations?.['deployment.kubernetes.io/revision']}:${(rs.spec as { replicas: number }).replicas}`);

describe('Deployment, end to end', () => {
  it('creates pods that are pulled, started and ready on the timeline of their image', () => {
    const c = cluster();
    c.apply(web());
    expect(c.settle()).toBe(true);
    expect(c.now).toBe(3000); // 2 s pull + 1 s start, all three nodes pull in parallel
    expect(live(c).filter(ready)).toHaveLength(3);
    expect(c.rollout.status('deployment/web')).toEqual({ done: true, message: 'deployment "web" successfully rolled out' });
    const rs = c.get('rs')[0]!;
    expect(reasons(c, 'ScalingReplicaSet')).toEqual([`Scaled up replica set ${rs.metadata.name} from 0 to 3`]);
    expect(reasons(c, 'SuccessfulCreate')).toHaveLength(3);
    expect(reasons(c, 'Pulled')[0]).toMatch(/^Successfully pulled image "nginx:1.27" in 2s \(2s including waiting\)/);
    expect(c.kubectl('get deploy')).toBe('NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    3/3     3            3           3s\n');
  });

  it('scales up and down, removing not-ready pods first', () => {
    const c = cluster();
    c.apply(web(2));
    c.settle();
    c.scale('deployment/web', 5);
    c.advance('100ms'); // three new pods exist, none ready yet
    expect(live(c)).toHaveLength(5);
    c.scale('deployment/web', 2);
    c.settle();
    // The two ready pods stayed; the three still starting were deleted.
    expect(live(c).map((p) => p.metadata.creationTimestamp)).toEqual(['2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z']);
  });

  it('rolls out a new image, keeps history, and undoes to a revision', () => {
    const c = cluster();
    c.apply(web(3));
    c.settle();
    c.setImage('deployment/web', 'web', 'nginx:1.28');
    c.settle();
    expect(live(c).map(image)).toEqual(['nginx:1.28', 'nginx:1.28', 'nginx:1.28']);
    expect(replicaSets(c).sort()).toEqual(['1:0', '2:3']);
    expect(c.rollout.history('deployment/web').map((r) => r.revision)).toEqual([1, 2]);
    expect(c.rollout.undo('deployment/web', { toRevision: 1 })).toEqual({ revision: 1, skipped: false });
    c.settle();
    expect(live(c).map(image)).toEqual(['nginx:1.27', 'nginx:1.27', 'nginx:1.27']);
    // The revision-1 ReplicaSet is reused and becomes revision 3.
    expect(replicaSets(c).sort()).toEqual(['2:0', '3:3']);
    expect(() => c.rollout.undo('deployment/web', { toRevision: 7 })).toThrow('unable to find specified revision 7 in history');
  });

  it('pauses a rollout (scaling still works) and resumes it', () => {
    const c = cluster();
    c.apply(web(2));
    c.settle();
    c.rollout.pause('deployment/web');
    c.setImage('deployment/web', 'web', 'nginx:1.28');
    c.scale('deployment/web', 3);
    c.settle();
    expect(live(c).map(image)).toEqual(['nginx:1.27', 'nginx:1.27', 'nginx:1.27']);
    const progressing = (c.get('deploy', 'web').status as { conditions: { type: string; reason: string }[] }).conditions.find((x) => x.type === 'Progressing');
    expect(progressing?.reason).toBe('DeploymentPaused');
    c.rollout.resume('deployment/web');
    c.settle();
    expect(live(c).map(image)).toEqual(['nginx:1.28', 'nginx:1.28', 'nginx:1.28']);
  });

  it('restarts by stamping the template, which rolls every pod', () => {
    const c = cluster();
    c.apply(web(2));
    c.settle();
    const before = live(c).map((p) => p.metadata.name);
    c.advance('1m');
    c.rollout.restart('deployment/web');
    c.settle();
    const d = c.get('deploy', 'web');
    expect((d.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations).toEqual({
      'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:01:03Z',
    });
    expect(live(c).map((p) => p.metadata.name).filter((n) => before.includes(n))).toEqual([]);
  });

  it('a crash-looping image stalls the rollout, keeps the old pods serving, and hits the progress deadline', () => {
    const c = cluster();
    // minReadySeconds makes "available" mean "ready for 10 s": pods that crash after 2 s never are.
    c.apply(web(4, 'nginx:1.27', { progressDeadlineSeconds: 60, minReadySeconds: 10 }));
    c.settle();
    c.setImage('deployment/web', 'web', 'nginx:broken');
    c.advance('30s');
    const pods = live(c);
    // maxSurge 25% of 4 → 1 (up), maxUnavailable 25% → 1 (down): 3 old pods keep serving.
    expect(pods.filter((p) => image(p) === 'nginx:1.27' && ready(p))).toHaveLength(3);
    expect(c.kubectl('get pods')).toMatch(/CrashLoopBackOff/);
    expect(c.rollout.status('deployment/web').done).toBe(false);
    c.advance('2m');
    const status = c.rollout.status('deployment/web');
    expect(status.error).toBe('deployment "web" exceeded its progress deadline');
    const cond = (c.get('deploy', 'web').status as { conditions: { type: string; status: string; reason: string; message: string }[] }).conditions.find((x) => x.type === 'Progressing')!;
    expect(cond).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    expect(cond.message).toMatch(/^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/);
    // Roll back: the broken pods go, four good pods again.
    c.rollout.undo('deployment/web');
    c.settle({ timeout: '5m' });
    expect(live(c).filter((p) => image(p) === 'nginx:1.27' && ready(p))).toHaveLength(4);
    expect(live(c)).toHaveLength(4);
  });

  it('without minReadySeconds or a readiness probe, pods that crash after a moment still roll through (as in Kubernetes)', () => {
    const c = cluster();
    c.apply(web(4));
    c.settle();
    c.setImage('deployment/web', 'web', 'nginx:broken');
    c.advance('30s');
    // Each new pod was Ready for a moment before crashing, which counted as available.
    expect(live(c).every((p) => image(p) === 'nginx:broken')).toBe(true);
    expect(c.get('rs').map((rs) => (rs.spec as { replicas: number }).replicas).sort()).toEqual([0, 4]);
  });

  it('deletes with each propagation policy', () => {
    for (const [policy, left] of [
      ['Background', { deploy: 0, rs: 0, pods: 0 }],
      ['Foreground', { deploy: 0, rs: 0, pods: 0 }],
      ['Orphan', { deploy: 0, rs: 1, pods: 2 }],
    ] as const) {
      const c = cluster();
      c.apply(web(2));
      c.settle();
      c.delete('deployment', 'web', { propagationPolicy: policy });
      if (policy === 'Foreground') expect(c.get('deploy', 'web').metadata.finalizers).toEqual(['foregroundDeletion']);
      c.settle();
      expect({ deploy: c.get('deploy').length, rs: c.get('rs').length, pods: c.get('pods').length }).toEqual(left);
      if (policy === 'Orphan') expect(c.get('rs')[0]!.metadata.ownerReferences).toBeUndefined();
    }
  });

  it('releases a pod whose labels are edited (it keeps running) and replaces it', () => {
    const c = cluster();
    c.apply(web(2));
    c.settle();
    const victim = JSON.parse(JSON.stringify(live(c)[0]!));
    victim.metadata.labels = { app: 'debug' };
    c.replace(victim);
    c.settle();
    const released = c.get('pod', victim.metadata.name);
    expect(released.metadata.ownerReferences).toBeUndefined();
    expect(ready(released)).toBe(true);
    expect(c.get('pods', undefined, { selector: 'app=web' }).filter(ready)).toHaveLength(2);
  });

  it('keeps revisionHistoryLimit old ReplicaSets', () => {
    const c = cluster();
    c.apply(web(1, 'nginx:1.27', { revisionHistoryLimit: 1 }));
    c.settle();
    for (const tag of ['1.28', '1.29', '1.30']) {
      c.setImage('deployment/web', 'web', `nginx:${tag}`);
      c.settle();
    }
    expect(replicaSets(c).sort()).toEqual(['3:0', '4:1']);
  });
});

describe('pods, end to end', () => {
  it('restarts a crashing container at once, then with CrashLoopBackOff back-off 10s, 20s, ...', () => {
    const c = createCluster({ nodes: 1, images: { crasher: { pullTime: '1s', startupTime: '0ms', crashAfter: '1s', exitCode: 1 } } });
    c.run('crash', { image: 'crasher' });
    const restarts: number[] = [];
    for (let t = 0; t < 100; t++) {
      c.advance('1s');
      const status = c.get('pod', 'crash').status as { containerStatuses?: { restartCount: number }[] };
      restarts.push(status.containerStatuses?.[0]?.restartCount ?? 0);
    }
    const firstAt = (n: number) => restarts.indexOf(n) + 1;
    // Crash at 2 s. The first restart is immediate (no back-off entry yet), then the kubelet
    // waits 10 s, 20 s, ... after each crash. Each run pulls again (no tag means :latest, so
    // imagePullPolicy Always) and lasts 1 s: restarts at 2-3 s, ~15 s and ~37 s.
    expect([firstAt(1), firstAt(2), firstAt(3)]).toEqual([3, 15, 37]);
    expect(c.kubectl("get pod crash")).toBe("NAME    READY   STATUS             RESTARTS      AGE\ncrash   0/1     CrashLoopBackOff   4 (20s ago)   100s\n");
  });

  it('runs a job-like pod to completion (Succeeded) or failure (Failed)', () => {
    const c = createCluster({ nodes: 1, images: { ok: { pullTime: '1s', completeAfter: '5s', exitCode: 0 }, bad: { pullTime: '1s', completeAfter: '5s', exitCode: 3 } } });
    c.run('ok', { image: 'ok', restartPolicy: 'Never' });
    c.run('bad', { image: 'bad', restartPolicy: 'Never' });
    c.settle();
    expect((c.get('pod', 'ok').status as { phase: string }).phase).toBe('Succeeded');
    expect((c.get('pod', 'bad').status as { phase: string }).phase).toBe('Failed');
    expect(c.kubectl('get pods')).toMatch(/bad\s+0\/1\s+Error\s+0\s+/);
    expect(c.kubectl('get pods')).toMatch(/ok\s+0\/1\s+Completed\s+0\s+/);
  });

  it('honours terminationGracePeriodSeconds: the pod shows Terminating, then is gone', () => {
    const c = createCluster({ nodes: 1, images: { slow: { pullTime: '1s', terminationTime: '1h' } } });
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { terminationGracePeriodSeconds: 20, containers: [{ name: 'c', image: 'slow' }] } });
    c.settle();
    c.delete('pod', 'p');
    expect(c.kubectl('get pod p')).toMatch(/p\s+1\/1\s+Terminating/);
    c.advance('19s');
    expect(c.find('pod', 'p')).toBeDefined();
    c.advance('1s');
    expect(c.find('pod', 'p')).toBeUndefined();
    expect(reasons(c, 'Killing')).toEqual(['Stopping container c']);
  });
});

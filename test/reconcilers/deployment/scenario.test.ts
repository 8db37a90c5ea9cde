// Scenario tests: the Deployment controller with the ReplicaSet controller, readiness simulated
// by writing pod status (there is no kubelet yet).
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../../src/index.js';
import { deploymentController, rollbackTemplate, rolloutHistory } from '../../../src/reconcilers/deployment/index.js';
import { replicaSetController } from '../../../src/reconcilers/replica-set.js';
import type { Deployment, Pod, ReplicaSet, StoredObject } from '../../../src/model/types.js';

const web = (replicas: number, image = 'nginx:1.27', extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image }] } },
    ...extra,
  },
});

function cluster(): Cluster {
  return createCluster({ nodes: 1, controllers: false, reconcilers: [deploymentController(), replicaSetController()] });
}

type Stored<T> = T & StoredObject;
const deploy = (c: Cluster) => c.get('deployments', 'web') as unknown as Stored<Deployment>;
const replicaSets = (c: Cluster) => c.get('replicasets') as unknown as Stored<ReplicaSet>[];
const pods = (c: Cluster) => c.get('pods') as unknown as Stored<Pod>[];
const isReady = (p: Pod) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;

/** Finishes graceful deletions at once, as a kubelet would once containers stop. */
function finishTerminating(c: Cluster): void {
  for (const p of pods(c)) if (p.metadata.deletionTimestamp) c.delete('pods', p.metadata.name, { gracePeriodSeconds: 0 });
}

/** Marks every pod Running and Ready (and removes terminating ones), as a kubelet would. */
function markReady(c: Cluster): void {
  finishTerminating(c);
  for (const p of pods(c)) {
    if (isReady(p) || p.metadata.deletionTimestamp) continue;
    c.updateStatus({
      ...p,
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: c.nowTimestamp }] },
    });
  }
}

function setImage(c: Cluster, image: string): void {
  const d = structuredClone(deploy(c)) as Deployment;
  d.spec!.template.spec!.containers[0]!.image = image;
  c.replace(d);
}

const condition = (c: Cluster, type: string) => deploy(c).status?.conditions?.find((x) => x.type === type);
const events = (c: Cluster) => (c.get('events') as StoredObject[]).map((e) => (e as { message?: string }).message);

/** Marks pods ready step by step, checking the rolling-update bounds after every step. */
function rollOut(c: Cluster, replicas: number, surge: number, unavailable: number): void {
  for (let i = 0; i < 50; i++) {
    const rss = replicaSets(c);
    const total = rss.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
    expect(total).toBeLessThanOrEqual(replicas + surge);
    const available = rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
    if (i > 0) expect(available).toBeGreaterThanOrEqual(replicas - unavailable);
    const s = deploy(c).status;
    if (s?.updatedReplicas === replicas && s.replicas === replicas && s.availableReplicas === replicas) {
      finishTerminating(c);
      return;
    }
    markReady(c);
    c.settle();
  }
  throw new Error('rollout did not finish');
}

describe('Deployment controller scenarios', () => {
  it('creates web-<hash> with the hash label on selector, template and pods, and reports status', () => {
    const c = cluster();
    c.create(web(3));
    const [rs] = replicaSets(c);
    const hash = rs!.metadata.labels!['pod-template-hash']!;
    expect(rs!.metadata.name).toBe(`web-${hash}`);
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(rs!.spec!.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(pods(c).every((p) => p.metadata.labels!['pod-template-hash'] === hash)).toBe(true);
    expect(events(c)).toContain(`Scaled up replica set web-${hash} from 0 to 3`);
    expect(deploy(c).metadata.annotations!['deployment.kubernetes.io/revision']).toBe('1');
    // NewReplicaSetCreated at creation, then ReplicaSetUpdated once the RS reports its pods.
    expect(condition(c, 'Progressing')).toMatchObject({ reason: 'ReplicaSetUpdated', message: `ReplicaSet "web-${hash}" is progressing.` });
    markReady(c);
    c.settle();
    expect(deploy(c).status).toMatchObject({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(condition(c, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(condition(c, 'Progressing')).toMatchObject({ reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
  });

  it('scales, rolls out a new image within the bounds, and undoes to revision 1', () => {
    const c = cluster();
    c.create(web(4));
    markReady(c);
    c.settle();
    const first = replicaSets(c)[0]!.metadata.name;
    const d = structuredClone(deploy(c)) as Deployment;
    d.spec!.replicas = 6;
    c.replace(d);
    expect(replicaSets(c)[0]!.spec!.replicas).toBe(6);
    expect(events(c)).toContain(`Scaled up replica set ${first} from 4 to 6`);
    markReady(c);
    c.settle();
    setImage(c, 'nginx:1.28');
    rollOut(c, 6, 1, 1);
    const rss = replicaSets(c);
    expect(rss).toHaveLength(2);
    const second = rss.find((r) => r.metadata.name !== first)!;
    expect(second.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect(rss.find((r) => r.metadata.name === first)!.spec!.replicas).toBe(0);
    expect(pods(c).every((p) => p.spec!.containers[0]!.image === 'nginx:1.28')).toBe(true);

    expect(rolloutHistory(deploy(c), rss).map((h) => h.revision)).toEqual([1, 2]);
    const undo = rollbackTemplate(deploy(c), rss, 1);
    expect(undo.unchanged).toBe(false);
    c.replace({ ...deploy(c), spec: { ...deploy(c).spec, template: undo.template } });
    rollOut(c, 6, 1, 1);
    const back = replicaSets(c).find((r) => r.metadata.name === first)!;
    expect(back.spec!.replicas).toBe(6);
    expect(back.metadata.annotations).toMatchObject({
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(deploy(c).metadata.annotations!['deployment.kubernetes.io/revision']).toBe('3');
    expect(() => rollbackTemplate(deploy(c), replicaSets(c), 7)).toThrow('unable to find specified revision 7 in history');
  });

  it('pause stops the rollout but not scaling; resume continues it', () => {
    const c = cluster();
    c.create(web(2));
    markReady(c);
    c.settle();
    c.replace({ ...deploy(c), spec: { ...deploy(c).spec, paused: true } });
    expect(condition(c, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    setImage(c, 'nginx:1.28');
    expect(replicaSets(c)).toHaveLength(1);
    c.replace({ ...deploy(c), spec: { ...deploy(c).spec, replicas: 3 } });
    expect(replicaSets(c)[0]!.spec!.replicas).toBe(3);
    c.replace({ ...deploy(c), spec: { ...deploy(c).spec, paused: false } });
    expect(replicaSets(c)).toHaveLength(2);
    rollOut(c, 3, 1, 1);
    expect(condition(c, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('reports ProgressDeadlineExceeded when new pods never become ready', () => {
    const c = cluster();
    c.create(web(2, 'nginx:1.27', { progressDeadlineSeconds: 30 }));
    markReady(c);
    c.settle();
    setImage(c, 'nginx:broken');
    c.advance('20s');
    expect(condition(c, 'Progressing')?.status).toBe('True');
    c.advance('20s');
    const newRS = replicaSets(c).find((r) => r.spec!.template!.spec!.containers[0]!.image === 'nginx:broken')!;
    expect(condition(c, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`,
    });
  });

  it('Recreate scales old pods to zero before creating the new ReplicaSet', () => {
    const c = cluster();
    c.create(web(2, 'nginx:1.27', { strategy: { type: 'Recreate' } }));
    markReady(c);
    c.settle();
    setImage(c, 'nginx:1.28');
    c.settle();
    // Old pods are terminating: the new ReplicaSet must not exist yet.
    expect(replicaSets(c)).toHaveLength(1);
    expect(pods(c).every((p) => p.metadata.deletionTimestamp)).toBe(true);
    finishTerminating(c);
    c.settle();
    const images = pods(c).map((p) => p.spec!.containers[0]!.image);
    expect(images).toEqual(['nginx:1.28', 'nginx:1.28']);
    expect(replicaSets(c).map((r) => r.spec!.replicas).sort()).toEqual([0, 2]);
  });

  it('is deterministic: same inputs, same trace hash', () => {
    const run = () => {
      const c = cluster();
      c.create(web(3));
      markReady(c);
      c.settle();
      setImage(c, 'nginx:1.28');
      rollOut(c, 3, 1, 1);
      return c.traceHash();
    };
    expect(run()).toBe(run());
  });
});

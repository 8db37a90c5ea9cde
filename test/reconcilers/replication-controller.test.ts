import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/sim/cluster.js';
import type { StoredObject } from '../../src/model/types.js';
import { isPodActive } from '../../src/reconcilers/controller-utils.js';
import { replicaSetController, replicationControllerController } from '../../src/reconcilers/replica-set.js';

/** An RC without a selector: admission defaults it (and the RC's labels) from the template. */
function rc(name: string, replicas: number, minReadySeconds = 0) {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: {
      replicas,
      ...(minReadySeconds ? { minReadySeconds } : {}),
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
    },
  };
}

/** No scheduler (pods stay unscheduled unless a test sets spec.nodeName) and no kubelet. */
function newCluster(): Cluster {
  return createCluster({ nodes: 2, scheduler: false, controllers: false, reconcilers: [replicationControllerController()] });
}

function scale(c: Cluster, name: string, replicas: number) {
  const obj = structuredClone(c.get('rc', name)) as StoredObject & { spec: { replicas: number } };
  obj.spec.replicas = replicas;
  c.replace(obj);
}

function markReady(c: Cluster, name: string) {
  c.updateStatus({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: c.nowTimestamp }] },
  });
}

const activeOwned = (c: Cluster, owner: StoredObject) =>
  c
    .get('pods')
    .filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid) && isPodActive(p as never));
const names = (objs: readonly StoredObject[]) => objs.map((o) => o.metadata.name).sort();

describe('ReplicationController controller', () => {
  it('creates pods owned by a v1 ReplicationController, selector defaulted from the template labels', () => {
    const c = newCluster();
    c.apply(rc('web', 3));
    expect(c.settle()).toBe(true);
    const owner = c.get('rc', 'web');
    expect((owner.spec as { selector: unknown }).selector).toEqual({ app: 'web' });
    const pods = c.get('pods');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'v1', kind: 'ReplicationController', name: 'web', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    const created = c.get('events').filter((e) => e.reason === 'SuccessfulCreate') as (StoredObject & {
      message: string;
      source: { component: string };
      involvedObject: { kind: string };
    })[];
    expect(created).toHaveLength(3);
    expect(created.every((e) => e.source.component === 'replication-controller' && e.involvedObject.kind === 'ReplicationController')).toBe(true);
    expect(owner.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  });

  it('scales down not-ready pods before ready ones', () => {
    const c = newCluster();
    c.apply(rc('web', 3));
    c.settle();
    const owner = c.get('rc', 'web');
    const [keep] = names(c.get('pods'));
    markReady(c, keep!);
    scale(c, 'web', 1);
    c.settle();
    expect(names(activeOwned(c, owner))).toEqual([keep]);
    const deleted = c.get('events').filter((e) => e.reason === 'SuccessfulDelete');
    expect(deleted).toHaveLength(2);
  });

  it('releases a relabelled pod and replaces it; adopts a matching orphan', () => {
    const c = newCluster();
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stray', labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx' }] } });
    c.apply(rc('web', 2));
    c.settle();
    const owner = c.get('rc', 'web');
    expect(names(activeOwned(c, owner))).toContain('stray');
    const stray = structuredClone(c.get('pod', 'stray')) as StoredObject;
    stray.metadata.labels = { app: 'debug' };
    c.replace(stray);
    c.settle();
    expect(c.get('pod', 'stray').metadata.ownerReferences).toBeUndefined();
    expect(activeOwned(c, owner)).toHaveLength(2);
    expect(names(activeOwned(c, owner))).not.toContain('stray');
  });

  it('reports ready and available replicas after minReadySeconds', () => {
    const c = newCluster();
    c.apply(rc('web', 2, 5));
    c.settle();
    for (const n of names(c.get('pods'))) markReady(c, n);
    expect(c.get('rc', 'web').status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(c.get('rc', 'web').status).not.toHaveProperty('availableReplicas');
    c.advance('6s');
    expect(c.get('rc', 'web').status).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
  });

  it('stops managing replicas while the RC is being deleted', () => {
    const c = newCluster();
    c.apply(rc('web', 2));
    c.settle();
    c.delete('rc', 'web', { propagationPolicy: 'Orphan' });
    c.delete('pod', names(c.get('pods'))[0]!);
    expect(c.settle()).toBe(true);
    expect(c.get('pods')).toHaveLength(1);
  });

  it('runs beside the ReplicaSet controller without either claiming the other kind’s pods', () => {
    const c = createCluster({ nodes: 2, scheduler: false, controllers: false, reconcilers: [replicaSetController(), replicationControllerController()] });
    c.apply(rc('web', 2));
    c.apply({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-rs' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx' }] } },
      },
    });
    expect(c.settle()).toBe(true);
    expect(activeOwned(c, c.get('rc', 'web'))).toHaveLength(2);
    expect(activeOwned(c, c.get('rs', 'web-rs'))).toHaveLength(1);
    expect(c.get('pods')).toHaveLength(3);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/sim/cluster.js';
import { Indexer } from '../../src/sim/indexer.js';
import { listObjects } from '../../src/model/store.js';
import type { ReconcileContext } from '../../src/model/reconcile.js';
import type { StoredObject } from '../../src/model/types.js';
import { isPodActive, POD_DELETION_COST_ANNOTATION } from '../../src/reconcilers/controller-utils.js';
import { replicaSetController } from '../../src/reconcilers/replica-set.js';

const SUFFIX = /^[bcdfghjklmnpqrstvwxz2456789]{5}$/;

function rs(name: string, replicas: number, extra: { minReadySeconds?: number; templateLabels?: Record<string, string> } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: {
      replicas,
      ...(extra.minReadySeconds ? { minReadySeconds: extra.minReadySeconds } : {}),
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: extra.templateLabels ?? { app: name } },
        spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] },
      },
    },
  };
}

function orphan(name: string, labels: Record<string, string>, nodeName?: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'main', image: 'nginx:1.27' }], ...(nodeName ? { nodeName } : {}) },
  };
}

/** No scheduler (pods stay unscheduled unless a test sets spec.nodeName) and no kubelet. */
function newCluster(): Cluster {
  return createCluster({ nodes: 3, scheduler: false, controllers: false, reconcilers: [replicaSetController()] });
}

/** Stands in for a kubelet: marks a pod Running, Ready or not, with restarts. */
function setPodStatus(c: Cluster, name: string, s: { phase?: string; ready?: boolean; restarts?: number }) {
  const pod = c.get('pod', name);
  const status: Record<string, unknown> = { phase: s.phase ?? 'Running' };
  if (s.ready !== undefined) {
    status.conditions = [{ type: 'Ready', status: s.ready ? 'True' : 'False', lastTransitionTime: c.nowTimestamp }];
  }
  if (s.restarts !== undefined) {
    status.containerStatuses = [{ name: 'main', image: 'nginx:1.27', imageID: '', ready: !!s.ready, restartCount: s.restarts }];
  }
  c.updateStatus({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, status });
  expect(c.get('pod', name).status).toMatchObject({ phase: status.phase });
}

function scale(c: Cluster, kind: string, name: string, replicas: number) {
  const obj = structuredClone(c.get(kind, name)) as StoredObject & { spec: { replicas: number } };
  obj.spec.replicas = replicas;
  c.replace(obj);
}

function relabel(c: Cluster, name: string, labels: Record<string, string>) {
  const pod = structuredClone(c.get('pod', name)) as StoredObject;
  pod.metadata.labels = labels;
  c.replace(pod);
}

const ownedBy = (c: Cluster, owner: StoredObject) =>
  c.get('pods').filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata.uid));
const activeOwned = (c: Cluster, owner: StoredObject) => ownedBy(c, owner).filter((p) => isPodActive(p as never));
const names = (objs: readonly StoredObject[]) => objs.map((o) => o.metadata.name).sort();
const events = (c: Cluster, reason: string) =>
  c.get('events').filter((e) => e.reason === reason) as (StoredObject & { message: string; source: { component: string }; involvedObject: { kind: string; name: string } })[];

describe('ReplicaSet controller: creating pods', () => {
  it('creates spec.replicas pods named <rs>-<5 chars>, labelled from the template and owned by the ReplicaSet', () => {
    const c = newCluster();
    c.apply(rs('web', 3));
    expect(c.settle()).toBe(true);
    const owner = c.get('rs', 'web');
    const pods = c.get('pods');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name.slice(0, 4)).toBe('web-');
      expect(p.metadata.name.slice(4)).toMatch(SUFFIX);
      expect(p.metadata.generateName).toBe('web-');
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(p.metadata.ownerReferences).toEqual([
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    const created = events(c, 'SuccessfulCreate');
    expect(created.map((e) => e.message).sort()).toEqual(names(pods).map((n) => `Created pod: ${n}`));
    expect(created.every((e) => e.source.component === 'replicaset-controller' && e.involvedObject.name === 'web')).toBe(true);
    expect(owner.status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
  });

  it('creates in slow-start batches 1, 2, 4, ... with each Event after its batch', () => {
    // No controller registered: run one sync by hand on a ReplicaSet without pods.
    const c = createCluster({ nodes: 1, scheduler: false, controllers: false });
    c.apply(rs('web', 10));
    const state = c.state;
    const indexer = new Indexer();
    for (const kind of ['Pod', 'ReplicaSet']) for (const o of listObjects(state, kind)) indexer.apply({ kind, object: o, oldObject: undefined });
    let draws = 0;
    const ctx: ReconcileContext = { nowMs: state.nowMs, now: c.nowTimestamp, index: indexer, rng: { next: () => 0.5, int: (n) => draws++ % n } };
    const result = replicaSetController().reconcile(state, 'default/web', ctx);
    // [status] [c1] [e1 c2 c3] [e2 e3 c4..c7] [e4..e7 c8..c10] [e8..e10]
    expect(result.batches).toEqual([1, 1, 3, 6, 7, 3]);
    expect(result.actions.map((a) => a.verb).join(' ')).toBe(
      ['updateStatus', 'create', 'event create create', 'event event create create create create', 'event event event event create create create', 'event event event'].join(' '),
    );
  });

  it('creates at most 500 pods per sync and continues on the next', () => {
    const c = newCluster();
    c.apply(rs('big', 0));
    c.settle();
    const seen: number[] = [];
    c.on('watch', (e) => {
      if (e.kind === 'ReplicaSet' && e.type === 'MODIFIED') seen.push((e.object.status as { replicas?: number }).replicas ?? 0);
    });
    scale(c, 'rs', 'big', 600);
    expect(c.settle()).toBe(true);
    expect(c.get('pods')).toHaveLength(600);
    expect(seen).toContain(500);
    expect(c.get('rs', 'big').status).toMatchObject({ replicas: 600 });
  });
});

describe('ReplicaSet controller: which pods go first on scale-down', () => {
  it('deletes unscheduled, then scheduled-pending, then not-ready pods, keeping the ready one', () => {
    const c = newCluster();
    c.create([orphan('a-ready', { app: 'web' }, 'node-1'), orphan('b-notready', { app: 'web' }, 'node-2'), orphan('c-pending', { app: 'web' }, 'node-3')]);
    setPodStatus(c, 'a-ready', { ready: true });
    setPodStatus(c, 'b-notready', { ready: false });
    c.apply(rs('web', 5));
    expect(c.settle()).toBe(true);
    const owner = c.get('rs', 'web');
    expect(activeOwned(c, owner)).toHaveLength(5);
    const unscheduled = names(activeOwned(c, owner).filter((p) => !(p.spec as { nodeName?: string }).nodeName));
    expect(unscheduled).toHaveLength(2);

    scale(c, 'rs', 'web', 3);
    c.settle();
    expect(names(activeOwned(c, owner))).toEqual(['a-ready', 'b-notready', 'c-pending']);
    expect(events(c, 'SuccessfulDelete').map((e) => e.message).sort()).toEqual(unscheduled.map((n) => `Deleted pod: ${n}`));

    scale(c, 'rs', 'web', 2);
    c.settle();
    expect(names(activeOwned(c, owner))).toEqual(['a-ready', 'b-notready']);
    // A pod on a node is deleted gracefully: it lingers, terminating, and no longer counts.
    expect(c.get('pod', 'c-pending').metadata.deletionTimestamp).toBeDefined();

    scale(c, 'rs', 'web', 1);
    c.settle();
    expect(names(activeOwned(c, owner))).toEqual(['a-ready']);
    expect(c.get('rs', 'web').status).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });

  it('prefers a lower pod-deletion-cost, then the pod ready for less time, then more restarts', () => {
    const c = newCluster();
    c.create([
      orphan('old-cheap', { app: 'web' }, 'node-1'),
      orphan('old', { app: 'web' }, 'node-1'),
      orphan('young', { app: 'web' }, 'node-2'),
      orphan('old-restarts', { app: 'web' }, 'node-3'),
    ]);
    for (const n of ['old-cheap', 'old', 'old-restarts']) setPodStatus(c, n, { ready: true, restarts: n === 'old-restarts' ? 4 : 0 });
    c.advance('1h');
    setPodStatus(c, 'young', { ready: true, restarts: 0 });
    const cheap = structuredClone(c.get('pod', 'old-cheap')) as StoredObject;
    cheap.metadata.annotations = { [POD_DELETION_COST_ANNOTATION]: '-10' };
    c.replace(cheap);
    c.apply(rs('web', 4));
    c.settle();
    const owner = c.get('rs', 'web');
    const survivors = [['old', 'old-restarts', 'young'], ['old', 'old-restarts'], ['old']];
    survivors.forEach((expected, i) => {
      scale(c, 'rs', 'web', 3 - i);
      c.settle();
      expect(names(activeOwned(c, owner))).toEqual(expected);
    });
  });
});

describe('ReplicaSet controller: adoption and release', () => {
  it('releases a pod whose labels stop matching (it keeps running) and creates a replacement', () => {
    const c = newCluster();
    c.apply(rs('web', 2));
    c.settle();
    const owner = c.get('rs', 'web');
    const [first] = names(c.get('pods'));
    relabel(c, first!, { app: 'debug' });
    expect(c.settle()).toBe(true);
    const released = c.get('pod', first!);
    expect(released.metadata.ownerReferences).toBeUndefined();
    expect(released.metadata.deletionTimestamp).toBeUndefined();
    expect(activeOwned(c, owner)).toHaveLength(2);
    expect(names(activeOwned(c, owner))).not.toContain(first);
    expect(c.get('pods')).toHaveLength(3);
  });

  it('adopts a matching orphan instead of creating a pod', () => {
    const c = newCluster();
    c.create(orphan('stray', { app: 'web' }));
    c.apply(rs('web', 2));
    c.settle();
    const owner = c.get('rs', 'web');
    expect(c.get('pod', 'stray').metadata.ownerReferences?.[0]).toMatchObject({ kind: 'ReplicaSet', uid: owner.metadata.uid, controller: true });
    expect(c.get('pods')).toHaveLength(2);
    expect(events(c, 'SuccessfulCreate')).toHaveLength(1);
  });

  it('adopts an orphan that appears later and deletes the surplus', () => {
    const c = newCluster();
    c.apply(rs('web', 2));
    c.settle();
    const owner = c.get('rs', 'web');
    c.create(orphan('late', { app: 'web' }, 'node-1'));
    setPodStatus(c, 'late', { ready: true });
    c.settle();
    expect(activeOwned(c, owner)).toHaveLength(2);
    // The ready, scheduled newcomer outranks the unscheduled pods, so one of those goes.
    expect(names(activeOwned(c, owner))).toContain('late');
  });

  it('ignores pods owned by another controller', () => {
    const c = newCluster();
    c.create({ ...orphan('owned', { app: 'web' }), metadata: { name: 'owned', labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: 'x', uid: 'x-uid', controller: true }] } });
    c.apply(rs('web', 1));
    c.settle();
    expect(c.get('pod', 'owned').metadata.ownerReferences?.[0]?.uid).toBe('x-uid');
    expect(activeOwned(c, c.get('rs', 'web'))).toHaveLength(1);
  });
});

describe('ReplicaSet controller: status', () => {
  it('counts fully labelled, ready and available replicas, waiting out minReadySeconds', () => {
    const c = newCluster();
    c.create(orphan('partial', { app: 'web' }));
    c.apply(rs('web', 3, { minReadySeconds: 10, templateLabels: { app: 'web', tier: 'fe' } }));
    c.settle();
    const pods = names(c.get('pods'));
    expect(c.get('rs', 'web').status).toEqual({ replicas: 3, fullyLabeledReplicas: 2, observedGeneration: 1 });
    c.advance('5s');
    setPodStatus(c, pods[0]!, { ready: true });
    setPodStatus(c, pods[1]!, { ready: true });
    expect(c.get('rs', 'web').status).toMatchObject({ readyReplicas: 2 });
    expect(c.get('rs', 'web').status).not.toHaveProperty('availableReplicas');
    c.advance('10s'); // exactly minReadySeconds: not yet (available means strictly longer)
    expect(c.get('rs', 'web').status).not.toHaveProperty('availableReplicas');
    c.advance('1s');
    expect(c.get('rs', 'web').status).toEqual({ replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
    expect(c.settle()).toBe(true);
  });

  it('does not count terminating or finished pods', () => {
    const c = newCluster();
    c.create([orphan('done', { app: 'web' }, 'node-1'), orphan('running', { app: 'web' }, 'node-1')]);
    setPodStatus(c, 'done', { phase: 'Succeeded' });
    c.apply(rs('web', 2));
    c.settle();
    const owner = c.get('rs', 'web');
    expect(c.get('pod', 'done').metadata.ownerReferences).toBeUndefined();
    expect(activeOwned(c, owner)).toHaveLength(2);
    c.delete('pod', 'running');
    c.settle();
    expect(c.get('pod', 'running').metadata.deletionTimestamp).toBeDefined();
    expect(activeOwned(c, owner)).toHaveLength(2);
    expect(c.get('rs', 'web').status).toMatchObject({ replicas: 2 });
  });

  it('writes status only when it changed', () => {
    const c = newCluster();
    c.apply(rs('web', 1));
    c.settle();
    const rv = c.get('rs', 'web').metadata.resourceVersion;
    const pod = names(c.get('pods'))[0]!;
    setPodStatus(c, pod, { phase: 'Pending' });
    c.settle();
    expect(c.get('rs', 'web').metadata.resourceVersion).toBe(rv);
  });
});

describe('ReplicaSet controller: deletion', () => {
  it('stops managing replicas once the ReplicaSet is being deleted', () => {
    const c = newCluster();
    c.apply(rs('web', 3));
    c.settle();
    c.delete('rs', 'web', { propagationPolicy: 'Orphan' });
    expect(c.get('rs', 'web').metadata.deletionTimestamp).toBeDefined();
    const [victim, relabelled] = names(c.get('pods'));
    c.delete('pod', victim!);
    relabel(c, relabelled!, { app: 'other' });
    expect(c.settle()).toBe(true);
    expect(c.get('pods')).toHaveLength(2);
    // Not released either: release waits for a controller that is not being deleted.
    expect(c.get('pod', relabelled!).metadata.ownerReferences).toHaveLength(1);
    expect(c.get('rs', 'web').status).toMatchObject({ replicas: 1 });
  });

  it('does nothing for a ReplicaSet that is gone', () => {
    const c = newCluster();
    c.apply(rs('web', 2));
    c.settle();
    c.delete('rs', 'web');
    expect(c.settle()).toBe(true);
    expect(c.get('pods')).toHaveLength(2); // no garbage collector here: the pods stay
  });
});

describe('ReplicaSet controller: convergence property', () => {
  type Op = { op: 'scale'; n: number } | { op: 'delete'; i: number } | { op: 'relabel'; i: number } | { op: 'orphan'; node: boolean };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('scale' as const), n: fc.integer({ min: 0, max: 6 }) }),
    fc.record({ op: fc.constant('delete' as const), i: fc.nat(20) }),
    fc.record({ op: fc.constant('relabel' as const), i: fc.nat(20) }),
    fc.record({ op: fc.constant('orphan' as const), node: fc.boolean() }),
  );

  function check(c: Cluster, replicas: number): void {
    const owner = c.get('rs', 'web');
    const active = activeOwned(c, owner);
    expect(active).toHaveLength(replicas);
    for (const p of active) expect(p.metadata.labels?.app).toBe('web');
  }

  it('after settling, the active owned pods equal spec.replicas and all match the selector', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(opArb, { maxLength: 8 }), (initial, ops) => {
        const c = newCluster();
        c.apply(rs('web', initial));
        expect(c.settle()).toBe(true);
        let replicas = initial;
        let orphans = 0;
        check(c, replicas);
        for (const op of ops) {
          const pods = c.get('pods');
          if (op.op === 'scale') {
            replicas = op.n;
            scale(c, 'rs', 'web', replicas);
          } else if (op.op === 'orphan') {
            c.create(orphan(`orphan-${orphans++}`, { app: 'web' }, op.node ? 'node-1' : undefined));
          } else if (pods.length > 0) {
            const target = pods[op.i % pods.length]!;
            if (op.op === 'delete') c.delete('pod', target.metadata.name);
            else relabel(c, target.metadata.name, { app: target.metadata.labels?.app === 'web' ? 'other' : 'web' });
          }
          expect(c.settle()).toBe(true);
          check(c, replicas);
        }
      }),
      { seed: 7, numRuns: 40 },
    );
  });
});

// Upstream's updatePod queues the owner on every pod update; kubesim skips the updates that
// change nothing its sync reads (a kubelet status step), which found nothing to do.
describe('ReplicaSet controller: which pod updates wake it', () => {
  it('a status step wakes nothing; a phase or readiness change wakes the owner', () => {
    const c = newCluster();
    c.create(rs('web', 1));
    c.settle();
    const mapper = replicaSetController().watches.Pod;
    if (typeof mapper !== 'function') throw new Error('no Pod mapper');
    const [pod] = c.get('pods');
    const wake = (status: object) => {
      const before = c.get('pod', pod!.metadata.name);
      const after = c.updateStatus({ ...before, status: { ...(before.status ?? {}), ...status } });
      return mapper({ kind: 'Pod', object: after, oldObject: before } as never, c.state);
    };
    expect(wake({ startTime: '2025-01-01T00:00:00Z' })).toEqual([]);
    expect(wake({ phase: 'Running' })).toEqual(['default/web']);
    expect(wake({ conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: c.nowTimestamp }] })).toEqual(['default/web']);
    expect(wake({ hostIP: '10.0.0.9' })).toEqual([]);
  });
});


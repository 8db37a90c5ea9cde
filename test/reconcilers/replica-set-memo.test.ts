import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReconcileContext } from '../../src/model/reconcile.js';
import { listObjects } from '../../src/model/store.js';
import type { StoredObject } from '../../src/model/types.js';
import { createCluster, type Cluster } from '../../src/sim/cluster.js';
import { Indexer } from '../../src/sim/indexer.js';
import { ReplicaSetMemo } from '../../src/reconcilers/replica-set-memo.js';
import { REPLICA_SET_KIND, replicaSetController, syncReplicaSet } from '../../src/reconcilers/replica-set.js';

// A ReplicaSet controller patches its last sync (the active pods, the claim, the status counts)
// with the pods that changed since. Whatever happened in between — pods turning ready or not,
// finishing, relabelled away and back, orphans appearing, deletions, scaling — a sync that
// starts from what the controller remembers must give what a sync from nothing gives: the same
// actions (claims, status, creates, deletes), batches and requeue.

function rs(replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'web' },
    spec: {
      replicas,
      minReadySeconds: 5,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web', tier: 'front' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
    },
  };
}

/** One sync by hand over the cluster's current state, with a seeded name stream. */
function syncBy(c: Cluster, memo: ReplicaSetMemo): unknown {
  const state = c.state;
  const indexer = new Indexer();
  for (const kind of ['Pod', 'ReplicaSet']) for (const o of listObjects(state, kind)) indexer.apply({ kind, object: o, oldObject: undefined });
  let draws = 0;
  const ctx: ReconcileContext = { nowMs: state.nowMs, now: c.nowTimestamp, index: indexer, rng: { next: () => 0.5, int: (n) => draws++ % n } };
  return JSON.parse(JSON.stringify(syncReplicaSet(REPLICA_SET_KIND, state, 'default/web', ctx, memo)));
}

type Op =
  | { op: 'status'; i: number; phase: 'Running' | 'Succeeded' | 'Pending'; ready: boolean }
  | { op: 'relabel'; i: number; app: 'web' | 'other'; tier: boolean }
  | { op: 'orphan'; app: 'web' | 'other' }
  | { op: 'delete'; i: number }
  | { op: 'scale'; n: number }
  | { op: 'settle' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('status' as const), i: fc.nat(30), phase: fc.constantFrom('Running' as const, 'Succeeded' as const, 'Pending' as const), ready: fc.boolean() }),
  fc.record({ op: fc.constant('relabel' as const), i: fc.nat(30), app: fc.constantFrom('web' as const, 'other' as const), tier: fc.boolean() }),
  fc.record({ op: fc.constant('orphan' as const), app: fc.constantFrom('web' as const, 'other' as const) }),
  fc.record({ op: fc.constant('delete' as const), i: fc.nat(30) }),
  fc.record({ op: fc.constant('scale' as const), n: fc.integer({ min: 0, max: 8 }) }),
  fc.constant({ op: 'settle' as const }),
);

function applyOp(c: Cluster, op: Op, orphans: { n: number }): void {
  const pods = c.get('pods') as StoredObject[];
  const target = 'i' in op && pods.length > 0 ? pods[op.i % pods.length]! : undefined;
  if (op.op === 'status' && target) {
    const conditions = [{ type: 'Ready', status: op.ready ? 'True' : 'False', lastTransitionTime: c.nowTimestamp }];
    c.updateStatus({ apiVersion: 'v1', kind: 'Pod', metadata: { name: target.metadata.name, namespace: 'default' }, status: { phase: op.phase, conditions } });
  } else if (op.op === 'relabel' && target) {
    const pod = structuredClone(target);
    pod.metadata.labels = op.tier ? { app: op.app, tier: 'front' } : { app: op.app };
    c.replace(pod);
  } else if (op.op === 'orphan') {
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `orphan-${orphans.n++}`, labels: { app: op.app } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } });
  } else if (op.op === 'delete' && target) {
    c.delete('pod', target.metadata.name);
  } else if (op.op === 'scale') {
    const obj = structuredClone(c.get('rs', 'web')) as StoredObject & { spec: { replicas: number } };
    obj.spec.replicas = op.n;
    c.replace(obj);
  } else if (op.op === 'settle') {
    c.settle();
  }
}

describe('ReplicaSet controller memo', () => {
  it('property: a sync from the remembered last sync equals a sync from nothing, after any changes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(opArb, { minLength: 1, maxLength: 25 }), (initial, ops) => {
        const c = createCluster({ nodes: 2, scheduler: false, controllers: false, reconcilers: [replicaSetController()] });
        c.apply(rs(initial));
        c.settle();
        const memo = new ReplicaSetMemo();
        const orphans = { n: 0 };
        expect(syncBy(c, memo)).toEqual(syncBy(c, new ReplicaSetMemo()));
        for (const op of ops) {
          applyOp(c, op, orphans);
          expect(syncBy(c, memo)).toEqual(syncBy(c, new ReplicaSetMemo()));
        }
      }),
      { seed: 20261122, numRuns: 60 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { syncRolloutStatus } from '../../../src/reconcilers/deployment/progress.js';
import type { Deployment, StoredObject } from '../../../src/model/types.js';
import { newDeployment, rs, syncContext } from './helpers.js';

// When a sync leaves the status as it was, requeueStuckDeployment decides whether to look again
// (pkg/controller/deployment/progress.go). Two syncs at 00:10:00: the first computes the status,
// the second starts from it, so it changes nothing and only the requeue is left to see.
function secondSync(progressing: { reason: string; lastUpdateTime: string }, oldReplicas: number) {
  const d = newDeployment(10, 3, 2);
  d.status = {
    conditions: [{ type: 'Progressing', status: 'True', ...progressing, lastTransitionTime: progressing.lastUpdateTime, message: 'm' }],
  } as Deployment['status'];
  const allRSs = () => [rs('foo-old', oldReplicas, oldReplicas), rs('foo-new', 10, 8)];
  const first = syncContext(d);
  const rss1 = allRSs();
  syncRolloutStatus(first, rss1, rss1[1]);
  const settled = { ...d, status: first.d.status } as Deployment & StoredObject;
  const second = syncContext(settled);
  const rss2 = allRSs();
  syncRolloutStatus(second, rss2, rss2[1]);
  expect(second.d.status).toEqual(settled.status);
  return second.requeueAfterMs;
}

describe('syncRolloutStatus: looking again at a rollout that shows no progress', () => {
  it('requeues a rollout in progress for when its deadline passes: lastUpdateTime + 600 s - now + 1 s', () => {
    // Old pods remain, so the rollout is not complete; the first sync stamped ReplicaSetUpdated at 00:10:00.
    expect(secondSync({ reason: 'ReplicaSetUpdated', lastUpdateTime: '2025-01-01T00:05:00Z' }, 2)).toBe(601_000);
  });

  it('does not requeue a finished rollout (NewReplicaSetAvailable) that lost availability: no later sync could write', () => {
    // 8 of 10 available, deadline long past: upstream would requeue at once, for nothing.
    expect(secondSync({ reason: 'NewReplicaSetAvailable', lastUpdateTime: '2025-01-01T00:00:00Z' }, 0)).toBeUndefined();
  });
});

// Builders for Deployment controller unit tests (upstream's newDeployment / rs helpers).
import { newSyncContext, type SyncContext, type WorkingRS } from '../../../src/reconcilers/deployment/context.js';
import type { IntOrString } from '../../../src/model/intstr.js';
import type { Deployment, StoredObject } from '../../../src/model/types.js';

export function newDeployment(
  replicas: number,
  maxSurge?: IntOrString,
  maxUnavailable?: IntOrString,
  type: 'RollingUpdate' | 'Recreate' = 'RollingUpdate',
): Deployment & StoredObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foo', namespace: 'default', uid: 'd-uid', resourceVersion: '1', generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { foo: 'bar' } },
      strategy: type === 'Recreate' ? { type } : { type, rollingUpdate: { maxSurge, maxUnavailable } },
      template: { metadata: { labels: { foo: 'bar' } }, spec: { containers: [{ name: 'c', image: 'img:1' }] } },
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
    },
    status: {},
  } as Deployment & StoredObject;
}

export function rs(name: string, replicas: number, available = 0, createdSec = 0, annotations?: Record<string, string>): WorkingRS {
  const ts = `2025-01-01T00:00:${String(createdSec).padStart(2, '0')}Z`;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: `${name}-uid`, creationTimestamp: ts, resourceVersion: '1', annotations },
    spec: { replicas, selector: { matchLabels: { foo: 'bar' } }, template: { metadata: { labels: { foo: name } } } },
    status: { replicas, availableReplicas: available },
  };
}

export function syncContext(d: Deployment & StoredObject, rsList: WorkingRS[] = []): SyncContext {
  return newSyncContext(d, rsList, '2025-01-01T00:10:00Z', Date.UTC(2025, 0, 1, 0, 10, 0));
}

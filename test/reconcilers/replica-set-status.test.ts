import { describe, expect, it } from 'vitest';
import { calculateStatus, statusToWrite } from '../../src/reconcilers/replica-set-status.js';
import { stripUndefined } from '../../src/reconcilers/deployment/sync.js';
import type { Pod } from '../../src/model/types.js';

// Written objects are traced and hashed as JSON, so the order of a status's fields is part of
// what a run produces: these builders must give the order `{ ...old }` plus assignments would.

const readyPod = (name: string, labels: Record<string, string>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-01-01T00:00:00Z' }] },
});

const template = { metadata: { labels: { app: 'web', tier: 'front' } } };

describe('ReplicaSet status builders', () => {
  it('keeps the stored field order, appends new counts and drops zero ones', () => {
    const rs = {
      metadata: { generation: 2 },
      spec: { template },
      status: { availableReplicas: 5, replicas: 5, observedGeneration: 1, readyReplicas: 5, fullyLabeledReplicas: 5 },
    };
    const pods = [readyPod('a', { app: 'web', tier: 'front' }), readyPod('b', { app: 'web' })];
    const status = calculateStatus(rs, pods, Date.parse('2025-01-01T00:01:00Z'));
    expect(JSON.stringify(status)).toBe('{"availableReplicas":2,"replicas":2,"observedGeneration":1,"readyReplicas":2,"fullyLabeledReplicas":1}');

    const fresh = calculateStatus({ metadata: {}, spec: { template }, status: {} }, [], 0);
    expect(JSON.stringify(fresh)).toBe('{"replicas":0}');
    const grown = calculateStatus({ metadata: {}, spec: { template }, status: { replicas: 0 } }, pods, Date.parse('2025-01-01T00:01:00Z'));
    expect(Object.keys(grown)).toEqual(['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']);
  });

  it('removes a ReplicaFailure condition in place, and the field when no condition is left', () => {
    const failure = { type: 'ReplicaFailure', status: 'True' };
    const other = { type: 'Other', status: 'True' };
    const base = { metadata: {}, spec: { template } };
    const kept = calculateStatus({ ...base, status: { replicas: 0, conditions: [failure, other], observedGeneration: 3 } }, [], 0);
    expect(JSON.stringify(kept)).toBe('{"replicas":0,"conditions":[{"type":"Other","status":"True"}],"observedGeneration":3}');
    const gone = calculateStatus({ ...base, status: { replicas: 0, conditions: [failure], observedGeneration: 3 } }, [], 0);
    expect(JSON.stringify(gone)).toBe('{"replicas":0,"observedGeneration":3}');
  });

  it('stamps observedGeneration where it was, appends it when new, omits it for generation 0', () => {
    const next = { replicas: 1, observedGeneration: 1, readyReplicas: 1 };
    expect(JSON.stringify(statusToWrite({ metadata: { generation: 2 }, status: { replicas: 1 } }, next))).toBe('{"replicas":1,"observedGeneration":2,"readyReplicas":1}');
    expect(JSON.stringify(statusToWrite({ metadata: { generation: 2 }, status: {} }, { replicas: 1 }))).toBe('{"replicas":1,"observedGeneration":2}');
    expect(JSON.stringify(statusToWrite({ metadata: {}, status: {} }, next))).toBe('{"replicas":1,"readyReplicas":1}');
    expect(statusToWrite({ metadata: { generation: 1 }, status: next }, { ...next })).toBeUndefined();
  });
});

describe('Deployment status: stripUndefined', () => {
  it('returns the defined fields in their order, leaving the input as it was', () => {
    const input = { observedGeneration: 1, collisionCount: undefined, replicas: 2, conditions: undefined, readyReplicas: 0 };
    const out = stripUndefined(input);
    expect(Object.keys(out)).toEqual(['observedGeneration', 'replicas', 'readyReplicas']);
    expect(Object.keys(input)).toHaveLength(5);
  });
});

/**
 * Nominated pods hold their room (upstream RunFilterPluginsWithNominatedPods): once a
 * preemptor is nominated to a node, pods of lower priority are filtered as if it already ran
 * there, so they cannot take the room its victims free before it binds.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/runtime/framework.go (RunFilterPluginsWithNominatedPods)
 */
import { describe, expect, it } from 'vitest';
import { createCluster, type StoredObject } from '../../src/index.js';

const pod = (name: string, cpu: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu } } }], ...extra },
});
const nodeOf = (p: StoredObject) => (p.spec as { nodeName?: string }).nodeName;

describe('nominated pods', () => {
  it('keep a lower-priority pod off the room a preemptor is waiting for', () => {
    const c = createCluster({ nodes: [{ name: 'only', cpu: '2' }], controllers: ['deployment-controller', 'replicaset-controller'] });
    c.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    c.create([pod('low-1', '1'), pod('low-2', '1')]);
    c.create(pod('vip', '1', { priorityClassName: 'high' }));
    expect((c.get('pod', 'vip').status as { nominatedNodeName?: string }).nominatedNodeName).toBe('only');
    const victim = c.get('pods').find((p) => p.metadata.deletionTimestamp)!;
    // The victim goes while vip is backing off; a small low-priority pod arrives at once.
    c.delete('pod', victim.metadata.name, { gracePeriodSeconds: 0 });
    c.create(pod('sneaky', '500m'));
    // 1 cpu left, but vip (1 cpu) is nominated there: sneaky does not fit beside it.
    expect(nodeOf(c.get('pod', 'sneaky'))).toBeUndefined();
    c.advance('2s');
    expect(nodeOf(c.get('pod', 'vip'))).toBe('only');
    expect(nodeOf(c.get('pod', 'sneaky'))).toBeUndefined();
  });

  it('do not hold room against a pod of higher priority', () => {
    const c = createCluster({ nodes: [{ name: 'only', cpu: '2' }], controllers: ['deployment-controller', 'replicaset-controller'] });
    c.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    c.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'top' }, value: 2000 });
    c.create([pod('low-1', '1'), pod('low-2', '1')]);
    c.create(pod('vip', '1', { priorityClassName: 'high' }));
    const victim = c.get('pods').find((p) => p.metadata.deletionTimestamp)!;
    c.delete('pod', victim.metadata.name, { gracePeriodSeconds: 0 });
    c.create(pod('boss', '500m', { priorityClassName: 'top' }));
    expect(nodeOf(c.get('pod', 'boss'))).toBe('only');
  });
});

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

  it('count in explain(): the scheduler and explain agree that the room is held', () => {
    const c = createCluster({ nodes: [{ name: 'only', cpu: '2' }], controllers: ['deployment-controller', 'replicaset-controller'] });
    c.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    c.create([pod('low-1', '1'), pod('low-2', '1')]);
    c.create(pod('vip', '1', { priorityClassName: 'high' }));
    const victim = c.get('pods').find((p) => p.metadata.deletionTimestamp)!;
    c.delete('pod', victim.metadata.name, { gracePeriodSeconds: 0 });
    c.create(pod('sneaky', '500m'));
    const sneaky = c.scheduler.explain('sneaky');
    expect(sneaky.selected).toBeNull();
    expect(sneaky.nodes['only']!.filter).toEqual({ plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] });
    // vip itself: its nominated node fits (its own nomination does not count against it).
    const vip = c.scheduler.explain('vip');
    expect(vip.nominated).toEqual({ node: 'only', feasible: true });
    expect(vip.selected).toBe('only');
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

  // The preemptor's next cycle tries its nominated node first (upstream evaluateNominatedNode in
  // pkg/scheduler/schedule_one.go): once the victim is gone it binds there, even though another
  // node emptied meanwhile and would tie with it on every score.
  it.each([1, 2, 3, 4, 5, 6])('bring the preemptor back to its nominated node when another node became as good (seed %i)', (seed) => {
    const c = createCluster({ seed, nodes: [{ name: 'a', cpu: '2' }, { name: 'b', cpu: '2' }], images: { nginx: { terminationTime: '300ms' } } });
    c.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    c.create([pod('low-1', '2'), pod('low-2', '2')]);
    c.advance('60s');
    c.create(pod('vip', '2', { priorityClassName: 'high' }));
    const nominated = (c.get('pod', 'vip').status as { nominatedNodeName?: string }).nominatedNodeName!;
    expect(['a', 'b']).toContain(nominated);
    // The victim is gone while vip backs off (1s); then the other node empties too.
    c.advance('800ms');
    expect(c.get('pods').filter((p) => nodeOf(p) === nominated)).toEqual([]);
    const other = c.get('pods').find((p) => p.metadata.name !== 'vip' && nodeOf(p) !== undefined)!;
    c.delete('pod', other.metadata.name, { gracePeriodSeconds: 0 });
    const ex = c.scheduler.explain('vip');
    expect(ex.nominated).toEqual({ node: nominated, feasible: true });
    expect(ex.selected).toBe(nominated);
    // Both nodes are empty and score alike, yet the scheduler does not draw between them.
    expect(ex.nodes['a']!.total).toBe(ex.nodes['b']!.total);
    c.advance('2s');
    expect(nodeOf(c.get('pod', 'vip'))).toBe(nominated);
  });

  // The queued preemptor carries its nomination into the next cycle, so DefaultPreemption's
  // PodEligibleToPreemptOthers sees it (pkg/scheduler/framework/plugins/defaultpreemption).
  it('do not preempt again while the victims on the nominated node are terminating', () => {
    const c = createCluster({ nodes: [{ name: 'a', cpu: '2' }, { name: 'b', cpu: '2' }], images: { nginx: { terminationTime: '5s' } } });
    const events: { reason: string; message: string }[] = [];
    c.on('event', (e) => events.push({ reason: String(e.reason ?? ''), message: String(e.message ?? '') }));
    c.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    c.create([pod('low-1', '2'), pod('low-2', '2')]);
    c.advance('60s');
    c.create(pod('vip', '2', { priorityClassName: 'high' }));
    const nominated = (c.get('pod', 'vip').status as { nominatedNodeName?: string }).nominatedNodeName;
    // A node that does not fit vip joins: vip retries while its victim is still terminating.
    c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'tiny' }, status: { allocatable: { cpu: '1', memory: '1Gi', pods: '10' } } });
    c.advance('3s');
    expect(events.filter((e) => e.reason === 'Preempted')).toHaveLength(1);
    expect(events.filter((e) => e.reason === 'FailedScheduling').at(-1)!.message).toBe(
      '0/3 nodes are available: 3 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.',
    );
    c.advance('10s');
    expect(nodeOf(c.get('pod', 'vip'))).toBe(nominated);
  });
});

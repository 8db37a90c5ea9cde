import { describe, expect, it } from 'vitest';
import { createCluster, type StoredObject } from '../../src/index.js';

const pod = (name: string, cpu = '1', extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu } } }], ...extra },
});

const nodeOf = (p: StoredObject) => (p.spec as { nodeName?: string }).nodeName;
const reasons = (c: ReturnType<typeof createCluster>) =>
  c.get('events').map((e) => `${(e as { reason?: string }).reason}: ${(e as { message?: string }).message} x${(e as { count?: number }).count}`);

describe('scheduling in the cluster', () => {
  it('binds pending pods and records Scheduled events', () => {
    const c = createCluster({ nodes: 2, controllers: false });
    c.create([pod('a'), pod('b')]);
    const pods = c.get('pods');
    expect(pods.every((p) => nodeOf(p) !== undefined)).toBe(true);
    expect((pods[0]!.status as { conditions: unknown[] }).conditions).toContainEqual(
      expect.objectContaining({ type: 'PodScheduled', status: 'True' }),
    );
    expect(reasons(c)).toEqual([
      `Scheduled: Successfully assigned default/a to ${nodeOf(pods[0]!)} x1`,
      `Scheduled: Successfully assigned default/b to ${nodeOf(pods[1]!)} x1`,
    ]);
  });

  it('reports FailedScheduling with the upstream message and PodScheduled=False', () => {
    const c = createCluster({ nodes: [{ name: 'w1', cpu: '1' }, { name: 'w2', cpu: '1' }], controlPlane: { masters: 3 } });
    c.create(pod('big', '2'));
    const p = c.get('pod', 'big');
    const message =
      '0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. ' +
      'preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.';
    expect((p.status as { conditions: unknown[] }).conditions).toEqual([
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: '2025-01-01T00:00:00Z' },
    ]);
    expect(reasons(c)).toEqual([`FailedScheduling: ${message} x1`]);
  });

  it('parks an unschedulable pod and binds it when a node that fits arrives', () => {
    const c = createCluster({ nodes: [{ name: 'small', cpu: '1' }] });
    c.create(pod('big', '2'));
    expect(c.scheduler.stats()).toMatchObject({ unschedulable: 1, failed: 1 });
    expect(c.settle()).toBe(true); // a parked pod does not keep the cluster busy
    c.advance('5s');
    c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'large' }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, capacity: { cpu: '4', memory: '8Gi', pods: '110' } } });
    expect(nodeOf(c.get('pod', 'big'))).toBe('large');
  });

  it('waits out the backoff when the change comes during it', () => {
    const c = createCluster({ nodes: [{ name: 'small', cpu: '1' }] });
    c.create(pod('big', '2'));
    c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'large' }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } });
    // One failed attempt: 1 s of backoff from t=0 before the retry.
    expect(nodeOf(c.get('pod', 'big'))).toBeUndefined();
    c.advance('999ms');
    expect(nodeOf(c.get('pod', 'big'))).toBeUndefined();
    c.advance('1ms');
    expect(nodeOf(c.get('pod', 'big'))).toBe('large');
  });

  it('aggregates repeated FailedScheduling events into a count', () => {
    const c = createCluster({ nodes: [{ name: 'small', cpu: '1' }] });
    c.create(pod('big', '2'));
    c.advance('5m'); // leftover flush every 30 s retries pods parked for 5 minutes
    c.advance('1m');
    const [e] = c.get('events') as { count?: number; reason?: string }[];
    expect(e!.reason).toBe('FailedScheduling');
    expect(e!.count).toBe(2);
  });

  it('keeps PodScheduled=False as written: retries leave an unchanged condition alone and a new message keeps lastTransitionTime', () => {
    // Upstream's queue holds the updated pod, and updatePod writes only when UpdatePodCondition
    // changed something (pkg/scheduler/schedule_one.go, handleSchedulingFailure).
    const c = createCluster({ nodes: [{ name: 'small', cpu: '1' }] });
    c.create(pod('big', '2'));
    const first = c.get('pod', 'big');
    c.advance('6m'); // the leftover flush retried it, with the same verdict
    expect(c.get('pod', 'big').metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'small-2' }, status: { allocatable: { cpu: '1', memory: '8Gi', pods: '110' } } });
    c.advance('2s');
    const cond = (c.get('pod', 'big').status as { conditions: { type: string; message: string; lastTransitionTime: string }[] }).conditions.find((x) => x.type === 'PodScheduled')!;
    expect(cond.message).toMatch(/^0\/2 nodes are available: 2 Insufficient cpu\./);
    expect(cond.lastTransitionTime).toBe('2025-01-01T00:00:00Z');
  });

  it('honours scheduling gates until they are removed', () => {
    const c = createCluster({ nodes: 1 });
    c.create(pod('gated', '100m', { schedulingGates: [{ name: 'example.com/wait' }] }));
    expect(nodeOf(c.get('pod', 'gated'))).toBeUndefined();
    const p = JSON.parse(JSON.stringify(c.get('pod', 'gated')));
    p.spec.schedulingGates = [];
    c.replace(p);
    expect(nodeOf(c.get('pod', 'gated'))).toBe('node-1');
  });

  it('uses the profile the pod names and leaves pods for unknown schedulers alone', () => {
    const c = createCluster({
      nodes: [{ name: 'a', cpu: '4' }, { name: 'b', cpu: '4' }],
      scheduler: {
        profiles: [
          { schedulerName: 'default-scheduler' },
          {
            schedulerName: 'bin-packing',
            plugins: { score: { disabled: [{ name: '*' }], enabled: [{ name: 'NodeResourcesFit' }] } },
            pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }],
          },
        ],
      },
    });
    c.create([pod('p1', '1', { schedulerName: 'bin-packing' }), pod('p2', '1', { schedulerName: 'bin-packing' }), pod('x', '1', { schedulerName: 'other' })]);
    expect(nodeOf(c.get('pod', 'p1'))).toBe(nodeOf(c.get('pod', 'p2')));
    expect(nodeOf(c.get('pod', 'x'))).toBeUndefined();
  });

  it('explains a decision without binding and without shifting the run', () => {
    const make = () => {
      const c = createCluster({ nodes: [{ name: 'a', cpu: '2' }, { name: 'b', cpu: '4' }], controlPlane: { masters: 1 } });
      c.create(pod('p0'));
      return c;
    };
    const c = make();
    const ex = c.scheduler.explain(pod('probe', '3'));
    expect(ex.selected).toBe('b');
    expect(ex.nodes['a']!.filter).toEqual({ plugin: 'NodeResourcesFit', code: 'Unschedulable', reasons: ['Insufficient cpu'] });
    expect(ex.nodes['control-plane-1']!.filter).toMatchObject({ plugin: 'TaintToleration', code: 'UnschedulableAndUnresolvable' });
    expect(ex.nodes['b']!.filter).toBeNull();
    expect(ex.nodes['b']!.scores!['NodeResourcesFit']).toBeDefined();
    expect(c.find('pod', 'probe')).toBeUndefined();
    const d = make();
    expect(c.traceHash()).toBe(d.traceHash());
    const bound = c.scheduler.explain('p0');
    expect(bound.nodes[nodeOf(c.get('pod', 'p0'))!]!.filter).toBeNull();
  });

  it('never over-commits a node', () => {
    const c = createCluster({ nodes: [{ name: 'a', cpu: '3' }, { name: 'b', cpu: '2' }] });
    c.create(Array.from({ length: 8 }, (_, i) => pod(`p${i}`)));
    const bound = c.get('pods').filter((p) => nodeOf(p));
    expect(bound).toHaveLength(5);
    expect(bound.filter((p) => nodeOf(p) === 'a')).toHaveLength(3);
    expect(c.scheduler.stats().unschedulable).toBe(3);
  });

  it('preempts lower-priority pods for a higher-priority one (DefaultPreemption)', () => {
    const c = createCluster({ nodes: [{ name: 'only', cpu: '2' }], controllers: ['deployment-controller', 'replicaset-controller'] });
    c.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    c.create([pod('low-1'), pod('low-2')]);
    c.create(pod('vip', '1', { priorityClassName: 'high' }));
    const vip = c.get('pod', 'vip');
    expect((vip.status as { nominatedNodeName?: string }).nominatedNodeName).toBe('only');
    expect(nodeOf(vip)).toBeUndefined();
    // Without a kubelet the victim stays Terminating, showing how the scheduler marked it.
    const victims = c.get('pods').filter((p) => p.metadata.deletionTimestamp);
    expect(victims).toHaveLength(1);
    expect((victims[0]!.status as { conditions: { type: string; reason?: string }[] }).conditions).toContainEqual(
      expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }),
    );
    expect(reasons(c)).toContain(`Preempted: Preempted by pod ${vip.metadata.uid} on node only x1`);
    // The victim's kubelet finishes the deletion; then the preemptor fits.
    c.delete('pod', victims[0]!.metadata.name, { gracePeriodSeconds: 0 });
    c.advance('2s');
    expect(nodeOf(c.get('pod', 'vip'))).toBe('only');
  });

  it('with kubelets running, a preempted pod that had not started goes at once and the preemptor follows', () => {
    const c = createCluster({ nodes: [{ name: 'only', cpu: '2' }] });
    c.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
    c.create([pod('low-1'), pod('low-2')]);
    c.create(pod('vip', '1', { priorityClassName: 'high' }));
    c.advance('2s');
    expect(nodeOf(c.get('pod', 'vip'))).toBe('only');
    expect(c.get('pods').map((p) => p.metadata.name)).toHaveLength(2);
  });
});

/**
 * The node lifecycle controller, the taint eviction controller and the kubelet's heartbeats:
 * upstream tables for the pure helpers, then behaviours on small clusters (everything running).
 */
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type StoredObject } from '../../src/index.js';
import { lastRenewalAt, leaseRenewedAtMs, LAZY_RENEW_ANNOTATION } from '../../src/reconcilers/kubelet/node-lease.js';
import { computeZoneState, zoneKey } from '../../src/reconcilers/node-lifecycle.js';
import { matchingTolerations, minTolerationMs, toleratesTaint } from '../../src/reconcilers/taint-eviction.js';
import type { Taint, Toleration } from '../../src/model/types.js';

const EPOCH = Date.parse('2025-01-01T00:00:00Z');

// Ported from kubernetes/kubernetes pkg/controller/tainteviction/taint_eviction_test.go (TestGetMinTolerationTime)
it.each`
  seconds             | expected | why
  ${[]}               | ${0}     | ${'no tolerations used: evict now'}
  ${[null]}           | ${-1}    | ${'no tolerationSeconds: forever'}
  ${[1, 2]}           | ${1000}  | ${'the smallest'}
  ${[1, null]}        | ${1000}  | ${'unset ones are ignored'}
  ${[null, 1]}        | ${1000}  | ${'in any order'}
  ${[300, 0]}         | ${0}     | ${'≤ 0 means now'}
  ${[-5]}             | ${0}     | ${'negative means now'}
`('getMinTolerationTime $seconds → $expected ms ($why)', ({ seconds, expected }) => {
  const tolerations = (seconds as (number | null)[]).map((s) => (s === null ? { key: 'k', operator: 'Exists' } : { key: 'k', operator: 'Exists', tolerationSeconds: s }));
  expect(minTolerationMs(tolerations as Toleration[])).toBe(expected);
});

// Ported from kubernetes/kubernetes staging/src/k8s.io/api/core/v1/toleration_test.go (TestTolerationToleratesTaint)
it.each`
  toleration                                                             | taint                                                       | expected
  ${{ key: 'foo', operator: 'Exists', effect: 'NoExecute' }}             | ${{ key: 'foo', effect: 'NoExecute' }}                      | ${true}
  ${{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }}            | ${{ key: 'foo', effect: 'NoExecute' }}                      | ${false}
  ${{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoExecute' }} | ${{ key: 'foo', value: 'bar', effect: 'NoExecute' }}       | ${true}
  ${{ key: 'foo', operator: 'Equal', value: 'bar' }}                     | ${{ key: 'foo', value: 'baz', effect: 'NoExecute' }}        | ${false}
  ${{ key: 'foo', value: 'bar' }}                                        | ${{ key: 'foo', value: 'bar', effect: 'NoSchedule' }}       | ${true}
  ${{ operator: 'Exists' }}                                              | ${{ key: 'anything', effect: 'NoExecute' }}                 | ${true}
  ${{ operator: 'Exists', effect: 'NoExecute' }}                         | ${{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }} | ${true}
  ${{ key: 'other', operator: 'Exists' }}                                | ${{ key: 'foo', effect: 'NoExecute' }}                      | ${false}
`('ToleratesTaint $toleration vs $taint → $expected', ({ toleration, taint, expected }) => {
  expect(toleratesTaint(toleration as Toleration, taint as Taint)).toBe(expected);
});

it('GetMatchingTolerations: all taints must be tolerated; the first match per taint is used', () => {
  const taints: Taint[] = [{ key: 'a', effect: 'NoExecute' }, { key: 'b', effect: 'NoExecute' }];
  const ta: Toleration = { key: 'a', operator: 'Exists', tolerationSeconds: 10 };
  const all: Toleration = { operator: 'Exists' };
  expect(matchingTolerations(taints, [ta, all])).toEqual({ all: true, used: [ta, all] });
  expect(matchingTolerations(taints, [ta])).toEqual({ all: false, used: [] });
  expect(matchingTolerations([], [])).toEqual({ all: true, used: [] });
});

// Ported from kubernetes/kubernetes pkg/controller/nodelifecycle/node_lifecycle_controller.go (ComputeZoneState)
it.each`
  statuses                                          | expected
  ${['True', 'True', 'True']}                       | ${'Normal'}
  ${['Unknown']}                                    | ${'FullDisruption'}
  ${['False', 'Unknown']}                           | ${'FullDisruption'}
  ${['True', 'Unknown', 'Unknown']}                 | ${'Normal'}
  ${['True', 'True', 'Unknown', 'Unknown', 'Unknown']} | ${'PartialDisruption'}
  ${['True', 'True', 'True', 'Unknown', 'Unknown', 'Unknown']} | ${'Normal'}
  ${[]}                                             | ${'Normal'}
`('ComputeZoneState $statuses → $expected', ({ statuses, expected }) => {
  expect(computeZoneState(statuses)).toBe(expected);
});

it('GetZoneKey joins region and zone, and is empty for a node with neither', () => {
  const node = (labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', labels, resourceVersion: '1', uid: 'u' } }) as StoredObject;
  expect(zoneKey(node({ 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z' }))).toBe('r:\u0000:z');
  expect(zoneKey(node({}))).toBe('');
});

describe('lazy lease renewals (renewInterval = 0.25 × 40 s)', () => {
  it.each`
    anchor   | at        | expected
    ${0}     | ${9_999}  | ${0}
    ${0}     | ${10_000} | ${10_000}
    ${0}     | ${27_500} | ${20_000}
    ${3_500} | ${27_500} | ${23_500}
    ${5_000} | ${1_000}  | ${5_000}
  `('anchored at $anchor ms, the last renewal at $at ms is $expected ms', ({ anchor, at, expected }) => {
    expect(lastRenewalAt(anchor, at)).toBe(expected);
  });

  it('a lazily renewed Lease reads as renewed at the latest 10 s boundary; a dead one as stored', () => {
    const lease = { metadata: { annotations: { [LAZY_RENEW_ANNOTATION]: '10s' } }, spec: { renewTime: '2025-01-01T00:00:00.000000Z' } };
    expect(leaseRenewedAtMs(lease, EPOCH + 95_000)).toBe(EPOCH + 90_000);
    expect(leaseRenewedAtMs({ ...lease, metadata: {} }, EPOCH + 95_000)).toBe(EPOCH);
  });
});

type Cond = { type: string; status: string; reason?: string };
const ready = (c: Cluster, node: string) => ((c.get('node', node).status as { conditions: Cond[] }).conditions.find((x) => x.type === 'Ready'))!;
const taintList = (c: Cluster, node: string) =>
  ((c.get('node', node).spec as { taints?: { key: string; effect: string; timeAdded?: string }[] }).taints ?? []).map((t) => `${t.key}:${t.effect}@${t.timeAdded ? (Date.parse(t.timeAdded) - EPOCH) / 1000 : '-'}`);

describe('node lifecycle controller', () => {
  it('uses the configured grace period (40 s: Unknown at the first tick after 50 s)', () => {
    const c = createCluster({ nodes: 2, nodeMonitorGracePeriod: '40s' });
    c.advance('12s');
    c.faults.failNode('node-1');
    c.advance(54_999 - c.now);
    expect(ready(c, 'node-1').status).toBe('True');
    c.advance(1);
    expect(ready(c, 'node-1')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
  });

  it('keeps a quiet cluster timer-free: settle returns at once with every kubelet healthy', () => {
    const c = createCluster({ nodes: 3 });
    expect(c.settle()).toBe(true);
    expect(c.now).toBe(0);
    c.advance('10m');
    expect(c.get('nodes').every((n) => (n.spec as { taints?: unknown[] }).taints === undefined)).toBe(true);
  });

  it('rate-limits NoExecute taints per zone: one node every 10 s (evictionLimiterQPS 0.1)', () => {
    const c = createCluster({ nodes: 5 });
    c.faults.failNode('node-1');
    c.faults.failNode('node-2');
    c.advance('2m');
    // Both Unknown at 55 s; 2 of 5 not ready is Normal (not > 2): the first at 60 s, the next at 70 s.
    expect(taintList(c, 'node-1')).toEqual(['node.kubernetes.io/unreachable:NoSchedule@55', 'node.kubernetes.io/unreachable:NoExecute@60']);
    expect(taintList(c, 'node-2')).toEqual(['node.kubernetes.io/unreachable:NoSchedule@55', 'node.kubernetes.io/unreachable:NoExecute@70']);
  });

  it('stops evicting when a small zone is partially disrupted (ReducedQPSFunc → 0 below 50 nodes)', () => {
    const c = createCluster({ nodes: 5 });
    for (const n of ['node-1', 'node-2', 'node-3']) c.faults.failNode(n);
    c.advance('10m');
    expect(ready(c, 'node-1').status).toBe('Unknown');
    // All three go Unknown at 55 s; from then on 3 of 5 (60 %) are not ready: PartialDisruption,
    // whose limiter is stopped in a zone of ≤ 50 nodes, so no NoExecute taint is ever added.
    for (const n of ['node-1', 'node-2', 'node-3']) expect(taintList(c, n)).toEqual(['node.kubernetes.io/unreachable:NoSchedule@55']);
  });

  it('enters master disruption mode when every zone is fully disrupted: no NoExecute taints, no evictions', () => {
    const c = createCluster({ nodes: 2, images: { app: { pullTime: '1s', startupTime: '1s' } } });
    c.run('p', { image: 'app' });
    c.settle();
    c.faults.failNode('node-1');
    c.faults.failNode('node-2');
    c.advance('10m');
    expect(taintList(c, 'node-1')).toEqual(['node.kubernetes.io/unreachable:NoSchedule@55']);
    expect(c.get('pod', 'p').metadata.deletionTimestamp).toBeUndefined();
  });

  it('maps conditions posted by the kubelet to NoSchedule taints, and cordoning to the unschedulable taint', () => {
    const c = createCluster({ nodes: 3 });
    const n = c.get('node', 'node-2');
    const conds = (n.status as { conditions: Cond[] }).conditions.map((x) =>
      x.type === 'Ready' ? { ...x, status: 'False', reason: 'KubeletNotReady' } : x.type === 'MemoryPressure' ? { ...x, status: 'True' } : x,
    );
    c.updateStatus({ ...n, status: { ...(n.status as object), conditions: conds } });
    expect(taintList(c, 'node-2')).toEqual([
      'node.kubernetes.io/memory-pressure:NoSchedule@0',
      'node.kubernetes.io/not-ready:NoSchedule@0',
      'node.kubernetes.io/not-ready:NoExecute@0', // observed False at the 0 s tick
    ]);
    const n3 = c.get('node', 'node-3');
    c.replace({ ...n3, spec: { ...(n3.spec as object), unschedulable: true } });
    expect(taintList(c, 'node-3')).toEqual(['node.kubernetes.io/unschedulable:NoSchedule@0']);
  });
});

describe('taint eviction controller', () => {
  const pod = (name: string, tolerations: unknown[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'node-1', tolerations, containers: [{ name: 'c', image: 'app' }] } });

  it('deletes at once without a toleration, after tolerationSeconds with one, never with an unbounded one', () => {
    const c = createCluster({ nodes: 2, images: { app: { pullTime: '1s', startupTime: '1s' } } });
    c.create(pod('default-300s', []));
    c.create(pod('sixty', [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]));
    c.create(pod('forever', [{ operator: 'Exists' }]));
    c.settle();
    const n = c.get('node', 'node-1');
    c.replace({ ...n, spec: { ...(n.spec as object), taints: [{ key: 'dedicated', effect: 'NoExecute', timeAdded: '2025-01-01T00:00:02Z' }] } });
    // 'default-300s' does not tolerate 'dedicated': deleted at once.
    expect(c.get('pod', 'default-300s').metadata.deletionTimestamp).toBeDefined();
    c.advance(61_999 - c.now);
    expect(c.get('pod', 'sixty').metadata.deletionTimestamp).toBeUndefined();
    c.advance(1);
    expect(c.get('pod', 'sixty').metadata.deletionTimestamp).toBeDefined();
    const msgs = c.get('events').filter((e) => (e as { reason?: string }).reason === 'TaintManagerEviction').map((e) => (e as { message?: string }).message);
    expect(msgs).toEqual(['Marking for deletion Pod default/default-300s', 'Marking for deletion Pod default/sixty']);
    c.advance('1h');
    expect(c.get('pod', 'forever').metadata.deletionTimestamp).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/sim/cluster.js';
import { DEPROVISIONING_ANNOTATION, isNodeHealthy, nodePoolController, zoneTargets, type NodePoolSpec } from '../../src/reconcilers/node-pool.js';
import type { Node, StoredObject } from '../../src/model/types.js';

const ZONES = ['zone-a', 'zone-b', 'zone-c'];
const POOL: NodePoolSpec = { name: 'pool', count: 3, zones: ZONES, cpu: '8', memory: '32Gi', pods: 50, labels: { tier: 'web' }, provisioningDelay: '2m' };

function newCluster(pool: NodePoolSpec = POOL): Cluster {
  return createCluster({ nodes: 0, scheduler: false, controllers: false, reconcilers: [nodePoolController([pool])] });
}

type NodeObject = StoredObject & Node;
const nodes = (c: Cluster) => c.get('nodes') as NodeObject[];
const zone = (n: NodeObject) => n.metadata.labels!['topology.kubernetes.io/zone']!;
const healthyPerZone = (c: Cluster) => ZONES.map((z) => nodes(c).filter((n) => zone(n) === z && isNodeHealthy(n) && !n.metadata.annotations?.[DEPROVISIONING_ANNOTATION]).length);

/** What the node lifecycle controller does to a zone's nodes when it fails, or recovers. */
function setZone(c: Cluster, z: string, up: boolean) {
  for (const n of nodes(c).filter((x) => zone(x) === z)) {
    const status = structuredClone(n.status!);
    for (const cond of status.conditions!) {
      if (cond.type === 'Ready') Object.assign(cond, up ? { status: 'True', reason: 'KubeletReady' } : { status: 'Unknown', reason: 'NodeStatusUnknown' }, { lastTransitionTime: c.nowTimestamp });
    }
    c.updateStatus({ ...n, status });
    const cur = structuredClone(c.get('node', n.metadata.name)) as NodeObject;
    const taints = (cur.spec!.taints ?? []).filter((t) => t.key !== 'node.kubernetes.io/unreachable');
    if (!up) taints.push({ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' });
    cur.spec = { ...cur.spec, taints };
    c.replace(cur);
  }
}

describe('zoneTargets', () => {
  it.each`
    count | zones                           | want
    ${3}  | ${['a', 'b', 'c']}              | ${[1, 1, 1]}
    ${5}  | ${['a', 'b', 'c']}              | ${[2, 2, 1]}
    ${5}  | ${['a', 'b']}                   | ${[3, 2]}
    ${1}  | ${['a', 'b', 'c']}              | ${[1, 0, 0]}
    ${4}  | ${[]}                           | ${[]}
  `('$count over $zones → $want', ({ count, zones, want }) => {
    expect([...zoneTargets(count, zones).values()]).toEqual(want);
  });
});

describe('node-pool controller', () => {
  it('creates the pool at once, one node per zone, from the pool template', () => {
    const c = newCluster();
    const ns = nodes(c);
    expect(ns).toHaveLength(3);
    expect(ns.map(zone).sort()).toEqual(ZONES);
    for (const n of ns) {
      expect(n.metadata.name).toMatch(new RegExp(`^pool-${zone(n)}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(n.metadata.labels).toMatchObject({ agentpool: 'pool', tier: 'web', 'topology.kubernetes.io/region': 'region-1' });
      expect(n.status!.allocatable).toMatchObject({ cpu: '8', memory: '32Gi', pods: '50' });
      expect(isNodeHealthy(n)).toBe(true);
    }
  });

  it('replaces a failed zone after provisioningDelay, in the remaining zones', () => {
    const c = newCluster();
    c.advance('10m');
    setZone(c, 'zone-c', false);
    c.advance('119s');
    expect(nodes(c)).toHaveLength(3);
    expect(healthyPerZone(c)).toEqual([1, 1, 0]);
    c.advance('1s');
    expect(nodes(c)).toHaveLength(4);
    expect(healthyPerZone(c)).toEqual([2, 1, 0]);
    // The failed zone's node is kept for when the zone returns.
    expect(nodes(c).filter((n) => zone(n) === 'zone-c')).toHaveLength(1);
  });

  it('rebalances when the zone returns: the surplus node is cordoned, drained and deleted', () => {
    const c = newCluster();
    setZone(c, 'zone-c', false);
    c.advance('2m');
    expect(healthyPerZone(c)).toEqual([2, 1, 0]);
    const extra = nodes(c).filter((n) => zone(n) === 'zone-a').sort((a, b) => (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? 1 : -1))[0]!;
    // A pod on the surplus node holds its deletion until it is gone.
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'x', controller: true }] }, spec: { nodeName: extra.metadata.name, containers: [{ name: 'c', image: 'nginx' }] } });
    c.updateStatus({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, status: { phase: 'Running' } });
    c.advance('5m');
    setZone(c, 'zone-c', true);
    const marked = c.get('node', extra.metadata.name) as NodeObject;
    expect(marked.spec!.unschedulable).toBe(true);
    expect(marked.metadata.annotations?.[DEPROVISIONING_ANNOTATION]).toBeDefined();
    expect(healthyPerZone(c)).toEqual([1, 1, 1]);
    c.advance('30s');
    expect(c.find('node', extra.metadata.name)).toBeDefined();
    // (The Cluster's 'evict' action is not wired yet; the pod goes by hand here.)
    c.delete('pod', 'p', { gracePeriodSeconds: 0 });
    c.advance('5s');
    expect(c.find('node', extra.metadata.name)).toBeUndefined();
    expect(nodes(c)).toHaveLength(3);
    expect(healthyPerZone(c)).toEqual([1, 1, 1]);
  });

  it('is deterministic: same seed, same node names', () => {
    const names = () => nodes(newCluster()).map((n) => n.metadata.name);
    expect(names()).toEqual(names());
  });
});

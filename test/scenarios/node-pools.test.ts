/** Node pools end to end: a zone outage makes the pool bring nodes up elsewhere, and rebalance after. */
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/index.js';

const ready = (c: Cluster) =>
  c
    .get('nodes')
    .filter((n) => (n.status as { conditions?: { type: string; status: string }[] }).conditions?.some((x) => x.type === 'Ready' && x.status === 'True'))
    .map((n) => n.metadata.labels?.['topology.kubernetes.io/zone'] ?? '');

describe('node pools', () => {
  it('replace a failed zone’s nodes in the other zones, and rebalance when it returns', () => {
    const c = createCluster({
      nodes: 0,
      zones: 3,
      nodePools: [{ name: 'pool', count: 3, zones: ['zone-a', 'zone-b', 'zone-c'], provisioningDelay: '2m' }],
    });
    c.advance('1s');
    expect(ready(c).sort()).toEqual(['zone-a', 'zone-b', 'zone-c']);
    c.faults.failZone('zone-a');
    c.advance('10m');
    const during = ready(c);
    expect(during).toHaveLength(3);
    expect(during).not.toContain('zone-a');
    c.faults.recoverZone('zone-a');
    c.advance('20m');
    expect(ready(c).sort()).toEqual(['zone-a', 'zone-b', 'zone-c']);
    expect(c.get('nodes').filter((n) => n.metadata.labels?.agentpool === 'pool')).toHaveLength(3);
  });
});

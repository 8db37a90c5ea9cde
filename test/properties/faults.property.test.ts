/**
 * Faults and convergence, end to end: random schedules of node, kubelet, zone, master and
 * partition faults (and their recoveries), interleaved with scale and image updates and the
 * passing of time. Calls made while the API has no quorum fail with ServiceUnavailable and
 * change nothing. Once every fault is healed and the cluster settles:
 *   - every Deployment has exactly its desired replicas, all ready, of its newest template;
 *   - no pod is left Terminating or Pending (nothing was lost without a replacement);
 *   - no node is over-committed (requests of its pods ≤ allocatable);
 *   - no fault record is left.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCluster, ServiceUnavailableError, type Cluster, type StoredObject } from '../../src/index.js';
import { listObjects } from '../../src/model/store.js';
import { parseQuantity } from '../../src/model/quantity.js';
import { propertyRuns, propertySeed } from './runs.js';

const NODES = ['node-1', 'node-2', 'node-3', 'node-4'];
const ZONES = ['zone-a', 'zone-b'];

type Op =
  | { kind: 'failNode' | 'recoverNode' | 'stopKubelet' | 'startKubelet'; node: string }
  | { kind: 'failZone' | 'recoverZone'; zone: string }
  | { kind: 'failMaster' | 'recoverMaster' | 'partition' | 'heal' }
  | { kind: 'scale'; replicas: number }
  | { kind: 'image'; version: number }
  | { kind: 'advance'; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('failNode' as const, 'recoverNode' as const, 'stopKubelet' as const, 'startKubelet' as const), node: fc.constantFrom(...NODES) }),
  fc.record({ kind: fc.constantFrom('failZone' as const, 'recoverZone' as const), zone: fc.constantFrom(...ZONES) }),
  fc.record({ kind: fc.constantFrom('failMaster' as const, 'recoverMaster' as const, 'partition' as const, 'heal' as const) }),
  fc.record({ kind: fc.constant('scale' as const), replicas: fc.integer({ min: 0, max: 5 }) }),
  fc.record({ kind: fc.constant('image' as const), version: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1_000, max: 400_000 }) }),
);

const web = (replicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'app:1', resources: { requests: { cpu: '500m', memory: '256Mi' } } }] } },
  },
});

function apply(c: Cluster, o: Op): void {
  try {
    switch (o.kind) {
      case 'failNode':
      case 'recoverNode':
      case 'stopKubelet':
      case 'startKubelet':
        return c.faults[o.kind](o.node);
      case 'failZone':
      case 'recoverZone':
        return c.faults[o.kind](o.zone);
      case 'failMaster':
      case 'recoverMaster':
        return c.faults[o.kind]();
      case 'partition':
        return c.faults.partition('zone-a', 'zone-b');
      case 'heal':
        return c.faults.heal();
      case 'scale':
        c.scale('deployment/web', o.replicas);
        return;
      case 'image':
        c.setImage('deployment/web', 'web', `app:${o.version}`);
        return;
      case 'advance':
        return c.advance(o.ms);
    }
  } catch (e) {
    if (!(e instanceof ServiceUnavailableError)) throw e;
    expect(c.controlPlane.available(c.state)).toBe(false);
  }
}

function healAll(c: Cluster): void {
  for (const z of ZONES) c.faults.recoverZone(z);
  for (const n of NODES) c.faults.recoverNode(n);
  for (const m of c.controlPlane.members) c.faults.recoverNode(m);
  c.faults.heal();
}

const isReady = (p: StoredObject) => ((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');

function checkConverged(c: Cluster): void {
  expect(c.faults.list()).toEqual([]);
  const d = c.get('deployment', 'web');
  const replicas = (d.spec as { replicas: number }).replicas;
  const image = (d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!.image;
  const pods = c.get('pods', undefined, { selector: 'app=web' });
  expect(pods.filter((p) => p.metadata.deletionTimestamp)).toEqual([]);
  expect(pods).toHaveLength(replicas);
  expect(pods.every(isReady)).toBe(true);
  expect(pods.map((p) => (p.spec as { containers: { image: string }[] }).containers[0]!.image)).toEqual(pods.map(() => image));
  // No node over-committed.
  for (const node of c.get('nodes')) {
    const alloc = (node.status as { allocatable: Record<string, string> }).allocatable;
    const onNode = listObjects(c.state, 'Pod').filter((p) => (p.spec as { nodeName?: string }).nodeName === node.metadata.name);
    let cpu = 0n;
    let mem = 0n;
    for (const p of onNode) {
      for (const ct of (p.spec as { containers: { resources?: { requests?: Record<string, string> } }[] }).containers) {
        cpu += BigInt(parseQuantity(ct.resources?.requests?.cpu ?? '0').milliValue());
        mem += BigInt(parseQuantity(ct.resources?.requests?.memory ?? '0').value());
      }
    }
    expect(cpu).toBeLessThanOrEqual(BigInt(parseQuantity(alloc.cpu!).milliValue()));
    expect(mem).toBeLessThanOrEqual(BigInt(parseQuantity(alloc.memory!).value()));
  }
}

describe('faults: convergence after healing', () => {
  it('every Deployment is back at its desired ready replicas, nothing lost, nothing over-committed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.array(op, { minLength: 1, maxLength: 14 }), (seed, ops) => {
        const c = createCluster({
          seed,
          nodes: NODES.map((name) => ({ name, cpu: '2', memory: '4Gi' })),
          zones: ZONES,
          controlPlane: { masters: 3 },
          images: { 'app:1': { pullTime: '1s', startupTime: '1s' }, 'app:2': { pullTime: '2s', startupTime: '1s' }, 'app:3': { pullTime: '1s', startupTime: '2s' } },
        });
        c.apply(web(3));
        c.settle();
        for (const o of ops) apply(c, o);
        healAll(c);
        c.settle({ timeout: '1h' });
        checkConverged(c);
      }),
      { numRuns: propertyRuns(40), seed: propertySeed(20251122) },
    );
  });
});

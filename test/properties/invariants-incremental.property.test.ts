/**
 * The incremental invariants agree with a recomputation from scratch after every write: random
 * raw writes (pods created bound or unbound, IPs and phases set, pods deleted gracefully or at
 * once, nodes' allocatable changed, nodes deleted, Services with fixed ClusterIPs) on a cluster with the
 * controllers and the scheduler off, so violations happen and nothing repairs them. Each
 * invariant keeps its own index per cluster; a drift in that index would show as a difference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCluster, KubesimError, type Cluster } from '../../src/index.js';
import { checkFromScratch, noDuplicateIPs, noNodeOvercommitted } from '../../src/testing/invariants.js';
import { propertyRuns, propertySeed } from './runs.js';

const POD_NAMES = ['p0', 'p1', 'p2', 'p3', 'p4'];
const NODES = ['node-1', 'node-2'];

type Op =
  | { op: 'createPod'; name: string; node: string | undefined; cpu: string; hostNetwork: boolean }
  | { op: 'setStatus'; name: string; ip: string; phase: string }
  | { op: 'setPhase'; name: string; phase: string }
  | { op: 'deletePod'; name: string; now: boolean }
  | { op: 'allocatable'; node: string; cpu: string }
  | { op: 'deleteNode'; node: string }
  | { op: 'createService'; name: string; ip: string }
  | { op: 'deleteService'; name: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('createPod' as const),
      name: fc.constantFrom(...POD_NAMES),
      node: fc.constantFrom(...NODES, undefined),
      cpu: fc.constantFrom('300m', '600m'),
      hostNetwork: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('setStatus' as const), name: fc.constantFrom(...POD_NAMES), ip: fc.constantFrom('10.244.0.1', '10.244.0.2', '10.244.0.3'), phase: fc.constantFrom('Running', 'Running', 'Succeeded', 'Failed') }),
  },
  fc.record({ op: fc.constant('setPhase' as const), name: fc.constantFrom(...POD_NAMES), phase: fc.constantFrom('Succeeded', 'Failed') }),
  fc.record({ op: fc.constant('deletePod' as const), name: fc.constantFrom(...POD_NAMES), now: fc.boolean() }),
  fc.record({ op: fc.constant('allocatable' as const), node: fc.constantFrom(...NODES), cpu: fc.constantFrom('500m', '1', '2') }),
  fc.record({ op: fc.constant('deleteNode' as const), node: fc.constantFrom(...NODES) }),
  fc.record({ op: fc.constant('createService' as const), name: fc.constantFrom('s0', 's1', 's2'), ip: fc.constantFrom('10.96.0.50', '10.96.0.51') }),
  fc.record({ op: fc.constant('deleteService' as const), name: fc.constantFrom('s0', 's1', 's2') }),
);

function run(c: Cluster, o: Op): void {
  switch (o.op) {
    case 'createPod':
      c.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: o.name },
        spec: {
          ...(o.node ? { nodeName: o.node } : {}),
          ...(o.hostNetwork ? { hostNetwork: true } : {}),
          containers: [{ name: 'app', image: 'app:v1', resources: { requests: { cpu: o.cpu, memory: '64Mi' } } }],
        },
      });
      return;
    case 'setStatus': {
      const pod = c.get('pod', o.name);
      c.updateStatus({ ...pod, status: { ...(pod.status as object), phase: o.phase, podIP: o.ip, podIPs: [{ ip: o.ip }] } });
      return;
    }
    case 'setPhase': {
      // Keeps the pod's IP (an IP once set may not change): the pod ends and gives it up.
      const pod = c.get('pod', o.name);
      c.updateStatus({ ...pod, status: { ...(pod.status as object), phase: o.phase } });
      return;
    }
    case 'deletePod':
      c.delete('pod', o.name, o.now ? { gracePeriodSeconds: 0 } : {});
      return;
    case 'allocatable': {
      const node = c.get('node', o.node);
      const status = node.status as { allocatable: Record<string, string> };
      c.updateStatus({ ...node, status: { ...status, allocatable: { ...status.allocatable, cpu: o.cpu } } });
      return;
    }
    case 'deleteNode':
      c.delete('node', o.node);
      return;
    case 'createService':
      c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: o.name }, spec: { clusterIP: o.ip, selector: { app: 'x' }, ports: [{ port: 80 }] } });
      return;
    case 'deleteService':
      c.delete('service', o.name);
      return;
  }
}

describe('incremental invariants (property)', () => {
  it('report exactly what a recomputation from scratch reports, after every write', () => {
    const violations = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 10, maxLength: 40 }), (ops) => {
        const c = createCluster({ nodes: NODES.map((name) => ({ name, cpu: '1', memory: '1Gi' })), controllers: false, scheduler: false });
        // Every pod exists at first (the last unbound), so the writes that follow meet pods.
        POD_NAMES.forEach((name, i) => run(c, { op: 'createPod', name, node: i < 4 ? NODES[i % 2] : undefined, cpu: '300m', hostNetwork: false }));
        for (const o of ops) {
          try {
            run(c, o);
          } catch (e) {
            // A rejected write (pod exists, not found, ClusterIP taken) changes nothing.
            if (!(e instanceof KubesimError)) throw e;
          }
          for (const inv of [noNodeOvercommitted, noDuplicateIPs]) {
            const now = inv(c);
            expect(now).toEqual(checkFromScratch(inv, c));
            if (!now.ok) violations.set(inv.name, (violations.get(inv.name) ?? 0) + 1);
          }
        }
      }),
      { numRuns: propertyRuns(60), seed: propertySeed(44) },
    );
    // The operations do break both invariants (so the comparison covers violations too).
    expect([...violations.keys()].sort()).toEqual(['noDuplicateIPs', 'noNodeOvercommitted']);
  }, 60_000);
});

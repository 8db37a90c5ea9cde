/**
 * The arbitraries produce valid objects: every generated node set builds a cluster, every
 * generated manifest is accepted by the API (apply never throws), and applying a batch of
 * them to a running cluster keeps it working.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/index.js';
import { defaultImages, deployment, manifest, nodeSet, pod, podDisruptionBudget, service } from '../../src/testing/index.js';
import { propertyRuns, propertySeed } from '../properties/runs.js';

describe('arbitraries', () => {
  it('node sets build clusters with the nodes, zones, labels and taints asked for', () => {
    fc.assert(
      fc.property(nodeSet({ zones: ['zone-a', 'zone-b'], maxNodes: 6 }), (nodes) => {
        const c = createCluster({ nodes, controllers: false });
        const got = c.get('nodes');
        expect(got.map((n) => n.metadata.name)).toEqual(nodes.map((n) => n.name).sort());
        for (const n of nodes) {
          const node = c.get('node', n.name!);
          expect(node.metadata.labels?.['topology.kubernetes.io/zone']).toBe(n.zone);
          expect((node.spec as { taints?: unknown[] }).taints ?? []).toEqual(n.taints ?? []);
          if (n.labels) expect(node.metadata.labels).toMatchObject(n.labels);
        }
      }),
      { numRuns: propertyRuns(50), seed: propertySeed(11) },
    );
  });

  it.each([
    ['deployment', deployment()],
    ['service', service()],
    ['pod disruption budget', podDisruptionBudget()],
    ['pod', pod()],
  ] as const)('every generated %s is accepted by apply', (_kind, arb) => {
    fc.assert(
      fc.property(arb as fc.Arbitrary<object>, (obj) => {
        const c = createCluster({ nodes: 1, controllers: false, scheduler: false });
        const [result] = c.apply(obj);
        expect(result!.action).toBe('created');
      }),
      { numRuns: propertyRuns(100), seed: propertySeed(12) },
    );
  });

  it('a random batch of manifests applies, one by one, to a running cluster that then settles', () => {
    fc.assert(
      fc.property(nodeSet({ zones: ['zone-a', 'zone-b'], maxNodes: 4 }), fc.array(manifest(), { maxLength: 8 }), (nodes, objs) => {
        const c = createCluster({ nodes, zones: ['zone-a', 'zone-b'], images: defaultImages });
        for (const obj of objs) {
          // A second manifest of the same name must keep immutable fields (a pod's spec, a
          // Service's clusterIP); apply creates or updates, and only such updates may fail.
          try {
            c.apply(obj);
          } catch (e) {
            expect((e as { reason?: string }).reason).toBe('Invalid');
          }
        }
        // Unschedulable pods keep a Deployment's progress deadline (10m) ticking: wait past it.
        expect(c.settle({ timeout: '30m' })).toBe(true);
      }),
      { numRuns: propertyRuns(15), seed: propertySeed(13) },
    );
  }, 60_000);
});

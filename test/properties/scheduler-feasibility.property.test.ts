/**
 * The scheduler never binds a pod to a node that cannot take it: at the moment of every bind,
 * the node's NoSchedule/NoExecute taints are tolerated, spec.nodeSelector and required node
 * affinity match, and the requests of the pods on the node (the new one included) fit its
 * allocatable. Nodes come from the node-set arbitrary (sizes, zones, labels, taints), pods
 * from Deployments and bare pods with random requests and constraints, so many stay Pending:
 * those must have a FailedScheduling event once the cluster settles.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCluster, type WatchEvent } from '../../src/index.js';
import { defaultImages, deployment, nodeSet, overcommitted, pendingPodsHaveFailedScheduling, placementViolations, pod, podsByNode } from '../../src/testing/index.js';
import { propertyRuns, propertySeed } from './runs.js';

const ZONES = ['zone-a', 'zone-b'];

describe('scheduler feasibility (property)', () => {
  it('binds pods only to nodes whose taints, labels, affinity and resources admit them', () => {
    fc.assert(
      fc.property(
        nodeSet({ zones: ZONES, maxNodes: 5 }),
        fc.array(fc.oneof(deployment({ maxReplicas: 5 }), pod()), { minLength: 1, maxLength: 6 }),
        (nodes, manifests) => {
          const c = createCluster({ nodes, images: defaultImages });
          const violations: string[] = [];
          c.on('watch', (e: WatchEvent) => {
            if (e.kind !== 'Pod' || e.type !== 'MODIFIED') return;
            const node = (e.object.spec as { nodeName?: string }).nodeName;
            if (!node || (e.oldObject?.spec as { nodeName?: string } | undefined)?.nodeName) return;
            const n = c.find('node', node);
            if (!n) {
              violations.push(`${e.object.metadata.name} bound to missing node ${node}`);
              return;
            }
            for (const v of placementViolations(e.object, n)) violations.push(`${e.object.metadata.name} on ${node}: ${v}`);
            for (const v of overcommitted(n, podsByNode(c.state).get(node) ?? [])) violations.push(`${e.object.metadata.name} on ${node}: ${v}`);
          });
          for (const m of manifests) {
            try {
              c.apply(m);
            } catch (e) {
              // A bare pod applied twice with a different spec: pod specs are immutable.
              expect((e as { reason?: string }).reason).toBe('Invalid');
            }
          }
          expect(c.settle({ timeout: '30m' })).toBe(true);
          expect(violations).toEqual([]);
          const pending = pendingPodsHaveFailedScheduling(c);
          expect(pending.ok ? '' : pending.message).toBe('');
        },
      ),
      { numRuns: propertyRuns(40), seed: propertySeed(5150) },
    );
  }, 120_000);
});

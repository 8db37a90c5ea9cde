/**
 * Rolling-update bounds, end to end (controllers, scheduler and kubelet all running): for random
 * replicas, maxSurge and maxUnavailable and random sequences of scale and image updates, every
 * committed step of a rollout that starts from a steady state keeps
 *   available pods >= replicas - maxUnavailable   and   total replicas <= replicas + maxSurge,
 * and after settling exactly `replicas` pods of the newest template run and are ready.
 * (maxSurge rounds up, maxUnavailable rounds down, both 0 means maxUnavailable 1: ResolveFenceposts.)
 *
 * "Total" is what the Deployment controller bounds: the sum of its ReplicaSets' spec.replicas.
 * Counting pods instead can exceed it for a moment, in kubesim as in Kubernetes: the
 * Deployment controller may scale the new ReplicaSet up before the ReplicaSet controller has
 * marked the old one's surplus pod for deletion. Availability is counted on real pods.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type StoredObject } from '../../src/index.js';
import { resolveFenceposts } from '../../src/reconcilers/deployment/util.js';
import { propertyRuns, propertySeed } from './runs.js';

type IntOrPercent = number | string;

const intOrPercent = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('0%', '25%', '50%', '100%'));

const params = fc
  .record({ replicas: fc.integer({ min: 1, max: 6 }), maxSurge: intOrPercent, maxUnavailable: intOrPercent })
  .filter(({ maxSurge, maxUnavailable }) => !(isZero(maxSurge) && isZero(maxUnavailable)));

const op = fc.oneof(
  fc.record({ kind: fc.constant('scale' as const), replicas: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ kind: fc.constant('image' as const) }),
);

function isZero(v: IntOrPercent): boolean {
  return v === 0 || v === '0%';
}

function deployment(replicas: number, maxSurge: IntOrPercent, maxUnavailable: IntOrPercent, image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image, resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    },
  };
}

const isReady = (p: StoredObject) =>
  (p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

function webPods(c: Cluster): StoredObject[] {
  return c.get('pods', undefined, { selector: 'app=web' }).filter((p) => !p.metadata.deletionTimestamp);
}

describe('rolling update (property)', () => {
  it('keeps availability and surge bounds at every step and converges to the newest template', () => {
    fc.assert(
      fc.property(params, fc.array(op, { minLength: 1, maxLength: 4 }), ({ replicas, maxSurge, maxUnavailable }, ops) => {
        // Every image has a profile, so pull and start-up times are varied but known.
        const images = Object.fromEntries(
          Array.from({ length: 6 }, (_, v) => [`web:v${v}`, { pullTime: `${1 + (v % 3)}s`, startupTime: '500ms', readinessDelay: `${v % 2}s` }]),
        );
        const c = createCluster({ nodes: 4, images, keepTrace: false });
        let version = 0;
        let want = replicas;
        c.apply(deployment(want, maxSurge, maxUnavailable, `web:v${version}`));
        expect(c.settle({ timeout: '10m' })).toBe(true);
        for (const o of ops) {
          if (o.kind === 'scale') {
            want = o.replicas;
            c.scale('deployment/web', want);
            expect(c.settle({ timeout: '10m' })).toBe(true);
            continue;
          }
          version += 1;
          const { surge, unavailable } = resolveFenceposts(maxSurge, maxUnavailable, want);
          const violations: string[] = [];
          const check = () => {
            const available = webPods(c).filter(isReady).length;
            const total = c.get('rs').reduce((n, rs) => n + ((rs.spec as { replicas?: number }).replicas ?? 0), 0);
            if (available < want - unavailable) violations.push(`t=${c.now}: ${available} available < ${want} - ${unavailable}`);
            if (total > want + surge) violations.push(`t=${c.now}: ${total} replicas > ${want} + ${surge}`);
          };
          c.on('watch', check);
          c.setImage('deployment/web', 'web', `web:v${version}`);
          expect(c.settle({ timeout: '10m' })).toBe(true);
          c.off('watch', check);
          expect(violations).toEqual([]);
        }
        const pods = webPods(c);
        expect(pods).toHaveLength(want);
        for (const p of pods) {
          expect(isReady(p)).toBe(true);
          expect((p.spec as { containers: { image: string }[] }).containers[0]!.image).toBe(`web:v${version}`);
        }
        expect(c.rollout.status('deployment/web').done).toBe(true);
      }),
      { numRuns: propertyRuns(20), seed: propertySeed(4242) },
    );
  }, 120_000);
});

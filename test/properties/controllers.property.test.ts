/**
 * Convergence of the built-in controllers under random operations: applies, scales, image
 * updates, undos, deletes, label edits on Deployments and pods, Services, waits, and faults
 * when the cluster has `faults`. After every committed step no node is over-committed, no
 * IP is duplicated and rollouts from a steady state keep their bounds; whenever the cluster
 * settles with no fault in force (and at the end, after recovering every fault) every
 * Deployment has converged, Endpoints are exact, nothing is orphaned and every pending pod
 * has a FailedScheduling event.
 */
import { describe, expect, it } from 'vitest';
import { builtinInvariants, checkController } from '../../src/testing/index.js';
import { propertyRuns, propertySeed } from './runs.js';

describe('built-in controllers (property)', () => {
  it('converge and keep every invariant under random operations and faults', () => {
    const result = checkController({
      cluster: { nodes: 3, zones: 3, controlPlane: { masters: 1 } },
      invariants: builtinInvariants,
      numRuns: propertyRuns(60),
      seed: propertySeed(2024),
      settle: { timeout: '30m' },
    });
    expect(result.numRuns).toBe(propertyRuns(60));
  }, 120_000);
});

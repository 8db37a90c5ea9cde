/**
 * Two properties of the controllers that follow others' objects, under random operations:
 * the garbage collector leaves no pod or ReplicaSet whose controller is gone, and the
 * Endpoints controller lists exactly the selected pods' IPs (ready ones as addresses, the
 * others as notReadyAddresses). Deletions of Deployments and pods, pod relabelling (release
 * and adoption) and Service changes are in the mix.
 */
import { describe, expect, it } from 'vitest';
import { checkController, endpointsExact, noOrphanedPods } from '../../src/testing/index.js';
import { propertyRuns, propertySeed } from './runs.js';

describe('garbage collection and endpoints (property)', () => {
  it('leave no orphans after settling', () => {
    const r = checkController({ invariants: [noOrphanedPods], numRuns: propertyRuns(40), seed: propertySeed(77), settle: { timeout: '30m' } });
    expect(r.numRuns).toBe(propertyRuns(40));
  }, 120_000);

  it('keep every selector Service’s Endpoints exact', () => {
    const r = checkController({ invariants: [endpointsExact], numRuns: propertyRuns(40), seed: propertySeed(78), settle: { timeout: '30m' } });
    expect(r.numRuns).toBe(propertyRuns(40));
  }, 120_000);
});

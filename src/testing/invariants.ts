/**
 * The built-in invariants, named and reusable, each saying in plain words what is wrong: the
 * `always` ones (invariants-always.ts) and the `settled` ones (invariants-settled.ts), with the
 * builders they share (define-invariant.ts). This module is the list kubesim/testing exports.
 */
import type { Invariant } from './define-invariant.js';
import { noDuplicateIPs, noNodeOvercommitted, rolloutBoundsHeld } from './invariants-always.js';
import { deploymentsConverged, endpointsExact, noOrphanedPods, pendingPodsHaveFailedScheduling } from './invariants-settled.js';

export { defineInvariant, defineIncrementalInvariant, checkFromScratch, formatMs } from './define-invariant.js';
export type { Invariant, InvariantCheck, InvariantContext, InvariantResult, InvariantScope, IncrementalCheck, IncrementalFactory } from './define-invariant.js';
export { noNodeOvercommitted, noDuplicateIPs, rolloutBoundsHeld } from './invariants-always.js';
export { deploymentsConverged, endpointsExact, noOrphanedPods, pendingPodsHaveFailedScheduling } from './invariants-settled.js';

/** Every built-in invariant, for built-in controllers. */
export const builtinInvariants: readonly Invariant[] = [
  noNodeOvercommitted,
  noDuplicateIPs,
  rolloutBoundsHeld,
  deploymentsConverged,
  endpointsExact,
  noOrphanedPods,
  pendingPodsHaveFailedScheduling,
];

/**
 * What the scheduler's equivalence properties share: the plain view of the cache they compare
 * the indexed paths against, a profile built from a configuration with one ReplicaSet per
 * (namespace, app) so the system default topology spreading is active, and the comparison of
 * one pod's decision by both cycles.
 */
import { Rng } from '../../src/clock/rng.js';
import type { SchedulerCache } from '../../src/scheduler/cache.js';
import { resolveConfiguration } from '../../src/scheduler/config.js';
import { expect } from 'vitest';
import type { SchedulerSnapshot } from '../../src/scheduler/framework.js';
import { NamespacedListers } from '../../src/scheduler/listers.js';
import { DEFAULT_REGISTRY } from '../../src/scheduler/plugins/registry.js';
import { buildProfile, pluginPoints } from '../../src/scheduler/profile.js';
import { formatFitError, type CycleResult, type ScanState } from '../../src/scheduler/schedule-one.js';

/** The cache without its label index and aggregates: plugins scan every pod of every node. */
export function plainView(cache: SchedulerCache): SchedulerSnapshot {
  return {
    get nodes() {
      return cache.nodes;
    },
    get: (name) => cache.get(name),
    get havePodsWithAffinity() {
      return cache.havePodsWithAffinity;
    },
    get havePodsWithRequiredAntiAffinity() {
      return cache.havePodsWithRequiredAntiAffinity;
    },
  };
}

/** Listers holding a ReplicaSet `rs-<app>` selecting `app=<app>` in every namespace. */
export function replicaSetListers(namespaces: readonly string[], apps: readonly string[]): NamespacedListers {
  const listers = new NamespacedListers();
  for (const ns of namespaces) {
    for (const app of apps) {
      listers.apply({
        kind: 'ReplicaSet',
        object: { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `rs-${app}`, namespace: ns }, spec: { selector: { matchLabels: { app } } } } as never,
        oldObject: undefined,
      } as never);
    }
  }
  return listers;
}

/** The first profile of `config` with the default plugins, its plugins' streams seeded by `seed`. */
export function profileFor(config: unknown, listers: NamespacedListers, seed: number) {
  const resolved = resolveConfiguration(config as never, pluginPoints(DEFAULT_REGISTRY));
  const profile = buildProfile(resolved.profiles[0]!, DEFAULT_REGISTRY, { listers, rngFor: (name: string) => Rng.root(`${seed}/${name}`) });
  return { config: resolved, profile };
}

/** What a cycle says when it binds nothing: the FitError's message, or the error. */
export function cycleMessage(r: CycleResult): string | undefined {
  return r.fitError ? formatFitError(r.fitError) : r.error;
}

/**
 * The indexed cycle's result `fast` is the plain cycle's `plain`: same node, same message, same
 * evaluated and feasible counts, and the next scan starts at the same node.
 */
export function expectSameDecision(fast: CycleResult, plain: CycleResult, scanFast: ScanState, scanPlain: ScanState, label: string): void {
  expect(fast.nodeName, label).toBe(plain.nodeName);
  expect(cycleMessage(fast), label).toBe(cycleMessage(plain));
  expect(fast.evaluatedNodes, label).toBe(plain.evaluatedNodes);
  expect(fast.feasibleNodes, label).toBe(plain.feasibleNodes);
  expect(scanFast.nextStartNodeIndex, label).toBe(scanPlain.nextStartNodeIndex);
}

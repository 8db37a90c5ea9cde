/**
 * What the scheduler's equivalence properties share: the plain view of the cache they compare
 * the indexed paths against, and a profile built from a configuration with one ReplicaSet per
 * (namespace, app) so the system default topology spreading is active.
 */
import { Rng } from '../../src/clock/rng.js';
import type { SchedulerCache } from '../../src/scheduler/cache.js';
import { resolveConfiguration } from '../../src/scheduler/config.js';
import type { SchedulerSnapshot } from '../../src/scheduler/framework.js';
import { NamespacedListers } from '../../src/scheduler/listers.js';
import { DEFAULT_REGISTRY } from '../../src/scheduler/plugins/registry.js';
import { buildProfile, pluginPoints } from '../../src/scheduler/profile.js';

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

/**
 * What the scheduler's equivalence properties share: the plain view of the cache they compare
 * the indexed paths against, a profile built from a configuration with one ReplicaSet per
 * (namespace, app) so the system default topology spreading is active, node and pod builders
 * for shaped clusters, and the comparison of one pod's decision by both cycles.
 */
import { Rng } from '../../src/clock/rng.js';
import type { SchedulerCache } from '../../src/scheduler/cache.js';
import { resolveConfiguration } from '../../src/scheduler/config.js';
import { expect } from 'vitest';
import type { Node, Pod } from '../../src/model/types.js';
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

/** A node shape of the shaped-cluster properties; `taint` adds dedicated=infra:NoSchedule. */
export interface NodeShape {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: number;
  readonly disk: string;
  readonly taint?: boolean;
}

/** Node `n${i}` of a shape, in a zone, maybe cordoned or relabelled (`disk`), with `images` when given. */
export function shapedNode(
  i: number,
  shape: NodeShape,
  n: { readonly zone: string; readonly cordoned: boolean; readonly disk?: string },
  images?: readonly { names: string[]; sizeBytes: number }[],
): Node {
  const spec: Record<string, unknown> = {};
  if (shape.taint) spec.taints = [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }];
  if (n.cordoned) spec.unschedulable = true;
  const allocatable = { cpu: shape.cpu, memory: shape.memory, pods: String(shape.pods) };
  return Object.freeze({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `n${i}`, labels: { 'kubernetes.io/hostname': `n${i}`, 'topology.kubernetes.io/zone': n.zone, disk: n.disk ?? shape.disk } },
    spec,
    status: images === undefined ? { allocatable } : { allocatable, images },
  }) as Node;
}

/** What a shaped pod asks for: requests, a disk=ssd nodeSelector, a preferred zone, the taint tolerated, its ReplicaSet. */
export interface PodShape {
  readonly app: string | undefined;
  readonly cpu: number;
  readonly memMi: number;
  readonly ssd: boolean;
  readonly prefer: boolean;
  readonly tolerate: boolean;
}

/** Pod `p${i}` in namespace ns, owned by ReplicaSet rs-<app> when it has an app. */
export function shapedPod(i: number, p: PodShape, image: string): Pod {
  const requests: Record<string, string> = {};
  if (p.cpu > 0) requests.cpu = `${p.cpu}m`;
  if (p.memMi > 0) requests.memory = `${p.memMi}Mi`;
  const spec: Record<string, unknown> = { containers: [{ name: 'c', image, resources: { requests } }] };
  if (p.ssd) spec.nodeSelector = { disk: 'ssd' };
  if (p.prefer) spec.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z2'] }] } }] } };
  if (p.tolerate) spec.tolerations = [{ key: 'dedicated', operator: 'Exists' }];
  const metadata: Record<string, unknown> = { name: `p${i}`, namespace: 'ns', uid: `uid-${i}`, labels: { app: p.app ?? 'none' } };
  if (p.app) metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `rs-${p.app}`, uid: `rs-${p.app}`, controller: true }];
  return Object.freeze({ apiVersion: 'v1', kind: 'Pod', metadata, spec }) as unknown as Pod;
}

/**
 * Pods bound during an equivalence run, each with the step at which it is deleted. `bind`
 * stores the decision in the cache (a frozen bound copy, as the store makes it); `expire`
 * deletes the pods due at step `i`.
 */
export class BoundPods {
  private readonly bound: { pod: Pod; at: number }[] = [];
  constructor(private readonly cache: SchedulerCache) {}

  bind(pod: Pod, nodeName: string | null, deleteAt: number): void {
    if (nodeName === null) return;
    const boundPod = Object.freeze({ ...pod, spec: { ...pod.spec, nodeName } }) as Pod;
    this.cache.updatePod(undefined, boundPod);
    this.bound.push({ pod: boundPod, at: deleteAt });
  }

  expire(i: number): void {
    for (const x of this.bound.filter((x) => x.at === i)) this.cache.updatePod(x.pod, undefined);
  }
}


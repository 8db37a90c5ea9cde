/**
 * Builders and a small harness for the DefaultPreemption tests, after upstream's
 * pkg/scheduler/testing wrappers (st.MakePod().Priority(...).Req(...).Node(...).Obj()).
 */
import type { Node, Pod, PodDisruptionBudget } from '../../../../src/model/types.js';
import type { RandomSource } from '../../../../src/model/reconcile.js';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import {
  CycleState,
  SUCCESS,
  status,
  type Code,
  type FilterPlugin,
  type NodeInfo,
  type PreFilterPlugin,
  type SchedulerSnapshot,
  type Status,
} from '../../../../src/scheduler/framework.js';
import { buildSnapshot, newNodeInfo } from '../../../../src/scheduler/node-info.js';
import { deepFreeze } from '../basic-builders.js';

export const negPriority = -100;
export const lowPriority = 0;
export const midPriority = 100;
export const highPriority = 1000;
export const veryHighPriority = 10000;

type ResList = Record<string, string>;
export const smallRes: ResList = { cpu: '100m', memory: '100' };
export const mediumRes: ResList = { cpu: '200m', memory: '200' };
export const largeRes: ResList = { cpu: '300m', memory: '300' };
export const veryLargeRes: ResList = { cpu: '500m', memory: '500' };

/**
 * Upstream's epochTime1..6 are 1..6 ns after the epoch; the API keeps startTime at second
 * precision (RFC 3339), so kubesim's tests use 1..6 s: the same order.
 */
export function epoch(seconds: number): string {
  return `1970-01-01T00:00:${String(seconds).padStart(2, '0')}Z`;
}

export class PodBuilder {
  readonly pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [] }, status: {} };
  name(n: string): this {
    Object.assign(this.pod.metadata!, { name: n, uid: n });
    return this;
  }
  namespace(ns: string): this {
    this.pod.metadata!.namespace = ns;
    return this;
  }
  priority(p: number): this {
    this.pod.spec!.priority = p;
    return this;
  }
  req(r: ResList): this {
    this.pod.spec!.containers.push({ name: `c${this.pod.spec!.containers.length}`, image: 'pause', resources: { requests: { ...r } } });
    return this;
  }
  node(n: string): this {
    this.pod.spec!.nodeName = n;
    return this;
  }
  label(k: string, v: string): this {
    this.pod.metadata!.labels = { ...(this.pod.metadata!.labels ?? {}), [k]: v };
    return this;
  }
  startTime(t: string): this {
    this.pod.status!.startTime = t;
    return this;
  }
  preemptionPolicy(p: 'Never' | 'PreemptLowerPriority'): this {
    this.pod.spec!.preemptionPolicy = p;
    return this;
  }
  nominatedNodeName(n: string): this {
    this.pod.status!.nominatedNodeName = n;
    return this;
  }
  terminating(): this {
    Object.assign(this.pod.metadata!, { deletionTimestamp: '1970-01-01T00:00:00Z' });
    return this;
  }
  condition(type: string, st: 'True' | 'False', reason: string): this {
    (this.pod.status!.conditions ??= []).push({ type, status: st, reason });
    return this;
  }
  spreadConstraint(maxSkew: number, topologyKey: string, selector: LabelSelector): this {
    const c: TopologySpreadConstraint = { maxSkew, topologyKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector };
    (this.pod.spec!.topologySpreadConstraints ??= []).push(c);
    return this;
  }
  /** PodAntiAffinityExists(key, topologyKey, required). */
  antiAffinityExists(key: string, topologyKey: string): this {
    this.pod.spec!.affinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchExpressions: [{ key, operator: 'Exists' }] }, topologyKey },
        ],
      },
    };
    return this;
  }
  obj(): Pod {
    if (this.pod.spec!.containers.length === 0) this.pod.spec!.containers.push({ name: 'c0', image: 'pause' });
    return deepFreeze(structuredClone(this.pod));
  }
}

export function makePod(name: string): PodBuilder {
  return new PodBuilder().name(name);
}

/**
 * A node named by "hostname/zone/region" as upstream's dry-run tests do: the first part is the
 * name and each part becomes the hostname, zone and region label. Capacity includes pods: 32
 * unless given.
 */
export function makeNode(spec: string, capacity: ResList = veryLargeRes, extraLabels: Record<string, string> = {}): Node {
  const parts = spec.split('/');
  const keys = ['hostname', 'zone', 'region'];
  const labels: Record<string, string> = { ...extraLabels };
  parts.forEach((v, i) => (labels[keys[i]!] = v));
  // Upstream's NodeWrapper.Capacity starts from pods: 32.
  const res = { pods: '32', ...capacity };
  return deepFreeze({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: parts[0]!, labels },
    spec: {},
    status: { capacity: { ...res }, allocatable: { ...res } },
  });
}

export function makePDB(o: {
  name?: string;
  namespace?: string;
  matchLabels: Record<string, string>;
  disruptionsAllowed: number;
  disruptedPods?: Record<string, string>;
}): PodDisruptionBudget {
  return deepFreeze({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: o.name ?? 'pdb', namespace: o.namespace ?? 'default' },
    spec: { selector: { matchLabels: { ...o.matchLabels } } },
    status: {
      disruptionsAllowed: o.disruptionsAllowed,
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
      ...(o.disruptedPods ? { disruptedPods: { ...o.disruptedPods } } : {}),
    },
  });
}

/** The snapshot: each pod on the node its spec.nodeName names. */
export function snapshotOf(nodes: readonly Node[], pods: readonly Pod[]): SchedulerSnapshot {
  const infos: NodeInfo[] = nodes.map((n) => newNodeInfo(n, pods.filter((p) => p.spec?.nodeName === n.metadata!.name)));
  return buildSnapshot(infos);
}

/** A RandomSource whose int() returns the scripted values (mod n) in turn, then 0. */
export function scriptedRng(values: readonly number[]): RandomSource & { calls: number[] } {
  const queue = [...values];
  const calls: number[] = [];
  return {
    calls,
    next: () => 0,
    int(n: number) {
      calls.push(n);
      const v = queue.shift() ?? 0;
      return v % n;
    },
  };
}

/**
 * tf.FakeFilterPlugin: counts Filter calls and answers with the code configured for the node
 * (Success by default).
 */
export function fakeFilter(codes: Readonly<Record<string, Code>> = {}): FilterPlugin & { calls: number } {
  const pl = {
    name: 'FakeFilter',
    calls: 0,
    filter(_c: CycleState, _p: Pod, node: NodeInfo): Status {
      pl.calls++;
      const code = codes[node.name] ?? 'Success';
      return code === 'Success' ? SUCCESS : status(code, `injecting failure for pod ${_p.metadata?.name}`);
    },
  };
  return pl;
}

export const trueFilter: FilterPlugin = { name: 'TrueFilter', filter: () => SUCCESS };
export const falseFilter: FilterPlugin = { name: 'FalseFilter', filter: () => status('Unschedulable', 'injecting failure for pod') };

/** Runs the profile's PreFilter plugins into a fresh CycleState, as the scheduling cycle does. */
export function runPreFilters(preFilter: readonly PreFilterPlugin[], pod: Pod, snapshot: SchedulerSnapshot): CycleState {
  const cycle = new CycleState();
  for (const pl of preFilter) {
    const s = pl.preFilter(cycle, pod, snapshot).status;
    if (s.code === 'Skip') cycle.skipFilterPlugins.add(pl.name);
    else if (s.code !== 'Success') throw new Error(`unexpected PreFilter status ${s.code}: ${s.reasons.join(', ')}`);
  }
  return cycle;
}

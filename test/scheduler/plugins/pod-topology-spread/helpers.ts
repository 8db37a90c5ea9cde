// Small builders for PodTopologySpread tests (st.MakePod / st.MakeNode style).
import type { Node, Pod } from '../../../../src/model/types.js';
import type { TopologySpreadConstraint, Taint } from 'kubernetes-types/core/v1.js';
import type { LabelSelector } from '../../../../src/model/types.js';
import { buildSnapshot, newNodeInfo } from '../../../../src/scheduler/node-info.js';
import type { NodeInfo, SchedulerSnapshot } from '../../../../src/scheduler/framework.js';

export const fooSelector: LabelSelector = { matchExpressions: [{ key: 'foo', operator: 'Exists' }] };
export const barSelector: LabelSelector = { matchExpressions: [{ key: 'bar', operator: 'Exists' }] };
export const HOST = 'kubernetes.io/hostname';
export const unschedulableTaint: Taint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' };

export class PodBuilder {
  private p: Pod = { metadata: { name: '', namespace: '', labels: {} }, spec: { containers: [] } };
  name(n: string): this {
    this.p.metadata!.name = n;
    return this;
  }
  ns(n: string): this {
    this.p.metadata!.namespace = n;
    return this;
  }
  label(k: string, v = ''): this {
    this.p.metadata!.labels![k] = v;
    return this;
  }
  node(n: string): this {
    this.p.spec!.nodeName = n;
    return this;
  }
  terminating(): this {
    this.p.metadata = { ...this.p.metadata, deletionTimestamp: '2024-01-01T00:00:00Z' };
    return this;
  }
  nodeSelector(sel: Record<string, string>): this {
    this.p.spec!.nodeSelector = sel;
    return this;
  }
  nodeAffinityIn(key: string, values: string[]): this {
    return this.nodeAffinity(key, 'In', values);
  }
  nodeAffinityNotIn(key: string, values: string[]): this {
    return this.nodeAffinity(key, 'NotIn', values);
  }
  private nodeAffinity(key: string, operator: string, values: string[]): this {
    this.p.spec!.affinity = {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator, values }] }] } },
    };
    return this;
  }
  owner(kind: string, apiVersion: string, name: string): this {
    this.p.metadata!.ownerReferences = [{ kind, apiVersion, name, uid: `uid-${name}`, controller: true }];
    return this;
  }
  spread(
    maxSkew: number,
    topologyKey: string,
    whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway',
    labelSelector: LabelSelector | undefined,
    opts: { minDomains?: number; nodeAffinityPolicy?: string; nodeTaintsPolicy?: string; matchLabelKeys?: string[] } = {},
  ): this {
    const c: TopologySpreadConstraint = { maxSkew, topologyKey, whenUnsatisfiable, ...opts };
    if (labelSelector !== undefined) c.labelSelector = labelSelector;
    (this.p.spec!.topologySpreadConstraints ??= []).push(c);
    return this;
  }
  obj(): Pod {
    return this.p;
  }
}
export const makePod = (): PodBuilder => new PodBuilder();

export class NodeBuilder {
  private n: Node = { metadata: { name: '', labels: {} }, spec: {} };
  name(n: string): this {
    this.n.metadata!.name = n;
    return this;
  }
  label(k: string, v: string): this {
    this.n.metadata!.labels![k] = v;
    return this;
  }
  taints(t: Taint[]): this {
    this.n.spec!.taints = t;
    return this;
  }
  obj(): Node {
    return this.n;
  }
}
export const makeNode = (): NodeBuilder => new NodeBuilder();

/** A snapshot like cache.NewSnapshot(pods, nodes): pods grouped onto their spec.nodeName. */
export function snapshotOf(pods: readonly Pod[], nodes: readonly Node[]): SchedulerSnapshot {
  const infos: NodeInfo[] = nodes.map((n) =>
    newNodeInfo(
      n,
      pods.filter((p) => p.spec?.nodeName === n.metadata?.name),
    ),
  );
  return buildSnapshot(infos);
}

/** Four nodes in two zones: node-a, node-b in zone1; node-x, node-y in zone2 (label 'node' = name). */
export function fourNodes(): Node[] {
  return [
    makeNode().name('node-a').label('zone', 'zone1').label('node', 'node-a').obj(),
    makeNode().name('node-b').label('zone', 'zone1').label('node', 'node-b').obj(),
    makeNode().name('node-x').label('zone', 'zone2').label('node', 'node-x').obj(),
    makeNode().name('node-y').label('zone', 'zone2').label('node', 'node-y').obj(),
  ];
}

/** Existing pods labelled foo from a compact spec, e.g. { 'node-a': 2, 'node-y': 3 }. */
export function fooPods(spread: Record<string, number>, labels: Record<string, string> = { foo: '' }): Pod[] {
  const out: Pod[] = [];
  for (const [node, n] of Object.entries(spread)) {
    for (let i = 1; i <= n; i++) {
      const b = makePod().name(`p-${node}-${i}`).node(node);
      for (const [k, v] of Object.entries(labels)) b.label(k, v);
      out.push(b.obj());
    }
  }
  return out;
}

// Builders for InterPodAffinity tests (createPodWithAffinityTerms style).
import type { Node, Pod } from '../../../../src/model/types.js';
import type { Affinity, PodAffinityTerm } from 'kubernetes-types/core/v1.js';
import type { LabelSelectorRequirement } from '../../../../src/model/types.js';
import { buildSnapshot, newNodeInfo } from '../../../../src/scheduler/node-info.js';
import type { SchedulerSnapshot } from '../../../../src/scheduler/framework.js';

export function term(topologyKey: string, ...exprs: LabelSelectorRequirement[]): PodAffinityTerm {
  return { labelSelector: { matchExpressions: exprs }, topologyKey };
}
export const In = (key: string, ...values: string[]): LabelSelectorRequirement => ({ key, operator: 'In', values });
export const NotIn = (key: string, ...values: string[]): LabelSelectorRequirement => ({ key, operator: 'NotIn', values });
export const Exists = (key: string): LabelSelectorRequirement => ({ key, operator: 'Exists' });
export const DoesNotExist = (key: string): LabelSelectorRequirement => ({ key, operator: 'DoesNotExist' });

let seq = 0;
export function pod(opts: { ns?: string; node?: string; labels?: Record<string, string>; affinity?: PodAffinityTerm[]; anti?: PodAffinityTerm[]; raw?: Affinity }): Pod {
  const p: Pod = { metadata: { name: `pod-${seq++}`, namespace: opts.ns ?? '', labels: opts.labels ?? {} }, spec: { containers: [] } };
  if (opts.node !== undefined) p.spec!.nodeName = opts.node;
  if (opts.raw !== undefined) p.spec!.affinity = opts.raw;
  else if (opts.affinity !== undefined || opts.anti !== undefined) {
    p.spec!.affinity = {
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: opts.affinity ?? [] },
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: opts.anti ?? [] },
    };
  }
  return p;
}

export function node(name: string, labels: Record<string, string>): Node {
  return { metadata: { name, labels }, spec: {} };
}

export function snapshotOf(pods: readonly Pod[], nodes: readonly Node[]): SchedulerSnapshot {
  return buildSnapshot(nodes.map((n) => newNodeInfo(n, pods.filter((p) => p.spec?.nodeName === n.metadata?.name))));
}

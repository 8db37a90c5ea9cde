/**
 * The kubelet's runtime record: what a real kubelet keeps in memory and in containerd — which
 * container it is pulling or creating, and since when — kept
 * in the pod's status as one condition of kubesim's own type, because a pure reconciler has no
 * memory between calls. The condition is present only while such an operation is under way;
 * a running pod shows only upstream's conditions.
 *
 *   - type: kubesim.io/KubeletRuntime
 *     status: "True"
 *     reason: PullingImage | CreatingContainer
 *     message: web                      # the container
 *     lastTransitionTime: 2025-01-01T00:00:01.25Z   # when the operation began
 */
import type { Pod } from '../../model/types.js';
import { findByType } from '../controller-utils.js';
import { formatTime, parseTime, type PodCondition } from './pod-status.js';

export const RUNTIME_CONDITION = 'kubesim.io/KubeletRuntime';

export type RuntimeStage = 'PullingImage' | 'CreatingContainer';

export interface RuntimeRecord {
  readonly stage: RuntimeStage;
  readonly container: string;
  readonly sinceMs: number;
}

const STAGES: readonly string[] = ['PullingImage', 'CreatingContainer'];

export function readRuntime(pod: Pod): RuntimeRecord | undefined {
  const c = findByType(pod.status?.conditions ?? [], RUNTIME_CONDITION);
  if (!c || !STAGES.includes(c.reason ?? '')) return undefined;
  const sinceMs = parseTime(c.lastTransitionTime);
  if (sinceMs === undefined) return undefined;
  return { stage: c.reason as RuntimeStage, container: c.message ?? '', sinceMs };
}

export function runtimeCondition(r: RuntimeRecord): PodCondition {
  return {
    type: RUNTIME_CONDITION,
    status: 'True',
    reason: r.stage,
    message: r.container,
    lastProbeTime: null,
    lastTransitionTime: formatTime(r.sinceMs),
  };
}

/**
 * Which cluster changes can make a parked pod schedulable: the tests eventhandlers.go applies
 * before moving pods out of the unschedulable pool.
 *
 * @see kubernetes/kubernetes pkg/scheduler/eventhandlers.go nodeSchedulingPropertiesChange
 */
import { jsonEqual } from '../model/json.js';
import type { Node, Pod } from '../model/types.js';

/** Allocatable, labels, taints, unschedulable or conditions changed. Heartbeats alone do not. */
export function nodeSchedulingPropertiesChanged(oldNode: Node, node: Node): boolean {
  if (oldNode.spec?.unschedulable !== node.spec?.unschedulable) return true;
  if (!sameJson(oldNode.status?.allocatable, node.status?.allocatable)) return true;
  if (!sameJson(oldNode.metadata?.labels, node.metadata?.labels)) return true;
  if (!sameJson(oldNode.spec?.taints, node.spec?.taints)) return true;
  return conditionsChanged(oldNode.status?.conditions ?? [], node.status?.conditions ?? []);
}

/** Writes share unchanged parts of an object, so identity settles most comparisons. */
function sameJson(a: unknown, b: unknown): boolean {
  return a === b || jsonEqual(a, b);
}

/** Condition types and statuses, in order (heartbeat and transition times do not count). */
function conditionsChanged(a: NonNullable<NonNullable<Node['status']>['conditions']>, b: typeof a): boolean {
  if (a === b) return false;
  if (a.length !== b.length) return true;
  for (let i = 0; i < a.length; i++) if (a[i]!.type !== b[i]!.type || a[i]!.status !== b[i]!.status) return true;
  return false;
}

/** A queued pod's update worth a new attempt: anything but status and resourceVersion. */
export function podSchedulingChanged(oldPod: Pod, pod: Pod): boolean {
  return !jsonEqual(oldPod.spec, pod.spec) || !jsonEqual(oldPod.metadata?.labels, pod.metadata?.labels);
}

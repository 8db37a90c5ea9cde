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
  if (!jsonEqual(oldNode.status?.allocatable, node.status?.allocatable)) return true;
  if (!jsonEqual(oldNode.metadata?.labels, node.metadata?.labels)) return true;
  if (!jsonEqual(oldNode.spec?.taints, node.spec?.taints)) return true;
  const cond = (n: Node) => (n.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(',');
  return cond(oldNode) !== cond(node);
}

/** A queued pod's update worth a new attempt: anything but status and resourceVersion. */
export function podSchedulingChanged(oldPod: Pod, pod: Pod): boolean {
  return !jsonEqual(oldPod.spec, pod.spec) || !jsonEqual(oldPod.metadata?.labels, pod.metadata?.labels);
}

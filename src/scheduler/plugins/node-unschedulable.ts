/**
 * NodeUnschedulable: keeps pods off cordoned nodes (spec.unschedulable) unless the pod
 * tolerates the node.kubernetes.io/unschedulable:NoSchedule taint, which is how DaemonSet pods
 * still land on cordoned nodes.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go
 */
import type { Pod, Taint } from '../../model/types.js';
import { status, SUCCESS, type CycleState, type FilterPlugin, type NodeInfo, type Status } from '../framework.js';
import { registerFastHint, TOLERATIONS_GROUP_LEVEL } from '../fast-hints.js';
import { tolerationsTolerateTaint } from './taint-toleration.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const UNSCHEDULABLE_TAINT: Taint = Object.freeze({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });

function filter(_cycle: CycleState, pod: Pod, node: NodeInfo): Status {
  if (node.node.spec?.unschedulable !== true) return SUCCESS;
  if (tolerationsTolerateTaint(pod.spec?.tolerations, UNSCHEDULABLE_TAINT)) return SUCCESS;
  return status('UnschedulableAndUnresolvable', ERR_REASON_UNSCHEDULABLE);
}

export const nodeUnschedulable = registerFastHint({ name: 'NodeUnschedulable', filter } satisfies FilterPlugin, TOLERATIONS_GROUP_LEVEL);

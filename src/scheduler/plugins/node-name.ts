/**
 * NodeName: a pod that names its node (spec.nodeName) fits only that node.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/nodename/node_name.go
 */
import type { Pod } from '../../model/types.js';
import { registerFastHint } from '../fast-hints.js';
import { status, SUCCESS, type CycleState, type FilterPlugin, type NodeInfo, type Status } from '../framework.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** Whether `pod` may run on `node` as far as spec.nodeName goes (upstream nodename.Fits). */
export function fitsNodeName(pod: Pod, node: NodeInfo): boolean {
  const want = pod.spec?.nodeName;
  return want == null || want === '' || want === node.name;
}

function filter(_cycle: CycleState, pod: Pod, node: NodeInfo): Status {
  return fitsNodeName(pod, node) ? SUCCESS : status('UnschedulableAndUnresolvable', ERR_REASON_NODE_NAME);
}

export const nodeName = registerFastHint({ name: 'NodeName', filter } satisfies FilterPlugin, { nodeName: true });

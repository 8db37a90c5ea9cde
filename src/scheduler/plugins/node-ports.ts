/**
 * NodePorts: a pod asking for host ports fits only where none of them is taken. A port on
 * 0.0.0.0 conflicts with the same port/protocol on every IP, and the other way round.
 * Only regular containers count: v1.32 ignores host ports of (sidecar) init containers.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeports/node_ports.go
 * @see kubernetes/kubernetes pkg/scheduler/framework/types.go (HostPortInfo.CheckConflict)
 */
import type { Pod } from '../../model/types.js';
import {
  SKIP,
  status,
  SUCCESS,
  type CycleState,
  type FilterPlugin,
  type HostPort,
  type NodeInfo,
  type PreFilterPlugin,
  type Status,
} from '../framework.js';
import { registerFastHint } from '../fast-hints.js';
import { podInfoFor } from '../node-info.js';

export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
const STATE_KEY = 'PreFilterNodePorts';
const ANY_IP = '0.0.0.0';

/** Whether `want` collides with any of `used` (both sanitized: ip and protocol defaulted). */
export function hostPortConflicts(used: readonly HostPort[], want: HostPort): boolean {
  for (let i = 0; i < used.length; i++) {
    const u = used[i]!;
    if (u.port !== want.port || u.protocol !== want.protocol) continue;
    if (want.ip === ANY_IP || u.ip === ANY_IP || u.ip === want.ip) return true;
  }
  return false;
}

/** upstream fitsPorts: every wanted host port is free on the node. */
export function fitsPorts(want: readonly HostPort[], node: NodeInfo): boolean {
  const used = node.usedPorts;
  if (used.length === 0) return true;
  for (let i = 0; i < want.length; i++) if (hostPortConflicts(used, want[i]!)) return false;
  return true;
}

function hasContainerPorts(pod: Pod): boolean {
  for (const c of pod.spec?.containers ?? []) if ((c.ports?.length ?? 0) > 0) return true;
  return false;
}

function preFilter(cycle: CycleState, pod: Pod): { status: Status } {
  // Upstream skips the plugin for pods without any container port.
  if (!hasContainerPorts(pod)) return { status: SKIP };
  cycle.write(STATE_KEY, podInfoFor(pod).hostPorts);
  return { status: SUCCESS };
}

function filter(cycle: CycleState, pod: Pod, node: NodeInfo): Status {
  const want = cycle.read<readonly HostPort[]>(STATE_KEY) ?? podInfoFor(pod).hostPorts;
  return fitsPorts(want, node) ? SUCCESS : status('Unschedulable', ERR_REASON_NODE_PORTS);
}

export const nodePorts = registerFastHint({ name: 'NodePorts', preFilter, filter } satisfies PreFilterPlugin & FilterPlugin, { perNode: true });

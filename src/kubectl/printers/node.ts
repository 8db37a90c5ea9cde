/**
 * `kubectl get nodes`: NAME STATUS ROLES AGE VERSION (+ INTERNAL-IP EXTERNAL-IP OS-IMAGE
 * KERNEL-VERSION CONTAINER-RUNTIME). STATUS is Ready / NotReady from the Ready condition
 * (Unknown without one), plus `,SchedulingDisabled` when cordoned; ROLES come from
 * `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` label value.
 *
 * @see kubernetes/kubernetes pkg/printers/internalversion/printers.go (printNode, findNodeRoles)
 */
import { compareGoStrings } from '../../model/labels/selector.js';
import { age } from '../format.js';
import { cols, type Loose, type Printer } from './types.js';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

export function findNodeRoles(node: Loose): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries((node.metadata?.labels ?? {}) as Record<string, string>)) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (k === ROLE_LABEL && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort(compareGoStrings);
}

export function nodeStatus(node: Loose): string {
  const status: string[] = [];
  const ready = ((node.status?.conditions ?? []) as Loose[]).filter((c) => c.type === 'Ready').pop();
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  else status.push('Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

function address(node: Loose, type: string): string {
  const a = ((node.status?.addresses ?? []) as Loose[]).find((x) => x.type === type);
  return a?.address ?? '<none>';
}

export const nodePrinter: Printer = {
  columns: cols('Name', 'Status', 'Roles', 'Age', 'Version', '+Internal-IP', '+External-IP', '+OS-Image', '+Kernel-Version', '+Container-Runtime'),
  row(obj, ctx) {
    const n = obj as Loose;
    const info = n.status?.nodeInfo ?? {};
    const roles = findNodeRoles(n).join(',');
    return [
      obj.metadata.name,
      nodeStatus(n),
      roles === '' ? '<none>' : roles,
      age(obj.metadata.creationTimestamp, ctx),
      info.kubeletVersion ?? '',
      address(n, 'InternalIP'),
      address(n, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};

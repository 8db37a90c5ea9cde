/**
 * `kubectl top nodes|pods`. kubesim has no metrics-server, so usage is what the scheduler
 * counts: the sum of the resource requests of each running pod (a pod's containers for
 * `top pod`, the non-terminated pods bound to a node for `top node`). Printed as kubectl's
 * metrics printer does: CPU in millicores (`250m`), memory in MiB (`512Mi`), percentages of the
 * node's allocatable truncated to integers, every cell tab-terminated (so lines keep kubectl's
 * trailing padding), and `<unknown>` for nodes that are not Ready (no metrics from them).
 *
 * @see kubernetes/kubectl pkg/cmd/top/top_node.go, top_pod.go, pkg/metricsutil/metrics_printer.go
 */
import { parseQuantity } from '../model/quantity.js';
import { compareGoStrings } from '../model/labels/selector.js';
import type { StoredObject } from '../model/types.js';
import { flagBool, type ParsedArgs } from './args.js';
import { clientError, noResourcesFound, usageError } from './errors.js';
import { TABLE_TABWRITER, tabwrite } from './tabwriter.js';
import type { KubectlTarget } from './target.js';

const MIB = 1024 * 1024;

interface Usage {
  milliCpu: number;
  memoryBytes: number;
}

function quantity(q: unknown): { milli: number; value: number } {
  if (typeof q !== 'string' && typeof q !== 'number') return { milli: 0, value: 0 };
  const p = parseQuantity(String(q));
  return { milli: p.milliValue(), value: p.value() };
}

/** A pod's requests the scheduler's way: containers summed (init containers as their max). */
export function podRequests(pod: StoredObject): Usage {
  const spec = pod.spec as { containers?: { resources?: { requests?: Record<string, string> } }[]; initContainers?: { resources?: { requests?: Record<string, string> } }[] };
  let milliCpu = 0;
  let memoryBytes = 0;
  for (const c of spec?.containers ?? []) {
    milliCpu += quantity(c.resources?.requests?.cpu).milli;
    memoryBytes += quantity(c.resources?.requests?.memory).value;
  }
  for (const c of spec?.initContainers ?? []) {
    milliCpu = Math.max(milliCpu, quantity(c.resources?.requests?.cpu).milli);
    memoryBytes = Math.max(memoryBytes, quantity(c.resources?.requests?.memory).value);
  }
  return { milliCpu, memoryBytes };
}

function phase(pod: StoredObject): string {
  return (pod.status as { phase?: string } | undefined)?.phase ?? 'Pending';
}

function isReady(node: StoredObject): boolean {
  const conds = (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? [];
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

const cell = (cells: readonly string[]): string => `${cells.join('\t')}\t`;

function sortByUsage<T extends { name: string; usage: Usage }>(rows: T[], sortBy: string | undefined): T[] {
  if (sortBy === undefined || sortBy === '') return rows;
  if (sortBy !== 'cpu' && sortBy !== 'memory') throw clientError('--sort-by accepts only cpu or memory');
  const key = (r: T): number => (sortBy === 'cpu' ? r.usage.milliCpu : r.usage.memoryBytes);
  return [...rows].sort((a, b) => key(b) - key(a));
}

function topNodes(target: KubectlTarget, args: ParsedArgs, name: string | undefined): string {
  let nodes = target.get('nodes', undefined, { selector: args.flags.get('selector') });
  if (name !== undefined) {
    nodes = nodes.filter((n) => n.metadata.name === name);
    if (nodes.length === 0) throw clientError(`nodes "${name}" not found`);
  }
  if (nodes.length === 0) return `${noResourcesFound(undefined)}\n`;
  const usage = new Map<string, Usage>();
  for (const pod of target.get('pods', undefined, { allNamespaces: true })) {
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName || phase(pod) === 'Succeeded' || phase(pod) === 'Failed') continue;
    const u = usage.get(nodeName) ?? { milliCpu: 0, memoryBytes: 0 };
    const r = podRequests(pod);
    usage.set(nodeName, { milliCpu: u.milliCpu + r.milliCpu, memoryBytes: u.memoryBytes + r.memoryBytes });
  }
  const measured = nodes.filter(isReady).map((n) => ({ name: n.metadata.name, node: n, usage: usage.get(n.metadata.name) ?? { milliCpu: 0, memoryBytes: 0 } }));
  const lines: string[] = [];
  if (!flagBool(args, 'no-headers')) lines.push(cell(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)']));
  for (const r of sortByUsage(measured, args.flags.get('sort-by'))) {
    const alloc = (r.node.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {};
    const cpu = quantity(alloc.cpu).milli;
    const mem = quantity(alloc.memory).milli;
    const pct = (used: number, of: number): string => (of > 0 ? `${Math.trunc((used * 100) / of)}%` : '0%');
    lines.push(cell([r.name, `${r.usage.milliCpu}m`, pct(r.usage.milliCpu, cpu), `${Math.trunc(r.usage.memoryBytes / MIB)}Mi`, pct(r.usage.memoryBytes * 1000, mem)]));
  }
  // Nodes without metrics come last, as kubectl prints them after the measured ones.
  for (const n of nodes.filter((x) => !isReady(x))) lines.push(cell([n.metadata.name, '<unknown>', '<unknown>', '<unknown>', '<unknown>']));
  return tabwrite(`${lines.join('\n')}\n`, TABLE_TABWRITER);
}

function topPods(target: KubectlTarget, args: ParsedArgs, namespace: string, name: string | undefined): string {
  const allNamespaces = flagBool(args, 'all-namespaces');
  let pods = target.get('pods', undefined, { namespace, allNamespaces, selector: args.flags.get('selector') }).filter((p) => phase(p) === 'Running');
  if (name !== undefined) {
    pods = pods.filter((p) => p.metadata.name === name);
    if (pods.length === 0) throw clientError(`pods "${name}" not found`);
  }
  if (pods.length === 0) return `${noResourcesFound(allNamespaces ? undefined : namespace)}\n`;
  const rows = pods
    .map((p) => ({ name: p.metadata.name, namespace: p.metadata.namespace ?? '', usage: podRequests(p) }))
    .sort((a, b) => (allNamespaces ? compareGoStrings(a.namespace, b.namespace) : 0) || compareGoStrings(a.name, b.name));
  const lines: string[] = [];
  if (!flagBool(args, 'no-headers')) lines.push(cell([...(allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'CPU(cores)', 'MEMORY(bytes)']));
  for (const r of sortByUsage(rows, args.flags.get('sort-by'))) {
    lines.push(cell([...(allNamespaces ? [r.namespace] : []), r.name, `${r.usage.milliCpu}m`, `${Math.trunc(r.usage.memoryBytes / MIB)}Mi`]));
  }
  return tabwrite(`${lines.join('\n')}\n`, TABLE_TABWRITER);
}

export function runTop(target: KubectlTarget, args: ParsedArgs, namespace: string): string {
  const what = args.positional[1];
  const name = args.positional[2];
  switch (what) {
    case 'node':
    case 'nodes':
    case 'no':
      return topNodes(target, args, name);
    case 'pod':
    case 'pods':
    case 'po':
      return topPods(target, args, namespace, name);
    default:
      throw usageError(`unknown command "${what ?? ''}" for "kubectl top" (node, pod)`, 'top');
  }
}

/**
 * kubectl cordon, uncordon and drain. The work is the cluster's (`cordon`, `uncordon`, `drain`
 * on the target, which evict through the API honouring PodDisruptionBudgets); this module only
 * prints kubectl's lines, and says so plainly when the cluster does not offer the operation.
 *
 * @see kubernetes/kubectl pkg/cmd/drain/drain.go, pkg/drain/cordon.go
 */
import { NotFoundError } from '../../model/errors.js';
import { groupResource, resolveResource } from '../../model/kinds.js';
import { flagBool, type ParsedArgs } from '../args.js';
import { KubectlError, clientError, fromServerError, usageError } from '../errors.js';
import type { KubectlTarget } from '../target.js';
import { call, intFlag, need } from './common.js';

function nodeName(args: ParsedArgs, verb: string): string {
  const w = args.positional[1];
  if (w === undefined) throw usageError('USAGE: ' + verb + ' NODE [flags]', verb);
  return w.startsWith('node/') || w.startsWith('nodes/') ? w.slice(w.indexOf('/') + 1) : w;
}

function unschedulable(target: KubectlTarget, name: string): boolean {
  const node = target.find('nodes', name);
  if (!node) throw fromServerError(new NotFoundError(groupResource(resolveResource('nodes')), name));
  return (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true;
}

export function runCordon(target: KubectlTarget, args: ParsedArgs, verb: 'cordon' | 'uncordon'): string {
  const name = nodeName(args, verb);
  const fn = need(target, verb, verb);
  const was = unschedulable(target, name);
  if (was === (verb === 'cordon')) return `node/${name} already ${verb}ed\n`;
  const r = call(() => fn(name)) as { line?: unknown } | undefined;
  return typeof r?.line === 'string' ? `${r.line}\n` : `node/${name} ${verb}ed\n`;
}

type DrainFn = (node: string, opts: Record<string, unknown>) => unknown;

/**
 * The cluster's public `drain(node, opts)`. The Cluster also has a private, zero-argument
 * drain() of its work queues; a function that takes no node is that one, never called here.
 */
function drainMethod(target: KubectlTarget): DrainFn {
  const fn = (target as unknown as { drain?: unknown }).drain;
  if (typeof fn !== 'function' || fn.length < 1) throw clientError('drain is not supported yet by this kubesim cluster (it has no drain(node))');
  return (fn as DrainFn).bind(target);
}

/** A DrainResult (`{ output: string[], error? }`, kubectl's lines) or a list of evicted pods. */
function drainOutput(result: unknown, name: string, cordonLine: string): { text: string; error?: string } {
  const r = result as { output?: unknown; error?: unknown; evicted?: unknown } | null;
  if (r && Array.isArray(r.output)) {
    const text = r.output.map((l) => `${String(l)}\n`).join('');
    return typeof r.error === 'string' ? { text, error: r.error } : { text };
  }
  const list = Array.isArray(result) ? result : Array.isArray(r?.evicted) ? (r!.evicted as unknown[]) : [];
  const pods = list.map((p) => String(p));
  let text = cordonLine;
  for (const p of pods) text += `evicting pod ${p}\n`;
  for (const p of pods) text += `pod/${p.slice(p.indexOf('/') + 1)} evicted\n`;
  return { text: `${text}node/${name} drained\n` };
}

export function runDrain(target: KubectlTarget, args: ParsedArgs): string {
  const name = nodeName(args, 'drain');
  const drain = drainMethod(target);
  const was = unschedulable(target, name);
  const opts = {
    ignoreDaemonSets: flagBool(args, 'ignore-daemonsets'),
    deleteEmptyDirData: flagBool(args, 'delete-emptydir-data'),
    force: flagBool(args, 'force'),
    disableEviction: flagBool(args, 'disable-eviction'),
    ...(args.flags.has('grace-period') ? { gracePeriodSeconds: intFlag(args, 'grace-period', 'drain') } : {}),
    ...(args.flags.has('timeout') ? { timeout: args.flags.get('timeout') } : {}),
  };
  const cordonLine = was ? `node/${name} already cordoned\n` : `node/${name} cordoned\n`;
  const result = call(() => drain(name, opts));
  const { text, error } = drainOutput(result, name, cordonLine);
  if (error !== undefined) throw new KubectlError('BadRequest', error.startsWith('error') ? error : `error: ${error}`, text);
  return text;
}

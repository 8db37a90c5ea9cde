/**
 * kubectl delete: by TYPE NAME..., TYPE/NAME, -l selector, --all or -f; with --grace-period,
 * --now, --force and --cascade=background|foreground|orphan. One line per object, as kubectl
 * prints them: `pod "web-1" deleted`, `deployment.apps "web" deleted`.
 *
 * @see kubernetes/kubectl pkg/cmd/delete/delete.go, delete_flags.go (GetCascadingStrategy)
 */
import { KubesimError, NotFoundError } from '../../model/errors.js';
import { groupResource, kindInfo, type KindInfo } from '../../model/kinds.js';
import { flagBool, type ParsedArgs } from '../args.js';
import { KubectlError, clientError, fromServerError, noResourcesFound, usageError } from '../errors.js';
import type { KubectlOptions, KubectlTarget } from '../target.js';
import { decodeStrict } from './create.js';
import { intFlag, kindOf, need, readFilenames, resourceName } from './common.js';

type Propagation = 'Background' | 'Foreground' | 'Orphan';

function cascade(args: ParsedArgs): Propagation {
  const v = args.flags.get('cascade') ?? 'background';
  switch (v) {
    case 'background':
    case 'true':
      return 'Background';
    case 'foreground':
      return 'Foreground';
    case 'orphan':
    case 'false':
      return 'Orphan';
    default:
      throw clientError(`invalid cascade value (${v}). Must be "background", "foreground", or "orphan".`);
  }
}

function gracePeriod(args: ParsedArgs): number | undefined {
  let g = intFlag(args, 'grace-period', 'delete');
  if (flagBool(args, 'now')) {
    if (g !== undefined && g !== -1) throw clientError('--now and --grace-period cannot be specified together');
    g = 1;
  }
  if (flagBool(args, 'force') && g === undefined) g = 0;
  if (g !== undefined && g < 0) return undefined; // -1: the object's own grace period
  if (g === 0 && !flagBool(args, 'force')) g = 1; // kubectl: 0 means 1 unless --force
  return g;
}

interface Target {
  info: KindInfo;
  name: string;
  namespace: string | undefined;
}

function targets(target: KubectlTarget, args: ParsedArgs, namespace: string, opts: KubectlOptions): { list: Target[]; missing: string[] } {
  const words = args.positional.slice(1);
  const selector = args.flags.get('selector');
  const all = flagBool(args, 'all');
  const list: Target[] = [];
  const missing: string[] = [];
  if (args.flags.has('filename')) {
    for (const { name, text } of readFilenames(args, opts, 'delete')) {
      for (const obj of decodeStrict(name, text, 'creating')) {
        const info = kindInfo(String(obj.kind));
        list.push({ info, name: String(obj.metadata?.name ?? ''), namespace: info.namespaced ? (obj.metadata?.namespace ?? namespace) : undefined });
      }
    }
    return { list, missing };
  }
  if (words.length === 0) throw usageError('You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   \'-f rsrc.yaml\'\n   \'--filename=rsrc.json\'\n   \'<resource> <name>\'\n   \'<resource>\'', 'delete');
  if (words.some((w) => w.includes('/'))) {
    for (const w of words) {
      const slash = w.indexOf('/');
      if (slash < 0) throw clientError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl delete resource/<resource_name>' instead of 'kubectl delete resource resource/<resource_name>'`);
      const info = kindOf(w.slice(0, slash));
      list.push({ info, name: w.slice(slash + 1), namespace: info.namespaced ? namespace : undefined });
    }
    return { list, missing };
  }
  const kinds = words[0]!.split(',').map(kindOf);
  const names = words.slice(1);
  if (names.length === 0) {
    if (selector === undefined && !all) throw clientError('resource(s) were provided, but no name was specified');
    for (const info of kinds) {
      const ns = info.namespaced ? namespace : undefined;
      for (const o of target.get(info.plural, undefined, { namespace: ns, selector })) list.push({ info, name: o.metadata.name, namespace: o.metadata.namespace });
    }
    return { list, missing };
  }
  if (selector !== undefined) throw clientError('name cannot be provided when a selector is specified');
  for (const info of kinds) for (const name of names) list.push({ info, name, namespace: info.namespaced ? namespace : undefined });
  return { list, missing };
}

export function runDelete(target: KubectlTarget, args: ParsedArgs, namespace: string, opts: KubectlOptions): string {
  const propagationPolicy = cascade(args);
  const gracePeriodSeconds = gracePeriod(args);
  const { list } = targets(target, args, namespace, opts);
  const del = need(target, 'delete', 'delete');
  let out = '';
  const errors: string[] = [];
  if (list.length === 0) return `${noResourcesFound(namespace)}\n`;
  for (const t of list) {
    if (!target.find(t.info.plural, t.name, { namespace: t.namespace })) {
      errors.push(fromServerError(new NotFoundError(groupResource(t.info), t.name)).message);
      continue;
    }
    try {
      del(t.info.kind, t.name, { namespace: t.namespace, propagationPolicy, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) });
      // kubectl 1.32 (before "from NS namespace" was added in 1.33): `deployment.apps "web" deleted`.
      out += `${resourceName(t.info)} "${t.name}" ${gracePeriodSeconds === 0 ? 'force deleted' : 'deleted'}\n`;
    } catch (e) {
      if (!(e instanceof KubesimError)) throw e;
      errors.push(fromServerError(e).message);
    }
  }
  if (errors.length > 0) throw new KubectlError('NotFound', errors.join('\n'), out);
  return out;
}

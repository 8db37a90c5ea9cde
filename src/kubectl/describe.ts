/**
 * `kubectl describe TYPE [NAME_PREFIX...]`: each matching object's description, separated by a
 * blank line pair as kubectl prints them. A name that is not an exact match describes every
 * object whose name starts with it (kubectl's prefix fallback); no match is NotFound.
 *
 * @see kubernetes/kubectl pkg/cmd/describe/describe.go (DescribeOptions.Run, DescribeMatchingResources)
 */
import { KubesimError, NotFoundError } from '../model/errors.js';
import { groupResource, resolveResource, type KindInfo } from '../model/kinds.js';
import { parseRFC3339 } from '../model/time.js';
import type { StoredObject } from '../model/types.js';
import { flagBool, type ParsedArgs } from './args.js';
import { describeObject, type DescribeSources } from './describe/describers.js';
import { KubectlError, fromServerError, noResourcesFound } from './errors.js';
import { eventsFor } from './describe/writer.js';
import { parseResourceArgs } from './get.js';
import type { KubectlTarget } from './target.js';

export function runDescribe(target: KubectlTarget, args: ParsedArgs, namespace: string): string {
  const allNamespaces = flagBool(args, 'all-namespaces');
  const { requests } = parseResourceArgs(args.positional.slice(1), 'describe');
  const selector = args.flags.get('selector');
  const showEvents = args.flags.get('show-events') !== 'false';
  const nowEpochMs = parseRFC3339(target.nowTimestamp);
  const list = (kind: string, ns: string | undefined): StoredObject[] => {
    const info: KindInfo = resolveResource(kind);
    return target.get(info.plural, undefined, info.namespaced && ns !== undefined ? { namespace: ns } : { allNamespaces: true });
  };
  const out: string[] = [];
  const errors: string[] = [];
  try {
    for (const req of requests) {
      const ns = req.info.namespaced ? namespace : undefined;
      const all = target.get(req.info.plural, undefined, { namespace: ns, allNamespaces, selector });
      let objs: StoredObject[] = all;
      if (req.names !== undefined) {
        objs = [];
        for (const name of req.names) {
          const exact = target.find(req.info.plural, name, { namespace: ns });
          const matches = exact ? [exact] : all.filter((o) => o.metadata.name.startsWith(name));
          if (matches.length === 0) errors.push(fromServerError(new NotFoundError(groupResource(req.info), name)).message);
          objs.push(...matches);
        }
      }
      for (const obj of objs) {
        const events = showEvents ? eventsFor(list('Event', obj.metadata.namespace ?? (obj.kind === 'Node' ? undefined : 'default')), obj) : [];
        const src: DescribeSources = { ctx: { nowEpochMs, wide: false }, events, list };
        out.push(describeObject(obj, src));
      }
    }
  } catch (e) {
    if (e instanceof KubesimError) throw fromServerError(e, out.join('\n\n'));
    throw e;
  }
  const text = out.join('\n\n');
  if (errors.length > 0) throw new KubectlError('NotFound', errors.join('\n'), text);
  if (out.length === 0) {
    const clusterScoped = requests.every((r) => !r.info.namespaced);
    return `${noResourcesFound(allNamespaces || clusterScoped ? undefined : namespace)}\n`;
  }
  return text;
}

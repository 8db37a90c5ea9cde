/**
 * kubectl label and annotate: `KEY=VALUE` sets, `KEY-` removes, `--overwrite` is needed to
 * change an existing value (else kubectl's "already has a value" error), on TYPE NAME...,
 * TYPE/NAME, -l selector or --all. The new object is written with an unconditional update, as
 * kubectl's patch is.
 *
 * @see kubernetes/kubectl pkg/cmd/label/label.go, pkg/cmd/annotate/annotate.go
 */
import { KubesimError, NotFoundError } from '../../model/errors.js';
import { copyJson } from '../../model/json.js';
import { groupResource, type KindInfo } from '../../model/kinds.js';
import type { KubeObject, StoredObject } from '../../model/types.js';
import { flagBool, type ParsedArgs } from '../args.js';
import { KubectlError, clientError, fromServerError, usageError } from '../errors.js';
import type { KubectlTarget } from '../target.js';
import { kindOf, need, resourceName } from './common.js';

type Which = 'label' | 'annotate';

const CHANGE_CAUSE = 'kubernetes.io/change-cause';

function parseChanges(words: readonly string[], verb: Which): { set: [string, string][]; remove: string[] } {
  const set: [string, string][] = [];
  const remove: string[] = [];
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq > 0) set.push([w.slice(0, eq), w.slice(eq + 1)]);
    else if (w.endsWith('-') && w.length > 1) remove.push(w.slice(0, -1));
    else throw usageError(`invalid ${verb === 'label' ? 'label' : 'annotation'} format: ${w}`, verb);
  }
  for (const k of remove) if (set.some(([s]) => s === k)) throw clientError(`can not both modify and remove ${verb === 'label' ? 'a label' : 'an annotation'} in the same command`);
  if (set.length === 0 && remove.length === 0) throw usageError(`at least one ${verb === 'label' ? 'label' : 'annotation'} update is required`, verb);
  return { set, remove };
}

/** Splits `TYPE NAME... K=V...` or `TYPE/NAME... K=V...` into objects and changes. */
function split(words: readonly string[]): { objs: string[]; changes: string[] } {
  const isChange = (w: string): boolean => w.includes('=') || (w.endsWith('-') && !w.includes('/'));
  let i = 0;
  while (i < words.length && !(i > 0 && isChange(words[i]!))) i++;
  return { objs: words.slice(0, i), changes: words.slice(i) };
}

function objectsOf(target: KubectlTarget, args: ParsedArgs, words: readonly string[], namespace: string, verb: Which): { info: KindInfo; obj: StoredObject }[] {
  const out: { info: KindInfo; obj: StoredObject }[] = [];
  const errors: string[] = [];
  const one = (info: KindInfo, name: string): void => {
    const obj = target.find(info.plural, name, { namespace: info.namespaced ? namespace : undefined });
    if (obj) out.push({ info, obj });
    else errors.push(fromServerError(new NotFoundError(groupResource(info), name)).message);
  };
  if (words.length === 0) throw usageError('one or more resources must be specified as <resource> <name> or <resource>/<name>', verb);
  if (words[0]!.includes('/')) {
    for (const w of words) one(kindOf(w.slice(0, w.indexOf('/'))), w.slice(w.indexOf('/') + 1));
  } else {
    const info = kindOf(words[0]!);
    const names = words.slice(1);
    const selector = args.flags.get('selector');
    if (names.length === 0) {
      if (selector === undefined && !flagBool(args, 'all')) throw usageError('one or more resources must be specified as <resource> <name> or <resource>/<name>', verb);
      for (const obj of target.get(info.plural, undefined, { namespace: info.namespaced ? namespace : undefined, selector })) out.push({ info, obj });
    } else for (const n of names) one(info, n);
  }
  if (errors.length > 0) throw new KubectlError('NotFound', errors.join('\n'));
  return out;
}

export function runLabelOrAnnotate(target: KubectlTarget, args: ParsedArgs, namespace: string, verb: Which): string {
  const { objs, changes } = split(args.positional.slice(1));
  const { set, remove } = parseChanges(changes, verb);
  const overwrite = flagBool(args, 'overwrite');
  const replace = need(target, 'replace', verb);
  const field = verb === 'label' ? 'labels' : 'annotations';
  let out = '';
  for (const { info, obj } of objectsOf(target, args, objs, namespace, verb)) {
    const current: Record<string, string> = { ...((obj.metadata[field] as Record<string, string> | undefined) ?? {}) };
    if (!overwrite) {
      const clashes = set.filter(([k, v]) => Object.hasOwn(current, k) && current[k] !== v && !(verb === 'annotate' && k === CHANGE_CAUSE));
      if (clashes.length > 0) {
        if (verb === 'label') throw clientError(clashes.map(([k]) => `'${k}' already has a value (${current[k]}), and --overwrite is false`).join('\n'));
        throw clientError(`--overwrite is false but found the following declared annotation(s): ${clashes.map(([k]) => `'${k}' already has a value (${current[k]})`).join('; ')}`);
      }
    }
    const added: string[] = [];
    const removed: string[] = [];
    for (const k of remove) {
      if (Object.hasOwn(current, k)) {
        delete current[k];
        removed.push(k);
      } else if (verb === 'label') out += `label "${k}" not found.\n`;
    }
    for (const [k, v] of set) {
      if (current[k] !== v) added.push(k);
      current[k] = v;
    }
    if (added.length > 0 || removed.length > 0) {
      const next = copyJson(obj) as unknown as { metadata: Record<string, unknown> };
      delete next.metadata.resourceVersion;
      if (Object.keys(current).length > 0) next.metadata[field] = current;
      else delete next.metadata[field];
      try {
        replace(next as unknown as KubeObject);
      } catch (e) {
        if (e instanceof KubesimError) throw fromServerError(e, out);
        throw e;
      }
    }
    let msg = 'annotated';
    if (verb === 'label') msg = added.length > 0 && removed.length > 0 ? 'modified' : added.length > 0 ? 'labeled' : removed.length > 0 ? 'unlabeled' : 'not labeled';
    out += `${resourceName(info)}/${obj.metadata.name} ${msg}\n`;
  }
  return out;
}

/**
 * Helpers every write verb shares: kubectl's `kind.group/name` names, calling an optional
 * target method (or saying the cluster does not support it yet), reading `-f` inputs, flag
 * parsing with kubectl's messages, and kubectl's "error: " prefix handling.
 */
import { BadRequestError, KubesimError } from '../../model/errors.js';
import { resolveResource, type KindInfo } from '../../model/kinds.js';
import type { ParsedArgs } from '../args.js';
import { KubectlError, clientError, fromServerError, usageError } from '../errors.js';
import type { KubectlOptions, KubectlTarget, KubectlWriter } from '../target.js';

/** `deployment.apps` / `pod`: how kubectl names a kind in its success lines. */
export function resourceName(info: KindInfo): string {
  return info.group === '' ? info.singular : `${info.singular}.${info.group}`;
}

/** `deployments.apps` / `pods`: how kubectl names a resource in `delete` lines. */
export function pluralName(info: KindInfo): string {
  return info.group === '' ? info.plural : `${info.plural}.${info.group}`;
}

export function kindOf(word: string): KindInfo {
  try {
    return resolveResource(word);
  } catch (e) {
    if (e instanceof KubesimError) throw fromServerError(e);
    throw e;
  }
}

/** The target's method, or kubectl's error that this cluster does not offer it yet. */
export function need<K extends keyof KubectlWriter>(target: KubectlTarget, method: K, verb: string): NonNullable<KubectlWriter[K]> {
  const fn = target[method];
  if (fn === undefined || fn === null) throw clientError(`${verb} is not supported yet by this kubesim cluster (it has no ${String(method)}())`);
  return (typeof fn === 'function' ? (fn as (...a: unknown[]) => unknown).bind(target) : fn) as NonNullable<KubectlWriter[K]>;
}

/**
 * Runs a server call, turning kubesim errors into kubectl's text. Messages the verb helpers
 * already start with "error: " (client-side checks) are not prefixed twice.
 */
export function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KubectlError) throw e;
    if (e instanceof KubesimError) {
      if (e.reason === 'BadRequest' && e.message.startsWith('error: ')) throw new KubectlError('BadRequest', e.message);
      throw fromServerError(e);
    }
    throw e;
  }
}

/** A non-negative integer flag, with kubectl's (strconv) message when it is not one. */
export function intFlag(args: ParsedArgs, name: string, verb: string): number | undefined {
  const v = args.flags.get(name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) {
    throw new KubectlError('BadRequest', `Error: invalid argument "${v}" for "--${name}" flag: strconv.ParseInt: parsing "${v}": invalid syntax\nSee 'kubectl ${verb} --help' for usage.`);
  }
  return Number(v);
}

/** The manifest texts named by -f (paths looked up in `opts.files`, `-` is stdin). */
export function readFilenames(args: ParsedArgs, opts: KubectlOptions, verb: string): { name: string; text: string }[] {
  const list = (args.flags.get('filename') ?? '').split(',').filter((f) => f !== '');
  if (list.length === 0) throw usageError('must specify one of -f and -k', verb);
  return list.map((f) => {
    if (f === '-') {
      if (opts.stdin === undefined) throw clientError('no objects passed to ' + verb + ' (stdin is empty)');
      return { name: 'STDIN', text: opts.stdin };
    }
    const text = opts.files && Object.hasOwn(opts.files, f) ? opts.files[f] : undefined;
    if (text === undefined) throw clientError(`the path "${f}" does not exist`);
    return { name: f, text };
  });
}

/** `TYPE NAME` or `TYPE/NAME` as the first arguments of a verb: kind and name. */
export function typeAndName(words: readonly string[], verb: string): { info: KindInfo; name: string; rest: string[] } {
  const first = words[0];
  if (first === undefined) throw usageError(`You must specify the type of resource to ${verb}`, verb);
  const slash = first.indexOf('/');
  if (slash >= 0) return { info: kindOf(first.slice(0, slash)), name: first.slice(slash + 1), rest: words.slice(1) };
  const name = words[1];
  if (name === undefined) throw usageError(`resource(s) were provided, but no name was specified`, verb);
  return { info: kindOf(first), name, rest: words.slice(2) };
}

export function badRequest(message: string): BadRequestError {
  return new BadRequestError(message);
}

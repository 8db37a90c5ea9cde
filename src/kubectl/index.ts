/**
 * `cluster.kubectl('get pods -o wide')`: kubectl's read verbs over a kubesim cluster, printing
 * what kubectl 1.32 prints. Supported verbs: get, describe, version, cluster-info,
 * api-resources. Global flags (`-n`, `-A`) may come before or after the verb.
 *
 * Output contract: the returned string is kubectl's stdout. kubectl's notice for an empty list
 * (`No resources found in default namespace.`, stderr with exit status 0) is returned as the
 * output, since nothing else is printed. A failing command throws `KubectlError` (a
 * KubesimError) whose message is exactly kubectl's stderr, e.g.
 * `Error from server (NotFound): deployments.apps "web" not found`, with any partial stdout
 * in `error.stdout`.
 */
import { KubesimError } from '../model/errors.js';
import { parseArgs, tokenize } from './args.js';
import { runDescribe } from './describe.js';
import { KubectlError, fromServerError } from './errors.js';
import { runGet } from './get.js';
import { runApiResources, runClusterInfo, runVersion } from './info.js';
import type { KubectlTarget } from './target.js';

export type { KubectlTarget, KubectlListOptions } from './target.js';
export { KubectlError } from './errors.js';
export { tokenize, parseArgs } from './args.js';

/** Runs one kubectl command line (without the leading `kubectl`) and returns its stdout. */
export function runKubectl(target: KubectlTarget, commandLine: string): string {
  const words = tokenize(commandLine);
  if (words[0] === 'kubectl') words.shift();
  const args = parseArgs(words);
  const verb = args.positional[0];
  const namespace = args.flags.get('namespace') ?? 'default';
  try {
    switch (verb) {
      case 'get':
        return runGet(target, args, namespace);
      case 'describe':
        return runDescribe(target, args, namespace);
      case 'version':
        return runVersion(args);
      case 'cluster-info':
        return runClusterInfo();
      case 'api-resources':
        return runApiResources(args);
      case undefined:
        throw new KubectlError('BadRequest', 'error: no command given (try "get pods")');
      default:
        throw new KubectlError('BadRequest', `Error: unknown command "${verb}" for "kubectl"`);
    }
  } catch (e) {
    if (e instanceof KubesimError && !(e instanceof KubectlError)) throw fromServerError(e);
    throw e;
  }
}

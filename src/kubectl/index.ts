/**
 * `cluster.kubectl('get pods -o wide')`: kubectl over a kubesim cluster, printing what kubectl
 * 1.32 prints. Read verbs: get, describe, top, version, cluster-info, api-resources. Write verbs:
 * apply, create, replace, delete, run, expose, scale, set image, patch, rollout, label,
 * annotate, cordon, uncordon, drain. Global flags (`-n`, `-A`) may come before or after the
 * verb. `-f PATH` reads `opts.files[PATH]` and `-f -` reads `opts.stdin`: kubectl never
 * touches the real file system.
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
import type { KubectlOptions, KubectlTarget } from './target.js';
import { runTop } from './top.js';
import { runApply, runCreate, runExpose, runReplace, runRun } from './write/create.js';
import { runDelete } from './write/delete.js';
import { runLabelOrAnnotate } from './write/metadata.js';
import { runCordon, runDrain } from './write/nodes.js';
import { runPatch, runRollout, runScale, runSet } from './write/workloads.js';

export type { KubectlTarget, KubectlListOptions, KubectlOptions, KubectlWriter, KubectlRef } from './target.js';
export { KubectlError } from './errors.js';
export { tokenize, parseArgs } from './args.js';

/** Runs one kubectl command line (without the leading `kubectl`) and returns its stdout. */
export function runKubectl(target: KubectlTarget, commandLine: string, opts: KubectlOptions = {}): string {
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
      case 'top':
        return runTop(target, args, namespace);
      case 'apply':
        return runApply(target, args, namespace, opts);
      case 'create':
        return runCreate(target, args, namespace, opts);
      case 'replace':
        return runReplace(target, args, namespace, opts);
      case 'delete':
        return runDelete(target, args, namespace, opts);
      case 'run':
        return runRun(target, args, namespace);
      case 'expose':
        return runExpose(target, args, namespace);
      case 'scale':
        return runScale(target, args, namespace);
      case 'set':
        return runSet(target, args, namespace);
      case 'patch':
        return runPatch(target, args, namespace);
      case 'rollout':
        return runRollout(target, args, namespace);
      case 'label':
        return runLabelOrAnnotate(target, args, namespace, 'label');
      case 'annotate':
        return runLabelOrAnnotate(target, args, namespace, 'annotate');
      case 'cordon':
      case 'uncordon':
        return runCordon(target, args, verb);
      case 'drain':
        return runDrain(target, args);
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

/**
 * kubectl's error text. `runKubectl` reports a failed command by throwing a `KubectlError`
 * whose `message` is exactly what kubectl writes to stderr (without the final newline), e.g.
 * `Error from server (NotFound): deployments.apps "web" not found`. Whatever kubectl would
 * still have written to stdout before failing (the objects that were found in `get pod a b`)
 * travels in `stdout`.
 *
 * @see kubernetes/kubectl pkg/cmd/util/helpers.go (CheckErr, StandardErrorMessage)
 */
import { KubesimError, type StatusReason } from '../model/errors.js';

export class KubectlError extends KubesimError {
  /** What kubectl would have printed to stdout before the error (often ''). */
  readonly stdout: string;
  /** kubectl's exit status: 1 for every error kubesim reports. */
  readonly exitCode = 1;
  constructor(reason: StatusReason, message: string, stdout = '') {
    super(reason, message);
    this.stdout = stdout;
  }
}

/**
 * An error the API server returned, as kubectl prints it: `Error from server (Reason): msg`.
 * BadRequest and errors raised client-side (an unknown resource type) print as `error: msg`.
 */
export function fromServerError(e: KubesimError, stdout = ''): KubectlError {
  if (e instanceof KubectlError) return e;
  if (e.reason === 'BadRequest') return new KubectlError('BadRequest', `error: ${e.message}`, stdout);
  return new KubectlError(e.reason, `Error from server (${e.reason}): ${e.message}`, stdout);
}

/** A client-side usage error: `error: <msg>`, with kubectl's pointer to the verb's help. */
export function usageError(message: string, verb?: string): KubectlError {
  const help = verb === undefined ? "See 'kubectl --help' for usage." : `See 'kubectl ${verb} -h' for help and examples`;
  return new KubectlError('BadRequest', `error: ${message}\n${help}`);
}

/** `error: <msg>` with nothing else (what cmdutil.CheckErr prints for most client errors). */
export function clientError(message: string): KubectlError {
  return new KubectlError('BadRequest', `error: ${message}`);
}

/** kubectl's notice for an empty list (printed to stderr with exit status 0). */
export function noResourcesFound(namespace: string | undefined): string {
  return namespace === undefined ? 'No resources found' : `No resources found in ${namespace} namespace.`;
}

/**
 * The controllers a cluster runs unless told otherwise, as kube-controller-manager and the
 * kubelets would. A user reconciler with the same name replaces the built-in one, so a test
 * can run its own (or a deliberately broken) ReplicaSet controller in place of ours.
 */
import type { Reconciler } from '../model/reconcile.js';
import { deploymentController } from '../reconcilers/deployment/index.js';
import { replicaSetController, replicationControllerController } from '../reconcilers/replica-set.js';

export interface BuiltinOptions {
  /** false: run no built-in controllers; a list: run only these (by reconciler name). */
  readonly controllers?: boolean | readonly string[];
}

export const BUILTIN_CONTROLLER_NAMES = ['deployment-controller', 'replicaset-controller', 'replicationcontroller-controller'] as const;

export function builtinReconcilers(opts: BuiltinOptions, userNames: ReadonlySet<string>): Reconciler[] {
  if (opts.controllers === false) return [];
  const wanted = Array.isArray(opts.controllers) ? new Set(opts.controllers) : undefined;
  const all: Reconciler[] = [deploymentController(), replicaSetController(), replicationControllerController()];
  return all.filter((r) => !userNames.has(r.name) && (wanted === undefined || wanted.has(r.name)));
}

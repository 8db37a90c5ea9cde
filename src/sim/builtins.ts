/**
 * The controllers a cluster runs unless told otherwise, as kube-controller-manager and the
 * kubelets would. A user reconciler with the same name replaces the built-in one, so a test
 * can run its own (or a deliberately broken) ReplicaSet controller in place of ours.
 */
import type { Reconciler } from '../model/reconcile.js';
import { deploymentController } from '../reconcilers/deployment/index.js';
import { endpointSliceController } from '../reconcilers/endpoint-slice.js';
import { endpointsController } from '../reconcilers/endpoints.js';
import { garbageCollector } from '../reconcilers/garbage-collector.js';
import { nodeIpamController, type NodeIpamOptions } from '../reconcilers/node-ipam.js';
import { kubelet, type KubeletConfig } from '../reconcilers/kubelet/index.js';
import type { ImageProfile } from '../reconcilers/kubelet/image-profile.js';
import { replicaSetController, replicationControllerController } from '../reconcilers/replica-set.js';

export interface BuiltinOptions {
  /** false: run no built-in controllers; a list: run only these (by reconciler name). */
  readonly controllers?: boolean | readonly string[];
  /** How images behave on the kubelet: pull, start-up and readiness times, crashes, exits. */
  readonly images?: Readonly<Record<string, ImageProfile>>;
  /** Defaults for images without a profile (otherwise drawn per image from the seed). */
  readonly defaultImageProfile?: Partial<ImageProfile>;
}

export const BUILTIN_CONTROLLER_NAMES = [
  'deployment-controller',
  'replicaset-controller',
  'replicationcontroller-controller',
  'garbage-collector',
  'kubelet',
  'node-ipam-controller',
  'endpoint-controller',
  'endpointslice-controller',
] as const;

export function builtinReconcilers(
  opts: BuiltinOptions,
  seed: string,
  network: NodeIpamOptions,
  userNames: ReadonlySet<string>,
): Reconciler[] {
  if (opts.controllers === false) return [];
  const wanted = Array.isArray(opts.controllers) ? new Set(opts.controllers) : undefined;
  const kubeletConfig: KubeletConfig = {
    seed,
    ...(opts.images ? { images: opts.images as Record<string, ImageProfile> } : {}),
    ...(opts.defaultImageProfile ? { defaultProfile: opts.defaultImageProfile } : {}),
  };
  const all: Reconciler[] = [
    deploymentController(),
    replicaSetController(),
    replicationControllerController(),
    garbageCollector(),
    kubelet(kubeletConfig),
    nodeIpamController(network),
    endpointsController(),
    endpointSliceController(),
  ];
  return all.filter((r) => !userNames.has(r.name) && (wanted === undefined || wanted.has(r.name)));
}

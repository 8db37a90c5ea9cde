/**
 * The controllers a cluster runs unless told otherwise, as kube-controller-manager and the
 * kubelets would. A user reconciler with the same name replaces the built-in one, so a test
 * can run its own (or a deliberately broken) ReplicaSet controller in place of ours.
 */
import { parseDuration, type Duration } from '../clock/duration.js';
import type { Reconciler } from '../model/reconcile.js';
import { deploymentController } from '../reconcilers/deployment/index.js';
import { endpointSliceController } from '../reconcilers/endpoint-slice.js';
import { endpointsController } from '../reconcilers/endpoints.js';
import { garbageCollector } from '../reconcilers/garbage-collector.js';
import { nodeIpamController, type NodeIpamOptions } from '../reconcilers/node-ipam.js';
import { kubelet, type KubeletConfig } from '../reconcilers/kubelet/index.js';
import type { ImageProfile } from '../reconcilers/kubelet/image-profile.js';
import { kubeletNodeLease } from '../reconcilers/kubelet/node-lease.js';
import { nodeLifecycleController } from '../reconcilers/node-lifecycle.js';
import { taintEvictionController } from '../reconcilers/taint-eviction.js';
import { controlPlaneImageRefs } from './control-plane.js';
import { replicaSetController, replicationControllerController } from '../reconcilers/replica-set.js';
import { disruptionController } from '../reconcilers/disruption.js';
import { ingressController } from '../reconcilers/ingress-status.js';
import { nodePoolController, type NodePoolSpec } from '../reconcilers/node-pool.js';

export interface BuiltinOptions {
  /** false: run no built-in controllers; a list: run only these (by reconciler name). */
  readonly controllers?: boolean | readonly string[];
  /** How images behave on the kubelet: pull, start-up and readiness times, crashes, exits. */
  readonly images?: Readonly<Record<string, ImageProfile>>;
  /** Defaults for images without a profile (otherwise drawn per image from the seed). */
  readonly defaultImageProfile?: Partial<ImageProfile>;
  /**
   * How long a node's kubelet may be silent before the node lifecycle controller marks it
   * Unknown (kube-controller-manager --node-monitor-grace-period; default 50s, v1.32).
   */
  readonly nodeMonitorGracePeriod?: Duration;
  /** The kubelets' version (it names the control-plane images too). */
  readonly kubeletVersion?: string;
  /** Node pools kept at a node count across their zones (AKS agent pools, cloud node groups). */
  readonly nodePools?: readonly NodePoolSpec[];
}

/** What builtins need to know of the network: the node IPAM ranges and the ingress address. */
export interface BuiltinNetwork extends NodeIpamOptions {
  readonly ingressIP: string;
}

export const BUILTIN_CONTROLLER_NAMES = [
  'deployment-controller',
  'replicaset-controller',
  'replicationcontroller-controller',
  'garbage-collector',
  'kubelet',
  'kubelet-node-lease',
  'node-lifecycle-controller',
  'taint-eviction-controller',
  'node-ipam-controller',
  'endpoint-controller',
  'endpointslice-controller',
  'disruption-controller',
  'ingress-controller',
  'nodepool-controller',
] as const;

export function builtinReconcilers(
  opts: BuiltinOptions,
  seed: string,
  network: BuiltinNetwork,
  userNames: ReadonlySet<string>,
): Reconciler[] {
  if (opts.controllers === false) return [];
  const wanted = Array.isArray(opts.controllers) ? new Set(opts.controllers) : undefined;
  // The masters' static pods are already there when the cluster starts: their images start at once.
  const controlPlaneImages: Record<string, ImageProfile> = {};
  for (const image of controlPlaneImageRefs(opts.kubeletVersion ?? 'v1.32.0')) controlPlaneImages[image] = { pullTime: 0, startupTime: 0, readinessDelay: 0 };
  const kubeletConfig: KubeletConfig = {
    seed,
    images: { ...controlPlaneImages, ...(opts.images ?? {}) },
    ...(opts.defaultImageProfile ? { defaultProfile: opts.defaultImageProfile } : {}),
  };
  const all: Reconciler[] = [
    deploymentController(),
    replicaSetController(),
    replicationControllerController(),
    garbageCollector(),
    kubelet(kubeletConfig),
    kubeletNodeLease(),
    nodeLifecycleController(opts.nodeMonitorGracePeriod === undefined ? {} : { nodeMonitorGracePeriodMs: parseDuration(opts.nodeMonitorGracePeriod) }),
    taintEvictionController(),
    nodeIpamController(network),
    endpointsController(),
    endpointSliceController(),
    disruptionController(),
    ingressController({ ip: network.ingressIP }),
    ...(opts.nodePools && opts.nodePools.length > 0 ? [nodePoolController([...opts.nodePools])] : []),
  ];
  return all.filter((r) => !userNames.has(r.name) && (wanted === undefined || wanted.has(r.name)));
}

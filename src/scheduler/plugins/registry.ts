/**
 * The in-tree plugin registry: every plugin name a KubeSchedulerConfiguration may use, with
 * the extension points it implements and a factory taking its pluginConfig args.
 *
 * The volume plugins are registered because every default profile names them; kubesim models
 * no volumes, and for a pod without PersistentVolumeClaims upstream's volume plugins skip
 * themselves at PreFilter, which is exactly what these do.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/registry.go
 */
import type { Pod } from '../../model/types.js';
import { SKIP, SUCCESS, status, type Plugin, type PodInfo, type Status } from '../framework.js';
import { registerFastHint } from '../fast-hints.js';
import type { PluginFactory, PluginRegistry } from '../profile.js';
import { defaultPreemption, type DefaultPreemptionArgs } from './default-preemption/index.js';
import { imageLocality } from './image-locality.js';
import { interPodAffinity, type InterPodAffinityArgs } from './inter-pod-affinity/index.js';
import { nodeAffinity } from './node-affinity.js';
import { nodeName } from './node-name.js';
import { nodePorts } from './node-ports.js';
import { nodeResourcesBalancedAllocation, type NodeResourcesBalancedAllocationArgs } from './node-resources/balanced-allocation.js';
import { nodeResourcesFit, type NodeResourcesFitArgs } from './node-resources/fit.js';
import { nodeUnschedulable } from './node-unschedulable.js';
import { podTopologySpread, type PodTopologySpreadArgs } from './pod-topology-spread/index.js';
import { taintToleration } from './taint-toleration.js';

const fixed = (points: PluginFactory['points'], plugin: Plugin): PluginFactory => ({ points, create: () => plugin });

/** PrioritySort: higher spec.priority first, then the earlier queue timestamp. */
export const prioritySort = {
  name: 'PrioritySort',
  less(a: PodInfo & { timestampMs?: number }, b: PodInfo & { timestampMs?: number }): boolean {
    const pa = a.pod.spec?.priority ?? 0;
    const pb = b.pod.spec?.priority ?? 0;
    return pa > pb || (pa === pb && (a.timestampMs ?? 0) < (b.timestampMs ?? 0));
  },
};

/** SchedulingGates: a pod with gates waits outside activeQ until they are all removed. */
const schedulingGates = {
  name: 'SchedulingGates',
  preEnqueue(pod: Pod): Status {
    const gates = pod.spec?.schedulingGates ?? [];
    if (gates.length === 0) return SUCCESS;
    return status('UnschedulableAndUnresolvable', `waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`);
  },
};

/** DefaultBinder: binds through the pods/binding subresource (the sim posts the Binding). */
const defaultBinder = { name: 'DefaultBinder', bind: (): Status => SUCCESS };

const volumePlugin = (name: string): PluginFactory =>
  fixed(['preFilter', 'filter'], registerFastHint({ name, preFilter: () => ({ status: SKIP }), filter: () => SUCCESS } as Plugin, { alwaysPasses: true }));

export const DEFAULT_REGISTRY: PluginRegistry = {
  PrioritySort: fixed(['queueSort'], prioritySort),
  SchedulingGates: fixed(['preEnqueue'], schedulingGates),
  NodeUnschedulable: fixed(['filter'], nodeUnschedulable),
  NodeName: fixed(['filter'], nodeName),
  TaintToleration: fixed(['filter', 'preScore', 'score'], taintToleration),
  NodeAffinity: { points: ['preFilter', 'filter', 'preScore', 'score'], create: (args) => nodeAffinity(args) },
  NodePorts: fixed(['preFilter', 'filter'], nodePorts),
  NodeResourcesFit: {
    points: ['preFilter', 'filter', 'preScore', 'score'],
    create: (args) => nodeResourcesFit(args as NodeResourcesFitArgs),
  },
  NodeResourcesBalancedAllocation: {
    points: ['preScore', 'score'],
    create: (args) => nodeResourcesBalancedAllocation(args as NodeResourcesBalancedAllocationArgs),
  },
  ImageLocality: fixed(['preScore', 'score'], imageLocality),
  PodTopologySpread: {
    points: ['preFilter', 'filter', 'preScore', 'score'],
    create: (args, handle) => podTopologySpread(args as PodTopologySpreadArgs, handle.listers),
  },
  InterPodAffinity: {
    points: ['preFilter', 'filter', 'preScore', 'score'],
    create: (args, handle) => interPodAffinity(args as InterPodAffinityArgs, (ns: string) => handle.listers.namespaceLabels(ns)),
  },
  VolumeRestrictions: volumePlugin('VolumeRestrictions'),
  NodeVolumeLimits: volumePlugin('NodeVolumeLimits'),
  VolumeBinding: volumePlugin('VolumeBinding'),
  VolumeZone: volumePlugin('VolumeZone'),
  DefaultPreemption: {
    points: ['postFilter'],
    create: (args, handle) =>
      defaultPreemption(args as DefaultPreemptionArgs, {
        profile: () => handle.profile(),
        rng: handle.rng,
        podDisruptionBudgets: () => handle.listers.podDisruptionBudgets(),
        ...(handle.nominatedPodsForNode ? { nominatedPodsForNode: handle.nominatedPodsForNode } : {}),
      }),
  },
  DefaultBinder: fixed(['bind'], defaultBinder),
};

/**
 * What the indexed cycle (fast-cycle.ts) may assume about a plugin instance. Built-in plugins
 * describe themselves here when they are created; a plugin without a hint (out of tree, or a
 * built-in name overridden by the user) makes the indexed cycle step aside for the plain one,
 * so a hint is a promise about the plugin's own code, never a guess from its name.
 *
 * The promises, per hint field:
 * - `groupLevel`: Filter and Score read the node only through its labels other than
 *   kubernetes.io/hostname, its taints and spec.unschedulable (the node table's "group"),
 *   unless `nodeSpecific(pod)` says this pod's terms read the node's name or hostname label.
 *   With `podKey`, Filter also reads the pod only through what that string encodes: two pods
 *   with the same key get the same Filter verdict on a group (fast-plan.ts then keeps the
 *   verdicts per key across cycles). With `scorePodKey`, the same for Score's raw value (after
 *   the plugin's own PreScore for that pod).
 * - `alwaysPasses`: Filter returns Success on every node (the volume plugins, no volumes).
 * - `nodeName`: Filter is NodeName's: Success everywhere for a pod without spec.nodeName.
 * - `fit`: Filter is NodeResourcesFit's fitsRequest (pods, cpu, memory, ephemeral-storage,
 *   scalar resources), `allocation` its scorer (cpu/memory/... of the node's totals).
 * - `allocation`: Score is resourceAllocationScore(allocation, node, pod's request list).
 * - `imageLocality`: Score reads the node only through the names in node.imageStates.
 * - `preScoreNodesUnread`: PreScore reads the filtered node list at most to see whether it is
 *   empty (the bucketed cycle then need not list every feasible node for it).
 * - `perNode`: a known plugin whose Filter/Score the indexed cycle calls node by node.
 * - `topologySpread`: PodTopologySpread: its PreScore can take the filtered nodes as label
 *   sets (one per node-table group), and its PreScore state is read to group nodes in Score.
 */
import type { Pod } from '../model/types.js';
import type { CycleState, Plugin, SchedulerSnapshot, Status } from './framework.js';
import type { FilteredLabelSets } from './plugins/pod-topology-spread/scoring.js';
import type { ResourceAllocationScorer } from './plugins/node-resources/resource-allocation.js';

export interface FastHint {
  readonly groupLevel?: {
    readonly nodeSpecific: (pod: Pod) => boolean;
    readonly podKey?: (pod: Pod) => string;
    readonly scorePodKey?: (pod: Pod) => string;
  };
  readonly alwaysPasses?: true;
  readonly nodeName?: true;
  readonly fit?: true;
  readonly allocation?: ResourceAllocationScorer;
  readonly imageLocality?: true;
  readonly preScoreNodesUnread?: true;
  readonly perNode?: true;
  readonly topologySpread?: {
    readonly preScoreLabelSets: (cycle: CycleState, pod: Pod, sets: FilteredLabelSets, snapshot: SchedulerSnapshot) => Status;
  };
}

const hints = new WeakMap<Plugin, FastHint>();

/** Called by a built-in plugin's module or factory on the instance it hands out. */
export function registerFastHint<P extends Plugin>(plugin: P, hint: FastHint): P {
  hints.set(plugin, hint);
  return plugin;
}

export function fastHintOf(plugin: Plugin): FastHint | undefined {
  return hints.get(plugin);
}

/** For plugins whose Filter/Score depend on the group alone, whatever the pod. */
export const ALWAYS_GROUP_LEVEL: FastHint = Object.freeze({ groupLevel: Object.freeze({ nodeSpecific: () => false }) });

let lastTolerations: readonly unknown[] | undefined;
let lastTolerationsKey = '';

/**
 * The pod's tolerations as a verdict key (JSON: equal strings, equal tolerations). A cycle
 * asks for the same pod's key for Filter and for Score: the last frozen list's key is kept
 * (stored objects are deep-frozen, so the same list means the same key).
 */
export function tolerationsKey(pod: Pod): string {
  const t = pod.spec?.tolerations;
  if (t == null || t.length === 0) return '';
  if (t === lastTolerations) return lastTolerationsKey;
  const key = JSON.stringify(t);
  if (Object.isFrozen(t) && t.every((x) => Object.isFrozen(x))) {
    lastTolerations = t;
    lastTolerationsKey = key;
  }
  return key;
}

/** ALWAYS_GROUP_LEVEL for plugins whose Filter reads the pod only through its tolerations. */
export const TOLERATIONS_GROUP_LEVEL: FastHint = Object.freeze({
  groupLevel: Object.freeze({ nodeSpecific: () => false, podKey: tolerationsKey, scorePodKey: tolerationsKey }),
});

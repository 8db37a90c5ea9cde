/**
 * The scheduling framework's contracts, after kube-scheduler's framework/interface.go and
 * types.go: plugin interfaces per extension point, Status codes, the per-cycle scratch state,
 * and the NodeInfo view plugins read. Plugins are plain objects named with upstream's names
 * ('NodeResourcesFit', 'TaintToleration', ...); they never write cluster state.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/interface.go, types.go
 */
import type { Node, Pod } from '../model/types.js';

/** Scores are integers in [MIN_NODE_SCORE, MAX_NODE_SCORE] after normalization. */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;
/** A pod with no requests counts as this much when spreading load (non-zero requests). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip' | 'Pending';

export interface Status {
  readonly code: Code;
  /** Upstream's reason strings, e.g. 'Insufficient cpu', "node(s) didn't match Pod's node affinity/selector". */
  readonly reasons: readonly string[];
  /** The plugin that returned it (set by the framework). */
  readonly plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: Object.freeze([]) as readonly string[] });
export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: Object.freeze([]) as readonly string[] });

export function status(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

export function isSuccess(s: Status): boolean {
  return s.code === 'Success';
}

/** Resource amounts in integer units: milli-CPU, bytes, pod count, scalar resources by value. */
export interface Resource {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  /** Extended and hugepages resources, e.g. 'nvidia.com/gpu' → 2 (Quantity.value()). */
  scalar: Record<string, number>;
}

export function emptyResource(): Resource {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {} };
}

export interface HostPort {
  readonly ip: string;
  readonly protocol: string;
  readonly port: number;
}

/** A pod as the scheduler caches it, with its requests computed once (pods are immutable). */
export interface PodInfo {
  readonly pod: Pod;
  readonly key: string;
  /** computePodResourceRequest: containers, init containers (incl. sidecars) and overhead. */
  readonly requests: Resource;
  /** Like `requests`, but cpu/memory of 0 count as DEFAULT_*_REQUEST (for scoring spread). */
  readonly nonZeroRequests: Resource;
  readonly hostPorts: readonly HostPort[];
}

/**
 * What the scheduler knows about one node: the Node, its pods, and running totals.
 * Maintained incrementally by the scheduler cache; plugins only read it.
 */
export interface NodeInfo {
  readonly name: string;
  readonly node: Node;
  readonly pods: readonly PodInfo[];
  readonly podsWithAffinity: readonly PodInfo[];
  readonly podsWithRequiredAntiAffinity: readonly PodInfo[];
  readonly usedPorts: readonly HostPort[];
  readonly requested: Resource;
  readonly nonZeroRequested: Resource;
  readonly allocatable: Resource;
  /** image name → size and how many nodes have it (ImageLocality's spread factor). */
  readonly imageStates: Readonly<Record<string, { readonly sizeBytes: number; readonly numNodes: number }>>;
  /**
   * node.metadata.labels, when the NodeInfo keeps a copy of the reference (the scheduler
   * cache does): node loops over thousands of nodes read it without two more hops. Read it
   * through nodeLabels().
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The node's labels (NodeInfo.labels when kept, else node.metadata.labels). */
export function nodeLabels(ni: NodeInfo): Readonly<Record<string, string>> | undefined {
  const l = ni.labels;
  return l !== undefined ? l : ni.node.metadata?.labels;
}

/** Per-cycle scratch data shared between a plugin's extension points (upstream CycleState). */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Set when the cycle only checks (explain, preemption dry runs): no side effects. */
  skipFilterPlugins = new Set<string>();
  skipScorePlugins = new Set<string>();
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
}

export interface NodeScore {
  readonly name: string;
  score: number;
}

/** What plugins may ask of the cluster as the scheduler sees it in this cycle. */
export interface SchedulerSnapshot {
  readonly nodes: readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  /** Nodes that have at least one pod with (anti-)affinity terms. */
  readonly havePodsWithAffinity: readonly NodeInfo[];
  readonly havePodsWithRequiredAntiAffinity: readonly NodeInfo[];
}

export interface PreFilterResult {
  /** When set, only these nodes can fit (e.g. NodeAffinity on metadata.name). */
  readonly nodeNames?: ReadonlySet<string>;
}

export interface Plugin {
  /** The upstream plugin name. */
  readonly name: string;
}

/** Gatekeeper before a pod may enter activeQ (SchedulingGates). */
export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Pod): Status;
}

export interface QueueSortPlugin extends Plugin {
  less(a: PodInfo, b: PodInfo): boolean;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(cycle: CycleState, pod: Pod, snapshot: SchedulerSnapshot): { status: Status; result?: PreFilterResult };
}

export interface FilterPlugin extends Plugin {
  filter(cycle: CycleState, pod: Pod, node: NodeInfo): Status;
}

export interface PostFilterResult {
  readonly status: Status;
  /** The node the pod should go to once the victims are gone (status Success). */
  readonly nominatedNodeName?: string;
  /** Pods to evict to make room (DefaultPreemption's victims), deleted with their grace period. */
  readonly victims?: readonly Pod[];
}

export interface PostFilterPlugin extends Plugin {
  /**
   * Called when no node fits. `filteredNodeStatuses` holds each node's failing status.
   * A non-Success result's reasons become the `preemption: ...` part of FailedScheduling.
   */
  postFilter(
    cycle: CycleState,
    pod: Pod,
    filteredNodeStatuses: ReadonlyMap<string, Status>,
    snapshot: SchedulerSnapshot,
  ): PostFilterResult;
}

export interface PreScorePlugin extends Plugin {
  preScore(cycle: CycleState, pod: Pod, nodes: readonly NodeInfo[], snapshot: SchedulerSnapshot): Status;
}

export interface ScorePlugin extends Plugin {
  /** Integer score; may exceed MAX_NODE_SCORE before normalizeScore if the plugin normalizes. */
  score(cycle: CycleState, pod: Pod, node: NodeInfo): number;
  normalizeScore?(cycle: CycleState, pod: Pod, scores: NodeScore[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(cycle: CycleState, pod: Pod, nodeName: string): Status;
  unreserve(cycle: CycleState, pod: Pod, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Only 'Success' (allow) and rejections are modelled; 'Wait' is not supported. */
  permit(cycle: CycleState, pod: Pod, nodeName: string): Status;
}

export interface PreBindPlugin extends Plugin {
  preBind(cycle: CycleState, pod: Pod, nodeName: string): Status;
}

export interface BindPlugin extends Plugin {
  /** Returns Skip to let the next bind plugin bind. DefaultBinder binds via the API. */
  bind(cycle: CycleState, pod: Pod, nodeName: string): Status;
}

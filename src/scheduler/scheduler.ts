/**
 * The scheduler: queue + cache + profiles. It follows committed changes (`onChange`), and when
 * asked (`scheduleBatch`) pops pods from activeQ and runs one cycle each against its cache,
 * assuming every decision at once so the next pod sees it, and returns the API calls to make:
 * binds, Scheduled / FailedScheduling events, PodScheduled=False conditions. The sim applies
 * them in one commit; a bind that fails comes back through `bindFailed`.
 *
 * @see kubernetes/kubernetes pkg/scheduler/scheduler.go, schedule_one.go, eventhandlers.go
 */
import type { Rng } from '../clock/rng.js';
import { BadRequestError } from '../model/errors.js';
import { deepFreeze } from '../model/json.js';
import type { Action, RandomSource } from '../model/reconcile.js';
import type { Change } from '../model/store.js';
import type { Node, Pod } from '../model/types.js';
import { assignedNode, podKey, SchedulerCache } from './cache.js';
import { resolveConfiguration, type KubeSchedulerConfiguration, type ResolvedConfiguration } from './config.js';
import { explainPod, type SchedulingExplanation } from './explain.js';
import { CycleState, type Status } from './framework.js';
import { NamespacedListers } from './listers.js';
import { buildProfile, pluginPoints, type PluginFactory, type PluginRegistry, type Profile } from './profile.js';
import { DEFAULT_REGISTRY, prioritySort } from './plugins/registry.js';
import { SchedulingQueue, UNSCHEDULABLE_FLUSH_INTERVAL_MS, type QueuedPodInfo } from './queue.js';
import { formatFitError, schedulePod, type ScanState, type ScheduleOptions } from './schedule-one.js';
import { fastSchedulePod } from './fast-cycle.js';
import { NodeTable } from './node-table.js';
import { Nominator } from './nominator.js';
import { podSchedulingChanged, nodeSchedulingPropertiesChanged } from './events.js';

export interface SchedulerOptions {
  /** KubeSchedulerConfiguration as YAML text or object. */
  readonly config?: string | KubeSchedulerConfiguration;
  /** Out-of-tree plugins by name, usable in the configuration like built-in ones. */
  readonly plugins?: Readonly<Record<string, PluginFactory>>;
}

export interface SchedulerStats {
  readonly scheduled: number;
  readonly failed: number;
  readonly active: number;
  readonly backoff: number;
  readonly unschedulable: number;
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/**
 * The resolved default configuration (no config, no out-of-tree plugins): the same for every
 * cluster, so it is worked out once per process (~80 µs a cluster otherwise, for a property run
 * that builds one cluster each). Frozen, as nothing may change it: it holds no per-cluster
 * state (the plugin instances, which do, are built per scheduler from it).
 */
let defaultResolved: ResolvedConfiguration | undefined;

function defaultConfiguration(): ResolvedConfiguration {
  return (defaultResolved ??= deepFreeze(resolveConfiguration(undefined, pluginPoints(DEFAULT_REGISTRY))));
}

/**
 * A bind scheduleBatch returns, with the pod version it scheduled and the node version it
 * counted the pod on. Those are the versions the store holds (the scheduler is told of every
 * commit, and schedules between commits), so the sim's bind takes them rather than looking
 * them up among all pods and nodes (StoreBatch.getSeen; the commit checks the pod's).
 */
export interface ScheduledBind {
  readonly verb: 'bind';
  readonly podKey: string;
  readonly nodeName: string;
  readonly pod: Pod;
  readonly node: Node | undefined;
}

export class Scheduler {
  readonly config: ResolvedConfiguration;
  private readonly profiles = new Map<string, Profile>();
  private readonly cache = new SchedulerCache();
  /** The cache's nodes as typed arrays, for the indexed cycle. */
  private readonly table = new NodeTable(this.cache);
  private readonly listers = new NamespacedListers();
  /** Pending pods with a nominated node (preemptors waiting for their victims to go). */
  private readonly nominator = new Nominator();
  private readonly queue: SchedulingQueue;
  /** Pods held back by a PreEnqueue plugin (scheduling gates), by key. */
  private readonly gated = new Map<string, Pod>();
  private readonly scan: ScanState = { nextStartNodeIndex: 0 };
  private positions = new Map<string, number>();
  private positionsGeneration = -1;
  /** Set when a move event arrives while pods are being scheduled (see requeueFailed). */
  private movedDuringBatch = false;
  private nextFlushMs = UNSCHEDULABLE_FLUSH_INTERVAL_MS;
  private scheduled = 0;
  private failed = 0;

  constructor(
    options: SchedulerOptions,
    private readonly rng: Rng,
  ) {
    const registry: PluginRegistry = { ...DEFAULT_REGISTRY, ...(options.plugins ?? {}) };
    for (const name of Object.keys(options.plugins ?? {})) {
      const f = options.plugins![name]!;
      if (!f || typeof f.create !== 'function' || !Array.isArray(f.points)) {
        throw new BadRequestError(`scheduler.plugins.${name}: must be { points: ExtensionPoint[], create(args, handle) }`);
      }
    }
    this.config =
      options.config === undefined && options.plugins === undefined ? defaultConfiguration() : resolveConfiguration(options.config, pluginPoints(registry));
    for (const p of this.config.profiles) {
      const services = {
        listers: this.listers,
        rngFor: (plugin: string) => this.rng.fork(`plugin/${plugin}`),
        nominatedPodsForNode: (nodeName: string) => this.nominator.podsForNode(nodeName),
      };
      this.profiles.set(p.schedulerName, buildProfile(p, registry, services));
    }
    const first = this.profiles.values().next().value!;
    // The built-in PrioritySort is the queue's own default order (compared on heap entries).
    const builtIn = first.queueSort === prioritySort;
    const less = first.queueSort && !builtIn ? (a: QueuedPodInfo, b: QueuedPodInfo) => first.queueSort!.less(a as never, b as never) : undefined;
    // Insertion order breaks whatever ties the QueueSort plugin leaves, so the order is total.
    const total = less ? (a: QueuedPodInfo, b: QueuedPodInfo) => less(a, b) || (!less(b, a) && a.seq < b.seq) : undefined;
    this.queue = new SchedulingQueue(total, {
      initialMs: this.config.podInitialBackoffMs,
      maxMs: this.config.podMaxBackoffMs,
    });
  }

  profileNames(): string[] {
    return [...this.profiles.keys()];
  }

  stats(): SchedulerStats {
    return { scheduled: this.scheduled, failed: this.failed, ...this.queue.stats() };
  }

  /** Pods waiting in activeQ right now. */
  get pendingActive(): number {
    return this.queue.activeCount;
  }

  // ---- following the cluster ---------------------------------------------------------------

  onChange(change: Change, nowMs: number): void {
    if (change.kind === 'Pod') this.onPod(change.oldObject as Pod | undefined, change.object as Pod | undefined, nowMs);
    else if (change.kind === 'Node') this.onNode(change.oldObject as Node | undefined, change.object as Node | undefined, nowMs);
    else if (NamespacedListers.watches(change.kind)) this.listers.apply(change);
  }

  private onNode(oldNode: Node | undefined, node: Node | undefined, nowMs: number): void {
    if (!node) {
      this.cache.removeNode(oldNode!.metadata!.name!);
      return;
    }
    this.cache.setNode(node);
    if (!oldNode || nodeSchedulingPropertiesChanged(oldNode, node)) this.moveAll(nowMs);
  }

  private onPod(oldPod: Pod | undefined, pod: Pod | undefined, nowMs: number): void {
    const key = podKey((pod ?? oldPod)!);
    // An assumed pod left the queue (done) when it was assumed, and only this change can put
    // it back: neither the queue nor the gated pods hold it now, no need to look.
    const wasAssumed = this.cache.updatePod(oldPod, pod, key);
    this.nominator.update(key, pod);
    const wasAssigned = assignedNode(oldPod) !== undefined;
    const pending = pod !== undefined && !pod.spec?.nodeName && !pod.metadata?.deletionTimestamp && !isTerminal(pod);
    if (pending && this.profiles.has(pod.spec?.schedulerName ?? 'default-scheduler')) {
      if (!wasAssumed && this.queue.has(key)) {
        if (oldPod && podSchedulingChanged(oldPod, pod)) this.queue.update(key, pod, nowMs);
        // Any other change (a nomination for evaluateNominatedNode, the PodScheduled condition
        // the last failure wrote) is kept without moving the pod, as upstream's queue always
        // stores the updated pod: the next failure then compares against the condition as
        // written and leaves an unchanged one (and its lastTransitionTime) alone.
        else this.queue.refresh(key, pod);
      } else this.enqueue(key, pod, nowMs);
    } else if (!wasAssumed) {
      this.queue.delete(key);
      this.gated.delete(key);
    }
    // Resources freed on a node may let parked pods fit (AssignedPodDelete and terminal pods).
    if (wasAssigned && assignedNode(pod) === undefined) this.moveAll(nowMs);
  }

  /** Queues (or gates) a pending pod the queue does not hold. */
  private enqueue(key: string, pod: Pod, nowMs: number): void {
    const profile = this.profiles.get(pod.spec?.schedulerName ?? 'default-scheduler')!;
    for (const pl of profile.preEnqueue) {
      if (pl.preEnqueue(pod).code !== 'Success') {
        this.gated.set(key, pod);
        return;
      }
    }
    this.gated.delete(key);
    this.queue.addNew(key, pod, nowMs);
  }

  private moveAll(nowMs: number): void {
    if (this.queue.moveAllToActiveOrBackoff(nowMs) > 0 || this.inBatch) this.movedDuringBatch = true;
  }

  // ---- time ---------------------------------------------------------------------------------

  /** Runs the queue's periodic work due at `nowMs`. */
  tick(nowMs: number): void {
    this.queue.flushBackoffCompleted(nowMs);
    if (nowMs >= this.nextFlushMs) {
      this.queue.flushUnschedulableLeftover(nowMs);
      this.nextFlushMs = nowMs - (nowMs % UNSCHEDULABLE_FLUSH_INTERVAL_MS) + UNSCHEDULABLE_FLUSH_INTERVAL_MS;
    }
  }

  /**
   * When the scheduler next has something to do on its own: a backoff ending (foreground work
   * that `settle` waits for) or the unschedulable flush (background: it retries parked pods
   * every 5 minutes, which must not keep a cluster with a pending pod from settling).
   */
  nextWake(): { dueMs: number; background: boolean } | undefined {
    const backoff = this.queue.nextBackoffExpiryMs();
    if (backoff !== undefined) return { dueMs: backoff, background: false };
    if (this.queue.unschedulableCount > 0) return { dueMs: this.nextFlushMs, background: true };
    return undefined;
  }

  // ---- scheduling ---------------------------------------------------------------------------

  private inBatch = false;

  /** position() bound once (the cycles take it as a function). */
  private readonly positionOf = (name: string): number => this.position(name);

  private position(name: string): number {
    if (this.positionsGeneration !== this.cache.nodeSetGeneration) {
      this.positions = new Map(this.cache.nodes.map((n, i) => [n.name, i]));
      this.positionsGeneration = this.cache.nodeSetGeneration;
    }
    return this.positions.get(name) ?? Number.MAX_SAFE_INTEGER;
  }

  /** Schedules up to `maxPods` pods from activeQ and returns the API calls that follow. */
  scheduleBatch(nowMs: number, now: string, maxPods = Infinity): Action[] {
    const actions: Action[] = [];
    this.inBatch = true;
    try {
      for (let n = 0; n < maxPods; n++) {
        const info = this.queue.pop();
        if (!info) break;
        this.movedDuringBatch = false;
        this.scheduleOne(info, nowMs, now, actions);
      }
    } finally {
      this.inBatch = false;
    }
    return actions;
  }

  private scheduleOne(info: QueuedPodInfo, nowMs: number, now: string, actions: Action[]): void {
    const pod = info.pod;
    const profile = this.profiles.get(pod.spec?.schedulerName ?? 'default-scheduler')!;
    const position = this.positionOf;
    // Pods nominated elsewhere with at least this pod's priority hold their room: only the
    // plain cycle counts them (the indexed one does not model them).
    const nominated = this.nominator.anyAtOrAbove(pod.spec?.priority ?? 0, info.key);
    // Literals, not a conditional spread: this runs once per pod.
    const options: ScheduleOptions = nominated
      ? {
          profile,
          snapshot: this.cache,
          pod,
          rng: this.rng,
          scan: this.scan,
          percentageOfNodesToScore: this.config.percentageOfNodesToScore,
          nominatedPodsForNode: (n: string) => this.nominator.podsForNode(n),
        }
      : { profile, snapshot: this.cache, pod, rng: this.rng, scan: this.scan, percentageOfNodesToScore: this.config.percentageOfNodesToScore };
    // The indexed cycle decides as schedulePod would; it declines (undefined) what it does
    // not model and when no node fits, and then the plain cycle runs.
    const result = (nominated ? undefined : fastSchedulePod(options, this.table, position)) ?? schedulePod(options, position);
    if (result.nodeName === null) {
      this.failed++;
      const unschedulable = result.fitError !== undefined;
      let message = result.error ?? 'scheduling error';
      let post: PostFilterOutcome = {};
      if (result.fitError) {
        post = this.runPostFilter(profile, result.cycle, pod, result.fitError.nodeToStatus);
        if (post.message) result.fitError.postFilterMsg = post.message;
        message = formatFitError(result.fitError);
      }
      this.queue.requeueFailed(info, nowMs, unschedulable && !post.error, this.movedDuringBatch);
      actions.push(...failureActions(pod, profile.schedulerName, message, now, post.nominatedNodeName));
      if (post.victims && post.nominatedNodeName) {
        actions.push(...preemptionActions(pod, post.victims, post.nominatedNodeName, profile.schedulerName, now));
      }
      return;
    }
    const node = result.nodeName;
    const rejected = this.runReservePermitPreBind(profile, result.cycle, pod, node);
    if (rejected) {
      this.failed++;
      this.queue.requeueFailed(info, nowMs, rejected.code !== 'Error', this.movedDuringBatch);
      actions.push(...failureActions(pod, profile.schedulerName, rejected.reasons.join(', '), now, undefined));
      return;
    }
    const boundNode = this.cache.assume(pod, node, info.key);
    this.queue.done(info.key);
    this.scheduled++;
    const bind: ScheduledBind = { verb: 'bind', podKey: info.key, nodeName: node, pod, node: boundNode };
    actions.push(
      bind,
      {
        verb: 'event',
        event: {
          involvedObject: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata!.name!, uid: pod.metadata?.uid },
          type: 'Normal',
          reason: 'Scheduled',
          message: `Successfully assigned ${info.key} to ${node}`,
          source: profile.schedulerName,
        },
      },
    );
  }

  /**
   * RunPostFilterPlugins: the first plugin that succeeds decides (a nomination and victims);
   * otherwise the plugins' messages become the `preemption: ...` part of the failure.
   */
  private runPostFilter(profile: Profile, cycle: CycleState, pod: Pod, statuses: ReadonlyMap<string, Status>): PostFilterOutcome {
    const messages: string[] = [];
    let nominatedNodeName: string | undefined;
    for (const pl of profile.postFilter) {
      const r = pl.postFilter(cycle, pod, statuses, this.cache);
      if (r.status.code === 'Success') {
        return r.nominatedNodeName === undefined ? { victims: r.victims ?? [] } : { nominatedNodeName: r.nominatedNodeName, victims: r.victims ?? [] };
      }
      if (r.nominatedNodeName !== undefined) nominatedNodeName = r.nominatedNodeName;
      if (r.status.reasons.length > 0) messages.push(r.status.reasons.join(', '));
      if (r.status.code === 'Error') return { message: messages.join(' '), error: true };
    }
    const out: PostFilterOutcome = messages.length > 0 ? { message: messages.join(' ') } : {};
    return nominatedNodeName === undefined ? out : { ...out, nominatedNodeName };
  }

  /** Reserve, Permit (allow or reject) and PreBind; the first rejection unreserves all. */
  private runReservePermitPreBind(profile: Profile, cycle: CycleState, pod: Pod, node: string) {
    const reserved: typeof profile.reserve[number][] = [];
    const unreserve = () => {
      for (const pl of [...reserved].reverse()) pl.unreserve(cycle, pod, node);
    };
    for (const pl of profile.reserve) {
      const s = pl.reserve(cycle, pod, node);
      reserved.push(pl);
      if (s.code !== 'Success') {
        unreserve();
        return s;
      }
    }
    for (const pl of [...profile.permit, ...profile.preBind]) {
      const s = 'permit' in pl ? pl.permit(cycle, pod, node) : pl.preBind(cycle, pod, node);
      if (s.code !== 'Success' && s.code !== 'Skip') {
        unreserve();
        return s;
      }
    }
    for (const pl of profile.bind) {
      const s = pl.bind(cycle, pod, node);
      if (s.code === 'Skip') continue;
      if (s.code !== 'Success') {
        unreserve();
        return s;
      }
      return undefined;
    }
    unreserve();
    return { code: 'Error' as const, reasons: ['no bind plugin bound the pod'] };
  }

  /** The bind write failed (e.g. the pod was deleted): undo and retry with backoff. */
  bindFailed(pod: Pod, nowMs: number): void {
    this.cache.forget(pod);
    this.scheduled--;
    if (!pod.spec?.nodeName && !pod.metadata?.deletionTimestamp) this.queue.add(podKey(pod), pod, nowMs);
  }

  // ---- explain ------------------------------------------------------------------------------

  explain(pod: Pod, profileName?: string): SchedulingExplanation {
    const name = profileName ?? pod.spec?.schedulerName ?? 'default-scheduler';
    const profile = this.profiles.get(name);
    if (!profile) throw new BadRequestError(`scheduler.explain: no profile named "${name}" (profiles: ${this.profileNames().join(', ')})`);
    const nominated = (n: string) => this.nominator.podsForNode(n);
    if (!pod.spec?.nodeName) return explainPod(profile, this.cache, pod, this.forkForExplain(), (n) => this.position(n), nominated);
    // A bound pod is explained as if it were pending again: not on its node, no nodeName.
    const pending = { ...pod, spec: { ...pod.spec, nodeName: undefined } } as Pod;
    this.cache.updatePod(pod, undefined);
    try {
      return explainPod(profile, this.cache, pending, this.forkForExplain(), (n) => this.position(n), nominated);
    } finally {
      this.cache.updatePod(undefined, pod);
    }
  }

  /** Explaining draws from its own stream, so it never shifts the run's tie-breaks. */
  private forkForExplain(): RandomSource {
    const rng = this.rng as RandomSource & { fork?: (name: string) => RandomSource };
    return rng.fork ? rng.fork('explain') : rng;
  }
}

interface PostFilterOutcome {
  readonly message?: string;
  /** undefined: leave the pod's nomination; '': clear it; a name: nominate that node. */
  readonly nominatedNodeName?: string;
  readonly victims?: readonly Pod[];
  readonly error?: boolean;
}

const podRef = (pod: Pod) => ({ kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata!.name!, uid: pod.metadata?.uid });

function failureActions(pod: Pod, schedulerName: string, message: string, now: string, nominatedNodeName: string | undefined): Action[] {
  const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  const old = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const same = old && old.status === 'False' && old.reason === 'Unschedulable' && old.message === message;
  const nominationChanges = nominatedNodeName !== undefined && nominatedNodeName !== (pod.status?.nominatedNodeName ?? '');
  const actions: Action[] = [];
  if (!same || nominationChanges) {
    // UpdatePodCondition keeps lastTransitionTime while the status stays False.
    const since = old?.status === 'False' ? (old.lastTransitionTime ?? now) : now;
    conditions.push({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null as never, lastTransitionTime: since });
    const status: Record<string, unknown> = { ...pod.status, conditions };
    if (nominatedNodeName === '') delete status.nominatedNodeName;
    else if (nominatedNodeName !== undefined) status.nominatedNodeName = nominatedNodeName;
    actions.push({ verb: 'updateStatus', object: { ...(pod as object), metadata: { ...pod.metadata, resourceVersion: undefined }, status } as never });
  }
  actions.push({
    verb: 'event',
    event: {
      involvedObject: podRef(pod),
      type: 'Warning',
      reason: 'FailedScheduling',
      message,
      source: schedulerName,
    },
  });
  return actions;
}

/**
 * Carrying out a preemption (prepareCandidate): each victim is marked DisruptionTarget, then
 * deleted with its grace period, and gets a Preempted event.
 */
function preemptionActions(pod: Pod, victims: readonly Pod[], node: string, schedulerName: string, now: string): Action[] {
  const actions: Action[] = [];
  for (const victim of victims) {
    if (victim.metadata?.deletionTimestamp) continue;
    const conditions = (victim.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
    conditions.push({
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: `${schedulerName}: preempting to accommodate a higher priority pod`,
      lastTransitionTime: now,
    } as never);
    const key = `${victim.metadata?.namespace ?? 'default'}/${victim.metadata!.name!}`;
    actions.push(
      { verb: 'updateStatus', object: { ...(victim as object), metadata: { ...victim.metadata, resourceVersion: undefined }, status: { ...victim.status, conditions } } as never },
      { verb: 'delete', kind: 'Pod', key },
      {
        verb: 'event',
        event: { involvedObject: podRef(victim), type: 'Normal', reason: 'Preempted', message: `Preempted by pod ${pod.metadata?.uid ?? ''} on node ${node}`, source: schedulerName },
      },
    );
  }
  return actions;
}

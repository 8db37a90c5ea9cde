/**
 * The Cluster facade: owns the state, the virtual clock and its timers, the seeded random
 * streams, the controller work queue, the event emitter and the trace. Every write — a user's
 * call or a reconciler's action — goes through `commit`, which runs the model's write path in
 * one StoreBatch, commits it copy-on-write, then traces, emits and wakes watchers. Public option
 * and API types are in ./cluster-types.ts; carrying out actions is in ./actions.ts.
 *
 * Layering note: `cluster.kubectl()` is part of the public API, so this module imports
 * src/kubectl; src/kubectl never imports src/sim (it talks to a KubectlTarget interface).
 */
import { EventEmitter } from 'eventemitter3';
import { parseDuration, type Duration } from '../clock/duration.js';
import { Rng } from '../clock/rng.js';
import { TimerQueue } from '../clock/timer-queue.js';
import { BadRequestError, InternalError, KubesimError, NotFoundError } from '../model/errors.js';
import { SYSTEM_PRIORITY_CLASSES } from '../model/admission/priority.js';
import { cloneJson } from '../model/json.js';
import { groupResource, resolveResource, type KindInfo } from '../model/kinds.js';
import { parseSelector } from '../model/labels/selector.js';
import { decodeManifests, withSource, type DecodedObject } from '../model/manifest.js';
import type { Reconciler } from '../model/reconcile.js';
import {
  emptyState,
  getObject,
  isInternalTable,
  listObjects,
  splitObjectKey,
  StoreBatch,
  type Change,
  type ClusterState,
} from '../model/store.js';
import { formatRFC3339, parseRFC3339 } from '../model/time.js';
import type { Deployment, KubeObject, Pod, StoredObject } from '../model/types.js';
import {
  createObject,
  deleteObject,
  expireEvent,
  updateObject,
  type DeleteOptions,
  type DeleteResult,
  type WriteContext,
} from '../model/writes.js';
import { applyObject, type ApplyResult } from './apply.js';
import { bootstrapNodes, SYSTEM_NAMESPACES } from './bootstrap.js';
import { builtinReconcilers } from './builtins.js';
import { ControllerLoop } from './controller-loop.js';
import { EventRecorder } from './events.js';
import { DEFAULT_EVENT_TTL_MS, EventExpiry } from './event-ttl.js';
import { Indexer } from './indexer.js';
import { applyAction, applyActions, applyBind } from './actions.js';
import type {
  ClusterEvents,
  ClusterOptions,
  DeleteCallOptions,
  GetOptions,
  RolloutApi,
  SchedulerApi,
  WatchEventType,
} from './cluster-types.js';
import { Trace, type TraceEntry, type WriteRecord } from './trace.js';
import { runKubectl } from '../kubectl/index.js';
import type { KubectlOptions } from '../kubectl/target.js';
import { evictPod } from '../model/eviction.js';
import { patchObject, type PatchType } from '../model/patch.js';
import { decodeManifestsStrict } from '../model/strict-decode.js';
import { cordonNode, runDrain, type DrainOptions, type DrainResult } from './drain.js';
import { KubectlError } from '../kubectl/errors.js';
import { API_SERVER_URL } from '../kubectl/info.js';
import { ControlPlane, mirrorPods, staticPodStatus } from './control-plane.js';
import { Faults, type FaultHost, type ScheduledFault } from './faults.js';
import { FAULT_TABLE, machineDown, nodeLease } from '../reconcilers/kubelet/node-lease.js';
import type { NetworkAllocator } from '../model/admission/service-allocation.js';
import { ingressControllerIP, networkAllocator } from '../network/ipam.js';
import { resolveNetworkOptions, type ResolvedNetwork } from '../network/options.js';
import { Router } from '../network/router.js';
import { systemServices } from './bootstrap.js';
import {
  deploymentRolloutStatus,
  ownedReplicaSets,
  requireDeployment,
  resolveRef,
  runPod,
  scaled,
  withImage,
  withPaused,
  withRestartedAt,
  withRolledBackTemplate,
  type RunOptions,
  type WorkloadRef,
} from './workload-verbs.js';
import { rollbackTemplate, rolloutHistory } from '../reconcilers/deployment/index.js';
import type { SchedulingExplanation } from '../scheduler/explain.js';
import { Scheduler, type ScheduledBind } from '../scheduler/scheduler.js';

export type {
  ClusterOptions,
  ClusterEvents,
  DeleteCallOptions,
  GetOptions,
  RolloutApi,
  SchedulerApi,
  WatchEvent,
  WatchEventType,
} from './cluster-types.js';

/**
 * Timers are data. `background` timers (periodic housekeeping such as the scheduler's flush of
 * long-unschedulable pods) run when time passes but do not keep `settle` from returning.
 */
type TimerPayload =
  | { readonly type: 'requeue'; readonly controller: number; readonly key: string; readonly background: false }
  | { readonly type: 'scheduler'; readonly background: boolean }
  | { readonly type: 'fault'; readonly fault: ScheduledFault; readonly background: false }
  | { readonly type: 'eventTtl'; readonly background: true };

/** How many pods one scheduling step binds before controllers run again (one commit each). */
const SCHEDULE_BATCH = 1024;

const DEFAULT_START = '2025-01-01T00:00:00Z';
const DEFAULT_SETTLE_TIMEOUT = '10m';

export class Cluster {
  readonly seed: string;
  private current: ClusterState;
  private readonly epochMs: number;
  private readonly timers = new TimerQueue<TimerPayload>();
  private readonly rng: Rng;
  private readonly apiIds: Rng;
  private readonly emitter = new EventEmitter<ClusterEvents>();
  private readonly log: Trace;
  private readonly writeRecord: WriteRecord = { tMs: 0, op: 'ADDED', kind: '', namespace: undefined, name: '', resourceVersion: '' };
  private readonly loop = new ControllerLoop();
  private readonly recorder = new EventRecorder();
  /** Event leases (kube-apiserver --event-ttl); undefined when Events never expire. */
  private readonly eventExpiry: EventExpiry | undefined;
  private eventTimer: { id: number; dueMs: number } | undefined;
  private readonly indexer = new Indexer(() => this.current);
  private readonly maxStepsPerInstant: number;
  private readonly sched: Scheduler | undefined;
  /** The pending scheduler wake-up timer, if any. */
  private schedulerTimer: { id: number; dueMs: number; background: boolean } | undefined;
  /** `nowTimestamp` for the virtual ms it was last worked out at. */
  private stamp: { readonly ms: number; readonly text: string } = { ms: -1, text: '' };
  /** Live timers that `settle` waits for. */
  private foregroundTimers = 0;
  readonly scheduler: SchedulerApi;
  readonly rollout: RolloutApi;
  /** DNS, kube-proxy routing, Ingress, partitions and traffic statistics. */
  readonly network: Router;
  private readonly net: ResolvedNetwork;
  private readonly allocator: NetworkAllocator;
  /** The masters (etcd members) and whether the API is available. */
  readonly controlPlane: ControlPlane;
  /** Fault injection: nodes, kubelets, zones, masters, partitions; now or scheduled as data. */
  readonly faults: Faults;

  constructor(options: ClusterOptions = {}) {
    if (options === null || typeof options !== 'object') throw new BadRequestError('createCluster: options must be an object');
    this.seed = String(options.seed ?? 1);
    this.rng = Rng.root(this.seed);
    this.apiIds = this.rng.fork('api');
    this.epochMs = parseRFC3339(options.startTime ?? DEFAULT_START);
    this.log = new Trace(options.keepTrace ?? true);
    this.maxStepsPerInstant = options.maxStepsPerInstant ?? 1_000_000;
    const eventTtlMs = options.eventTTL === undefined ? DEFAULT_EVENT_TTL_MS : durationOption('eventTTL', options.eventTTL);
    if (eventTtlMs < 0) throw new BadRequestError(`createCluster: eventTTL must not be negative, got ${String(options.eventTTL)}`);
    this.eventExpiry = eventTtlMs > 0 ? new EventExpiry(eventTtlMs) : undefined;
    this.current = emptyState();
    this.net = resolveNetworkOptions(options.network);
    this.allocator = networkAllocator(this.net, this.rng.fork('ipam'));
    this.network = new Router({
      state: () => this.current,
      rng: this.rng.fork('network'),
      proxyMode: this.net.options.proxyMode,
      clusterDomain: this.net.options.clusterDomain,
      isNodeDown: (name) => machineDown(this.current, name),
    });
    this.sched =
      options.scheduler === false
        ? undefined
        : new Scheduler({ config: options.scheduler, plugins: options.schedulerPlugins }, this.rng.fork('scheduler'));
    this.scheduler = {
      explain: (pod, opts = {}) => this.explain(pod, opts),
      stats: () => {
        if (!this.sched) throw new BadRequestError('this cluster runs no scheduler (createCluster({ scheduler: false }))');
        return this.sched.stats();
      },
    };
    this.rollout = this.rolloutApi();
    const masters = options.controlPlane?.masters ?? 0;
    this.controlPlane = new ControlPlane(Array.from({ length: Number.isInteger(masters) && masters > 0 ? masters : 0 }, (_, i) => `control-plane-${i + 1}`));
    this.faults = new Faults(this.faultHost());
    const userReconcilers = options.reconcilers ?? [];
    for (const r of builtinReconcilers(options, this.seed, { ...this.net.options, ingressIP: ingressControllerIP(this.net) }, new Set(userReconcilers.map((u) => u.name)))) this.addReconciler(r);
    for (const r of userReconcilers) this.addReconciler(r);
    const nodes = bootstrapNodes(options, formatRFC3339(this.epochMs));
    this.commit((batch, ctx) => {
      for (const name of SYSTEM_NAMESPACES) {
        createObject(batch, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, ctx);
      }
      for (const svc of systemServices(this.net)) createObject(batch, svc, ctx);
      for (const pc of SYSTEM_PRIORITY_CLASSES) {
        const { name, ...rest } = pc;
        createObject(batch, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, ...rest }, ctx);
      }
      // The kubelets register their nodes and Leases. The Leases take their uids from a stream
      // of their own, so that adding them did not shift any other object's uid or name.
      const registration = { ...ctx, ids: this.rng.fork('node-registration') };
      nodes.forEach((node, i) => {
        const stored = createObject(batch, cloneJson(node, `createCluster: nodes[${i}]`) as KubeObject, ctx);
        createObject(batch, nodeLease(stored, this.epochMs), registration);
      });
    });
    this.runDue();
    this.startStaticPods(options.kubeletVersion ?? 'v1.32.0');
  }

  /**
   * The masters' kubelets start their static pods (etcd, kube-apiserver, ...) before the API
   * is up, then create mirror pods for them: here, Running from the cluster's start.
   */
  private startStaticPods(version: string): void {
    if (this.controlPlane.members.length === 0) return;
    this.commit((batch, ctx) => {
      const ids = { ...ctx, ids: this.rng.fork('static-pods') };
      for (const name of this.controlPlane.members) {
        const node = batch.get('Node', undefined, name);
        if (!node) continue;
        for (const manifest of mirrorPods(node, version, this.seed, this.nowTimestamp)) {
          const pod = createObject(batch, manifest, ids);
          const status = staticPodStatus(pod, node, this.epochMs, this.seed);
          updateObject(batch, { ...(cloneJson(pod) as object), status: { ...(pod.status as object), ...status } } as KubeObject, ctx, { subresource: 'status' });
        }
      }
    });
    this.runDue();
  }

  /** The current immutable state. */
  get state(): ClusterState {
    return this.current;
  }

  /** Virtual time in ms since the cluster started. */
  get now(): number {
    return this.current.nowMs;
  }

  /** Virtual time as the RFC 3339 wall-clock instant objects carry in their timestamps. */
  get nowTimestamp(): string {
    // Every reconcile and scheduling step asks; the clock moves far less often than that.
    const ms = this.current.nowMs;
    if (this.stamp.ms !== ms) this.stamp = { ms, text: formatRFC3339(this.epochMs + ms) };
    return this.stamp.text;
  }

  // ---- reconcilers -------------------------------------------------------------------------

  /** Registers a reconciler; it is woken for existing objects of the kinds it watches. */
  addReconciler(reconciler: Reconciler): void {
    const index = this.loop.add(reconciler, this.rng.fork(`reconciler/${reconciler.name}`));
    for (const kind of Object.keys(reconciler.watches).sort()) {
      for (const obj of listObjects(this.current, kind)) {
        this.loop.onChange({ kind, object: obj, oldObject: undefined }, this.current);
      }
    }
    void index;
  }

  // ---- the API -----------------------------------------------------------------------------

  /**
   * kubectl apply: creates each object or updates it from the last-applied configuration.
   * All-or-nothing: if any object is rejected, the error names its document and nothing changes.
   */
  apply(input: string | object | readonly object[]): ApplyResult[] {
    this.requireApi();
    const decoded = decodeManifestsStrict(input);
    const results = this.commit((batch, ctx) => eachDocument(decoded, (obj) => applyObject(batch, obj, ctx)));
    this.runDue();
    return results;
  }

  /** kubectl create: every object must be new. All-or-nothing. */
  create(input: string | object | readonly object[]): StoredObject[] {
    this.requireApi();
    const decoded = decodeManifestsStrict(input);
    const created = this.commit((batch, ctx) => eachDocument(decoded, (obj) => createObject(batch, obj, ctx)));
    this.runDue();
    return created;
  }

  /** kubectl replace: a full update; a resourceVersion in the object makes it conditional. */
  replace(input: string | object | readonly object[]): StoredObject[] {
    this.requireApi();
    const decoded = decodeManifestsStrict(input);
    const replaced = this.commit((batch, ctx) => eachDocument(decoded, (obj) => updateObject(batch, obj, ctx)));
    this.runDue();
    return replaced;
  }

  /** Writes an object's status (the status subresource), as a controller or kubelet would. */
  updateStatus(input: object): StoredObject {
    this.requireApi();
    const [d] = decodeManifests(input);
    const result = this.commit((batch, ctx) => updateObject(batch, d!.object, ctx, { subresource: 'status' }));
    this.runDue();
    return result;
  }

  /** kubectl delete KIND NAME: graceful for pods on nodes; propagation Background by default. */
  delete(kind: string, name: string, opts: DeleteCallOptions = {}): DeleteResult {
    this.requireApi();
    const info = resolveResource(kind);
    const result = this.commit((batch, ctx) => deleteObject(batch, info.kind, opts.namespace, name, ctx, opts));
    this.runDue();
    return result;
  }

  /** kubectl scale: sets spec.replicas of a Deployment, ReplicaSet or ReplicationController. */
  scale(ref: WorkloadRef, replicas: number, opts: { namespace?: string } = {}): StoredObject {
    return this.writeOne(scaled(this.getRef(ref, opts.namespace), replicas));
  }

  /** kubectl set image: `container` ('*' for all) of a pod or a workload's template. */
  setImage(ref: WorkloadRef, container: string, image: string, opts: { namespace?: string } = {}): StoredObject {
    return this.writeOne(withImage(this.getRef(ref, opts.namespace), container, image));
  }

  /** kubectl run NAME --image=IMG: creates a bare pod labelled run=NAME. */
  run(name: string, opts: RunOptions): StoredObject {
    return this.create(runPod(name, opts))[0]!;
  }

  private getRef(ref: WorkloadRef, namespace?: string): StoredObject {
    const r = resolveRef(ref, namespace);
    return this.get(r.info.kind, r.name, { namespace: r.namespace });
  }

  private writeOne(obj: KubeObject): StoredObject {
    this.requireApi();
    const result = this.commit((batch, ctx) => updateObject(batch, obj, ctx));
    this.runDue();
    return result;
  }

  private rolloutApi(): RolloutApi {
    const deployment = (ref: WorkloadRef, ns: string | undefined, verb: string) => requireDeployment(this.getRef(ref, ns), verb);
    const replicaSets = (d: Deployment) => ownedReplicaSets(d, this.get('rs', undefined, { namespace: d.metadata?.namespace }));
    return {
      status: (ref, o = {}) => deploymentRolloutStatus(deployment(ref, o.namespace, 'rollout status')),
      history: (ref, o = {}) => {
        const d = deployment(ref, o.namespace, 'rollout history');
        return rolloutHistory(d, replicaSets(d));
      },
      undo: (ref, o = {}) => {
        const d = deployment(ref, o.namespace, 'rollout undo');
        const r = rollbackTemplate(d, replicaSets(d), o.toRevision ?? 0);
        if (r.unchanged) return { revision: r.revision, skipped: true };
        this.writeOne(withRolledBackTemplate(d, r.template, r.annotations));
        return { revision: r.revision, skipped: false };
      },
      pause: (ref, o = {}) => this.writeOne(withPaused(deployment(ref, o.namespace, 'rollout pause'), true)),
      resume: (ref, o = {}) => this.writeOne(withPaused(deployment(ref, o.namespace, 'rollout resume'), false)),
      restart: (ref, o = {}) => this.writeOne(withRestartedAt(deployment(ref, o.namespace, 'rollout restart'), this.nowTimestamp)),
    };
  }

  /**
   * Runs a kubectl command line against the cluster and returns what kubectl prints, e.g.
   * `cluster.kubectl('get pods -o wide')`. Failures throw KubectlError with kubectl's message.
   */
  kubectl(args: string, opts?: KubectlOptions): string {
    if (!this.controlPlane.available(this.current)) {
      const host = API_SERVER_URL.replace(/^https:\/\//, '');
      throw new KubectlError('ServiceUnavailable', `The connection to the server ${host} was refused - did you specify the right host or port?`);
    }
    return runKubectl(this, args, opts);
  }

  /** kubectl patch: strategic-merge (default), JSON merge (RFC 7386) or JSON patch (RFC 6902). */
  patch(kind: string, name: string, patch: string | object, opts: { type?: PatchType; namespace?: string } = {}): StoredObject {
    this.requireApi();
    const info = resolveResource(kind);
    const result = this.commit((batch, ctx) => {
      const live = batch.get(info.kind, info.namespaced ? (opts.namespace ?? 'default') : undefined, name);
      if (!live) throw new NotFoundError(groupResource(info), name);
      return updateObject(batch, patchObject(live, patch, opts.type ?? 'strategic'), ctx);
    });
    this.runDue();
    return result;
  }

  /** The pods/eviction subresource: deletes the pod unless a PodDisruptionBudget forbids it (429). */
  evict(pod: string, opts: { namespace?: string } & DeleteOptions = {}): DeleteResult {
    this.requireApi();
    const { namespace, name } = pod.includes('/') ? splitObjectKey(pod) : { namespace: opts.namespace, name: pod };
    const result = this.commit((batch, ctx) => evictPod(batch, namespace ?? 'default', name, ctx, opts));
    this.runDue();
    return result;
  }

  /** kubectl cordon: marks the node unschedulable. Returns kubectl's line (`node/x cordoned`). */
  cordon(node: string): string {
    const r = cordonNode(this.get('node', node), true);
    if (r.object) this.replace(r.object);
    return r.line;
  }

  /** kubectl uncordon. */
  uncordon(node: string): string {
    const r = cordonNode(this.get('node', node), false);
    if (r.object) this.replace(r.object);
    return r.line;
  }

  /**
   * kubectl drain: cordons, then evicts the node's pods through the Eviction API (refused
   * evictions are retried every 5 s of virtual time, as kubectl does) and waits for them to go.
   * Returns kubectl's output lines, and the error kubectl would exit with.
   */
  drain(node: string, opts: DrainOptions = {}): DrainResult {
    return runDrain(
      {
        state: () => this.current,
        now: () => this.current.nowMs,
        update: (o) => void this.replace(o),
        evict: (key, o) => void this.evict(key, o),
        advanceTo: (ms) => this.advance(Math.max(0, ms - this.current.nowMs)),
      },
      node,
      opts,
    );
  }

  /** One object; throws NotFound (`pods "web" not found`) when absent. */
  get(kind: string, name: string, opts?: GetOptions): StoredObject;
  /** A list, sorted by namespace and name, in the namespace (default `default`) or all. */
  get(kind: string, name?: undefined, opts?: GetOptions): StoredObject[];
  get(kind: string, name?: string, opts: GetOptions = {}): StoredObject | StoredObject[] {
    this.requireApi();
    const info = resolveResource(kind);
    if (name !== undefined) {
      const obj = this.find(info.kind, name, opts);
      if (!obj) throw new NotFoundError(groupResource(info), name);
      return obj;
    }
    const namespace = !info.namespaced || opts.allNamespaces ? undefined : (opts.namespace ?? 'default');
    const items = listObjects(this.current, info.kind, namespace);
    if (opts.selector === undefined) return items;
    const selector = parseSelector(opts.selector);
    return items.filter((o) => selector.matches(o.metadata.labels));
  }

  /** Like `get` for one object, but undefined instead of NotFound. */
  find(kind: string, name: string, opts: GetOptions = {}): StoredObject | undefined {
    this.requireApi();
    const info: KindInfo = resolveResource(kind);
    return getObject(this.current, info.kind, info.namespaced ? (opts.namespace ?? 'default') : undefined, name);
  }

  // ---- time --------------------------------------------------------------------------------

  /** Moves virtual time forward, running every timer and reconcile due on the way. */
  advance(duration: Duration): void {
    const ms = parseDuration(duration);
    if (ms < 0) throw new BadRequestError(`advance: duration must not be negative, got ${String(duration)}`);
    this.runTo(this.current.nowMs + ms, () => false);
  }

  /**
   * Runs until `predicate(state)` holds (checked after every step), or `timeout` of virtual
   * time passes. Returns whether the predicate held.
   */
  runUntil(predicate: (state: ClusterState) => boolean, opts: { timeout?: Duration } = {}): boolean {
    const deadline = this.current.nowMs + parseDuration(opts.timeout ?? DEFAULT_SETTLE_TIMEOUT);
    if (predicate(this.current)) return true;
    return this.runTo(deadline, predicate);
  }

  /**
   * Runs until nothing is left to do — no queued reconciles and no pending timers — or until
   * `timeout` of virtual time. Returns true if the cluster became quiet, with the clock at the
   * moment it did.
   */
  settle(opts: { timeout?: Duration } = {}): boolean {
    const deadline = this.current.nowMs + parseDuration(opts.timeout ?? DEFAULT_SETTLE_TIMEOUT);
    for (;;) {
      this.runDue();
      if (this.foregroundTimers === 0 && this.blockedWork()) {
        // The API is down with work waiting for it: nothing happens until someone acts.
        this.timers.advanceTo(deadline);
        this.setNow(deadline);
        return false;
      }
      if (this.foregroundTimers === 0) return true;
      const next = this.timers.peek();
      if (!next || next.dueMs > deadline) {
        this.timers.advanceTo(deadline);
        this.setNow(deadline);
        return false;
      }
      this.fireInstant(next.dueMs);
    }
  }

  private runTo(targetMs: number, stop: (state: ClusterState) => boolean): boolean {
    this.runDue();
    if (stop(this.current)) return true;
    for (;;) {
      const next = this.timers.peek();
      if (!next || next.dueMs > targetMs) break;
      this.fireInstant(next.dueMs);
      this.runDue();
      if (stop(this.current)) return true;
    }
    this.timers.advanceTo(targetMs);
    this.setNow(targetMs);
    return stop(this.current);
  }

  /**
   * Fires every timer due at `dueMs` before any of the work they wake runs: one instant is one
   * step, so a wave of pods turning Ready at the same millisecond costs each Service one
   * Endpoints sync (the work queue dedupes keys still waiting), not one sync per pod.
   */
  private fireInstant(dueMs: number): void {
    this.setNow(dueMs);
    for (let timer = this.timers.popDue(dueMs); timer; timer = this.timers.popDue(dueMs)) this.fire(timer.payload);
  }

  private setNow(ms: number): void {
    if (ms === this.current.nowMs) return;
    this.current = new StoreBatch(this.current).commit(ms);
  }

  private fire(payload: TimerPayload): void {
    if (!payload.background) this.foregroundTimers--;
    if (payload.type === 'fault') {
      try {
        this.faults.run(payload.fault.spec);
      } catch (e) {
        if (!(e instanceof KubesimError)) throw e;
        this.log.record({ tMs: this.current.nowMs, op: 'error', controller: 'faults', key: payload.fault.spec.fault, message: e.message });
      }
      return;
    }
    if (payload.type === 'eventTtl') {
      this.eventTimer = undefined;
      this.expireEvents();
      return;
    }
    if (payload.type === 'scheduler') {
      this.schedulerTimer = undefined;
      this.sched!.tick(this.current.nowMs);
      return;
    }
    const c = this.loop.controller(payload.controller);
    const pending = c.delayed.get(payload.key);
    if (pending && pending.dueMs <= this.timers.nowMs) c.delayed.delete(payload.key);
    this.loop.enqueue(payload.controller, payload.key);
  }

  private schedule(dueMs: number, payload: TimerPayload): number {
    if (!payload.background) this.foregroundTimers++;
    return this.timers.schedule(dueMs, payload).id;
  }

  private cancel(id: number, payload: TimerPayload): void {
    if (this.timers.cancel(id) && !payload.background) this.foregroundTimers--;
  }

  /** Keeps one timer for the scheduler's next wake-up (backoff end or periodic flush). */
  private armSchedulerTimer(): void {
    const wake = this.sched?.nextWake();
    const pending = this.schedulerTimer;
    if (!wake) return;
    const dueMs = Math.max(wake.dueMs, this.current.nowMs);
    if (pending && pending.dueMs <= dueMs) return;
    if (pending) this.cancel(pending.id, { type: 'scheduler', background: pending.background });
    this.schedulerTimer = { id: this.schedule(dueMs, { type: 'scheduler', background: wake.background }), dueMs, background: wake.background };
  }

  private explain(pod: string | object, opts: { profile?: string; namespace?: string }): SchedulingExplanation {
    if (!this.sched) throw new BadRequestError('this cluster runs no scheduler (createCluster({ scheduler: false }))');
    let obj: Pod;
    if (typeof pod === 'string') {
      const { namespace, name } = pod.includes('/') ? splitObjectKey(pod) : { namespace: opts.namespace, name: pod };
      obj = this.get('pod', name, { namespace }) as Pod;
    } else {
      // An object that is not stored yet: default it as the API server would, without storing.
      const [d] = decodeManifests(pod);
      const batch = new StoreBatch(this.current);
      // Its own id stream, so explaining never shifts the uids and names of the real run.
      obj = createObject(batch, d!.object, { nowMs: this.current.nowMs, epochMs: this.epochMs, ids: this.rng.fork('explain') }) as Pod;
    }
    return this.sched.explain(obj, opts.profile);
  }

  // ---- events and trace --------------------------------------------------------------------

  on<E extends keyof ClusterEvents>(event: E, listener: ClusterEvents[E]): this {
    this.emitter.on(event, listener as never);
    return this;
  }

  off<E extends keyof ClusterEvents>(event: E, listener: ClusterEvents[E]): this {
    this.emitter.off(event, listener as never);
    return this;
  }

  /** Every step of the run so far. */
  trace(): readonly TraceEntry[] {
    return this.log.list();
  }

  /** SHA-256 over the trace (including written objects' content): equal hashes, equal runs. */
  traceHash(): string {
    return this.log.digest();
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Throws ServiceUnavailable while etcd has no quorum: the call changes nothing. */
  private requireApi(): void {
    if (!this.controlPlane.available(this.current)) throw this.controlPlane.unavailableError(this.current);
  }

  /** Work that only the (unavailable) API would let run. */
  private blockedWork(): boolean {
    if (this.controlPlane.available(this.current)) return false;
    return this.loop.size > 0 || (this.sched !== undefined && this.sched.pendingActive > 0);
  }

  private faultHost(): FaultHost {
    const cluster = this;
    return {
      get state() {
        return cluster.current;
      },
      get nowMs() {
        return cluster.current.nowMs;
      },
      epochMs: this.epochMs,
      network: this.network,
      get controlPlane() {
        return cluster.controlPlane;
      },
      commitFaults: (note, write, woken) => {
        const batch = new StoreBatch(this.current);
        write(batch);
        this.log.record({ tMs: this.current.nowMs, op: 'note', message: note });
        this.publish(batch);
        this.wakeKubelet(woken);
        this.runDue();
      },
      note: (note) => {
        this.log.record({ tMs: this.current.nowMs, op: 'note', message: note });
        this.runDue();
      },
      scheduleFault: (f) => {
        this.schedule(f.dueMs, { type: 'fault', fault: f, background: false });
      },
    };
  }

  /** A kubelet back at work looks at every pod bound to its node (the nodeName index). */
  private wakeKubelet(nodes: readonly string[]): void {
    const index = this.loop.names().indexOf('kubelet');
    if (index < 0) return;
    for (const node of nodes) {
      for (const pod of this.indexer.list('Pod', 'nodeName', node)) this.loop.enqueue(index, `${pod.metadata.namespace}/${pod.metadata.name}`);
    }
  }

  private writeContext(): WriteContext {
    return { nowMs: this.current.nowMs, epochMs: this.epochMs, ids: this.apiIds, network: this.allocator };
  }

  /**
   * Runs `fn` against one StoreBatch and commits it. If `fn` throws, nothing is committed and
   * the error reaches the caller unchanged: a rejected call changes nothing.
   */
  private commit<T>(fn: (batch: StoreBatch, ctx: WriteContext) => T): T {
    const batch = new StoreBatch(this.current);
    const result = fn(batch, this.writeContext());
    this.publish(batch);
    return result;
  }

  private publish(batch: StoreBatch): void {
    if (batch.changes.length === 0) return;
    this.current = batch.commit(this.current.nowMs);
    const tMs = this.current.nowMs;
    for (const change of batch.changes) {
      if (!isInternalTable(change.kind)) this.publishChange(change, tMs);
      // Fault records are data reconcilers may watch (the kubelet's heartbeats do); they are
      // neither traced (the fault's note is) nor sent to watchers.
      else if (change.kind === FAULT_TABLE) this.loop.onChange(change, this.current);
    }
    this.armEventTimer();
  }

  /** Keeps one background timer for the oldest Event lease. */
  private armEventTimer(): void {
    const dueMs = this.eventExpiry?.nextDueMs();
    if (dueMs === undefined || this.eventTimer !== undefined) return;
    this.eventTimer = { id: this.schedule(dueMs, { type: 'eventTtl', background: true }), dueMs };
  }

  /** Deletes the Events whose lease ran out (unless written again since). */
  private expireEvents(): void {
    if (!this.controlPlane.available(this.current)) {
      // etcd without quorum expires nothing; look again a second later.
      this.eventTimer = { id: this.schedule(this.current.nowMs + 1000, { type: 'eventTtl', background: true }), dueMs: this.current.nowMs + 1000 };
      return;
    }
    const due = this.eventExpiry!.takeDue(this.current.nowMs);
    this.commit((batch) => {
      for (const e of due) expireEvent(batch, e.namespace, e.name, e.resourceVersion);
    });
    this.armEventTimer();
  }

  private publishChange(change: Change, tMs: number): void {
    const object = (change.object ?? change.oldObject)!;
    const type: WatchEventType = !change.oldObject ? 'ADDED' : !change.object ? 'DELETED' : 'MODIFIED';
    // One record filled in anew per write: the trace reads it and keeps only its parts.
    const r = this.writeRecord;
    r.tMs = tMs;
    r.op = type;
    r.kind = change.kind;
    r.namespace = object.metadata.namespace;
    r.name = object.metadata.name;
    r.resourceVersion = object.metadata.resourceVersion;
    this.log.recordWrite(r, change.oldObject, change.object);
    this.emitter.emit('watch', change.oldObject ? { type, kind: change.kind, object, oldObject: change.oldObject } : { type, kind: change.kind, object });
    if (change.kind === 'Event' && type !== 'DELETED') this.emitter.emit('event', object);
    this.indexer.apply(change);
    this.eventExpiry?.onChange(change, tMs);
    this.sched?.onChange(change, tMs);
    this.loop.onChange(change, this.current);
  }

  /**
   * Runs everything due at this instant: queued reconciles until the queue is empty, then a
   * batch of scheduling, and again, until neither has work (bounded).
   */
  private runDue(): void {
    // Without the API no controller and no scheduler can act: their queues and timers wait.
    if (!this.controlPlane.available(this.current)) return;
    let steps = 0;
    for (;;) {
      for (let item = this.loop.next(); item; item = this.loop.next()) {
        if (++steps > this.maxStepsPerInstant) {
          throw new InternalError(
            `no quiescence after ${this.maxStepsPerInstant} reconciles at t=${this.current.nowMs}ms; last: ${this.loop.controller(item.controller).reconciler.name} ${item.key}`,
          );
        }
        this.reconcileOne(item.controller, item.key);
      }
      if (!this.sched || this.sched.pendingActive === 0) break;
      this.runScheduler();
    }
    this.armSchedulerTimer();
  }

  /** One scheduling step: a batch of cycles, their binds and events in one commit. */
  private runScheduler(): void {
    const sched = this.sched!;
    sched.tick(this.current.nowMs);
    const actions = sched.scheduleBatch(this.current.nowMs, this.nowTimestamp, SCHEDULE_BATCH);
    const batch = new StoreBatch(this.current);
    const ctx = this.writeContext();
    for (const action of actions) {
      try {
        if (action.verb === 'bind') {
          const seen = action as Partial<ScheduledBind>;
          applyBind(batch, action, ctx, seen.pod as StoredObject | undefined, seen.node as StoredObject | undefined);
        } else applyAction(batch, action, ctx, this.recorder);
      } catch (e) {
        if (!(e instanceof KubesimError)) throw e;
        this.log.record({ tMs: this.current.nowMs, op: 'error', controller: 'default-scheduler', key: action.verb === 'bind' ? action.podKey : action.verb, message: e.message });
        if (action.verb === 'bind') {
          const { namespace, name } = splitObjectKey(action.podKey);
          const pod = batch.get('Pod', namespace, name);
          if (pod) sched.bindFailed(pod as Pod, this.current.nowMs);
        }
      }
    }
    this.publish(batch);
  }

  private reconcileOne(index: number, key: string): void {
    const c = this.loop.controller(index);
    const name = c.reconciler.name;
    let result;
    try {
      result = c.reconciler.reconcile(this.current, key, { nowMs: this.current.nowMs, now: this.nowTimestamp, rng: c.rng, index: this.indexer });
    } catch (e) {
      const err = new InternalError(`reconciler ${name} threw on ${key}: ${(e as Error)?.message ?? String(e)}`);
      (err as { cause?: unknown }).cause = e;
      throw err;
    }
    // Most reconciles find nothing to do (a status already right, a key with no work): no
    // batch to open and publish then.
    let failed = false;
    if (result.actions.length > 0) {
      const batch = new StoreBatch(this.current);
      failed = applyActions(batch, result.actions, result.batches ?? [], this.writeContext(), this.recorder, (_action, e) =>
        this.log.record({ tMs: this.current.nowMs, op: 'error', controller: name, key, message: e.message }),
      );
      this.publish(batch);
    }
    if (failed) {
      this.requeueAfter(index, key, this.loop.backoffMs(index, key));
    } else {
      this.loop.forget(index, key);
      // Level-based: the latest successful reconcile says whether (and when) it needs to look
      // again, so it replaces an earlier request. Upstream's workqueue would still fire the
      // earlier AddAfter, into a reconcile that finds nothing to do; dropping it is what lets
      // `settle` see a finished rollout as quiet instead of waiting out its progress deadline.
      this.cancelRequeue(index, key);
      if (result.requeueAfterMs !== undefined) this.requeueAfter(index, key, Math.max(0, Math.trunc(result.requeueAfterMs)));
    }
  }

  private cancelRequeue(index: number, key: string): void {
    const c = this.loop.controller(index);
    if (c.delayed.size === 0) return; // the common case: nothing of this controller waits
    const pending = c.delayed.get(key);
    if (!pending) return;
    this.cancel(pending.id, { type: 'requeue', controller: index, key, background: false });
    c.delayed.delete(key);
  }

  private requeueAfter(index: number, key: string, delayMs: number): void {
    const c = this.loop.controller(index);
    const dueMs = this.current.nowMs + delayMs;
    const pending = c.delayed.get(key);
    if (pending && pending.dueMs <= dueMs) return;
    const payload: TimerPayload = { type: 'requeue', controller: index, key, background: false };
    if (pending) this.cancel(pending.id, payload);
    c.delayed.set(key, { id: this.schedule(dueMs, payload), dueMs });
  }
}

/** Runs `fn` per decoded object; with several documents, errors say which one failed. */
function eachDocument<T>(decoded: readonly DecodedObject[], fn: (obj: KubeObject) => T): T[] {
  if (decoded.length === 1) return [fn(decoded[0]!.object)];
  return decoded.map((d) => withSource(d.source, () => fn(d.object)));
}

/** A Duration option of createCluster, or a BadRequestError naming the option. */
function durationOption(name: string, value: Duration): number {
  try {
    return parseDuration(value);
  } catch (e) {
    if (!(e instanceof KubesimError)) throw e;
    throw new BadRequestError(`createCluster: ${name}: ${e.message}`);
  }
}

/** Creates a cluster: system namespaces, nodes (3 by default), control-plane masters. */
export function createCluster(options: ClusterOptions = {}): Cluster {
  return new Cluster(options);
}

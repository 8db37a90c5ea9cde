/**
 * The Cluster's public option and API types: what createCluster accepts and what
 * cluster.rollout / cluster.scheduler / cluster.on offer.
 */
import type { Duration } from '../clock/duration.js';
import type { Reconciler } from '../model/reconcile.js';
import type { StoredObject } from '../model/types.js';
import type { DeleteOptions } from '../model/writes.js';
import type { NetworkOptions } from '../network/options.js';
import type { RolloutRevision } from '../reconcilers/deployment/index.js';
import type { KubeSchedulerConfiguration } from '../scheduler/config.js';
import type { SchedulingExplanation } from '../scheduler/explain.js';
import type { PluginFactory } from '../scheduler/profile.js';
import type { SchedulerStats } from '../scheduler/scheduler.js';
import type { BootstrapOptions } from './bootstrap.js';
import type { BuiltinOptions } from './builtins.js';
import type { RolloutStatus, WorkloadRef } from './workload-verbs.js';

export interface ClusterOptions extends BootstrapOptions, BuiltinOptions {
  /** Seed for every random draw (uids, name suffixes, tie-breaks). Default 1. */
  readonly seed?: string | number;
  /** The wall-clock instant virtual time 0 stands for (RFC 3339). Default 2025-01-01T00:00:00Z. */
  readonly startTime?: string;
  /** Reconcilers to run beside the built-in ones. */
  readonly reconcilers?: readonly Reconciler[];
  /** Keep every trace entry (default) or only the running hash, for very long runs. */
  readonly keepTrace?: boolean;
  /**
   * How long an Event lives after its last write (kube-apiserver --event-ttl). Default '1h';
   * '0s' keeps Events forever.
   */
  readonly eventTTL?: Duration;
  /** Bound on reconciles at one virtual instant before kubesim calls it a livelock. */
  readonly maxStepsPerInstant?: number;
  /** KubeSchedulerConfiguration (YAML text or object); `false` runs no scheduler. */
  readonly scheduler?: string | KubeSchedulerConfiguration | false;
  /** Out-of-tree scheduler plugins by name, usable in `scheduler` profiles. */
  readonly schedulerPlugins?: Readonly<Record<string, PluginFactory>>;
  /** Pod and Service networks, NodePort range, LoadBalancer pool, kube-proxy mode. */
  readonly network?: Partial<NetworkOptions>;
}

/** `cluster.rollout`: kubectl rollout for Deployments. */
export interface RolloutApi {
  status(ref: WorkloadRef, opts?: { namespace?: string }): RolloutStatus;
  history(ref: WorkloadRef, opts?: { namespace?: string }): RolloutRevision[];
  /** Back to the previous revision, or `toRevision`. Returns the revision rolled back to. */
  undo(ref: WorkloadRef, opts?: { namespace?: string; toRevision?: number }): { revision: number; skipped: boolean };
  pause(ref: WorkloadRef, opts?: { namespace?: string }): StoredObject;
  resume(ref: WorkloadRef, opts?: { namespace?: string }): StoredObject;
  restart(ref: WorkloadRef, opts?: { namespace?: string }): StoredObject;
}

/** `cluster.scheduler`: look inside the scheduler. */
export interface SchedulerApi {
  /** One cycle in the open for a pod (object, `name` or `namespace/name`), without binding. */
  explain(pod: string | object, opts?: { profile?: string; namespace?: string }): SchedulingExplanation;
  stats(): SchedulerStats;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly kind: string;
  readonly object: StoredObject;
  /** The previous version (MODIFIED and DELETED). */
  readonly oldObject?: StoredObject;
}

export interface ClusterEvents {
  /** Every committed write, as a watch would deliver it. */
  watch: (event: WatchEvent) => void;
  /** Every Kubernetes Event recorded or aggregated (Scheduled, Pulling, ScalingReplicaSet, ...). */
  event: (event: StoredObject) => void;
}

export interface GetOptions {
  readonly namespace?: string;
  /** List across every namespace (kubectl -A). */
  readonly allNamespaces?: boolean;
  /** Label selector in string form: 'app=web,tier!=db'. */
  readonly selector?: string;
}

export interface DeleteCallOptions extends DeleteOptions {
  readonly namespace?: string;
}

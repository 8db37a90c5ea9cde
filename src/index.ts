/**
 * kubesim's public API. Everything a user imports comes from here (and from 'kubesim/testing');
 * modules not re-exported here are internal and may change.
 */
export { createCluster, Cluster } from './sim/cluster.js';
export type {
  ClusterOptions,
  ClusterEvents,
  WatchEvent,
  WatchEventType,
  GetOptions,
  DeleteCallOptions,
  RolloutApi,
  SchedulerApi,
} from './sim/cluster.js';
export type { WorkloadRef, RolloutStatus, RunOptions } from './sim/workload-verbs.js';
export type { RolloutRevision } from './reconcilers/deployment/index.js';

// Scheduler: configuration, explain output, and the plugin interfaces for your own plugins.
export type { KubeSchedulerConfiguration, ProfileConfig, PluginsConfig, ExtensionPoint } from './scheduler/config.js';
export type { SchedulingExplanation, NodeExplanation } from './scheduler/explain.js';
export type { SchedulerStats } from './scheduler/scheduler.js';
export type { PluginFactory, PluginHandle } from './scheduler/profile.js';
export type { SchedulerListers } from './scheduler/listers.js';
export {
  CycleState,
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
  SUCCESS as SCHEDULER_SUCCESS,
  status as schedulerStatus,
} from './scheduler/framework.js';
export type {
  Code as SchedulerCode,
  Status as SchedulerStatus,
  NodeInfo,
  PodInfo,
  NodeScore,
  Resource,
  SchedulerSnapshot,
  FilterPlugin,
  ScorePlugin,
  PreFilterPlugin,
  PreScorePlugin,
  PostFilterPlugin,
  ReservePlugin,
  PermitPlugin,
  PreBindPlugin,
  BindPlugin,
  QueueSortPlugin,
  PreEnqueuePlugin,
} from './scheduler/framework.js';
export type { NodeShorthand } from './sim/bootstrap.js';
export type { Faults, FaultSpec, FaultVerb, ScheduledFault } from './sim/faults.js';
export type { ControlPlane } from './sim/control-plane.js';
export type { DrainOptions, DrainResult } from './sim/drain.js';
export type { NodePoolSpec } from './reconcilers/node-pool.js';
export type { ImageProfile } from './reconcilers/kubelet/image-profile.js';
export type { NetworkOptions } from './network/options.js';
export type { Router } from './network/router.js';
export type {
  ProxyMode,
  Route,
  RouteVia,
  RouteEndpoint,
  Hop,
  NetworkError,
  NetworkErrorReason,
  ResolveResult,
  RequestTarget,
  RequestOptions,
  ResolveOptions,
  NetworkStats,
} from './network/types.js';
export type { KubectlOptions } from './kubectl/target.js';
export { KubectlError } from './kubectl/errors.js';
export { patchObject } from './model/patch.js';
export type { PatchType } from './model/patch.js';
export { JsonPatchError } from './model/json-patch.js';
export { StrategicMergePatchError } from './model/strategic-merge-patch.js';
export { findUnknownFields } from './model/strict-decode.js';
export { formatApplyResult, LAST_APPLIED_ANNOTATION } from './sim/apply.js';
export type { ApplyResult, ApplyAction } from './sim/apply.js';
export { formatTraceEntry } from './sim/trace.js';
export type { TraceEntry } from './sim/trace.js';

export { parseQuantity, Quantity, QuantityParseError } from './model/quantity.js';
export type { QuantityFormat } from './model/quantity.js';
export { parseSelector, SelectorParseError, everything, nothing, selectorFromSet } from './model/labels/selector.js';
export type { Selector, Requirement, Operator } from './model/labels/selector.js';
export { labelSelectorAsSelector, matchesLabelSelector } from './model/labels/label-selector.js';
export { parseDuration, formatDuration } from './clock/duration.js';
export type { Duration } from './clock/duration.js';

export {
  KubesimError,
  BadRequestError,
  InvalidError,
  NotFoundError,
  AlreadyExistsError,
  ConflictError,
  ForbiddenError,
  TooManyRequestsError,
  RequestEntityTooLargeError,
  ServiceUnavailableError,
  InternalError,
  formatFieldError,
} from './model/errors.js';
export type { StatusReason, FieldError, FieldErrorType } from './model/errors.js';

export { getObject, listObjects, countObjects, objectKey, splitObjectKey } from './model/store.js';
export type { ClusterState, Change } from './model/store.js';
export type {
  Action,
  EventRecord,
  Reconcile,
  ReconcileContext,
  ObjectIndex,
  IndexName,
  ReconcileResult,
  Reconciler,
  RandomSource,
  WatchMapper,
} from './model/reconcile.js';
export type { DeleteOptions, PropagationPolicy } from './model/writes.js';
export type * from './model/types.js';

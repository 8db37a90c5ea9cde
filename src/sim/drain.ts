/**
 * kubectl cordon, uncordon and drain as pure functions the Cluster drives. Cordoning flips
 * spec.unschedulable. Draining cordons the node, picks the pods to evict with kubectl's filters,
 * then evicts them through the eviction subresource, retrying a refused (429) eviction every
 * 5 s and waiting (polling every 1 s) for each evicted pod to be gone, until an optional global
 * timeout. Since a drain takes virtual time, it is a state machine: `planDrain` makes the plan,
 * `drainStep` moves it forward at one instant, and the Cluster applies the evictions it asks
 * for, reports their outcomes back and advances the clock to `wakeAtMs`. `runDrain` is that
 * loop, written against a small interface so the Cluster only supplies the calls.
 *
 * kubectl's filters, in its order, the first that refuses a pod deciding:
 * - DaemonSet-managed pods (unless finished): an error without --ignore-daemonsets, else
 *   skipped with a warning; a pod whose DaemonSet is gone is deleted only with --force;
 * - mirror pods (annotation kubernetes.io/config.mirror): skipped silently;
 * - pods with emptyDir volumes (unless finished): an error without --delete-emptydir-data;
 * - pods without a controller (unless finished): an error without --force.
 * Output lines are kubectl's (stdout and stderr interleaved in the order they happen).
 *
 * @see kubernetes/kubectl pkg/drain/drain.go, filters.go, cordon.go; pkg/cmd/drain/drain.go
 */
import { formatDuration, parseDuration, type Duration } from '../clock/duration.js';
import { InternalError, KubesimError, NotFoundError, TooManyRequestsError } from '../model/errors.js';
import { copyJson } from '../model/json.js';
import { parseSelector } from '../model/labels/selector.js';
import { getObject, listObjects, objectKey, type ClusterState } from '../model/store.js';
import type { KubeObject, Pod, StoredObject } from '../model/types.js';
import type { DeleteOptions } from '../model/writes.js';

/** kubectl's retry delay after a 429 and its poll interval while waiting for deletion. */
export const EVICTION_RETRY_MS = 5000;
export const DELETE_POLL_MS = 1000;

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const DAEMON_SET_FATAL = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
const DAEMON_SET_WARNING = 'ignoring DaemonSet-managed Pods';
const LOCAL_STORAGE_FATAL = 'Pods with local storage (use --delete-emptydir-data to override)';
const LOCAL_STORAGE_WARNING = 'deleting Pods with local storage';
const UNMANAGED_FATAL = 'Pods declare no controller (use --force to override)';
const UNMANAGED_WARNING = 'deleting Pods that declare no controller';

export interface DrainOptions {
  /** --ignore-daemonsets */
  readonly ignoreDaemonSets?: boolean;
  /** --delete-emptydir-data */
  readonly deleteEmptyDirData?: boolean;
  /** --force: also delete pods without a controller. */
  readonly force?: boolean;
  /** --grace-period; negative (the default) keeps each pod's own. */
  readonly gracePeriodSeconds?: number;
  /** --timeout; 0 (the default) waits forever. */
  readonly timeout?: Duration;
  /** --pod-selector */
  readonly podSelector?: string;
}

/** kubectl cordon / uncordon: the node to write (absent when nothing changes) and kubectl's line. */
export function cordonNode(node: StoredObject, desired: boolean): { object?: KubeObject; line: string } {
  const verb = desired ? 'cordoned' : 'uncordoned';
  const current = (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable ?? false;
  if (current === desired) return { line: `node/${node.metadata.name} already ${verb}` };
  const next = copyJson(node) as KubeObject & { spec: { unschedulable?: boolean }; metadata: { resourceVersion?: string } };
  next.spec ??= {};
  if (desired) next.spec.unschedulable = true;
  else delete next.spec.unschedulable;
  delete next.metadata.resourceVersion; // kubectl patches: no resourceVersion precondition
  return { object: next, line: `node/${node.metadata.name} ${verb}` };
}

type PodObject = StoredObject & Pod;

interface PodDeleteStatus {
  readonly delete: boolean;
  readonly reason: 'Okay' | 'Skip' | 'Warning' | 'Error';
  readonly message?: string;
}

const OKAY: PodDeleteStatus = { delete: true, reason: 'Okay' };
const finished = (pod: PodObject) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
const controllerOf = (pod: PodObject) => pod.metadata.ownerReferences?.find((r) => r.controller === true);

/** kubectl's makeFilters, in order; the first filter that does not delete the pod decides. */
function filterPod(state: ClusterState, pod: PodObject, opts: DrainOptions): PodDeleteStatus {
  const ref = controllerOf(pod);
  let status: PodDeleteStatus = OKAY;
  if (ref?.kind === 'DaemonSet' && !finished(pod)) {
    const ds = getObject(state, 'DaemonSet', pod.metadata.namespace, ref.name);
    if (!ds) {
      const msg = `daemonsets.apps "${ref.name}" not found`;
      status = opts.force ? { delete: true, reason: 'Warning', message: msg } : { delete: false, reason: 'Error', message: msg };
    } else {
      status = opts.ignoreDaemonSets ? { delete: false, reason: 'Warning', message: DAEMON_SET_WARNING } : { delete: false, reason: 'Error', message: DAEMON_SET_FATAL };
    }
    if (!status.delete) return status;
  }
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return { delete: false, reason: 'Skip' };
  if ((pod.spec?.volumes ?? []).some((v) => v.emptyDir) && !finished(pod)) {
    if (!opts.deleteEmptyDirData) return { delete: false, reason: 'Error', message: LOCAL_STORAGE_FATAL };
    status = { delete: true, reason: 'Warning', message: LOCAL_STORAGE_WARNING };
  }
  if (!finished(pod) && !ref) {
    if (!opts.force) return { delete: false, reason: 'Error', message: UNMANAGED_FATAL };
    status = { delete: true, reason: 'Warning', message: UNMANAGED_WARNING };
  }
  return status;
}

/** Messages grouped as kubectl's PodDeleteList does ("msg: ns/a, ns/b"), messages sorted. */
function grouped(items: readonly { pod: PodObject; status: PodDeleteStatus }[], reason: 'Warning' | 'Error'): string[] {
  const byMsg = new Map<string, string[]>();
  for (const { pod, status } of items) {
    if (status.reason !== reason) continue;
    const msg = status.message || 'unexpected error';
    byMsg.set(msg, [...(byMsg.get(msg) ?? []), `${pod.metadata.namespace}/${pod.metadata.name}`]);
  }
  return [...byMsg.keys()].sort().map((msg) => `${reason === 'Error' ? 'cannot delete ' : ''}${msg}: ${byMsg.get(msg)!.join(', ')}`);
}

/** One pod's progress: evict (due at dueMs), attempted (outcome awaited), wait (for deletion), done, failed. */
export interface DrainPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly phase: 'evict' | 'attempted' | 'wait' | 'done' | 'failed';
  readonly dueMs: number;
  readonly error?: string;
}

export interface DrainPlan {
  readonly node: string;
  readonly pods: readonly DrainPod[];
  /** Absolute virtual time of the global timeout, or undefined for none. */
  readonly deadlineMs: number | undefined;
  readonly timeoutMs: number;
  readonly deleteOptions: DeleteOptions;
  /** Set when the plan could not start (filter errors): the drain is over. */
  readonly error?: string;
}

export interface DrainStart {
  /** The cordon write to apply first (absent when already cordoned). */
  readonly cordon?: KubeObject;
  readonly plan: DrainPlan;
  readonly output: readonly string[];
}

/** The pods on `node` (sorted by namespace/name, as the API lists them) matching the selector. */
function podsOnNode(state: ClusterState, node: string, podSelector: string | undefined): PodObject[] {
  const selector = podSelector ? parseSelector(podSelector) : undefined;
  return (listObjects(state, 'Pod') as PodObject[]).filter((p) => p.spec?.nodeName === node && (!selector || selector.matches(p.metadata.labels)));
}

function unableToDrain(node: string, message: string): string[] {
  return [`error: unable to drain node "${node}" due to error: ${message}, continuing command...`, 'There are pending nodes to be drained:', ` ${node}`, `error: ${message}`];
}

/** Go's utilerrors.NewAggregate(...).Error(): one message as is, several as "[a, b]". */
function aggregate(msgs: readonly string[]): string {
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

/**
 * kubectl drain NODE, up to the first evictions: cordon, GetPodsForDeletion, the warnings.
 * Throws NotFound for an unknown node (kubectl: `nodes "x" not found`).
 */
export function planDrain(state: ClusterState, node: string, opts: DrainOptions, nowMs: number): DrainStart {
  const nodeObj = getObject(state, 'Node', undefined, node);
  if (!nodeObj) throw new NotFoundError({ resource: 'nodes', group: '' }, node);
  const cordon = cordonNode(nodeObj, true);
  const output = [cordon.line];
  const timeoutMs = parseDuration(opts.timeout ?? 0);
  const deleteOptions: DeleteOptions = opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds >= 0 ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {};
  const base = { node, deadlineMs: timeoutMs > 0 ? nowMs + timeoutMs : undefined, timeoutMs, deleteOptions };
  const items = podsOnNode(state, node, opts.podSelector).map((pod) => ({ pod, status: filterPod(state, pod, opts) }));
  const errors = grouped(items, 'Error');
  if (errors.length > 0) {
    const error = aggregate(errors);
    return { ...(cordon.object ? { cordon: cordon.object } : {}), plan: { ...base, pods: [], error }, output: [...output, ...unableToDrain(node, error)] };
  }
  const warnings = grouped(items, 'Warning');
  if (warnings.length > 0) output.push(`Warning: ${warnings.join('; ')}`);
  const pods: DrainPod[] = items
    .filter((i) => i.status.delete)
    .map(({ pod }) => ({ namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid: pod.metadata.uid, phase: 'evict', dueMs: nowMs }));
  return { ...(cordon.object ? { cordon: cordon.object } : {}), plan: { ...base, pods }, output };
}

export interface EvictionRequest {
  readonly podKey: string;
  readonly options: DeleteOptions;
}

/** What became of an eviction the Cluster made: nothing (success) or the error it threw. */
export interface EvictionOutcome {
  readonly podKey: string;
  readonly error?: unknown;
}

export interface DrainStepResult {
  readonly plan: DrainPlan;
  /** Evictions to make now, then report with `drainStep(plan, state, nowMs, outcomes)`. */
  readonly evictions: readonly EvictionRequest[];
  readonly output: readonly string[];
  readonly done: boolean;
  /** The drain failed (kubectl exits 1 with this message). */
  readonly error?: string;
  /** When nothing is due now: the next instant with something to do. */
  readonly wakeAtMs?: number;
}

const q = JSON.stringify;

/** Records the outcome of the evictions made at this instant (evictPods' switch on the error). */
function recordOutcome(p: DrainPod, outcome: EvictionOutcome, nowMs: number, out: string[]): DrainPod {
  const e = outcome.error;
  if (e === undefined) return { ...p, phase: 'wait', dueMs: nowMs };
  if (e instanceof NotFoundError) return { ...p, phase: 'done' };
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof TooManyRequestsError) {
    out.push(`error when evicting pods/${q(p.name)} -n ${q(p.namespace)} (will retry after 5s): ${msg}`);
    return { ...p, phase: 'evict', dueMs: nowMs + EVICTION_RETRY_MS };
  }
  if (!(e instanceof KubesimError)) throw e;
  return { ...p, phase: 'failed', error: `error when evicting pods/${q(p.name)} -n ${q(p.namespace)}: ${msg}` };
}

/** One pod's due work at nowMs: an eviction attempt, or a poll of its deletion. */
function advancePod(p: DrainPod, plan: DrainPlan, state: ClusterState, nowMs: number, out: string[], evictions: EvictionRequest[]): DrainPod {
  if (p.dueMs > nowMs) return p;
  const timedOut = plan.deadlineMs !== undefined && nowMs >= plan.deadlineMs;
  const timeout = `global timeout reached: ${formatDuration(plan.timeoutMs)}`;
  if (p.phase === 'evict') {
    out.push(`evicting pod ${p.namespace}/${p.name}`);
    if (timedOut) return { ...p, phase: 'failed', error: `error when evicting pods/${q(p.name)} -n ${q(p.namespace)}: ${timeout}` };
    evictions.push({ podKey: objectKey(p.namespace, p.name), options: plan.deleteOptions });
    return { ...p, phase: 'attempted' };
  }
  if (p.phase === 'wait') {
    const live = getObject(state, 'Pod', p.namespace, p.name);
    if (!live || live.metadata.uid !== p.uid) {
      out.push(`pod/${p.name} evicted`);
      return { ...p, phase: 'done' };
    }
    if (timedOut) return { ...p, phase: 'failed', error: `error when waiting for pod ${q(p.name)} in namespace ${q(p.namespace)} to terminate: ${timeout}` };
    return { ...p, dueMs: nowMs + DELETE_POLL_MS };
  }
  return p;
}

/** The end of a drain: "node/x drained", or kubectl's report of what is left. */
function finish(plan: DrainPlan, state: ClusterState): { output: string[]; error?: string } {
  const errors = plan.pods.filter((p) => p.phase === 'failed').map((p) => p.error!);
  if (errors.length === 0) return { output: [`node/${plan.node} drained`] };
  const error = aggregate(errors);
  const pending = podsOnNode(state, plan.node, undefined);
  const output = pending.length > 0 ? [`There are pending pods in node "${plan.node}" when an error occurred: ${error}`, ...pending.map((p) => `pod/${p.metadata.name}`)] : [];
  return { output: [...output, ...unableToDrain(plan.node, error)], error };
}

/**
 * Moves the drain forward at `nowMs`: first records `outcomes` of the evictions the previous
 * step asked for, then does what is due (new eviction attempts, deletion polls).
 */
export function drainStep(plan: DrainPlan, state: ClusterState, nowMs: number, outcomes: readonly EvictionOutcome[] = []): DrainStepResult {
  if (plan.error !== undefined) return { plan, evictions: [], output: [], done: true, error: plan.error };
  const output: string[] = [];
  const byKey = new Map(outcomes.map((o) => [o.podKey, o]));
  const evictions: EvictionRequest[] = [];
  const pods = plan.pods.map((p) => {
    const outcome = p.phase === 'attempted' ? byKey.get(objectKey(p.namespace, p.name)) : undefined;
    const recorded = outcome ? recordOutcome(p, outcome, nowMs, output) : p;
    return advancePod(recorded, plan, state, nowMs, output, evictions);
  });
  const next: DrainPlan = { ...plan, pods };
  if (evictions.length > 0) return { plan: next, evictions, output, done: false };
  if (pods.every((p) => p.phase === 'done' || p.phase === 'failed')) {
    const end = finish(next, state);
    return { plan: next, evictions, output: [...output, ...end.output], done: true, ...(end.error ? { error: end.error } : {}) };
  }
  let wakeAtMs = Number.MAX_SAFE_INTEGER;
  for (const p of pods) if (p.phase === 'evict' || p.phase === 'wait') wakeAtMs = Math.min(wakeAtMs, p.dueMs);
  return { plan: next, evictions, output, done: false, wakeAtMs };
}

/** What `runDrain` needs from the Cluster. */
export interface DrainDriver {
  state(): ClusterState;
  now(): number;
  /** Applies the cordon write (an unconditional node update). */
  update(object: KubeObject): void;
  /** The eviction subresource; throws what evictPod throws. */
  evict(podKey: string, options: DeleteOptions): void;
  /** Runs the cluster until `ms` (timers, controllers, kubelets). */
  advanceTo(ms: number): void;
}

export interface DrainResult {
  readonly output: readonly string[];
  readonly error?: string;
}

/**
 * kubectl drain against a Cluster: cordon, then step — evict what is due, report the outcomes,
 * advance to the next wake-up — until every pod is gone or failed. Bounded by `maxSteps`.
 */
export function runDrain(driver: DrainDriver, node: string, opts: DrainOptions = {}, maxSteps = 1_000_000): DrainResult {
  const start = planDrain(driver.state(), node, opts, driver.now());
  if (start.cordon) driver.update(start.cordon);
  const output = [...start.output];
  let step = drainStep(start.plan, driver.state(), driver.now());
  for (let i = 0; ; i++) {
    output.push(...step.output);
    if (step.done) return step.error !== undefined ? { output, error: step.error } : { output };
    if (i >= maxSteps) throw new InternalError(`drain of node ${node} did not finish in ${maxSteps} steps`);
    const outcomes: EvictionOutcome[] = step.evictions.map((e) => {
      try {
        driver.evict(e.podKey, e.options);
        return { podKey: e.podKey };
      } catch (error) {
        return { podKey: e.podKey, error };
      }
    });
    if (outcomes.length === 0) driver.advanceTo(step.wakeAtMs!);
    step = drainStep(step.plan, driver.state(), driver.now(), outcomes);
  }
}

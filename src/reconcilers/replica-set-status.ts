/**
 * A ReplicaSet's (or ReplicationController's) status from the pods it owns: calculateStatus,
 * the "did anything change" test of updateReplicaSetStatus, and when to look again so that
 * availableReplicas catches up once pods have been ready for minReadySeconds.
 *
 * Zero counts are omitted, as the API's `omitempty` JSON does; `replicas` is always written.
 *
 * @see kubernetes/kubernetes pkg/controller/replicaset/replica_set_utils.go
 */
import { jsonEqual } from '../model/json.js';
import type { Pod } from '../model/types.js';
import { diffByName, isPodAvailable, isPodReady, podReadyTime } from './controller-utils.js';

/** The shared shape of ReplicaSetStatus and ReplicationControllerStatus. */
export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: { type?: string; [field: string]: unknown }[];
}

/** What calculateStatus reads of the controller (RS and RC alike; a stored object will do). */
export interface ReplicaSetLike {
  readonly metadata: { readonly generation?: number };
  readonly spec?: unknown;
  readonly status?: unknown;
}

interface SpecView {
  readonly minReadySeconds?: number;
  readonly template?: { readonly metadata?: { readonly labels?: Readonly<Record<string, string>> } };
}

const REPLICA_FAILURE = 'ReplicaFailure';

/**
 * `base` with some fields set or removed, in the key order `{ ...base }` followed by
 * assignments and `delete`s would give (kept keys in place, new ones appended in `fields`
 * order): the written JSON, and so the trace, depends on key order. Built in one pass rather
 * than by `delete`, which turns the object into a slow dictionary-mode object.
 */
function withFields<T extends object>(base: object, fields: readonly (readonly [string, unknown])[]): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(base)) {
    const f = fields.find((e) => e[0] === key);
    if (f === undefined) out[key] = (base as Record<string, unknown>)[key];
    else if (f[1] !== undefined) out[key] = f[1];
  }
  for (const [key, value] of fields) if (value !== undefined && !Object.hasOwn(out, key)) out[key] = value;
  return out as T;
}

/**
 * calculateStatus for a sync whose pod management did not fail (kubesim's actions cannot report
 * a failure back, so the ReplicaFailure condition is only ever removed, as upstream does on a
 * successful sync). `pods` are the active pods the controller claimed. fullyLabeledReplicas
 * counts pods carrying every template label (the template's labels are a superset of the
 * selector), readyReplicas the Ready ones, availableReplicas those ready for minReadySeconds.
 * observedGeneration is left as it was; updateReplicaSetStatus sets it when writing.
 */
export function calculateStatus(rs: ReplicaSetLike, pods: readonly Pod[], nowEpochMs: number, counts?: PodCounts): ReplicaSetStatus {
  const old = (rs.status ?? {}) as Partial<ReplicaSetStatus>;
  const spec = (rs.spec ?? {}) as SpecView;
  const minReadySeconds = spec.minReadySeconds ?? 0;
  const { fullyLabeled, ready } = counts ?? countPods(pods, spec.template?.metadata?.labels);
  // With minReadySeconds 0 every ready pod is available; otherwise availability moves with time.
  let available = ready;
  if (minReadySeconds > 0) {
    available = 0;
    for (const pod of pods) if (isPodAvailable(pod, minReadySeconds, nowEpochMs)) available += 1;
  }
  const fields: [string, unknown][] = [
    ['replicas', pods.length],
    // Zero counts are omitted (omitempty).
    ['fullyLabeledReplicas', fullyLabeled || undefined],
    ['readyReplicas', ready || undefined],
    ['availableReplicas', available || undefined],
  ];
  if (old.conditions?.some((c) => c.type === REPLICA_FAILURE)) {
    const rest = old.conditions.filter((c) => c.type !== REPLICA_FAILURE);
    fields.push(['conditions', rest.length > 0 ? rest : undefined]);
  }
  return withFields<ReplicaSetStatus>(old, fields);
}

/** What calculateStatus counts that does not depend on the time. */
export interface PodCounts {
  /** Pods carrying every template label. */
  readonly fullyLabeled: number;
  /** Pods whose Ready condition is True. */
  readonly ready: number;
}

function countPods(pods: readonly Pod[], templateLabels: Readonly<Record<string, string>> | undefined): PodCounts {
  const wanted = templateLabels ? Object.entries(templateLabels) : [];
  let fullyLabeled = 0;
  let ready = 0;
  for (const pod of pods) {
    if (carriesAll(pod.metadata?.labels, wanted)) fullyLabeled += 1;
    if (isPodReady(pod)) ready += 1;
  }
  return { fullyLabeled, ready };
}

/**
 * Whether `labels` has every `key=value` of `wanted`: what upstream's SelectorFromSet(template
 * labels).Matches tests (it does not validate, and an empty set matches everything), without
 * building a selector per sync.
 */
function carriesAll(labels: Readonly<Record<string, string>> | undefined, wanted: readonly (readonly [string, string])[]): boolean {
  for (const [key, value] of wanted) {
    if (labels == null || !Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  return true;
}

interface CountedPods {
  readonly pods: readonly NamedPod[];
  readonly templateLabels: Readonly<Record<string, string>> | undefined;
  readonly counts: PodCounts;
}

type NamedPod = Pod & { readonly metadata: { readonly name: string } };

/** Two versions of a pod that count the same: the same labels object and readiness. */
function sameCounts(a: NamedPod, b: NamedPod): boolean {
  return a.metadata.labels === b.metadata.labels && isPodReady(a) === isPodReady(b);
}

const MAX_REMEMBERED_CONTROLLERS = 8192;

/**
 * The counts of each controller's last sync, by a key naming the controller: a sync usually
 * follows one pod's change, so the last counts are patched with the pods that left and arrived
 * (diffByName) instead of recounted over every pod. Counts are sums over pods and a frozen pod
 * object's labels and readiness never change, so the patch is exact. One per controller
 * instance (so per cluster: a dead cluster's pods go with it); a hint only, cleared when it
 * grows past a bound.
 */
export class PodCountsMemo {
  private readonly last = new Map<string, CountedPods>();

  /** countPods(pods) for the controller `key`, patched from its previous sync's when it can be. */
  countsFor(key: string, rs: ReplicaSetLike, pods: readonly NamedPod[]): PodCounts {
    const templateLabels = (rs.spec as SpecView | undefined)?.template?.metadata?.labels;
    const prior = this.last.get(key);
    if (prior && prior.pods === pods && prior.templateLabels === templateLabels) return prior.counts;
    let counts: PodCounts;
    let frozen: boolean;
    if (prior && (prior.templateLabels === templateLabels || jsonEqual(prior.templateLabels, templateLabels))) {
      const removed: NamedPod[] = [];
      const added: NamedPod[] = [];
      // A new version that counts the same is not reported, unless it is not frozen (then it is
      // reported, so that the check below sees it).
      diffByName(prior.pods, pods, removed, added, (a, b) => Object.isFrozen(b) && sameCounts(a, b));
      const gone = countPods(removed, templateLabels);
      const come = countPods(added, templateLabels);
      counts = {
        fullyLabeled: prior.counts.fullyLabeled - gone.fullyLabeled + come.fullyLabeled,
        ready: prior.counts.ready - gone.ready + come.ready,
      };
      // The remembered pods are all frozen: the new list is iff every pod it gained is.
      frozen = added.every((p) => Object.isFrozen(p));
    } else {
      counts = countPods(pods, templateLabels);
      frozen = pods.every((p) => Object.isFrozen(p));
    }
    // Only frozen pods are known not to change under the same object.
    if (frozen) {
      if (this.last.size >= MAX_REMEMBERED_CONTROLLERS) this.last.clear();
      this.last.set(key, { pods, templateLabels, counts });
    } else {
      this.last.delete(key);
    }
    return counts;
  }

  /** Drops what is remembered for `key` (its controller is gone). */
  forget(key: string): void {
    this.last.delete(key);
  }
}

/**
 * updateReplicaSetStatus's steady-state test: the write is skipped when every count, the
 * conditions and observedGeneration (== metadata.generation) are already what they should be.
 * Returns the status to write (with observedGeneration stamped), or undefined for no write.
 */
export function statusToWrite(rs: ReplicaSetLike, next: ReplicaSetStatus): ReplicaSetStatus | undefined {
  const cur = (rs.status ?? {}) as Partial<ReplicaSetStatus>;
  const generation = rs.metadata.generation ?? 0;
  const same =
    (cur.replicas ?? 0) === next.replicas &&
    (cur.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (cur.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (cur.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    (cur.observedGeneration ?? 0) === generation &&
    JSON.stringify(cur.conditions ?? []) === JSON.stringify(next.conditions ?? []);
  if (same) return undefined;
  return withFields<ReplicaSetStatus>(next, [['observedGeneration', generation === 0 ? undefined : generation]]);
}

/**
 * How long until the next ready-but-not-yet-available pod becomes available, or undefined.
 * Upstream re-syncs minReadySeconds + 1s after it sees a pod turn ready (updatePod's
 * enqueueRSAfter); level-based, that is readySince + minReadySeconds + 1s. Example: ready at
 * 10:00:00, minReadySeconds 10 → look again at 10:00:11, when the pod counts as available.
 * Timestamps have whole seconds, so the one second of padding also covers the truncation.
 * A pod without a ready time never becomes available and asks for nothing.
 */
export function nextAvailabilityCheckMs(pods: readonly Pod[], minReadySeconds: number, nowEpochMs: number): number | undefined {
  if (minReadySeconds <= 0) return undefined;
  let soonest: number | undefined;
  for (const pod of pods) {
    if (!isPodReady(pod) || isPodAvailable(pod, minReadySeconds, nowEpochMs)) continue;
    const since = podReadyTime(pod);
    if (since === undefined) continue;
    const wait = Math.max(1, since + (minReadySeconds + 1) * 1000 - nowEpochMs);
    soonest = soonest === undefined ? wait : Math.min(soonest, wait);
  }
  return soonest;
}

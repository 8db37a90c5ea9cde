/**
 * The Deployment controller's arithmetic and bookkeeping on ReplicaSets: revision and replica
 * annotations, the rolling-update fenceposts (maxSurge / maxUnavailable), proportions for
 * scaling mid-rollout, and finding the new and old ReplicaSets of a Deployment. Pure functions
 * over plain objects, so they can be tested as upstream's deployment_util_test.go tests them.
 *
 * @see kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go
 */
import { getScaledValueFromIntOrPercent, type IntOrString } from '../../model/intstr.js';
import { jsonEqual } from '../../model/json.js';
import type { Deployment, ReplicaSet, PodTemplateSpec } from '../../model/types.js';
import { POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
import { compareByCreationTimestamp } from './replica-sets.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** apps.DeprecatedRollbackTo: what the extensions/v1beta1 rollback subresource used to set. */
export const DEPRECATED_ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';
/** sync.go maxRevHistoryLengthInChars: about 100 revisions. */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;
/** math.MaxInt32: progressDeadlineSeconds / revisionHistoryLimit at this value mean "none". */
export const MAX_INT32 = 2147483647;

/** Annotations a Deployment never copies to its ReplicaSets (and a rollback never copies back). */
export const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
]);

export const specReplicas = (o: { spec?: { replicas?: number } } | undefined): number => o?.spec?.replicas ?? 0;

/** Go's strconv.ParseInt(s, 10, 64) for the values we meet; undefined where it errors. */
function parseInt64(s: string): number | undefined {
  // A character loop rather than a regular expression: revisions are parsed several times a sync.
  const start = s.length > 0 && (s.charCodeAt(0) === 43 || s.charCodeAt(0) === 45) ? 1 : 0; // '+', '-'
  if (start === s.length) return undefined;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined; // '0'..'9'
  }
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Revision: the revision annotation as a number; 0 when absent, undefined when malformed. */
export function revision(obj: { metadata?: { annotations?: Record<string, string> } }): number | undefined {
  const v = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  return v === undefined ? 0 : parseInt64(v);
}

/** MaxRevision: the highest parseable revision among the ReplicaSets. */
export function maxRevision(rss: readonly ReplicaSet[]): number {
  let max = 0;
  for (const rs of rss) {
    const v = revision(rs);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/** LastRevision: the second highest revision (what `rollout undo` without --to-revision targets). */
export function lastRevision(rss: readonly ReplicaSet[]): number {
  let max = 0;
  let second = 0;
  for (const rs of rss) {
    const v = revision(rs);
    if (v === undefined) continue;
    if (v >= max) {
      second = max;
      max = v;
    } else if (v > second) second = v;
  }
  return second;
}

/** SetDeploymentRevision: sets the deployment's revision annotation; true if it changed. */
export function setDeploymentRevision(d: Deployment, rev: string): boolean {
  const meta = (d.metadata ??= {});
  const annotations = (meta.annotations ??= {});
  if (annotations[REVISION_ANNOTATION] === rev) return false;
  annotations[REVISION_ANNOTATION] = rev;
  return true;
}

/**
 * SetNewReplicaSetAnnotations: copies the deployment's annotations (except ANNOTATIONS_TO_SKIP),
 * raises the RS's revision to `newRevision` if lower — keeping the previous revision in the
 * revision-history annotation, which is how a rolled-back-to RS remembers it served revision 2
 * before becoming revision 4 — and, for an RS about to be created, the replica annotations.
 * The history is trimmed from the front to `limitChars`. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  newRevision: string,
  exists: boolean,
  limitChars = MAX_REV_HISTORY_LENGTH_IN_CHARS,
): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const annotations = ((rs.metadata ??= {}).annotations ??= {});
  const oldRevision = annotations[REVISION_ANNOTATION];
  const hadRevision = oldRevision !== undefined;
  let oldInt = 0;
  if (hadRevision && oldRevision !== '') {
    const parsed = parseInt64(oldRevision);
    if (parsed === undefined) return false;
    oldInt = parsed;
  }
  const newInt = parseInt64(newRevision);
  if (newInt === undefined) return false;
  if (oldInt < newInt) {
    annotations[REVISION_ANNOTATION] = newRevision;
    changed = true;
    if (hadRevision) appendRevisionHistory(annotations, oldRevision, limitChars);
  }
  if (!exists) {
    const replicas = specReplicas(d);
    if (setReplicasAnnotations(rs, replicas, replicas + maxSurge(d))) changed = true;
  }
  return changed;
}

function appendRevisionHistory(annotations: Record<string, string>, oldRevision: string, limitChars: number): void {
  const history = annotations[REVISION_HISTORY_ANNOTATION] ?? '';
  const revisions = history.split(',');
  if (revisions[0]!.length === 0) {
    annotations[REVISION_HISTORY_ANNOTATION] = oldRevision;
    return;
  }
  // Drop the oldest entries until the new one fits, e.g. limit 5: "1,2,3" + "4" is 7 chars →
  // drop "1," → "2,3,4".
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > limitChars && start < revisions.length) {
    total -= revisions[start]!.length + 1;
    start++;
  }
  if (total <= limitChars) {
    annotations[REVISION_HISTORY_ANNOTATION] = [...revisions.slice(start), oldRevision].join(',');
  }
}

/** copyDeploymentAnnotationsToReplicaSet, in sorted key order (Go's map order is irrelevant). */
export function copyDeploymentAnnotationsToReplicaSet(d: Deployment, rs: ReplicaSet): boolean {
  const target = ((rs.metadata ??= {}).annotations ??= {});
  let changed = false;
  const source = d.metadata?.annotations ?? {};
  for (const key of Object.keys(source).sort()) {
    if (ANNOTATIONS_TO_SKIP.has(key) || target[key] === source[key]) continue;
    target[key] = source[key]!;
    changed = true;
  }
  return changed;
}

function annotationInt(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  if (v === undefined) return undefined;
  // strconv.Atoi, then int32(): values outside int32 cannot come from the controller.
  return parseInt64(v);
}

export const getDesiredReplicasAnnotation = (rs: ReplicaSet): number | undefined => annotationInt(rs, DESIRED_REPLICAS_ANNOTATION);
export const getMaxReplicasAnnotation = (rs: ReplicaSet): number | undefined => annotationInt(rs, MAX_REPLICAS_ANNOTATION);

/** SetReplicasAnnotations: desired-replicas and max-replicas; true if either changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = ((rs.metadata ??= {}).annotations ??= {});
  let updated = false;
  if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    updated = true;
  }
  if (annotations[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    annotations[MAX_REPLICAS_ANNOTATION] = String(max);
    updated = true;
  }
  return updated;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations;
  return a?.[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a?.[MAX_REPLICAS_ANNOTATION] !== String(max);
}

export const isRollingUpdate = (d: Deployment): boolean => d.spec?.strategy?.type === 'RollingUpdate';

/**
 * ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, against `desired`. If both
 * resolve to 0 (validation forbids two literal zeros, but "1%" of 10 floors to 0), unavailable
 * becomes 1 so the rollout can still move. Example: 10 desired, 25%/25% → surge 3, unavailable 2.
 */
export function resolveFenceposts(
  surgeValue: IntOrString | undefined,
  unavailableValue: IntOrString | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = getScaledValueFromIntOrPercent(surgeValue ?? 0, desired, true);
  let unavailable = getScaledValueFromIntOrPercent(unavailableValue ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** MaxSurge: 0 for Recreate. */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, specReplicas(d)).surge;
}

/** MaxUnavailable: 0 for Recreate or 0 replicas, never more than the replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = specReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, replicas);
  return Math.min(unavailable, replicas);
}

/** MinAvailable: replicas - maxUnavailable for RollingUpdate, else 0. */
export const minAvailable = (d: Deployment): number => (isRollingUpdate(d) ? specReplicas(d) - maxUnavailable(d) : 0);

/** Go's math.Round then int32: halves round away from zero. */
const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/**
 * getReplicaSetFraction: the RS's share of the deployment's new size (replicas + maxSurge),
 * judged against the size it was last scaled for (the max-replicas annotation, falling back to
 * status.replicas). Example: RS of 3 in a deployment annotated 13 that now allows 20 →
 * round(3 × 20 / 13) - 3 = 5 - 3 = 2 more. Scaling to 0 gives back the RS's whole size.
 */
export function getReplicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (specReplicas(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = specReplicas(d) + maxSurge(d);
  const annotated = getMaxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  return roundHalfAway((specReplicas(rs) * deploymentReplicas) / annotated) - specReplicas(rs);
}

/**
 * GetReplicaSetProportion (GetProportion before 1.27): the fraction bounded by what is left to
 * add (min when scaling up) or remove (max when scaling down).
 */
export function getProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = getReplicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * NewRSNewReplicas: RollingUpdate grows the new RS by what the surge allows, never past the
 * desired count. Example: 10 replicas, maxSurge 3, 12 pods across all RSs, new RS at 4 →
 * min(13 - 12, 10 - 4) = 1 → 5. Recreate jumps straight to the desired count.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  const replicas = specReplicas(d);
  if (d.spec?.strategy?.type === 'Recreate') return replicas;
  const surge = getScaledValueFromIntOrPercent(d.spec?.strategy?.rollingUpdate?.maxSurge ?? 0, replicas, true);
  const current = getReplicaCountForReplicaSets(allRSs);
  const maxTotal = replicas + surge;
  if (current >= maxTotal) return specReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, replicas - specReplicas(newRS));
  return specReplicas(newRS) + scaleUp;
}

/** IsSaturated: the new RS holds, believes it should hold, and has available all the replicas. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const raw = rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  const desired = raw === undefined ? undefined : parseInt64(raw);
  if (desired === undefined) return false;
  const replicas = specReplicas(d);
  return specReplicas(rs) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}

function sum(rss: readonly (ReplicaSet | undefined)[], f: (rs: ReplicaSet) => number): number {
  let n = 0;
  for (const rs of rss) if (rs) n += f(rs);
  return n;
}

export const getReplicaCountForReplicaSets = (rss: readonly (ReplicaSet | undefined)[]): number => sum(rss, specReplicas);
export const getActualReplicaCountForReplicaSets = (rss: readonly (ReplicaSet | undefined)[]): number =>
  sum(rss, (rs) => rs.status?.replicas ?? 0);
export const getReadyReplicaCountForReplicaSets = (rss: readonly (ReplicaSet | undefined)[]): number =>
  sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
export const getAvailableReplicaCountForReplicaSets = (rss: readonly (ReplicaSet | undefined)[]): number =>
  sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

/** EqualIgnoreHash: templates equal once the pod-template-hash label is removed from both. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return jsonEqual(withoutHash(a), withoutHash(b));
}

function withoutHash(t: PodTemplateSpec | undefined): unknown {
  const labels = t?.metadata?.labels;
  if (!labels || !(POD_TEMPLATE_HASH_LABEL in labels)) return t;
  const { [POD_TEMPLATE_HASH_LABEL]: _hash, ...rest } = labels;
  const metadata = { ...t.metadata, labels: Object.keys(rest).length > 0 ? rest : undefined };
  return { ...t, metadata };
}

/**
 * equalIgnoreHash results by template objects, for frozen (stored, hence immutable) templates
 * only. A Deployment sync asks for its new ReplicaSet several times, and the working copies of
 * one sync share the stored templates (see workingCopy), so each pair is compared once.
 */
const templatesEqual = new WeakMap<object, WeakMap<object, boolean>>();

function equalIgnoreHashCached(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  if (!a || !b || !Object.isFrozen(a) || !Object.isFrozen(b)) return equalIgnoreHash(a, b);
  let byB = templatesEqual.get(a);
  if (!byB) templatesEqual.set(a, (byB = new WeakMap()));
  let eq = byB.get(b);
  if (eq === undefined) byB.set(b, (eq = equalIgnoreHash(a, b)));
  return eq;
}

/** FindNewReplicaSet: the oldest RS whose template equals the deployment's (ignoring the hash). */
export function findNewReplicaSet<T extends ReplicaSet>(d: Deployment, rss: readonly T[]): T | undefined {
  let found: T | undefined;
  for (const rs of rss) {
    if (!equalIgnoreHashCached(rs.spec?.template, d.spec?.template)) continue;
    // The oldest by ReplicaSetsByCreationTimestamp; ties go to the name, so the order is total.
    if (!found || compareByCreationTimestamp(rs, found) < 0) found = rs;
  }
  return found;
}

/** FindOldReplicaSets: [old RSs with replicas, all old RSs]. */
export function findOldReplicaSets<T extends ReplicaSet>(d: Deployment, rss: readonly T[]): { oldRSs: T[]; allOldRSs: T[] } {
  const newRS = findNewReplicaSet(d, rss);
  const allOldRSs = rss.filter((rs) => !newRS || rs.metadata?.uid !== newRS.metadata?.uid);
  return { oldRSs: allOldRSs.filter((rs) => specReplicas(rs) !== 0), allOldRSs };
}

/** HasProgressDeadline / HasRevisionHistoryLimit: set and not MaxInt32. */
export const hasProgressDeadline = (d: Deployment): boolean =>
  d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== MAX_INT32;
export const hasRevisionHistoryLimit = (d: Deployment): boolean =>
  d.spec?.revisionHistoryLimit !== undefined && d.spec.revisionHistoryLimit !== MAX_INT32;

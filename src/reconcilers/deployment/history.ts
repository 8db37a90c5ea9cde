/**
 * Rollout history and undo as kubectl 1.32 does them on the client side: apps/v1 has no
 * rollback subresource, so `kubectl rollout undo` finds the ReplicaSet of the wanted revision
 * and writes its pod template (without the pod-template-hash label) and its annotations back
 * into the Deployment; the controller then sees a template change like any other, and the old
 * RS becomes the new one with the next revision number. These helpers are pure: the caller
 * passes the deployment's ReplicaSets and applies the result.
 *
 * @see kubernetes/kubectl pkg/polymorphichelpers/rollback.go (DeploymentRollbacker, deploymentRevision)
 * @see kubernetes/kubectl pkg/polymorphichelpers/history.go (DeploymentHistoryViewer)
 */
import { BadRequestError } from '../../model/errors.js';
import { copyJson } from '../../model/json.js';
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../../model/types.js';
import { POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
import { ANNOTATIONS_TO_SKIP, equalIgnoreHash, findNewReplicaSet, findOldReplicaSets, revision } from './util.js';

/** kubectl's change-cause annotation, shown by `rollout history`. */
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';

/** A rollback or history request kubectl would refuse (revision not found, no history, paused). */
export class RolloutHistoryError extends BadRequestError {}

export interface RolloutRevision {
  readonly revision: number;
  /** The `kubernetes.io/change-cause` annotation of the revision's ReplicaSet, if any. */
  readonly changeCause?: string;
  readonly template: PodTemplateSpec;
}

/**
 * The deployment's ReplicaSets as kubectl's GetAllReplicaSets gives them: those controlled by
 * the deployment (by uid), old ones first then the new one.
 */
function deploymentReplicaSets(d: Deployment, replicaSets: readonly ReplicaSet[]): ReplicaSet[] {
  const uid = d.metadata?.uid;
  const owned = replicaSets.filter((rs) =>
    rs.metadata?.ownerReferences?.some((r) => r.controller === true && (uid === undefined || r.uid === uid)),
  );
  const newRS = findNewReplicaSet(d, owned);
  const { allOldRSs } = findOldReplicaSets(d, owned);
  return newRS ? [...allOldRSs, newRS] : allOldRSs;
}

/** `kubectl rollout history`: one entry per revision, ascending. Empty means "No rollout history found." */
export function rolloutHistory(d: Deployment, replicaSets: readonly ReplicaSet[]): RolloutRevision[] {
  const byRevision = new Map<number, RolloutRevision>();
  for (const rs of deploymentReplicaSets(d, replicaSets)) {
    const v = revision(rs);
    if (v === undefined) continue;
    const changeCause = rs.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
    const template = copyJson(rs.spec?.template ?? {});
    byRevision.set(v, changeCause ? { revision: v, changeCause, template } : { revision: v, template });
  }
  return [...byRevision.keys()].sort((a, b) => a - b).map((v) => byRevision.get(v)!);
}

/** deploymentRevision: the RS of `toRevision`, or with 0 the one before the latest. */
function replicaSetForRevision(d: Deployment, replicaSets: readonly ReplicaSet[], toRevision: number): ReplicaSet {
  let latest: ReplicaSet | undefined;
  let latestRevision = -1;
  let previous: ReplicaSet | undefined;
  let previousRevision = -1;
  for (const rs of deploymentReplicaSets(d, replicaSets)) {
    const v = revision(rs);
    if (v === undefined) continue;
    if (toRevision === 0) {
      if (latestRevision < v) {
        previousRevision = latestRevision;
        previous = latest;
        latestRevision = v;
        latest = rs;
      } else if (previousRevision < v) {
        previousRevision = v;
        previous = rs;
      }
    } else if (v === toRevision) return rs;
  }
  if (toRevision > 0) throw new RolloutHistoryError(`unable to find specified revision ${toRevision} in history`);
  if (!previous) throw new RolloutHistoryError(`no rollout history found for deployment "${d.metadata?.name ?? ''}"`);
  return previous;
}

export interface RollbackResult {
  /** The template to write into spec.template (hash label removed). */
  readonly template: PodTemplateSpec;
  /** The deployment's annotations after the rollback: its own skipped ones plus the RS's others. */
  readonly annotations: Record<string, string>;
  /** The revision rolled back to. */
  readonly revision: number;
  /** True when the template already matches: kubectl prints "skipped rollback" and writes nothing. */
  readonly unchanged: boolean;
}

/**
 * `kubectl rollout undo [--to-revision=N]`: what to write back into the deployment. Throws
 * RolloutHistoryError for a paused deployment, an unknown revision or no previous revision.
 */
export function rollbackTemplate(d: Deployment, replicaSets: readonly ReplicaSet[], toRevision = 0): RollbackResult {
  if (d.spec?.paused) {
    throw new RolloutHistoryError(
      "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again",
    );
  }
  const rs = replicaSetForRevision(d, replicaSets, toRevision);
  const rev = revision(rs) ?? 0;
  const template = copyJson(rs.spec?.template ?? {});
  const own = d.metadata?.annotations ?? {};
  const annotations: Record<string, string> = {};
  for (const key of Object.keys(own).sort()) if (ANNOTATIONS_TO_SKIP.has(key)) annotations[key] = own[key]!;
  const theirs = rs.metadata?.annotations ?? {};
  for (const key of Object.keys(theirs).sort()) if (!ANNOTATIONS_TO_SKIP.has(key)) annotations[key] = theirs[key]!;
  if (equalIgnoreHash(rs.spec?.template, d.spec?.template)) {
    return { template: copyJson(d.spec?.template ?? {}), annotations: { ...own }, revision: rev, unchanged: true };
  }
  const labels = template.metadata?.labels;
  if (labels && POD_TEMPLATE_HASH_LABEL in labels) {
    delete labels[POD_TEMPLATE_HASH_LABEL];
    if (Object.keys(labels).length === 0) delete template.metadata!.labels;
  }
  return { template, annotations, revision: rev, unchanged: false };
}

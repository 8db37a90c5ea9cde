/**
 * The ReplicaSet orderings and filters the Deployment controller borrows from
 * controller_utils.go. Every sort is total (ties fall back to the name), so results never depend
 * on the order the store listed the objects in.
 *
 * @see kubernetes/kubernetes pkg/controller/controller_utils.go (ReplicaSetsByCreationTimestamp,
 *      ReplicaSetsBySizeOlder, ReplicaSetsBySizeNewer, FilterActiveReplicaSets)
 * @see kubernetes/kubernetes pkg/controller/deployment/util/replicaset_util.go (ReplicaSetsByRevision)
 */
import { timeMs } from '../controller-utils.js';
import type { ReplicaSet } from '../../model/types.js';
import { revision, specReplicas } from './util.js';

function createdMs(rs: ReplicaSet): number {
  // timeMs caches the parse by text: sorts compare the same few timestamps many times.
  return timeMs(rs.metadata?.creationTimestamp) ?? 0;
}

const byName = (a: ReplicaSet, b: ReplicaSet): number => {
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

/** ReplicaSetsByCreationTimestamp.Less: older first, then by name. */
export function compareByCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  return createdMs(a) - createdMs(b) || byName(a, b);
}

export function sortByCreationTimestamp<T extends ReplicaSet>(rss: readonly T[]): T[] {
  return [...rss].sort(compareByCreationTimestamp);
}

/** ReplicaSetsBySizeOlder: larger first; equal sizes older first (scale those down first). */
export function sortBySizeOlder<T extends ReplicaSet>(rss: readonly T[]): T[] {
  return [...rss].sort((a, b) => specReplicas(b) - specReplicas(a) || compareByCreationTimestamp(a, b));
}

/** ReplicaSetsBySizeNewer: larger first; equal sizes newer first (scale those up first). */
export function sortBySizeNewer<T extends ReplicaSet>(rss: readonly T[]): T[] {
  return [...rss].sort((a, b) => specReplicas(b) - specReplicas(a) || compareByCreationTimestamp(b, a));
}

/** ReplicaSetsByRevision: lower revision first, then by creation timestamp (cleanup order). */
export function sortByRevision<T extends ReplicaSet>(rss: readonly T[]): T[] {
  return [...rss].sort((a, b) => {
    const ra = revision(a);
    const rb = revision(b);
    if (ra === rb || ra === undefined || rb === undefined) return compareByCreationTimestamp(a, b);
    return ra - rb;
  });
}

/** FilterActiveReplicaSets: the RSs that want at least one pod. */
export function filterActive<T extends ReplicaSet>(rss: readonly (T | undefined)[]): T[] {
  return rss.filter((rs): rs is T => rs !== undefined && specReplicas(rs) > 0);
}

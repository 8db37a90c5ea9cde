/**
 * The reconciler contract shared by built-in controllers and users' own: a pure, level-based
 * function from (state, key) to API calls (controller-runtime's Reconciler, with the calls
 * returned as data). The sim applies the actions through the same write path users take, so
 * validation, admission and conflicts hold for controllers too.
 */
import type { Change, ClusterState } from './store.js';
import type { DeleteOptions } from './writes.js';
import type { KubeObject, StoredObject } from './types.js';

/** An API call a reconciler asks for. Objects are plain JSON; keys are `namespace/name`. */
export type Action =
  | { readonly verb: 'create'; readonly object: KubeObject }
  | { readonly verb: 'update'; readonly object: KubeObject }
  | { readonly verb: 'updateStatus'; readonly object: KubeObject }
  | { readonly verb: 'delete'; readonly kind: string; readonly key: string; readonly options?: DeleteOptions }
  | { readonly verb: 'bind'; readonly podKey: string; readonly nodeName: string }
  /** The pods/eviction subresource (src/model/eviction.ts): a deletion that respects PodDisruptionBudgets. */
  | { readonly verb: 'evict'; readonly podKey: string; readonly options?: DeleteOptions }
  | { readonly verb: 'event'; readonly event: EventRecord };

/** A Kubernetes Event to record (the recorder aggregates repeats into `count`). */
export interface EventRecord {
  readonly involvedObject: { readonly kind: string; readonly namespace?: string; readonly name: string; readonly uid?: string };
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  /** The component that reports it, e.g. 'replicaset-controller', 'default-scheduler', 'kubelet'. */
  readonly source: string;
  /** For kubelet events, the node. */
  readonly host?: string;
}

export interface ReconcileResult {
  readonly actions: readonly Action[];
  /** Ask to be called again for this key after this much virtual time (the only way to wait). */
  readonly requeueAfterMs?: number;
  /**
   * Sizes of consecutive groups of `actions` applied as upstream's slowStartBatch does: once a
   * group has a failed call, the groups after it are skipped (and the key retried with
   * backoff). Actions beyond the listed groups are applied unconditionally. Omit for "apply
   * every action, whatever fails".
   */
  readonly batches?: readonly number[];
}

/** Group sizes 1, 2, 4, ... covering `count` calls, as controller_utils slowStartBatch uses. */
export function slowStartBatches(count: number, initial = 1): number[] {
  const out: number[] = [];
  let size = Math.min(initial, count);
  for (let left = count; left > 0; ) {
    out.push(size);
    left -= size;
    size = Math.min(2 * size, left);
  }
  return out;
}

/** A seeded random stream (the sim passes the reconciler's own fork). */
export interface RandomSource {
  next(): number;
  int(n: number): number;
}

/**
 * Built-in secondary indexes (informer indexers):
 * - `namespace`: namespaced objects by namespace;
 * - `controller`: objects by the uid of their controller ownerReference;
 * - `owner`: objects by the uid of any ownerReference (what the garbage collector walks);
 * - `nodeName`: pods by `spec.nodeName`;
 * - `orphan`: objects without a controller, by namespace (adoption candidates).
 */
export type IndexName = 'namespace' | 'controller' | 'owner' | 'nodeName' | 'orphan';

/**
 * Read access to the indexes, consistent with the `state` a reconcile receives. Results are
 * shared and frozen: read them, never keep them past the reconcile.
 *
 * `select` is the label lookup a Service or a PodDisruptionBudget needs (an informer lister
 * with a labels.SelectorFromSet selector): the objects of `kind` in `namespace` (undefined for
 * cluster-scoped kinds) whose labels hold every key=value of `matchLabels`, sorted by key;
 * `{}` selects the whole namespace. It costs the size of the smallest matching label bucket,
 * not the namespace. Example: `ctx.index.select('Pod', 'default', { app: 'web' })`.
 */
export interface ObjectIndex {
  /** Objects of `kind` whose index `index` holds `value`, sorted by key. */
  list(kind: string, index: IndexName, value: string): readonly StoredObject[];
  /** Objects of `kind` in `namespace` whose labels contain every key=value of `matchLabels`, sorted by key. */
  select(kind: string, namespace: string | undefined, matchLabels: Readonly<Record<string, string>>): readonly StoredObject[];
}

export interface ReconcileContext {
  readonly nowMs: number;
  readonly index: ObjectIndex;
  /** `nowMs` as an RFC 3339 timestamp, for status fields such as lastTransitionTime. */
  readonly now: string;
  readonly rng: RandomSource;
}

export type Reconcile = (state: ClusterState, key: string, ctx: ReconcileContext) => ReconcileResult;

/**
 * Which keys a committed change wakes: usually the object's own key, or its controller's key
 * (a ReplicaSet watching its pods). Return [] to ignore the change.
 */
export type WatchMapper = (change: Change, state: ClusterState) => readonly string[];

export interface Reconciler {
  /** Unique name, e.g. 'replicaset-controller'; also the name of its random stream. */
  readonly name: string;
  /** Kind → mapper; a kind listed with `'self'` maps each change to the object's own key. */
  readonly watches: Readonly<Record<string, WatchMapper | 'self'>>;
  readonly reconcile: Reconcile;
}

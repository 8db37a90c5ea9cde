/**
 * What kubectl needs from a cluster. Reads are required; writes are optional, so this layer
 * never imports the facade's class (the facade calls runKubectl(this, args)) and a verb whose
 * method the target lacks reports that it is not supported rather than failing to compile.
 * The Cluster facade satisfies every member structurally.
 */
import type { ClusterState } from '../model/store.js';
import type { StoredObject } from '../model/types.js';

export interface KubectlListOptions {
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
  readonly selector?: string;
}

export interface KubectlTarget extends KubectlWriter {
  /** The cluster's virtual now as RFC 3339 (what ages are measured against). */
  readonly nowTimestamp: string;
  /** A list of one kind, sorted by namespace and name (Cluster.get without a name). */
  get(kind: string, name?: undefined, opts?: KubectlListOptions): StoredObject[];
  /** One object, or undefined. */
  find(kind: string, name: string, opts?: { readonly namespace?: string }): StoredObject | undefined;
}

/** A workload named as `deployment/web` or `{ kind, name, namespace }`. */
export type KubectlRef = string | { readonly kind: string; readonly name: string; readonly namespace?: string };

export interface KubectlRolloutStatus {
  readonly done: boolean;
  readonly message: string;
  readonly error?: string;
}

/** The Cluster's write API as kubectl uses it (every member optional). */
export interface KubectlWriter {
  apply?(input: string | object | readonly object[]): readonly { kind: string; name: string; action: string }[];
  create?(input: string | object | readonly object[]): readonly StoredObject[];
  replace?(input: string | object | readonly object[]): readonly StoredObject[];
  delete?(
    kind: string,
    name: string,
    opts?: { namespace?: string; propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; gracePeriodSeconds?: number },
  ): { readonly object: StoredObject; readonly removed: boolean };
  patch?(kind: string, name: string, patch: string | object, opts: { type: 'strategic' | 'merge' | 'json'; namespace?: string }): StoredObject;
  scale?(ref: KubectlRef, replicas: number, opts?: { namespace?: string }): StoredObject;
  setImage?(ref: KubectlRef, container: string, image: string, opts?: { namespace?: string }): StoredObject;
  readonly rollout?: {
    status(ref: KubectlRef, opts?: { namespace?: string }): KubectlRolloutStatus;
    history(ref: KubectlRef, opts?: { namespace?: string }): readonly { revision: number; changeCause?: string }[];
    undo(ref: KubectlRef, opts?: { namespace?: string; toRevision?: number }): { revision: number; skipped: boolean };
    pause(ref: KubectlRef, opts?: { namespace?: string }): StoredObject;
    resume(ref: KubectlRef, opts?: { namespace?: string }): StoredObject;
    restart(ref: KubectlRef, opts?: { namespace?: string }): StoredObject;
  };
  /** Advances virtual time until the predicate holds (used by `rollout status`, which waits). */
  runUntil?(predicate: (state: ClusterState) => boolean, opts?: { timeout?: number | string }): boolean;
  cordon?(node: string): unknown;
  uncordon?(node: string): unknown;
  // `drain(node, opts)` is looked up at run time only (see write/nodes.ts): the Cluster has a
  // private drain() of its work queues, which a typed member here would clash with.
}

/** Per-call inputs kubectl would read from the file system or stdin. */
export interface KubectlOptions {
  /** Manifest text by path, for `-f PATH` (kubesim never reads the real file system here). */
  readonly files?: Readonly<Record<string, string>>;
  /** What `-f -` reads. */
  readonly stdin?: string;
}

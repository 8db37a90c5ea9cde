/**
 * What kubectl needs from a cluster: reads only. The Cluster facade satisfies it, so this
 * layer never imports the facade's class (the facade calls runKubectl(this, args)).
 */
import type { StoredObject } from '../model/types.js';

export interface KubectlListOptions {
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
  readonly selector?: string;
}

export interface KubectlTarget {
  /** The cluster's virtual now as RFC 3339 (what ages are measured against). */
  readonly nowTimestamp: string;
  /** A list of one kind, sorted by namespace and name (Cluster.get without a name). */
  get(kind: string, name?: undefined, opts?: KubectlListOptions): StoredObject[];
  /** One object, or undefined. */
  find(kind: string, name: string, opts?: { readonly namespace?: string }): StoredObject | undefined;
}

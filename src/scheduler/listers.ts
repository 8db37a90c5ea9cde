/**
 * Read access plugins need beyond nodes and pods: the Services, ReplicaSets and
 * ReplicationControllers selecting a pod (PodTopologySpread's system default constraints) and
 * namespace labels (InterPodAffinity's namespaceSelector). Kept per namespace from committed
 * changes, so a lookup costs the objects of one namespace, not of the cluster.
 */
import { labelSelectorAsSelector } from '../model/labels/label-selector.js';
import { selectorFromSet, type Selector } from '../model/labels/selector.js';
import type { Change } from '../model/store.js';
import type { Pod, PodDisruptionBudget, ReplicaSet, ReplicationController, Service, StoredObject } from '../model/types.js';

export interface SchedulerListers {
  servicesFor(pod: Pod): readonly Service[];
  replicaSetsFor(pod: Pod): readonly ReplicaSet[];
  replicationControllersFor(pod: Pod): readonly ReplicationController[];
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
  /** Every PodDisruptionBudget, sorted by namespace and name (preemption counts violations). */
  podDisruptionBudgets(): readonly PodDisruptionBudget[];
  /** Bumped on every Service/ReplicaSet/ReplicationController change (caches key on it). */
  readonly generation?: number;
}

interface Entry {
  readonly object: StoredObject;
  readonly selector: Selector | undefined;
}

const WATCHED = new Set(['Service', 'ReplicaSet', 'ReplicationController', 'Namespace', 'PodDisruptionBudget']);

function selectorOf(kind: string, obj: StoredObject): Selector | undefined {
  const spec = obj.spec as { selector?: unknown } | undefined;
  if (kind === 'ReplicaSet') return labelSelectorAsSelector(spec?.selector as never);
  const sel = spec?.selector as Record<string, string> | undefined;
  // A Service or RC without a selector selects nothing (upstream skips them).
  return sel && Object.keys(sel).length > 0 ? selectorFromSet(sel) : undefined;
}

/**
 * One namespace's objects of one kind, by name, with the names kept sorted as they come and
 * go (binary insertion), so a lookup walks them in order without sorting per call.
 */
class NamespaceEntries {
  readonly byName = new Map<string, Entry>();
  readonly sortedNames: string[] = [];

  set(name: string, e: Entry): void {
    if (!this.byName.has(name)) this.sortedNames.splice(this.lowerBound(name), 0, name);
    this.byName.set(name, e);
  }

  delete(name: string): void {
    if (!this.byName.delete(name)) return;
    this.sortedNames.splice(this.lowerBound(name), 1);
  }

  /** The first index whose name is >= `name` (byte order, as sort() without a comparator). */
  private lowerBound(name: string): number {
    let lo = 0;
    let hi = this.sortedNames.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sortedNames[mid]! < name) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * Whether a Service/ReplicaSet/RC change can change what the lookups answer: added, deleted,
 * or its selector changed. Status updates (a ReplicaSet's replica counts move with every pod)
 * leave the answers alone, and unchanged subtrees keep their identity across immer writes.
 */
function selectionChanged(change: Change): boolean {
  if (change.object === undefined || change.oldObject === undefined) return true;
  const a = (change.oldObject.spec as { selector?: unknown } | undefined)?.selector;
  const b = (change.object.spec as { selector?: unknown } | undefined)?.selector;
  return a !== b && JSON.stringify(a) !== JSON.stringify(b);
}

export class NamespacedListers implements SchedulerListers {
  /** kind → namespace → entries; names iterated sorted for determinism. */
  private readonly byKind = new Map<string, Map<string, NamespaceEntries>>();
  private readonly namespaces = new Map<string, Readonly<Record<string, string>>>();
  private readonly pdbs = new Map<string, PodDisruptionBudget>();
  private pdbList: readonly PodDisruptionBudget[] | undefined;
  /** Bumped when a Service/ReplicaSet/ReplicationController comes, goes or changes selector. */
  generation = 0;

  static watches(kind: string): boolean {
    return WATCHED.has(kind);
  }

  apply(change: Change): void {
    if (!WATCHED.has(change.kind)) return;
    const obj = (change.object ?? change.oldObject)!;
    if (change.kind === 'PodDisruptionBudget') {
      const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
      if (change.object) this.pdbs.set(key, change.object as unknown as PodDisruptionBudget);
      else this.pdbs.delete(key);
      this.pdbList = undefined;
      return;
    }
    if (change.kind === 'Namespace') {
      if (change.object) this.namespaces.set(obj.metadata.name, obj.metadata.labels ?? {});
      else this.namespaces.delete(obj.metadata.name);
      return;
    }
    if (selectionChanged(change)) this.generation++;
    let byNs = this.byKind.get(change.kind);
    if (!byNs) {
      byNs = new Map();
      this.byKind.set(change.kind, byNs);
    }
    const ns = obj.metadata.namespace ?? 'default';
    let byName = byNs.get(ns);
    if (!byName) {
      byName = new NamespaceEntries();
      byNs.set(ns, byName);
    }
    if (change.object) byName.set(obj.metadata.name, { object: change.object, selector: selectorOf(change.kind, change.object) });
    else byName.delete(obj.metadata.name);
  }

  private selecting<T>(kind: string, pod: Pod): T[] {
    const entries = this.byKind.get(kind)?.get(pod.metadata?.namespace ?? 'default');
    if (!entries) return [];
    const labels = pod.metadata?.labels ?? {};
    const out: T[] = [];
    const names = entries.sortedNames;
    for (let i = 0; i < names.length; i++) {
      const e = entries.byName.get(names[i]!)!;
      if (e.selector && !e.selector.empty() && e.selector.matches(labels)) out.push(e.object as unknown as T);
    }
    return out;
  }

  servicesFor(pod: Pod): readonly Service[] {
    return this.selecting<Service>('Service', pod);
  }

  replicaSetsFor(pod: Pod): readonly ReplicaSet[] {
    return this.selecting<ReplicaSet>('ReplicaSet', pod);
  }

  replicationControllersFor(pod: Pod): readonly ReplicationController[] {
    return this.selecting<ReplicationController>('ReplicationController', pod);
  }

  replicaSetNamed(namespace: string, name: string): ReplicaSet | undefined {
    return this.named<ReplicaSet>('ReplicaSet', namespace, name);
  }

  replicationControllerNamed(namespace: string, name: string): ReplicationController | undefined {
    return this.named<ReplicationController>('ReplicationController', namespace, name);
  }

  private named<T>(kind: string, namespace: string, name: string): T | undefined {
    // Stored under the object's namespace, 'default' when it had none (see apply); the
    // namespace must still be the one asked for.
    const obj = this.byKind.get(kind)?.get(namespace === '' ? 'default' : namespace)?.byName.get(name)?.object;
    return obj !== undefined && (obj.metadata.namespace ?? '') === namespace ? (obj as unknown as T) : undefined;
  }

  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined {
    return this.namespaces.get(namespace);
  }

  podDisruptionBudgets(): readonly PodDisruptionBudget[] {
    this.pdbList ??= [...this.pdbs.keys()].sort().map((k) => this.pdbs.get(k)!);
    return this.pdbList;
  }
}

/**
 * The Priority admission plugin: resolves a pod's `priorityClassName` to `spec.priority` and
 * `spec.preemptionPolicy` at creation, using the global default class when none is named.
 *
 * @see kubernetes/kubernetes plugin/pkg/admission/priority/admission.go
 */
import { ForbiddenError } from '../errors.js';
import { forEachObject, type StoreBatch } from '../store.js';
import type { KubeObject, PriorityClass } from '../types.js';

/** The classes the API server creates at start-up (pkg/apis/scheduling SystemPriorityClasses). */
export const SYSTEM_PRIORITY_CLASSES: readonly { name: string; value: number; description: string }[] = [
  { name: 'system-node-critical', value: 2000001000, description: 'Used for system critical pods that must not be moved from their current node.' },
  { name: 'system-cluster-critical', value: 2000000000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' },
];

/**
 * The global default per version of the PriorityClass table: the store copies a kind's table on
 * every write to that kind, so an unchanged table means unchanged classes. Without this, every
 * pod creation walked the whole (mostly empty) table.
 */
const defaults = new WeakMap<object, { readonly pc: PriorityClass | undefined }>();

function globalDefault(batch: StoreBatch): PriorityClass | undefined {
  const table = batch.base.kinds.PriorityClass;
  const cacheable = table !== undefined && !batch.touched('PriorityClass');
  const known = cacheable ? defaults.get(table) : undefined;
  if (known) return known.pc;
  const pc = scanGlobalDefault(batch);
  if (cacheable) defaults.set(table, { pc });
  return pc;
}

function scanGlobalDefault(batch: StoreBatch): PriorityClass | undefined {
  // Few classes exist; scanning them at pod creation is what upstream's lister does too.
  let best: PriorityClass | undefined;
  forEachObject(batch.base, 'PriorityClass', (stored) => {
    const pc = batch.get('PriorityClass', undefined, stored.metadata.name) as PriorityClass | undefined;
    // Upstream picks the lowest value when several claim globalDefault.
    if (pc?.globalDefault && (best === undefined || pc.value < best.value)) best = pc;
  });
  return best;
}

/** Mutates a new pod's spec in place. */
export function admitPodPriority(batch: StoreBatch, pod: KubeObject): void {
  const spec = pod.spec as { priorityClassName?: string; priority?: number; preemptionPolicy?: string } | undefined;
  if (!spec || typeof spec !== 'object') return;
  let value = 0;
  let policy: string | undefined = 'PreemptLowerPriority';
  const name = spec.priorityClassName;
  if (typeof name === 'string' && name !== '') {
    const pc = batch.get('PriorityClass', undefined, name) as PriorityClass | undefined;
    if (!pc) throw new ForbiddenError(`pods "${pod.metadata?.name ?? ''}" is forbidden: no PriorityClass with name ${name} was found`);
    value = pc.value;
    policy = pc.preemptionPolicy ?? policy;
  } else {
    const pc = globalDefault(batch);
    if (pc) {
      spec.priorityClassName = pc.metadata?.name;
      value = pc.value;
      policy = pc.preemptionPolicy ?? policy;
    }
  }
  if (spec.priority !== undefined && spec.priority !== value) {
    throw new ForbiddenError(
      `pods "${pod.metadata?.name ?? ''}" is forbidden: the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
    );
  }
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== policy) {
    throw new ForbiddenError(
      `pods "${pod.metadata?.name ?? ''}" is forbidden: the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`,
    );
  }
  spec.priority = value;
  spec.preemptionPolicy = policy;
}

/**
 * Small, independent readings of Kubernetes objects that the invariants share: pod readiness
 * and requests, node allocatable, controller references, taint toleration and node selection.
 * They are written from the API's documented semantics rather than imported from the
 * controllers, so an invariant does not inherit the bug it is meant to catch.
 */
import { parseQuantity, type ClusterState, type StoredObject } from '../index.js';
import { getObject, listObjects } from '../index.js';
import { parseRFC3339 } from '../model/time.js';

interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly lastTransitionTime?: string;
}
interface ContainerLike {
  readonly name?: string;
  readonly restartPolicy?: string;
  readonly resources?: { readonly requests?: Readonly<Record<string, string>> };
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number; readonly protocol?: string }[];
}
export interface PodSpecLike {
  readonly nodeName?: string;
  readonly hostNetwork?: boolean;
  readonly schedulerName?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
  readonly affinity?: { readonly nodeAffinity?: { readonly requiredDuringSchedulingIgnoredDuringExecution?: NodeSelectorLike } };
  readonly containers?: readonly ContainerLike[];
  readonly initContainers?: readonly ContainerLike[];
  readonly overhead?: Readonly<Record<string, string>>;
}
interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}
export interface TaintLike {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}
interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}
interface NodeSelectorLike {
  readonly nodeSelectorTerms?: readonly { readonly matchExpressions?: readonly NodeSelectorRequirement[]; readonly matchFields?: readonly NodeSelectorRequirement[] }[];
}

export const podSpec = (pod: StoredObject): PodSpecLike => (pod.spec ?? {}) as PodSpecLike;
const podStatus = (pod: StoredObject) =>
  (pod.status ?? {}) as { phase?: string; podIP?: string; conditions?: readonly Condition[] };

export const podPhase = (pod: StoredObject): string | undefined => podStatus(pod).phase;
export const podIP = (pod: StoredObject): string | undefined => podStatus(pod).podIP || undefined;
export const isTerminal = (pod: StoredObject): boolean => podPhase(pod) === 'Succeeded' || podPhase(pod) === 'Failed';
export const isTerminating = (obj: StoredObject): boolean => !!obj.metadata.deletionTimestamp;

export function condition(obj: StoredObject, type: string): Condition | undefined {
  return ((obj.status ?? {}) as { conditions?: readonly Condition[] }).conditions?.find((c) => c.type === type);
}

/** The pod's Ready condition is True. */
export const isReady = (pod: StoredObject): boolean => condition(pod, 'Ready')?.status === 'True';

/** Ready for more than `minReadySeconds` at `nowEpochMs` (IsPodAvailable; 0 means ready). */
export function isAvailable(pod: StoredObject, minReadySeconds: number, nowEpochMs: number): boolean {
  if (!isReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const at = condition(pod, 'Ready')?.lastTransitionTime;
  return at !== undefined && parseRFC3339(at) + minReadySeconds * 1000 < nowEpochMs;
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export const keyOf = (obj: StoredObject): string => (obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name);

/** The ownerReference with controller: true, if any. */
export function controllerRef(obj: StoredObject): { kind: string; name: string; uid: string } | undefined {
  // A plain loop: the invariants ask this for every changed pod and ReplicaSet.
  const refs = obj.metadata.ownerReferences;
  if (refs) for (const r of refs) if (r.controller === true) return r;
  return undefined;
}

/** The object `ref` names in `namespace`, if it exists with the same uid. */
export function resolveOwner(state: ClusterState, namespace: string | undefined, ref: { kind: string; name: string; uid: string }): StoredObject | undefined {
  const owner = getObject(state, ref.kind, namespace, ref.name) ?? getObject(state, ref.kind, undefined, ref.name);
  return owner?.metadata.uid === ref.uid ? owner : undefined;
}

function milli(q: string): number {
  return parseQuantity(q).milliValue();
}

function addInto(into: Map<string, number>, requests: Readonly<Record<string, string>> | undefined): void {
  for (const [name, q] of Object.entries(requests ?? {})) into.set(name, (into.get(name) ?? 0) + milli(q));
}

/**
 * What a pod asks of its node, in milli-units per resource (resourcehelper.PodRequests): the
 * regular containers and restartable (sidecar) init containers add up; each other init
 * container runs alone beside the sidecars started before it, so the pod needs the larger of
 * the two; then the pod overhead. Example: containers 100m + 200m, one init container 500m
 * → 500m. The pod itself counts as one `pods`.
 */
export function podRequests(pod: StoredObject): Map<string, number> {
  const spec = podSpec(pod);
  const total = new Map<string, number>();
  for (const c of spec.containers ?? []) addInto(total, c.resources?.requests);
  const sidecars = new Map<string, number>();
  for (const c of spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') {
      addInto(sidecars, c.resources?.requests);
      addInto(total, c.resources?.requests);
      continue;
    }
    const peak = new Map(sidecars);
    addInto(peak, c.resources?.requests);
    for (const [name, v] of peak) if (v > (total.get(name) ?? 0)) total.set(name, v);
  }
  addInto(total, spec.overhead);
  total.set('pods', 1000);
  return total;
}

/**
 * `read(obj)` remembered per stored part: stored objects are frozen and never change, and an
 * invariant checked after every write would otherwise parse the same quantities again. The
 * cache is keyed by the part the reading depends on (`partOf(obj)`: a pod's spec, a node's
 * allocatable), which a status-only write leaves shared between the old and the new object.
 * Unfrozen parts (a caller's own objects) are read afresh, since they may be edited between calls.
 */
function perFrozenPart<T>(partOf: (obj: StoredObject) => unknown, read: (obj: StoredObject) => T): (obj: StoredObject) => T {
  const cache = new WeakMap<object, T>();
  return (obj) => {
    const part = partOf(obj);
    if (part === null || typeof part !== 'object' || !Object.isFrozen(part)) return read(obj);
    const hit = cache.get(part);
    if (hit !== undefined) return hit;
    const value = read(obj);
    cache.set(part, value);
    return value;
  };
}

/**
 * podRequests, remembered per stored spec (it reads nothing else), or per stored containers list
 * when that is all the spec contributes (no init containers, no overhead): binding a pod gives
 * it a new spec, while its containers stay the very list its ReplicaSet's other pods share.
 * Callers must not edit the map.
 */
export const requestsOf: (pod: StoredObject) => ReadonlyMap<string, number> = perFrozenPart((pod) => {
  const spec = pod.spec as PodSpecLike | undefined;
  return spec && spec.initContainers === undefined && spec.overhead === undefined && spec.containers !== undefined ? spec.containers : spec;
}, podRequests);

/** status.allocatable in milli-units per resource. */
export function nodeAllocatable(node: StoredObject): Map<string, number> {
  const alloc = ((node.status ?? {}) as { allocatable?: Record<string, string> }).allocatable ?? {};
  const out = new Map<string, number>();
  for (const [name, q] of Object.entries(alloc)) out.set(name, milli(q));
  return out;
}

/** nodeAllocatable, remembered per stored status.allocatable; callers must not edit the map. */
export const allocatableOf: (node: StoredObject) => ReadonlyMap<string, number> = perFrozenPart(
  (node) => (node.status as { allocatable?: unknown } | undefined)?.allocatable,
  nodeAllocatable,
);

export function nodeTaints(node: StoredObject): readonly TaintLike[] {
  return ((node.spec ?? {}) as { taints?: readonly TaintLike[] }).taints ?? [];
}

/** v1 Toleration.ToleratesTaint: key (empty key with Exists tolerates all), effect, value. */
export function tolerates(t: Toleration, taint: TaintLike): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== 'Exists') return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value) || values.length !== 1) return false;
      const a = BigInt(value);
      const b = BigInt(values[0]!);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/**
 * Why `pod` may not run on `node` as far as the node alone decides: untolerated NoSchedule or
 * NoExecute taints, spec.nodeSelector, required node affinity. Resources depend on the other
 * pods and are checked by `overcommitted`. Empty when the pod fits.
 */
export function placementViolations(pod: StoredObject, node: StoredObject): string[] {
  const spec = podSpec(pod);
  const out: string[] = [];
  const labels = node.metadata.labels ?? {};
  for (const taint of nodeTaints(node)) {
    if (taint.effect === 'PreferNoSchedule') continue;
    if (!(spec.tolerations ?? []).some((t) => tolerates(t, taint))) {
      out.push(`untolerated taint ${taint.key}${taint.value ? `=${taint.value}` : ''}:${taint.effect}`);
    }
  }
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) {
    if (labels[k] !== v) out.push(`nodeSelector ${k}=${v} but the node has ${k in labels ? `${k}=${labels[k]}` : `no ${k} label`}`);
  }
  const terms = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0) {
    const fields: Record<string, string> = { 'metadata.name': node.metadata.name };
    const ok = terms.some(
      (term) =>
        ((term.matchExpressions ?? []).length > 0 || (term.matchFields ?? []).length > 0) &&
        (term.matchExpressions ?? []).every((r) => requirementMatches(r, labels[r.key])) &&
        (term.matchFields ?? []).every((r) => requirementMatches(r, fields[r.key])),
    );
    if (!ok) out.push('required node affinity does not match the node');
  }
  return out;
}

/** Pods that hold resources on their node: bound and not terminal (terminating ones still do). */
export function podsByNode(state: ClusterState): Map<string, StoredObject[]> {
  const out = new Map<string, StoredObject[]>();
  for (const pod of listObjects(state, 'Pod')) {
    const node = podSpec(pod).nodeName;
    if (!node || isTerminal(pod)) continue;
    let list = out.get(node);
    if (!list) out.set(node, (list = []));
    list.push(pod);
  }
  return out;
}

/** Resources whose summed requests on `node` exceed its allocatable, as readable lines. */
export function overcommitted(node: StoredObject, pods: readonly StoredObject[]): string[] {
  const alloc = allocatableOf(node);
  const used = new Map<string, number>();
  for (const pod of pods) for (const [name, v] of requestsOf(pod)) used.set(name, (used.get(name) ?? 0) + v);
  return overcommitLines(alloc, used);
}

/** The lines `overcommitted` reports for summed requests `used` against `alloc`, by resource name. */
export function overcommitLines(alloc: ReadonlyMap<string, number>, used: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const name of [...used.keys()].sort()) {
    const want = used.get(name)!;
    const have = alloc.get(name) ?? 0;
    if (want > have) out.push(`${name} requested ${formatMilli(name, want)} > allocatable ${formatMilli(name, have)}`);
  }
  return out;
}

function formatMilli(resource: string, m: number): string {
  if (resource === 'cpu') return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
  if (m % 1000 === 0) return String(m / 1000);
  return `${m}m`;
}

/** intstr.GetScaledValueFromIntOrPercent: a count, or a percentage of `total` rounded up or down. */
export function scaledIntOrPercent(v: number | string | undefined, total: number, roundUp: boolean, dflt: string): number {
  const value = v ?? dflt;
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return Number.parseInt(value, 10) || 0;
  const pct = Number(m[1]);
  return roundUp ? Math.ceil((pct * total) / 100) : Math.floor((pct * total) / 100);
}

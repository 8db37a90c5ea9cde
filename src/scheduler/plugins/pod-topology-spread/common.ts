/**
 * PodTopologySpread's shared pieces: the parsed form of a TopologySpreadConstraint (selector
 * compiled, matchLabelKeys merged, minDomains and inclusion policies defaulted), the
 * system-default constraints with their selector deduced from the pod's Services and owning
 * ReplicaSet/ReplicationController, and counting matching pods on a node.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/podtopologyspread/common.go, plugin.go
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/helper/spread.go (DefaultSelector)
 */
import type { Node, Pod, ReplicaSet, ReplicationController, Service } from '../../../model/types.js';
import type { TopologySpreadConstraint } from 'kubernetes-types/core/v1.js';
import { labelSelectorAsSelector } from '../../../model/labels/label-selector.js';
import { selectorFromRequirements, selectorFromSet, type Selector } from '../../../model/labels/selector.js';
import type { PodInfo } from '../../framework.js';
import { hasUntoleratedDoNotScheduleTaint, type RequiredNodeAffinity } from './node-inclusion.js';

export const NAME = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;
export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_TOPOLOGY_ZONE = 'topology.kubernetes.io/zone';

export type NodeInclusionPolicy = 'Honor' | 'Ignore';
export type UnsatisfiableConstraintAction = 'DoNotSchedule' | 'ScheduleAnyway';

/** Read access the plugin needs to build default constraints' selectors. */
export interface PodTopologySpreadListers {
  servicesFor(pod: Pod): readonly Service[];
  replicaSetsFor(pod: Pod): readonly ReplicaSet[];
  replicationControllersFor(pod: Pod): readonly ReplicationController[];
  /**
   * Bumped whenever a Service/ReplicaSet/ReplicationController is added or deleted or its
   * selector changes (what the lookups read). When present, default
   * constraints are cached per (namespace, controller, labels) while it stays the same: the
   * 30 pods of a ReplicaSet then share one lookup instead of redoing it per pod.
   */
  readonly generation?: number;
  /**
   * The ReplicaSet / ReplicationController of that name (upstream's lister Get), when the
   * listers can find one by name; otherwise the pod's selecting ones are searched by name.
   */
  replicaSetNamed?(namespace: string, name: string): ReplicaSet | undefined;
  replicationControllerNamed?(namespace: string, name: string): ReplicationController | undefined;
}

export interface PodTopologySpreadArgs {
  /** Used when defaultingType is 'List' (the default is 'System'). */
  readonly defaultConstraints?: readonly TopologySpreadConstraint[];
  readonly defaultingType?: 'System' | 'List';
  /** Services/ReplicaSets/RCs lookups for default constraints; without them none apply. */
  readonly listers?: PodTopologySpreadListers;
}

/** Upstream's systemDefaultConstraints (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway). */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = Object.freeze([
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_TOPOLOGY_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
]);

/** topologySpreadConstraint: the internal, parsed form. */
export interface Constraint {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly selector: Selector;
  readonly minDomains: number;
  readonly nodeAffinityPolicy: NodeInclusionPolicy;
  readonly nodeTaintsPolicy: NodeInclusionPolicy;
}

/** Whether `node` counts as a domain of `c` for `pod` (matchNodeInclusionPolicies). */
export function matchNodeInclusionPolicies(c: Constraint, pod: Pod, node: Node, affinity: RequiredNodeAffinity): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !affinity.match(node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && hasUntoleratedDoNotScheduleTaint(node, pod.spec?.tolerations)) return false;
  return true;
}

/** All topology keys of `constraints` are labels of the node. */
export function nodeLabelsMatchSpreadConstraints(
  labels: Readonly<Record<string, string>> | undefined,
  constraints: readonly Constraint[],
): boolean {
  if (labels == null) return constraints.length === 0;
  for (const c of constraints) if (!Object.prototype.hasOwnProperty.call(labels, c.topologyKey)) return false;
  return true;
}

/**
 * The constraints of `action`, parsed. matchLabelKeys adds `key=<pod's value>` for each key
 * the pod has (mergeLabelSetWithSelector). Throws SelectorParseError on an invalid selector.
 */
export function filterTopologySpreadConstraints(
  constraints: readonly TopologySpreadConstraint[],
  podLabels: Readonly<Record<string, string>> | undefined,
  action: UnsatisfiableConstraintAction,
): Constraint[] {
  const out: Constraint[] = [];
  for (const c of constraints) {
    if (c.whenUnsatisfiable !== action) continue;
    let selector = labelSelectorAsSelector(c.labelSelector);
    const keys = c.matchLabelKeys ?? [];
    if (keys.length > 0 && podLabels != null) {
      const set: Record<string, string> = {};
      let any = false;
      for (const k of keys) {
        const v = podLabels[k];
        if (v !== undefined) {
          set[k] = v;
          any = true;
        }
      }
      if (any) selector = selectorFromRequirements([...selectorFromSet(set).requirements(), ...selector.requirements()]);
    }
    out.push({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      nodeAffinityPolicy: (c.nodeAffinityPolicy as NodeInclusionPolicy | undefined) ?? 'Honor',
      nodeTaintsPolicy: (c.nodeTaintsPolicy as NodeInclusionPolicy | undefined) ?? 'Ignore',
    });
  }
  return out;
}

/**
 * helper.DefaultSelector: the union of the selectors of the Services selecting the pod and of
 * its controlling ReplicationController or ReplicaSet (StatefulSets are not modelled).
 */
export function defaultSelector(pod: Pod, listers: PodTopologySpreadListers): Selector {
  const ns = pod.metadata?.namespace ?? '';
  const podLabels = pod.metadata?.labels ?? {};
  const set: Record<string, string> = {};
  for (const svc of listers.servicesFor(pod)) {
    const sel = svc.spec?.selector;
    // A Service with no selector selects nothing, not everything.
    if (sel == null || (svc.metadata?.namespace ?? '') !== ns) continue;
    if (!selectorFromSet(sel).matches(podLabels)) continue;
    for (const k of Object.keys(sel)) set[k] = sel[k]!;
  }
  let selector = selectorFromSet(set);
  const owner = (pod.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (owner === undefined) return selector;
  if (owner.kind === 'ReplicationController' && owner.apiVersion === 'v1') {
    const rc = listers.replicationControllerNamed
      ? listers.replicationControllerNamed(ns, owner.name)
      : listers.replicationControllersFor(pod).find((r) => r.metadata?.name === owner.name && (r.metadata?.namespace ?? '') === ns);
    if (rc !== undefined) {
      for (const [k, v] of Object.entries(rc.spec?.selector ?? {})) set[k] = v;
      selector = selectorFromSet(set);
    }
  } else if (owner.kind === 'ReplicaSet' && owner.apiVersion === 'apps/v1') {
    const rs = listers.replicaSetNamed
      ? listers.replicaSetNamed(ns, owner.name)
      : listers.replicaSetsFor(pod).find((r) => r.metadata?.name === owner.name && (r.metadata?.namespace ?? '') === ns);
    if (rs !== undefined) {
      try {
        const other = labelSelectorAsSelector(rs.spec?.selector);
        selector = selectorFromRequirements([...selector.requirements(), ...other.requirements()]);
      } catch {
        // upstream ignores a ReplicaSet whose selector does not parse
      }
    }
  }
  return selector;
}

/** buildDefaultConstraints: defaults of `action` with the pod's default selector, or none. */
export function buildDefaultConstraints(
  pod: Pod,
  action: UnsatisfiableConstraintAction,
  defaults: readonly TopologySpreadConstraint[],
  listers: PodTopologySpreadListers | undefined,
): Constraint[] {
  if (listers === undefined) return [];
  const generation = listers.generation;
  if (generation === undefined) return computeDefaultConstraints(pod, action, defaults, listers);
  const md = pod.metadata;
  const labels = md?.labels;
  const owners = md?.ownerReferences;
  const ns = md?.namespace ?? '';
  // Siblings are scheduled one after another: the last answer usually is this one too.
  const l = lastAnswer;
  if (
    l !== undefined &&
    l.labels === labels &&
    l.owners === owners &&
    l.ns === ns &&
    l.action === action &&
    l.listers === listers &&
    l.defaults === defaults &&
    l.generation === generation
  ) {
    return l.value;
  }
  // No default of this action (the system defaults have no DoNotSchedule one): none, for
  // every pod, without building its key.
  if (!hasAction(defaults, action)) return [];
  const cache = defaultsCacheFor(listers, defaults, generation);
  // Sibling pods share their frozen labels and ownerReferences (the store interns them):
  // the same objects, namespace and action are the same key, found without building it.
  const byIdentity = labels != null && Object.isFrozen(labels) && (owners == null || Object.isFrozen(owners));
  if (byIdentity) {
    const last = cache.byLabels.get(labels);
    if (last !== undefined && last.owners === owners && last.ns === ns && last.action === action) return last.value;
  }
  const key = defaultsKey(pod, action);
  let hit = cache.entries.get(key);
  if (hit === undefined) {
    hit = computeDefaultConstraints(pod, action, defaults, listers);
    // Bounded: a cluster with more distinct (controller, labels) pairs just recomputes.
    if (cache.entries.size >= DEFAULTS_CACHE_MAX) cache.entries.clear();
    cache.entries.set(key, hit);
  }
  if (byIdentity) {
    cache.byLabels.set(labels, { owners, ns, action, value: hit });
    lastAnswer = { labels, owners, ns, action, listers, defaults, generation, value: hit };
  }
  return hit;
}

/** buildDefaultConstraints' last answer by identity, with everything it was found from. */
let lastAnswer:
  | {
      readonly labels: object;
      readonly owners: unknown;
      readonly ns: string;
      readonly action: UnsatisfiableConstraintAction;
      readonly listers: PodTopologySpreadListers;
      readonly defaults: readonly TopologySpreadConstraint[];
      readonly generation: number;
      readonly value: Constraint[];
    }
  | undefined;

function computeDefaultConstraints(
  pod: Pod,
  action: UnsatisfiableConstraintAction,
  defaults: readonly TopologySpreadConstraint[],
  listers: PodTopologySpreadListers,
): Constraint[] {
  const constraints = filterTopologySpreadConstraints(defaults, pod.metadata?.labels, action);
  if (constraints.length === 0) return constraints;
  const selector = defaultSelector(pod, listers);
  if (selector.empty()) return [];
  return constraints.map((c) => ({ ...c, selector }));
}

const DEFAULTS_CACHE_MAX = 4096;

interface DefaultsCache {
  generation: number;
  readonly entries: Map<string, Constraint[]>;
  /** The last answer per labels object, with what else its key was built from. */
  byLabels: WeakMap<object, IdentityHit>;
}

interface IdentityHit {
  readonly owners: unknown;
  readonly ns: string;
  readonly action: UnsatisfiableConstraintAction;
  readonly value: Constraint[];
}

const actionsOf = new WeakMap<readonly TopologySpreadConstraint[], ReadonlySet<string | undefined>>();

/** Whether some constraint of `defaults` has whenUnsatisfiable `action`. */
function hasAction(defaults: readonly TopologySpreadConstraint[], action: UnsatisfiableConstraintAction): boolean {
  let actions = actionsOf.get(defaults);
  if (actions === undefined) actionsOf.set(defaults, (actions = new Set(defaults.map((c) => c.whenUnsatisfiable))));
  return actions.has(action);
}

/** listers → defaults list → cache; dropped whole when the listers' generation moves. */
const defaultsCaches = new WeakMap<PodTopologySpreadListers, WeakMap<readonly TopologySpreadConstraint[], DefaultsCache>>();

function defaultsCacheFor(listers: PodTopologySpreadListers, defaults: readonly TopologySpreadConstraint[], generation: number): DefaultsCache {
  let byDefaults = defaultsCaches.get(listers);
  if (byDefaults === undefined) {
    byDefaults = new WeakMap();
    defaultsCaches.set(listers, byDefaults);
  }
  let cache = byDefaults.get(defaults);
  if (cache === undefined) {
    cache = { generation, entries: new Map(), byLabels: new WeakMap() };
    byDefaults.set(defaults, cache);
  } else if (cache.generation !== generation) {
    cache.generation = generation;
    cache.entries.clear();
    cache.byLabels = new WeakMap();
  }
  return cache;
}

/**
 * Everything defaultSelector and filterTopologySpreadConstraints read from the pod: its
 * namespace, controlling owner reference and labels (in their own key order: another order
 * is only a cache miss).
 */
function defaultsKey(pod: Pod, action: UnsatisfiableConstraintAction): string {
  const md = pod.metadata;
  let key = `${action}\u0000${md?.namespace ?? ''}`;
  const owner = (md?.ownerReferences ?? []).find((r) => r.controller === true);
  if (owner !== undefined) key += `\u0001${owner.kind}\u0002${owner.apiVersion}\u0002${owner.name}`;
  const labels = md?.labels;
  if (labels != null) for (const k of Object.keys(labels)) key += `\u0003${k}\u0002${labels[k]}`;
  return key;
}

/** The constraints of `action` that apply to `pod`: its own, else the defaults. */
export function getConstraints(
  pod: Pod,
  action: UnsatisfiableConstraintAction,
  defaults: readonly TopologySpreadConstraint[],
  listers: PodTopologySpreadListers | undefined,
): Constraint[] {
  const own = pod.spec?.topologySpreadConstraints ?? [];
  if (own.length > 0) return filterTopologySpreadConstraints(own, pod.metadata?.labels, action);
  return buildDefaultConstraints(pod, action, defaults, listers);
}

/** Pods on a node in `ns` matching `selector`, skipping terminating pods (#87621). */
export function countPodsMatchSelector(pods: readonly PodInfo[], selector: Selector, ns: string): number {
  let count = 0;
  for (const pi of pods) {
    const md = pi.pod.metadata;
    if (md?.deletionTimestamp != null || (md?.namespace ?? '') !== ns) continue;
    if (selector.matches(md?.labels)) count++;
  }
  return count;
}

/**
 * Choosing victims on one node (DefaultPreemption.SelectVictimsOnNode): take every pod of lower
 * priority off the node; if the preemptor still does not fit, the node cannot help. Otherwise
 * put pods back one at a time, most important first and PDB-protected pods before the others,
 * keeping each one that still lets the preemptor fit. What stays off is the victim list.
 *
 * The node is simulated by a pod list rebuilt into a NodeInfo (newNodeInfo) for every Filter run,
 * and the preemptor's PreFilter state follows the pods through the PreFilter plugins' addPod /
 * removePod (upstream's PreFilterExtensions), exactly the calls upstream makes.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go
 * @see kubernetes/kubernetes pkg/scheduler/util/utils.go (MoreImportantPod, GetPodStartTime)
 */
import { labelSelectorAsSelector } from '../../../model/labels/label-selector.js';
import { parseRFC3339 } from '../../../model/time.js';
import type { Node, Pod, PodDisruptionBudget } from '../../../model/types.js';
import { SUCCESS, status, type CycleState, type FilterPlugin, type NodeInfo, type PodInfo, type PreFilterPlugin, type Status } from '../../framework.js';
import { newNodeInfo, podInfoFor } from '../../node-info.js';

/** corev1helpers.PodPriority: spec.priority, 0 when unset. */
export function podPriority(pod: Pod): number {
  return pod.spec?.priority ?? 0;
}

const startTimes = new WeakMap<Pod, number>();

/**
 * status.startTime in ms. Upstream counts a pod that has not started (no startTime) as started
 * "now" (time.Now()); kubesim reads no clock here, so such a pod counts as started after every
 * pod that has a startTime: the same order, without the wall clock.
 */
export function podStartTimeMs(pod: Pod): number {
  const hit = startTimes.get(pod);
  if (hit !== undefined) return hit;
  const s = pod.status?.startTime;
  const ms = s ? parseRFC3339(s) : Number.MAX_SAFE_INTEGER;
  if (Object.isFrozen(pod)) startTimes.set(pod, ms);
  return ms;
}

/** util.MoreImportantPod: higher priority first, then the pod that started earlier. */
export function moreImportantPod(a: Pod, b: Pod): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return podStartTimeMs(a) < podStartTimeMs(b);
}

/**
 * Sorts most important first. Upstream's sort.Slice is not stable; kubesim sorts stably, so
 * pods the order cannot tell apart keep the node's pod order (a documented determinism choice).
 */
export function sortByImportance<T>(items: T[], pod: (t: T) => Pod): T[] {
  return items.sort((x, y) => (moreImportantPod(pod(x), pod(y)) ? -1 : moreImportantPod(pod(y), pod(x)) ? 1 : 0));
}

/**
 * filterPodsWithPDBViolation: splits `pods` (order kept) into those whose eviction would take a
 * matching PDB below zero disruptions allowed and the rest. Each matching PDB's
 * status.disruptionsAllowed is spent pod by pod, so with disruptionsAllowed 1 and two matching
 * pods the first is non-violating and the second violating. A pod already listed in the PDB's
 * status.disruptedPods has been counted by the API server and spends nothing.
 */
export function filterPodsWithPDBViolation<T>(
  items: readonly T[],
  pod: (t: T) => Pod,
  pdbs: readonly PodDisruptionBudget[],
): { violating: T[]; nonViolating: T[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const violating: T[] = [];
  const nonViolating: T[] = [];
  for (const item of items) {
    const p = pod(item);
    const labels = p.metadata?.labels;
    let violated = false;
    // A pod without labels matches no PDB.
    if (labels && Object.keys(labels).length > 0) {
      for (let i = 0; i < pdbs.length; i++) {
        const pdb = pdbs[i]!;
        if ((pdb.metadata?.namespace ?? '') !== (p.metadata?.namespace ?? '')) continue;
        let matches: boolean;
        try {
          const sel = labelSelectorAsSelector(pdb.spec?.selector);
          // A nil or empty selector matches nothing here.
          matches = !sel.empty() && sel.matches(labels);
        } catch {
          matches = false; // an invalid selector matches no pod
        }
        if (!matches) continue;
        if (pdb.status?.disruptedPods?.[p.metadata?.name ?? ''] !== undefined) continue;
        allowed[i] = allowed[i]! - 1;
        if (allowed[i]! < 0) violated = true;
      }
    }
    (violated ? violating : nonViolating).push(item);
  }
  return { violating, nonViolating };
}

/** A PreFilter plugin with upstream's PreFilterExtensions (PodTopologySpread, InterPodAffinity). */
export interface PreFilterExtensions {
  addPod(cycle: CycleState, podToSchedule: Pod, podInfo: PodInfo, node: Node): Status;
  removePod(cycle: CycleState, podToSchedule: Pod, podInfo: PodInfo, node: Node): Status;
}

export function hasPreFilterExtensions(pl: PreFilterPlugin): pl is PreFilterPlugin & PreFilterExtensions {
  const x = pl as Partial<PreFilterExtensions>;
  return typeof x.addPod === 'function' && typeof x.removePod === 'function';
}

/** What SelectVictimsOnNode needs from the framework for one preemptor. */
export interface VictimSearch {
  readonly pod: Pod;
  readonly preFilter: readonly PreFilterPlugin[];
  readonly filter: readonly FilterPlugin[];
  /** Pods nominated to a node (the scheduling queue's nominator); none when absent. */
  readonly nominatedPodsForNode?: (nodeName: string) => readonly Pod[];
}

function runExtension(s: VictimSearch, cycle: CycleState, op: 'AddPod' | 'RemovePod', pi: PodInfo, node: Node): Status {
  for (const pl of s.preFilter) {
    if (!hasPreFilterExtensions(pl) || cycle.skipFilterPlugins.has(pl.name)) continue;
    const st = op === 'AddPod' ? pl.addPod(cycle, s.pod, pi, node) : pl.removePod(cycle, s.pod, pi, node);
    if (st.code !== 'Success') {
      return status('Error', `running ${op} on PreFilter plugin "${pl.name}": ${st.reasons.join(', ')}`);
    }
  }
  return SUCCESS;
}

/** RunFilterPlugins: the first rejecting Filter's status; anything else than a rejection is an Error. */
export function runFilterPlugins(s: VictimSearch, cycle: CycleState, node: NodeInfo): Status {
  for (const pl of s.filter) {
    if (cycle.skipFilterPlugins.has(pl.name)) continue;
    const st = pl.filter(cycle, s.pod, node);
    if (st.code === 'Success') continue;
    if (st.code === 'Unschedulable' || st.code === 'UnschedulableAndUnresolvable') return { ...st, plugin: st.plugin ?? pl.name };
    return { code: 'Error', reasons: st.reasons, plugin: pl.name };
  }
  return SUCCESS;
}

/**
 * RunFilterPluginsWithNominatedPods: with pods of equal or higher priority nominated to the
 * node, the preemptor must fit both with them (they will come) and without them (their own
 * affinity might be what lets it in). The nominated pods are added to the state through addPod
 * and taken back out with removePod afterwards, since kubesim's CycleState has no Clone.
 */
function filtersWithNominatedPods(s: VictimSearch, cycle: CycleState, node: Node, pods: readonly Pod[], imageStates: NodeInfo['imageStates']): Status {
  const prio = podPriority(s.pod);
  const uid = s.pod.metadata?.uid;
  const nominated = (s.nominatedPodsForNode?.(node.metadata?.name ?? '') ?? []).filter(
    (p) => podPriority(p) >= prio && !(uid !== undefined && p.metadata?.uid === uid) && p !== s.pod,
  );
  if (nominated.length > 0) {
    const added: PodInfo[] = [];
    let st: Status = SUCCESS;
    for (const p of nominated) {
      const pi = podInfoFor(p);
      added.push(pi);
      st = runExtension(s, cycle, 'AddPod', pi, node);
      if (st.code !== 'Success') break;
    }
    if (st.code === 'Success') st = runFilterPlugins(s, cycle, newNodeInfo(node, [...pods, ...nominated], imageStates));
    for (const pi of added) runExtension(s, cycle, 'RemovePod', pi, node);
    if (st.code !== 'Success') return st;
  }
  return runFilterPlugins(s, cycle, newNodeInfo(node, pods, imageStates));
}

export interface NodeVictims {
  /** Most important first. */
  readonly victims: readonly Pod[];
  readonly numPDBViolations: number;
  readonly status: Status;
}

export const NO_VICTIMS_REASON = 'No preemption victims found for incoming pod';

/** Pods on the node the preemptor may evict: strictly lower priority (isPreemptionAllowed). */
export function potentialVictims(pod: Pod, node: NodeInfo): PodInfo[] {
  const prio = podPriority(pod);
  return node.pods.filter((pi) => podPriority(pi.pod) < prio);
}

/**
 * SelectVictimsOnNode. `cycle` holds the preemptor's PreFilter state for the unchanged snapshot
 * and is changed by this call (upstream hands in a clone). Example (node 500m, preemptor 300m):
 * pods p1.1 low 100m, p1.2 mid 300m → both off, fits; reprieve p1.2 (more important): 400m + 300m
 * does not fit → victim; reprieve p1.1: 100m + 300m fits → stays. Victims: [p1.2].
 */
export function selectVictimsOnNode(
  s: VictimSearch,
  cycle: CycleState,
  node: NodeInfo,
  pdbs: readonly PodDisruptionBudget[],
): NodeVictims {
  const candidates = potentialVictims(s.pod, node);
  if (candidates.length === 0) {
    return { victims: [], numPDBViolations: 0, status: status('UnschedulableAndUnresolvable', NO_VICTIMS_REASON) };
  }
  const off = new Set<PodInfo>(candidates);
  for (const pi of candidates) {
    const st = runExtension(s, cycle, 'RemovePod', pi, node.node);
    if (st.code !== 'Success') return { victims: [], numPDBViolations: 0, status: st };
  }
  // Pods on the node, in the node's order, then reprieved pods in the order they came back.
  const base = node.pods.filter((pi) => !off.has(pi)).map((pi) => pi.pod);
  const first = filtersWithNominatedPods(s, cycle, node.node, base, node.imageStates);
  if (first.code !== 'Success') return { victims: [], numPDBViolations: 0, status: first };

  sortByImportance(candidates, (pi) => pi.pod);
  const { violating, nonViolating } = filterPodsWithPDBViolation(candidates, (pi) => pi.pod, pdbs);
  const victims: PodInfo[] = [];
  const current = base;
  let error: Status | undefined;
  const reprieve = (pi: PodInfo): boolean => {
    const add = runExtension(s, cycle, 'AddPod', pi, node.node);
    if (add.code !== 'Success') {
      error = add;
      return false;
    }
    current.push(pi.pod);
    const fits = filtersWithNominatedPods(s, cycle, node.node, current, node.imageStates).code === 'Success';
    if (!fits) {
      current.pop();
      const rm = runExtension(s, cycle, 'RemovePod', pi, node.node);
      if (rm.code !== 'Success') error = rm;
      victims.push(pi);
    }
    return fits;
  };
  let numPDBViolations = 0;
  for (const pi of violating) {
    if (!reprieve(pi)) numPDBViolations++;
    if (error) return { victims: [], numPDBViolations: 0, status: error };
  }
  for (const pi of nonViolating) {
    reprieve(pi);
    if (error) return { victims: [], numPDBViolations: 0, status: error };
  }
  // Violating victims were collected first: restore most-important-first over the whole list.
  if (violating.length > 0 && nonViolating.length > 0) sortByImportance(victims, (pi) => pi.pod);
  return { victims: victims.map((pi) => pi.pod), numPDBViolations, status: SUCCESS };
}

/**
 * Finding preemption candidates (Evaluator.findCandidates + DryRunPreemption): only nodes whose
 * Filter status was plain Unschedulable can be helped by evicting pods (UnschedulableAndUnresolvable
 * ones, and nodes without a status, cannot). Starting at a random offset into those nodes, each
 * is dry-run with SelectVictimsOnNode until enough candidates are found.
 *
 * Upstream runs the dry runs in parallel and stops once it has a non-violating candidate and
 * numCandidates in all; kubesim runs them one by one in offset order, which is upstream's result
 * with parallelism 1 (what its own tests use to be deterministic). Each of the two candidate
 * lists (PDB-violating / not) holds at most numCandidates; non-violating ones come first.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/preemption/preemption.go
 */
import type { PodDisruptionBudget } from '../../../model/types.js';
import { status, type NodeInfo, type SchedulerSnapshot, type Status } from '../../framework.js';
import type { Candidate } from './pick.js';
import type { NodeVictims } from './victims.js';

export const DEFAULT_MIN_CANDIDATE_NODES_PERCENTAGE = 10;
export const DEFAULT_MIN_CANDIDATE_NODES_ABSOLUTE = 100;

/**
 * calculateNumCandidates: percentage of the nodes, at least the absolute minimum, at most all.
 * Example: 5000 nodes, 10% → 500; 300 nodes → max(30, 100) = 100; 40 nodes → 40.
 */
export function calculateNumCandidates(numNodes: number, percentage: number, absolute: number): number {
  let n = Math.trunc((numNodes * percentage) / 100);
  if (n < absolute) n = absolute;
  if (n > numNodes) n = numNodes;
  return n;
}

/**
 * NodesForStatusCode(Unschedulable) in snapshot order. A node missing from the map has the
 * absent status, UnschedulableAndUnresolvable, so it is never a potential node.
 */
export function nodesWherePreemptionMightHelp(snapshot: SchedulerSnapshot, statuses: ReadonlyMap<string, Status>): NodeInfo[] {
  const out: NodeInfo[] = [];
  for (const n of snapshot.nodes) if (statuses.get(n.name)?.code === 'Unschedulable') out.push(n);
  return out;
}

export interface DryRunResult {
  /** Non-violating candidates first, then violating ones, each in dry-run order. */
  readonly candidates: Candidate[];
  /** Why each evaluated node is not a candidate. */
  readonly nodeStatuses: Map<string, Status>;
  /** Messages of Error statuses, in dry-run order. */
  readonly errors: string[];
}

/** DryRunPreemption over `nodes` starting at `offset`, sequentially. */
export function dryRunPreemption(
  nodes: readonly NodeInfo[],
  offset: number,
  numCandidates: number,
  selectVictims: (node: NodeInfo, pdbs: readonly PodDisruptionBudget[]) => NodeVictims,
  pdbs: readonly PodDisruptionBudget[],
): DryRunResult {
  const nonViolating: Candidate[] = [];
  const violating: Candidate[] = [];
  const nodeStatuses = new Map<string, Status>();
  const errors: string[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[(offset + i) % nodes.length]!;
    const r = selectVictims(node, pdbs);
    if (r.status.code === 'Success' && r.victims.length > 0) {
      const list = r.numPDBViolations === 0 ? nonViolating : violating;
      if (list.length < numCandidates) list.push({ name: node.name, victims: r.victims, numPDBViolations: r.numPDBViolations });
      if (nonViolating.length > 0 && nonViolating.length + violating.length >= numCandidates) break;
      continue;
    }
    const st = r.status.code === 'Success' ? status('Error', `expected at least one victim pod on node "${node.name}"`) : r.status;
    if (st.code === 'Error') errors.push(st.reasons.join(', '));
    nodeStatuses.set(node.name, st);
  }
  return { candidates: [...nonViolating, ...violating], nodeStatuses, errors };
}

/** utilerrors.NewAggregate(errs).Error(): one message as is, several deduplicated in brackets. */
export function aggregateErrors(errors: readonly string[]): string {
  if (errors.length === 1) return errors[0]!;
  const seen: string[] = [];
  for (const e of errors) if (!seen.includes(e)) seen.push(e);
  return seen.length === 1 ? seen[0]! : `[${seen.join(', ')}]`;
}

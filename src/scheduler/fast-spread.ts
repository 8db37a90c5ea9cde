/**
 * PodTopologySpread's Score in the indexed cycle, grouped. After PreScore, a node's raw score
 * reads its labels (group-level: the zone and other keys are part of the node table's group,
 * the hostname label only by presence) and, for kubernetes.io/hostname constraints, the
 * matching pods on that very node. When PreScore counted those from the label index
 * (hostnameCounts), every node absent from the counts has zero of them, so nodes of one group
 * outside the counts (and outside ignoredNodes) all score alike: the plugin is asked once per
 * group, and node by node only for the few nodes the counts or ignoredNodes name.
 */
import type { CycleState, NodeScore, ScorePlugin } from './framework.js';
import { HOSTNAME_LABEL, type NodeTable } from './node-table.js';
import { PRE_SCORE_STATE_KEY, type PreScoreState } from './plugins/pod-topology-spread/scoring.js';
import type { Pod } from '../model/types.js';

/** Writes raw scores as plugin.score would; false (nothing written) when it cannot group. */
export function scoreTopologySpread(plugin: ScorePlugin, t: NodeTable, cycle: CycleState, pod: Pod, feasible: readonly number[], scores: NodeScore[]): boolean {
  const s = cycle.read<PreScoreState>(PRE_SCORE_STATE_KEY);
  if (s === undefined) return false;
  const special = new Set<number>();
  for (let i = 0; i < s.constraints.length; i++) {
    if (s.constraints[i]!.topologyKey !== HOSTNAME_LABEL) continue;
    const byNode = s.hostnameCounts?.[i];
    if (byNode === undefined) return false; // counted per node in Score
    for (const name of byNode.keys()) special.add(t.rowOfName(name));
  }
  for (const name of s.ignoredNodes) special.add(t.rowOfName(name));
  const infos = t.infos;
  const groupOf = t.group;
  const memo = new Float64Array(t.groupCount).fill(NaN);
  for (let i = 0; i < feasible.length; i++) {
    const row = feasible[i]!;
    if (special.has(row)) {
      scores[i]!.score = plugin.score(cycle, pod, infos[row]!);
      continue;
    }
    const g = groupOf[row]!;
    let v = memo[g]!;
    if (v !== v) memo[g] = v = plugin.score(cycle, pod, infos[row]!);
    scores[i]!.score = v;
  }
  return true;
}

/**
 * PodTopologySpread's Score in the indexed cycle, grouped. After PreScore, a node's raw score
 * reads its labels (group-level: the zone and other keys are part of the node table's group,
 * the hostname label only by presence) and, for kubernetes.io/hostname constraints, the
 * matching pods on that very node. When PreScore counted those from the label index
 * (hostnameCounts), every node absent from the counts has zero of them, so nodes of one group
 * outside the counts (and outside ignoredNodes) all score alike: the plugin is asked once per
 * group, and node by node only for the few nodes the counts or ignoredNodes name (the
 * "special" rows marked here; fast-score.ts, fast-buckets.ts and fast-classes.ts use them).
 */
import type { CycleState } from './framework.js';
import type { Scratch } from './fast-scratch.js';
import { HOSTNAME_LABEL, type NodeTable } from './node-table.js';
import { PRE_SCORE_STATE_KEY, type FilteredLabelSets, type PreScoreState } from './plugins/pod-topology-spread/scoring.js';

/**
 * Marks (sc.specialStamp[row] === returned stamp, listed in sc.specialRows) the rows PreScore's counts or ignoredNodes
 * name; 0 when the plugin's state cannot be grouped (no PreScore state, or a hostname
 * constraint counted node by node in Score).
 */
export function markSpecialRows(t: NodeTable, sc: Scratch, cycle: CycleState): number {
  const s = cycle.read<PreScoreState>(PRE_SCORE_STATE_KEY);
  if (s === undefined) return 0;
  for (let i = 0; i < s.constraints.length; i++) {
    if (s.constraints[i]!.topologyKey === HOSTNAME_LABEL && s.hostnameCounts?.[i] === undefined) return 0;
  }
  const stamp = sc.nextStamp();
  sc.specialCount = 0;
  // With one hostname constraint and no ignored node, a special row's score is a function of
  // its group (labels) and its count alone: that count is its merge key (sc.specialKey), and
  // the entry cycles score special rows of one class and count as one entry.
  let hostname = 0;
  for (let i = 0; i < s.constraints.length; i++) if (s.constraints[i]!.topologyKey === HOSTNAME_LABEL) hostname++;
  const merge = hostname === 1 && s.ignoredNodes.size === 0;
  for (let i = 0; i < s.constraints.length; i++) {
    const byNode = s.hostnameCounts?.[i];
    if (s.constraints[i]!.topologyKey !== HOSTNAME_LABEL || byNode === undefined) continue;
    // Keys and a get, not entries: each entry's [name, count] pair was a fresh array per pod
    // and node (the cycle's largest allocation); Map.forEach's callback measured slower.
    for (const name of byNode.keys()) {
      const count = byNode.get(name)!;
      mark(sc, t.rowOfName(name), stamp, merge && count >= 0 && count <= 0x7fffffff ? count : -1);
    }
  }
  for (const name of s.ignoredNodes) mark(sc, t.rowOfName(name), stamp, -1);
  return stamp;
}

/** Marks one row special (once) with its merge key and lists it in sc.specialRows. */
function mark(sc: Scratch, row: number, stamp: number, key: number): void {
  if (row < 0 || sc.specialStamp[row] === stamp) return;
  sc.specialStamp[row] = stamp;
  sc.specialKey[row] = key;
  sc.specialRows[sc.specialCount++] = row;
}

/**
 * PodTopologySpread's PreScore input in the indexed cycles: the feasible nodes as label sets,
 * one per node group (its nodes' labels agree but for the hostname value), in the order
 * `eachRow` first meets the groups. `namesOf(g)` lists a group's feasible node names in scan
 * order; it is asked only when the plugin needs them.
 */
export function labelSetsByGroup(
  t: NodeTable,
  s: Scratch,
  nodeCount: number,
  eachRow: (visit: (row: number) => void) => void,
  namesOf: (group: number) => string[],
): FilteredLabelSets {
  const first = s.groupFirst;
  const list = s.groupList;
  first.fill(-1, 0, t.groupCount);
  let m = 0;
  eachRow((row) => {
    const g = t.group[row]!;
    if (first[g] === -1) {
      first[g] = row;
      list[m++] = g;
    }
  });
  return {
    nodeCount,
    forEachSet(fn) {
      // One names thunk for every set (it reads the set at hand): not a closure per set and pod.
      let g = -1;
      const names = () => namesOf(g);
      for (let x = 0; x < m; x++) {
        g = list[x]!;
        fn(t.infos[first[g]!]!.labels, names);
      }
    },
  };
}

/** The names of the first `count` rows of `rows` that are in `group`, in that order. */
export function namesInGroup(t: NodeTable, rows: Int32Array, count: number, group: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) if (t.group[rows[i]!] === group) names.push(t.infos[rows[i]!]!.name);
  return names;
}

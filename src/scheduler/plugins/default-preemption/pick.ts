/**
 * Choosing the node to preempt on among the candidates (pickOneNodeForPreemption). Each rule
 * keeps only the candidates with the best value; the next rule breaks the remaining tie:
 *   1. fewest PDB violations;
 *   2. lowest priority of the most important victim;
 *   3. smallest sum of victim priorities, each shifted by 2^31 so that more negative-priority
 *      victims never look cheaper than fewer (-100 + 2^31 > 0);
 *   4. fewest victims;
 *   5. latest start among the highest-priority victims (evict the ones that ran least);
 *   6. the first remaining candidate.
 * Upstream walks a Go map, so "first" there is random; kubesim keeps the candidates' order (the
 * order the dry run found them from the seeded offset), so the choice is reproducible.
 *
 * @see kubernetes/kubernetes pkg/scheduler/framework/preemption/preemption.go
 */
import type { Pod } from '../../../model/types.js';
import { podPriority, podStartTimeMs } from './victims.js';

export interface Candidate {
  readonly name: string;
  /** Most important first (SelectVictimsOnNode's order). */
  readonly victims: readonly Pod[];
  readonly numPDBViolations: number;
}

/** 2^31 (MaxInt32 + 1): makes every int32 priority non-negative in the sum. */
const PRIORITY_SHIFT = 2 ** 31;

/**
 * util.GetEarliestPodStartTime: the earliest start among the victims that share the highest
 * priority. Example: victims mid@5s, low@1s, mid@3s → 3s (low is ignored).
 */
export function earliestStartOfHighestPriority(victims: readonly Pod[]): number {
  let maxPrio = podPriority(victims[0]!);
  let earliest = podStartTimeMs(victims[0]!);
  for (const p of victims) {
    const prio = podPriority(p);
    if (prio === maxPrio) {
      const t = podStartTimeMs(p);
      if (t < earliest) earliest = t;
    } else if (prio > maxPrio) {
      maxPrio = prio;
      earliest = podStartTimeMs(p);
    }
  }
  return earliest;
}

type ScoreFn = (c: Candidate) => number;

const SCORE_FUNCS: readonly ScoreFn[] = [
  (c) => -c.numPDBViolations,
  (c) => -podPriority(c.victims[0]!),
  (c) => {
    let sum = 0;
    for (const p of c.victims) sum += podPriority(p) + PRIORITY_SHIFT;
    return -sum;
  },
  (c) => -c.victims.length,
  (c) => earliestStartOfHighestPriority(c.victims),
];

/** The chosen candidate's node name, or '' when there is none. */
export function pickOneNodeForPreemption(candidates: readonly Candidate[]): string {
  if (candidates.length === 0) return '';
  let remaining: readonly Candidate[] = candidates;
  for (const f of SCORE_FUNCS) {
    let best = -Infinity;
    let selected: Candidate[] = [];
    for (const c of remaining) {
      const score = f(c);
      if (score > best) {
        best = score;
        selected = [c];
      } else if (score === best) selected.push(c);
    }
    if (selected.length === 1) return selected[0]!.name;
    remaining = selected;
  }
  return remaining[0]!.name;
}

/** SelectCandidate: the single candidate, or the one pickOneNodeForPreemption names. */
export function selectCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  if (candidates.length <= 1) return candidates[0];
  const name = pickOneNodeForPreemption(candidates);
  return candidates.find((c) => c.name === name) ?? candidates[0];
}

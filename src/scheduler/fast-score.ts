/**
 * Score for the row path of the indexed cycle (fast-cycle.ts): Score, NormalizeScore and
 * weights over the feasible rows (s.feasible) into s.totals, deciding what the plain cycle's
 * per-node loop decides while asking each plugin as little as its hint allows:
 *
 * - Group-level plugins (and ImageLocality, per image group) score alike over a group, and
 *   PodTopologySpread over a group's regular rows (fast-spread.ts: all but the special rows
 *   its counts or ignoredNodes name). Such a plugin is asked once per group (per special
 *   row), and its NormalizeScore runs over one NodeScore per distinct value holder: the
 *   hinted plugins normalize each score from the list's min and max (or leave it alone), and
 *   those are the same over the short list as over every feasible node. A holder sums its
 *   weighted normalized scores over the plugins, and each row adds its holders' sums once at
 *   the end (integer scores and weights: the order of the additions does not matter).
 * - The built-in allocation strategies on cpu/memory (no NormalizeScore) are computed by the
 *   fused loop (fast-alloc.ts) and added to the totals directly.
 * - Anything else: the plugin's own score per row and NormalizeScore over the full list.
 *
 * A score out of range is the framework's error naming the first feasible row's value that is
 * out of range: holders are listed in the order their first row appears, so the first
 * holder out of range is that row's.
 */
import { addFusedScores, fuseAlloc } from './fast-alloc.js';
import type { FastHint } from './fast-hints.js';
import type { Plan } from './fast-plan.js';
import { allocationScores } from './fast-plan.js';
import { markSpecialRows } from './fast-spread.js';
import type { Scratch } from './fast-scratch.js';
import { MAX_NODE_SCORE, MIN_NODE_SCORE, type CycleState, type NodeScore, type ScorePlugin } from './framework.js';
import type { NodeTable } from './node-table.js';
import { calculatePodResourceRequestList } from './plugins/node-resources/resource-allocation.js';
import { invalidScoreError } from './schedule-one.js';
import type { Pod } from '../model/types.js';

/**
 * The feasible rows split by holder: rowHolder[i] is row i's holder, holderRow[h] the first
 * feasible row of holder h (whose NodeScore slot stands for it), acc[h] the weighted,
 * normalized scores summed over the plugins scored this way so far.
 */
class Holders {
  rowHolder = new Int32Array(0);
  holderRow = new Int32Array(0);
  acc = new Float64Array(0);
  count = 0;
  /** Set once `map` ran this cycle. */
  mapped = false;
  readonly list: NodeScore[] = [];

  /** Maps the feasible rows by `ids` (special rows, when stamp > 0, each their own holder). */
  map(t: NodeTable, s: Scratch, ids: Int32Array, idCount: number, stamp: number): void {
    const k = s.feasibleCount;
    const feasible = s.feasible;
    if (this.rowHolder.length < k) this.rowHolder = new Int32Array(t.size);
    if (this.holderRow.length < k) {
      this.holderRow = new Int32Array(t.size);
      this.acc = new Float64Array(t.size);
    }
    if (s.holderOf.length < idCount) s.holderOf = new Int32Array(idCount * 2);
    const holderOf = s.holderOf;
    holderOf.fill(-1, 0, idCount);
    const special = s.specialStamp;
    let h = 0;
    for (let i = 0; i < k; i++) {
      const row = feasible[i]!;
      if (stamp !== 0 && special[row] === stamp) {
        this.holderRow[h] = row;
        this.rowHolder[i] = h++;
        continue;
      }
      const g = ids[row]!;
      let x = holderOf[g]!;
      if (x === -1) {
        holderOf[g] = x = h;
        this.holderRow[h++] = row;
      }
      this.rowHolder[i] = x;
    }
    this.count = h;
    this.acc.fill(0, 0, h);
    this.list.length = 0;
    for (let x = 0; x < h; x++) this.list.push(t.scoreSlots[this.holderRow[x]!]!);
    this.mapped = true;
  }

  /** The plugin per holder, NormalizeScore over the holders, weighted into acc. */
  score(plugin: ScorePlugin, weight: number, t: NodeTable, cycle: CycleState, pod: Pod): string | undefined {
    const list = this.list;
    for (let x = 0; x < this.count; x++) list[x]!.score = plugin.score(cycle, pod, t.infos[this.holderRow[x]!]!);
    plugin.normalizeScore?.(cycle, pod, list);
    for (let x = 0; x < this.count; x++) {
      const v = list[x]!.score;
      if (v > MAX_NODE_SCORE || v < MIN_NODE_SCORE) return invalidScoreError(plugin.name, v);
      this.acc[x] = this.acc[x]! + v * weight;
    }
    return undefined;
  }

  /** totals[i] += acc of row i's holder (once, after every plugin). */
  addTo(totals: Float64Array, k: number): void {
    if (!this.mapped) return;
    const acc = this.acc;
    const rowHolder = this.rowHolder;
    for (let i = 0; i < k; i++) totals[i] = totals[i]! + acc[rowHolder[i]!]!;
    this.mapped = false;
  }
}

const holdersOf = new WeakMap<Scratch, { group: Holders; image: Holders; spread: Holders }>();

/** Score + NormalizeScore + weights over the feasible rows into s.totals; a string is the framework's error. */
export function scoreFeasible(plan: Plan, t: NodeTable, s: Scratch, cycle: CycleState, pod: Pod): string | undefined {
  const k = s.feasibleCount;
  s.totals.fill(0, 0, k);
  let h = holdersOf.get(s);
  if (h === undefined) holdersOf.set(s, (h = { group: new Holders(), image: new Holders(), spread: new Holders() }));
  const { group, image, spread } = h;
  group.mapped = image.mapped = spread.mapped = false;
  let listed = false;
  for (const { plugin, weight, hint } of plan.score) {
    if (cycle.skipScorePlugins.has(plugin.name)) continue;
    let error: string | undefined | null = null;
    if (hint.imageLocality) {
      if (!image.mapped) image.map(t, s, t.imageGroup, t.imageGroupCount, 0);
      error = image.score(plugin, weight, t, cycle, pod);
    } else if (hint.groupLevel && !hint.groupLevel.nodeSpecific(pod)) {
      if (!group.mapped) group.map(t, s, t.group, t.groupCount, 0);
      error = group.score(plugin, weight, t, cycle, pod);
    } else if (hint.allocation && plugin.normalizeScore === undefined) error = fusedAllocation(hint.allocation, plugin, weight, t, s, pod);
    else if (hint.topologySpread && !spread.mapped) {
      const spreadStamp = markSpecialRows(t, s, cycle);
      if (spreadStamp !== 0) {
        spread.map(t, s, t.group, t.groupCount, spreadStamp);
        error = spread.score(plugin, weight, t, cycle, pod);
      }
    }
    if (error === null) {
      // The plain way: every row's score in the full list (built once per cycle).
      if (!listed) listRows(t, s);
      listed = true;
      error = perRow(plugin, weight, hint, t, s, cycle, pod);
    }
    if (error !== undefined) return error;
  }
  // Integer scores times integer weights: the order of these additions does not matter.
  group.addTo(s.totals, k);
  image.addTo(s.totals, k);
  spread.addTo(s.totals, k);
  return undefined;
}

function listRows(t: NodeTable, s: Scratch): void {
  const scores = s.scores;
  scores.length = 0;
  for (let i = 0; i < s.feasibleCount; i++) scores.push(t.scoreSlots[s.feasible[i]!]!);
}

/** A built-in strategy on cpu/memory through fast-alloc.ts; null when it is not one. */
function fusedAllocation(a: NonNullable<FastHint['allocation']>, plugin: ScorePlugin, weight: number, t: NodeTable, s: Scratch, pod: Pod): string | undefined | null {
  const f = fuseAlloc(a, calculatePodResourceRequestList(pod, a.resources, a.useRequested));
  if (f === null) return null;
  const bad = addFusedScores(f, t, s.feasible, s.feasibleCount, weight, s.totals);
  return bad === -1 ? undefined : invalidScoreError(plugin.name, bad);
}

/** The plugin's score per row (or the generic allocation scorer on the table), NormalizeScore over all rows. */
function perRow(plugin: ScorePlugin, weight: number, hint: FastHint, t: NodeTable, s: Scratch, cycle: CycleState, pod: Pod): string | undefined {
  const k = s.feasibleCount;
  const feasible = s.feasible;
  const scores = s.scores;
  if (!(hint.allocation && allocationScores(hint.allocation, t, pod, feasible, k, scores))) {
    for (let i = 0; i < k; i++) scores[i]!.score = plugin.score(cycle, pod, t.infos[feasible[i]!]!);
  }
  plugin.normalizeScore?.(cycle, pod, scores);
  const totals = s.totals;
  for (let i = 0; i < k; i++) {
    const v = scores[i]!.score;
    if (v > MAX_NODE_SCORE || v < MIN_NODE_SCORE) return invalidScoreError(plugin.name, v);
    totals[i] = totals[i]! + v * weight;
  }
  return undefined;
}

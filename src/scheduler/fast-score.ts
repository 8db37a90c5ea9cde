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
 *   A group-level plugin with a scorePodKey (fast-hints.ts) keeps its raw score per group
 *   and pod key across cycles (groupScoreMemo).
 * - The built-in allocation strategies on cpu/memory (no NormalizeScore): their weighted sum
 *   per row is read from the pod shape's view (fast-view.ts, kept up to date row by row as
 *   binds change rows) when every one of them is fused; else computed by the fused loop
 *   (fast-alloc.ts). Either way added to the totals directly.
 * - Row-independent work comes first, so the rows are walked once to map holders and once to
 *   add the holders' sums and the allocation sums.
 * - Anything else: the plugin's own score per row and NormalizeScore over the full list.
 *
 * A score out of range is the framework's error naming the first feasible row's value that is
 * out of range: holders are listed in the order their first row appears, so the first
 * holder out of range is that row's. As the plugins are no longer asked in profile order,
 * any answer out of range sends the cycle to scoreInOrder, which asks them in that order.
 */
import { addFusedScores, fuseAlloc, type FusedAlloc } from './fast-alloc.js';
import type { FastHint } from './fast-hints.js';
import { allocTerms } from './fast-classes.js';
import type { FilterSteps, Plan } from './fast-plan.js';
import { allocationScores } from './fast-plan.js';
import { markSpecialRows } from './fast-spread.js';
import type { Scratch } from './fast-scratch.js';
import { viewFor } from './fast-view-cache.js';
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
  /** Per holder: its id (group / image group), -1 for a row of its own. */
  holderId = new Int32Array(0);
  acc = new Float64Array(0);
  /** Per id: its holder this cycle, -1 when none yet. */
  holderOf = new Int32Array(0);
  count = 0;
  /** Set once mapped this cycle. */
  mapped = false;
  readonly list: NodeScore[] = [];

  /** Ready to map `k` feasible rows by ids below `idCount`. */
  begin(size: number, k: number, idCount: number): void {
    if (this.rowHolder.length < k) this.rowHolder = new Int32Array(size);
    if (this.holderRow.length < k) {
      this.holderRow = new Int32Array(size);
      this.holderId = new Int32Array(size);
      this.acc = new Float64Array(size);
    }
    if (this.holderOf.length < idCount) this.holderOf = new Int32Array(idCount * 2);
    this.holderOf.fill(-1, 0, idCount);
    this.count = 0;
  }

  /** Row `row` (the i-th feasible one) with id `id`, or a holder of its own when `own`. */
  add(i: number, row: number, id: number, own: boolean): void {
    if (own) {
      this.holderRow[this.count] = row;
      this.holderId[this.count] = -1;
      this.rowHolder[i] = this.count++;
      return;
    }
    let x = this.holderOf[id]!;
    if (x === -1) {
      this.holderOf[id] = x = this.count;
      this.holderId[this.count] = id;
      this.holderRow[this.count++] = row;
    }
    this.rowHolder[i] = x;
  }

  /** After the rows: accumulators cleared, the NodeScore list built. */
  end(t: NodeTable): void {
    const h = this.count;
    this.acc.fill(0, 0, h);
    this.list.length = 0;
    for (let x = 0; x < h; x++) this.list.push(t.scoreSlots[this.holderRow[x]!]!);
    this.mapped = true;
  }

  /**
   * The plugin per holder, NormalizeScore over the holders, weighted into acc. With `memo`
   * (raw scores by holder id, NaN: not asked yet), a holder's raw score is read from it or
   * asked and kept there.
   */
  score(plugin: ScorePlugin, weight: number, t: NodeTable, cycle: CycleState, pod: Pod, memo: Float64Array | null = null): string | undefined {
    const list = this.list;
    for (let x = 0; x < this.count; x++) {
      const id = memo === null ? -1 : this.holderId[x]!;
      if (id >= 0) {
        let v = memo![id]!;
        if (v !== v) memo![id] = v = plugin.score(cycle, pod, t.infos[this.holderRow[x]!]!);
        list[x]!.score = v;
      } else list[x]!.score = plugin.score(cycle, pod, t.infos[this.holderRow[x]!]!);
    }
    plugin.normalizeScore?.(cycle, pod, list);
    for (let x = 0; x < this.count; x++) {
      const v = list[x]!.score;
      if (v > MAX_NODE_SCORE || v < MIN_NODE_SCORE) return invalidScoreError(plugin.name, v);
      this.acc[x] = this.acc[x]! + v * weight;
    }
    return undefined;
  }
}

const holdersOf = new WeakMap<Scratch, { group: Holders; image: Holders; spread: Holders }>();

/** How one score plugin is computed this cycle (see the header). */
const SKIPPED = 0;
const GROUP = 1;
const IMAGE = 2;
const SPREAD = 3;
const FUSED = 4;
const ROW = 5;

/**
 * Score + NormalizeScore + weights over the feasible rows into s.totals; a string is the
 * framework's error. Every row-independent part is decided first, so the feasible rows are
 * walked once to map them to their holders and once more to add the holders' sums and the
 * fused resource scores. Should any plugin answer out of range, the cycle is scored again
 * plugin by plugin in profile order (scoreInOrder), which names the error the plain cycle names.
 */
export function scoreFeasible(plan: Plan, t: NodeTable, s: Scratch, cycle: CycleState, pod: Pod, fit: FilterSteps['fit']): string | undefined {
  const k = s.feasibleCount;
  const feasible = s.feasible;
  let h = holdersOf.get(s);
  if (h === undefined) holdersOf.set(s, (h = { group: new Holders(), image: new Holders(), spread: new Holders() }));
  const { group, image, spread } = h;
  const ways = classify(plan, t, s, cycle, pod);
  const fused = ways.fused;
  const { needGroup, needImage, spreadStamp } = ways;
  // The allocation terms' weighted sum per row, kept per pod shape and updated row by row as
  // binds change rows (fast-view.ts, shared with the class cycle): read instead of computed.
  let viewSum: Int32Array | null = null;
  if (ways.termsFused) {
    const terms = allocTerms(plan);
    if (terms !== null && terms.length > 0) {
      const view = viewFor(t, terms, fit, pod);
      if (view.invalidRows === 0) viewSum = view.sum;
    }
  }
  // One walk over the rows maps all three holder sets.
  if (needGroup) group.begin(t.size, k, t.groupCount);
  if (needImage) image.begin(t.size, k, t.imageGroupCount);
  if (spreadStamp !== 0) spread.begin(t.size, k, t.groupCount);
  group.mapped = image.mapped = spread.mapped = false;
  if (needGroup || needImage || spreadStamp !== 0) {
    const groupOf = t.group;
    const imageOf = t.imageGroup;
    const special = s.specialStamp;
    for (let i = 0; i < k; i++) {
      const row = feasible[i]!;
      if (needGroup) group.add(i, row, groupOf[row]!, false);
      if (needImage) image.add(i, row, imageOf[row]!, false);
      if (spreadStamp !== 0) spread.add(i, row, groupOf[row]!, special[row] === spreadStamp);
    }
    if (needGroup) group.end(t);
    if (needImage) image.end(t);
    if (spreadStamp !== 0) spread.end(t);
  }
  const totals = s.totals;
  totals.fill(0, 0, k);
  let listed = false;
  for (let p = 0; p < plan.score.length; p++) {
    const way = ways.way[p]!;
    if (way === SKIPPED || way === FUSED) continue;
    const { plugin, weight, hint } = plan.score[p]!;
    let error: string | undefined;
    if (way === GROUP) error = group.score(plugin, weight, t, cycle, pod, groupScoreMemo(plan, p, hint, t, s, pod));
    else if (way === IMAGE) error = image.score(plugin, weight, t, cycle, pod);
    else if (way === SPREAD) error = spread.score(plugin, weight, t, cycle, pod);
    else {
      // The plain way: every row's score in the full list (built once per cycle).
      if (!listed) listRows(t, s);
      listed = true;
      error = perRow(plugin, weight, hint, t, s, cycle, pod);
    }
    if (error !== undefined) return scoreInOrder(plan, t, s, cycle, pod);
  }
  // Integer scores times integer weights: the order of these additions does not matter.
  addHolders(totals, k, needGroup ? group : null, needImage ? image : null, spreadStamp !== 0 ? spread : null, viewSum, feasible);
  if (viewSum !== null) return undefined;
  for (let p = 0; p < plan.score.length; p++) {
    const f = fused[p];
    if (ways.way[p] !== FUSED || f == null) continue;
    if (addFusedScores(f, t, feasible, k, plan.score[p]!.weight, totals) !== -1) return scoreInOrder(plan, t, s, cycle, pod);
  }
  return undefined;
}

/** Past this many keys per plan and table, the kept raw scores start over (a bound). */
const SCORE_KEYS_MAX = 4096;
const keptScores = new WeakMap<Scratch, WeakMap<Plan, Map<string, Float64Array>>>();

/**
 * Raw scores of score plugin `p` (group-level, with a scorePodKey) by group id for pods of
 * this pod's key on this table, or null without a key. Group ids are interned for the
 * table's lifetime, and by the scorePodKey promise (fast-hints.ts) a group's raw score is a
 * function of the group and the key, so it is asked once per key and group.
 */
function groupScoreMemo(plan: Plan, p: number, hint: FastHint, t: NodeTable, s: Scratch, pod: Pod): Float64Array | null {
  const scoreKey = hint.groupLevel?.scorePodKey;
  if (scoreKey === undefined) return null;
  let perPlan = keptScores.get(s);
  if (perPlan === undefined) keptScores.set(s, (perPlan = new WeakMap()));
  let byKey = perPlan.get(plan);
  if (byKey === undefined) perPlan.set(plan, (byKey = new Map()));
  const key = `${p}\u0001${scoreKey(pod)}`;
  const groups = t.groupCount;
  let memo = byKey.get(key);
  if (memo === undefined) {
    if (byKey.size >= SCORE_KEYS_MAX) byKey.clear();
    memo = new Float64Array(Math.max(groups * 2, 16)).fill(NaN);
    byKey.set(key, memo);
  } else if (memo.length < groups) {
    const grown = new Float64Array(groups * 2).fill(NaN);
    grown.set(memo);
    memo = grown;
    byKey.set(key, memo);
  }
  return memo;
}

/** How each score plugin is computed this cycle, and what that needs (see classify). */
interface Ways {
  way: Int8Array;
  fused: (FusedAlloc | null)[];
  needGroup: boolean;
  needImage: boolean;
  /** The special-row stamp of PodTopologySpread's holders, 0 when it is not scored by holders. */
  spreadStamp: number;
  /** Every allocation term of the plan (fast-classes.ts allocTerms) is fused, and only they are. */
  termsFused: boolean;
}

const waysOf: Ways = { way: new Int8Array(16), fused: [], needGroup: false, needImage: false, spreadStamp: 0, termsFused: true };

/** Decides, plugin by plugin, how it is scored this cycle (the order of the old if-chain). */
function classify(plan: Plan, t: NodeTable, s: Scratch, cycle: CycleState, pod: Pod): Ways {
  const w = waysOf;
  if (w.way.length < plan.score.length) w.way = new Int8Array(plan.score.length * 2);
  w.needGroup = w.needImage = false;
  w.spreadStamp = 0;
  w.termsFused = true;
  let spreadSeen = false;
  for (let p = 0; p < plan.score.length; p++) {
    const { plugin, hint } = plan.score[p]!;
    w.fused[p] = null;
    let way = ROW;
    if (cycle.skipScorePlugins.has(plugin.name)) way = SKIPPED;
    else if (hint.imageLocality) {
      way = IMAGE;
      w.needImage = true;
    } else if (hint.groupLevel && !hint.groupLevel.nodeSpecific(pod)) {
      way = GROUP;
      w.needGroup = true;
    } else if (hint.allocation && plugin.normalizeScore === undefined) {
      const f = fuseAlloc(hint.allocation, calculatePodResourceRequestList(pod, hint.allocation.resources, hint.allocation.useRequested));
      if (f !== null) {
        way = FUSED;
        w.fused[p] = f;
      }
    } else if (hint.topologySpread && !spreadSeen) {
      spreadSeen = true;
      w.spreadStamp = markSpecialRows(t, s, cycle);
      if (w.spreadStamp !== 0) way = SPREAD;
    }
    w.way[p] = way;
    // allocTerms takes exactly the plugins hinted none of these: each must be fused, and no other.
    const isTerm = !(hint.groupLevel || hint.imageLocality || hint.topologySpread || hint.perNode);
    if ((way === FUSED) !== isTerm) w.termsFused = false;
  }
  return w;
}

/** Stand-ins for a holder set or view that is absent: every row reads 0 from them. */
let zeroIds = new Int32Array(0);
let zeroSums = new Int32Array(0);
const ZERO_ACC = new Float64Array(1);

/**
 * totals[i] += the holders' sums of row i (and its allocation sum from `viewSum`), in one
 * walk. Absent sets read zeros (all-zero holder ids into a one-entry zero accumulator), so
 * the loop has no branch per row.
 */
function addHolders(
  totals: Float64Array,
  k: number,
  g: Holders | null,
  im: Holders | null,
  sp: Holders | null,
  viewSum: Int32Array | null = null,
  rows: Int32Array | null = null,
): void {
  if (g === null && im === null && sp === null && viewSum === null) return;
  if (zeroIds.length < k) zeroIds = new Int32Array(k * 2);
  const gAcc = g === null ? ZERO_ACC : g.acc;
  const gRow = g === null ? zeroIds : g.rowHolder;
  const iAcc = im === null ? ZERO_ACC : im.acc;
  const iRow = im === null ? zeroIds : im.rowHolder;
  const sAcc = sp === null ? ZERO_ACC : sp.acc;
  const sRow = sp === null ? zeroIds : sp.rowHolder;
  let vs: Int32Array;
  let vr: Int32Array;
  if (viewSum === null || rows === null) {
    vs = zeroSums.length > 0 ? zeroSums : (zeroSums = new Int32Array(1));
    vr = zeroIds;
  } else {
    vs = viewSum;
    vr = rows;
  }
  for (let i = 0; i < k; i++) totals[i] = totals[i]! + gAcc[gRow[i]!]! + iAcc[iRow[i]!]! + sAcc[sRow[i]!]! + vs[vr[i]!]!;
}

/**
 * The same scores plugin by plugin in profile order, each mapping its own holders: slower,
 * used only when a plugin answered out of range, so that the error named is the first one
 * the plain cycle meets.
 */
function scoreInOrder(plan: Plan, t: NodeTable, s: Scratch, cycle: CycleState, pod: Pod): string | undefined {
  const k = s.feasibleCount;
  s.totals.fill(0, 0, k);
  const h = holdersOf.get(s)!;
  const { group, image, spread } = h;
  group.mapped = image.mapped = spread.mapped = false;
  let listed = false;
  let spreadSeen = false;
  for (const { plugin, weight, hint } of plan.score) {
    if (cycle.skipScorePlugins.has(plugin.name)) continue;
    let error: string | undefined | null = null;
    if (hint.imageLocality) {
      if (!image.mapped) mapOne(image, t, s, t.imageGroup, t.imageGroupCount, 0);
      error = image.score(plugin, weight, t, cycle, pod);
    } else if (hint.groupLevel && !hint.groupLevel.nodeSpecific(pod)) {
      if (!group.mapped) mapOne(group, t, s, t.group, t.groupCount, 0);
      error = group.score(plugin, weight, t, cycle, pod);
    } else if (hint.allocation && plugin.normalizeScore === undefined) error = fusedAllocation(hint.allocation, plugin, weight, t, s, pod);
    else if (hint.topologySpread && !spreadSeen) {
      spreadSeen = true;
      const spreadStamp = markSpecialRows(t, s, cycle);
      if (spreadStamp !== 0) {
        mapOne(spread, t, s, t.group, t.groupCount, spreadStamp);
        error = spread.score(plugin, weight, t, cycle, pod);
      }
    }
    if (error === null) {
      if (!listed) listRows(t, s);
      listed = true;
      error = perRow(plugin, weight, hint, t, s, cycle, pod);
    }
    if (error !== undefined) return error;
  }
  addHolders(s.totals, k, group.mapped ? group : null, image.mapped ? image : null, spread.mapped ? spread : null);
  return undefined;
}

/** One holder set mapped by `ids` (special rows, when stamp > 0, each their own holder). */
function mapOne(x: Holders, t: NodeTable, s: Scratch, ids: Int32Array, idCount: number, stamp: number): void {
  const k = s.feasibleCount;
  x.begin(t.size, k, idCount);
  for (let i = 0; i < k; i++) {
    const row = s.feasible[i]!;
    x.add(i, row, ids[row]!, stamp !== 0 && s.specialStamp[row] === stamp);
  }
  x.end(t);
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

/**
 * What the indexed cycles (fast-cycle.ts by rows, fast-buckets.ts by buckets) share: a
 * profile's plugins with their hints (the plan), the split of Filter into group-level,
 * table-checked and per-node steps for one pod, and the resource scorers read off the table.
 */
import { calculatePodResourceRequestList } from './plugins/node-resources/resource-allocation.js';
import { fastHintOf, type FastHint } from './fast-hints.js';
import { fuseAlloc, fusedScore } from './fast-alloc.js';
import { MAX_NODE_SCORE, MIN_NODE_SCORE, type CycleState, type FilterPlugin, type NodeScore, type ScorePlugin } from './framework.js';
import type { Scratch } from './fast-scratch.js';
import type { NodeTable } from './node-table.js';
import { podInfoFor } from './node-info.js';
import type { Profile } from './profile.js';
import type { Pod } from '../model/types.js';
import { invalidScoreError } from './schedule-one.js';

export interface Plan {
  readonly filter: readonly { readonly plugin: FilterPlugin; readonly hint: FastHint }[];
  readonly score: readonly { readonly plugin: ScorePlugin; readonly weight: number; readonly hint: FastHint }[];
}

const plans = new WeakMap<Profile, Plan | null>();

/** The profile's plugins with their hints, or null when one has none. */
export function planFor(profile: Profile): Plan | null {
  const known = plans.get(profile);
  if (known !== undefined) return known;
  const filter: Plan['filter'][number][] = [];
  const score: Plan['score'][number][] = [];
  let ok = true;
  for (const plugin of profile.filter) {
    const hint = fastHintOf(plugin);
    if (!hint || !(hint.groupLevel || hint.alwaysPasses || hint.nodeName || hint.fit || hint.perNode)) ok = false;
    else filter.push({ plugin, hint });
  }
  for (const { plugin, weight } of profile.score) {
    const hint = fastHintOf(plugin);
    if (!hint || !(hint.groupLevel || hint.allocation || hint.imageLocality || hint.perNode)) ok = false;
    else score.push({ plugin, weight, hint });
  }
  const plan = ok ? { filter, score } : null;
  plans.set(profile, plan);
  return plan;
}

/** What Filter checks for one pod, split by how it is evaluated. */
export interface FilterSteps {
  readonly group: readonly FilterPlugin[];
  /**
   * The group filters' verdicts depend on the pod only through this key (each group plugin's
   * podKey, tagged with its place in the plan), or null when one of them has no podKey.
   */
  readonly verdictKey: string | null;
  readonly perNode: readonly FilterPlugin[];
  /** NodeResourcesFit on the table, or null when the pod asks for scalar resources (then perNode). */
  readonly fit: { readonly cpu: number; readonly mem: number; readonly eph: number; readonly empty: boolean } | null;
}

export function filterSteps(plan: Plan, cycle: CycleState, pod: Pod): FilterSteps {
  const group = groupScratch;
  const perNode = perNodeScratch;
  group.length = 0;
  perNode.length = 0;
  let fit: FilterSteps['fit'] = null;
  let keyed = true;
  let parts = 0;
  let lastKeyFn: ((pod: Pod) => string) | undefined;
  let lastKey = '';
  for (let i = 0; i < plan.filter.length; i++) {
    const { plugin, hint } = plan.filter[i]!;
    if (cycle.skipFilterPlugins.has(plugin.name) || hint.alwaysPasses || hint.nodeName) continue;
    if (hint.groupLevel && !hint.groupLevel.nodeSpecific(pod)) {
      group.push(plugin);
      const podKey = hint.groupLevel.podKey;
      if (!keyed || podKey === undefined) keyed = false;
      else {
        // NodeUnschedulable and TaintToleration share one key function: compute it once.
        if (podKey !== lastKeyFn) {
          lastKeyFn = podKey;
          lastKey = podKey(pod);
        }
        keyPlace[parts] = i;
        keyText[parts++] = lastKey;
      }
    }
    else if (hint.fit) {
      const r = podInfoFor(pod).requests;
      // for-in, not Object.keys: no array per pod (scalar is usually empty).
      let anyScalar = false;
      let nonZeroScalar = false;
      for (const k in r.scalar) {
        anyScalar = true;
        if (r.scalar[k] !== 0) nonZeroScalar = true;
      }
      if (nonZeroScalar) perNode.push(plugin);
      else fit = { cpu: r.milliCpu, mem: r.memory, eph: r.ephemeralStorage, empty: r.milliCpu === 0 && r.memory === 0 && r.ephemeralStorage === 0 && !anyScalar };
    } else perNode.push(plugin);
  }
  return sameSteps(group, perNode, fit, keyed ? verdictKeyOf(parts) : null);
}

/** filterSteps' lists as built for the pod at hand (copied when they differ from the last). */
const groupScratch: FilterPlugin[] = [];
const perNodeScratch: FilterPlugin[] = [];
let lastSteps: FilterSteps | undefined;

/**
 * The last FilterSteps when this pod's are the same (pods of one ReplicaSet, one after
 * another): its lists and fit are read only, so they are shared rather than allocated per pod.
 */
function sameSteps(group: readonly FilterPlugin[], perNode: readonly FilterPlugin[], fit: FilterSteps['fit'], verdictKey: string | null): FilterSteps {
  const l = lastSteps;
  if (l !== undefined && l.verdictKey === verdictKey && sameList(l.group, group) && sameList(l.perNode, perNode) && sameFitStep(l.fit, fit)) return l;
  lastSteps = { group: group.slice(), verdictKey, perNode: perNode.slice(), fit };
  return lastSteps;
}

function sameList(a: readonly FilterPlugin[], b: readonly FilterPlugin[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameFitStep(a: FilterSteps['fit'], b: FilterSteps['fit']): boolean {
  if (a === null || b === null) return a === b;
  return a.cpu === b.cpu && a.mem === b.mem && a.eph === b.eph && a.empty === b.empty;
}

/** filterSteps' key parts (plan position, plugin's pod key), and the last key built from them. */
const keyPlace: number[] = [];
const keyText: string[] = [];
const lastPlace: number[] = [];
const lastText: string[] = [];
let lastVerdictKey = '';

/**
 * `${place}\u0001${text}\u0000` over the parts. The last key is reused when the parts are the
 * same (pods of one ReplicaSet, one after another): the same string object then makes
 * verdictsFor's check a pointer comparison, and no string is built.
 */
function verdictKeyOf(parts: number): string {
  let same = parts === lastPlace.length;
  for (let p = 0; same && p < parts; p++) same = keyPlace[p] === lastPlace[p] && keyText[p] === lastText[p];
  if (same) return lastVerdictKey;
  let key = '';
  lastPlace.length = parts;
  lastText.length = parts;
  for (let p = 0; p < parts; p++) {
    key = `${key}${keyPlace[p]}\u0001${keyText[p]}\u0000`;
    lastPlace[p] = keyPlace[p]!;
    lastText[p] = keyText[p]!;
  }
  lastVerdictKey = key;
  return key;
}

/** Past this many keys per plan and table, the kept verdicts start over (a bound, not a tuning). */
const VERDICT_KEYS_MAX = 4096;
const keptVerdicts = new WeakMap<object, WeakMap<Plan, Map<string, Int8Array>>>();

/**
 * The per-group verdict array for this cycle's groupVerdict calls. With a verdictKey, the
 * array kept for that key on this table (`owner`: the table's scratch), so groups already
 * asked for an earlier pod of the same key are not asked again: group ids are interned for
 * the table's lifetime, and by the podKey promise (fast-hints.ts) the verdict is a function
 * of the group and the key. Error is never stored, so it is asked again. Without a key, the
 * scratch array cleared.
 */
export function verdictsFor(plan: Plan, steps: FilterSteps, t: NodeTable, owner: object, scratch: Int8Array): Int8Array {
  const groups = t.groupCount;
  const key = steps.verdictKey;
  if (key === null) {
    scratch.fill(0, 0, groups);
    return scratch;
  }
  const l = lastVerdicts;
  // The same key object as last time (verdictKeyOf reuses it): the same array, no lookups.
  if (l !== undefined && l.key === key && l.owner === owner && l.plan === plan && l.v.length >= groups) return l.v;
  let perPlan = keptVerdicts.get(owner);
  if (perPlan === undefined) keptVerdicts.set(owner, (perPlan = new WeakMap()));
  let byKey = perPlan.get(plan);
  if (byKey === undefined) perPlan.set(plan, (byKey = new Map()));
  let v = byKey.get(key);
  if (v === undefined) {
    if (byKey.size >= VERDICT_KEYS_MAX) byKey.clear();
    v = new Int8Array(Math.max(groups * 2, 16));
    byKey.set(key, v);
  } else if (v.length < groups) {
    // New groups since: keep what is known, the new ids start unasked.
    const grown = new Int8Array(groups * 2);
    grown.set(v);
    v = grown;
    byKey.set(key, v);
  }
  lastVerdicts = { owner, plan, key, v };
  return v;
}

/** verdictsFor's last answer (what it was asked with, and the array). */
let lastVerdicts: { readonly owner: object; readonly plan: Plan; readonly key: string; readonly v: Int8Array } | undefined;

/** A node group's verdict on the group-level filters: PASS, FAIL, or ERROR (a plugin Error). */
export const PASS = 1;
export const FAIL = 2;
export const ERROR = -1;

/**
 * The group-level filters' verdict for row `j`'s group, asked once per group per cycle and kept
 * in `verdict` (0: not asked yet).
 */
export function groupVerdict(t: NodeTable, verdict: Int8Array, group: readonly FilterPlugin[], cycle: CycleState, pod: Pod, j: number): number {
  const g = t.group[j]!;
  const known = verdict[g]!;
  if (known !== 0) return known;
  let v = PASS;
  for (let k = 0; k < group.length; k++) {
    const code = group[k]!.filter(cycle, pod, t.infos[j]!).code;
    if (code === 'Error') return ERROR;
    if (code !== 'Success') {
      v = FAIL;
      break;
    }
  }
  verdict[g] = v;
  return v;
}

/** NodeResourcesFit on the table's integers for row `j` (pod count, cpu, memory, ephemeral). */
export function fitsOnRow(t: NodeTable, fit: NonNullable<FilterSteps['fit']>, j: number): boolean {
  if (t.podCount[j]! + 1 > t.allocPods[j]!) return false;
  if (fit.empty) return true;
  if (fit.cpu > 0 && fit.cpu > t.allocCpu[j]! - t.reqCpu[j]!) return false;
  if (fit.mem > 0 && fit.mem > t.allocMem[j]! - t.reqMem[j]!) return false;
  if (fit.eph > 0 && fit.eph > t.allocEph[j]! - t.reqEph[j]!) return false;
  return true;
}

/**
 * resourceAllocationScore from the table: for cpu and memory, allocatable and the node's
 * (non-zero or plain) requested plus the pod's request, handed to the plugin's own scorer.
 * False (nothing written) when the plugin scores other resources.
 */
export function allocationScores(
  a: NonNullable<FastHint['allocation']>,
  t: NodeTable,
  pod: Pod,
  rows: Int32Array,
  k: number,
  scores: readonly { score: number }[],
): boolean {
  const res = a.resources;
  const m = res.length;
  const isCpu: boolean[] = [];
  for (let r = 0; r < m; r++) {
    const name = res[r]!.name;
    if (name !== 'cpu' && name !== 'memory') return false;
    isCpu.push(name === 'cpu');
  }
  const podReq = calculatePodResourceRequestList(pod, res, a.useRequested);
  const fused = fuseAlloc(a, podReq);
  if (fused !== null) {
    for (let i = 0; i < k; i++) scores[i]!.score = fusedScore(fused, t, rows[i]!);
    return true;
  }
  const usedCpu = a.useRequested ? t.reqCpu : t.nzCpu;
  const usedMem = a.useRequested ? t.reqMem : t.nzMem;
  const requested = new Array<number>(m).fill(0);
  const allocatable = new Array<number>(m).fill(0);
  const scorer = a.scorer;
  for (let i = 0; i < k; i++) {
    const row = rows[i]!;
    for (let r = 0; r < m; r++) {
      if (isCpu[r]) {
        allocatable[r] = t.allocCpu[row]!;
        requested[r] = usedCpu[row]! + podReq[r]!;
      } else {
        allocatable[r] = t.allocMem[row]!;
        requested[r] = usedMem[row]! + podReq[r]!;
      }
    }
    scores[i]!.score = scorer(requested, allocatable);
  }
  return true;
}

/**
 * The entry cycles' Score start (fast-buckets.ts, fast-classes.ts): `scores` holds the score
 * slot of each entry's representative row, `totals` zeros.
 */
export function startEntryScores(t: NodeTable, rows: Int32Array, entries: number, scores: NodeScore[], totals: Float64Array): void {
  scores.length = 0;
  for (let e = 0; e < entries; e++) scores.push(t.scoreSlots[rows[e]!]!);
  totals.fill(0, 0, entries);
}

/**
 * s.scores[e].score := plugin.score of entry e's row, asked once per id (`ids[row]`, a group
 * or image group id below `idCount`): the plugin reads the node only through what the id
 * stands for (fast-hints.ts groupLevel, imageLocality; the entry cycles run only for pods
 * whose terms are not node-specific, `modelled`). With `specialsPerRow` (PodTopologySpread),
 * special-row entries (entryBucket -1) are asked row by row: only regular rows score alike
 * per group (fast-spread.ts). Memo slots are valid under a fresh stamp, so a cycle costs
 * the entries, not the number of ids. Shared by the class and bucketed entry cycles.
 */
export function memoScores(
  plugin: ScorePlugin,
  ids: Int32Array,
  idCount: number,
  specialsPerRow: boolean,
  t: NodeTable,
  s: Scratch,
  cycle: CycleState,
  pod: Pod,
  entries: number,
): void {
  const stamp = s.memoStampFor(idCount);
  const memoStamp = s.memoStamp;
  const memo = s.memoValue;
  const rows = s.entryRow;
  const scores = s.scores;
  for (let e = 0; e < entries; e++) {
    const row = rows[e]!;
    if (specialsPerRow && s.entryBucket[e] === -1) {
      scores[e]!.score = plugin.score(cycle, pod, t.infos[row]!);
      continue;
    }
    const g = ids[row]!;
    if (memoStamp[g] !== stamp) {
      memoStamp[g] = stamp;
      memo[g] = plugin.score(cycle, pod, t.infos[row]!);
    }
    scores[e]!.score = memo[g]!;
  }
}

/**
 * NormalizeScore of `plugin` over the raw `scores`, then the framework's range check and the
 * weighted sum into `totals`; a string is the framework's error.
 */
export function normalizeAndAdd(plugin: ScorePlugin, weight: number, cycle: CycleState, pod: Pod, scores: NodeScore[], totals: Float64Array, entries: number): string | undefined {
  plugin.normalizeScore?.(cycle, pod, scores);
  for (let e = 0; e < entries; e++) {
    const v = scores[e]!.score;
    if (v > MAX_NODE_SCORE || v < MIN_NODE_SCORE) return invalidScoreError(plugin.name, v);
    totals[e] = totals[e]! + v * weight;
  }
  return undefined;
}

/**
 * Enters feasible special row `row` (allocation sum `sum`) among the special entries s.entry*
 * [0, e): with a merge key (s.specialKey), into the entry of the same class and key if there
 * is one, else as a new entry. A special entry's rows score alike on every non-allocation
 * plugin (same group and image group; PodTopologySpread reads the group and the count), so it
 * is scored once, and its best rows are those of the highest sum (entryBest, entryBestCount).
 * Returns the new number of entries.
 */
export function addSpecialEntry(s: Scratch, classOf: Int32Array, row: number, sum: number, e: number): number {
  const key = s.specialKey[row]!;
  let x = e;
  if (key >= 0) {
    const c = classOf[row]!;
    for (x = 0; x < e; x++) if (s.entryKey[x] === key && classOf[s.entryRow[x]!] === c) break;
  }
  s.specialEntered[s.specialEnteredCount++] = row;
  s.specialEntry[row] = x;
  if (x === e) {
    s.entryRow[e] = row;
    s.entryCount[e] = 1;
    s.entryBucket[e] = -1;
    s.entryKey[e] = key;
    s.entryBest[e] = sum;
    s.entryBestCount[e] = 1;
    return e + 1;
  }
  s.entryCount[x]!++;
  if (sum > s.entryBest[x]!) {
    s.entryBest[x] = sum;
    s.entryBestCount[x] = 1;
  } else if (sum === s.entryBest[x]) s.entryBestCount[x]!++;
  return e;
}

/**
 * Appends to out[k..] the special rows entered this cycle whose entry's total (s.totals, with
 * its best sum added) is `max` and whose own allocation sum is that best; returns the new end.
 */
export function tiedSpecialRows(s: Scratch, sum: ArrayLike<number>, max: number, out: Int32Array, k: number): number {
  for (let i = 0; i < s.specialEnteredCount; i++) {
    const row = s.specialEntered[i]!;
    const e = s.specialEntry[row]!;
    if (s.totals[e] === max && sum[row] === s.entryBest[e]) out[k++] = row;
  }
  return k;
}

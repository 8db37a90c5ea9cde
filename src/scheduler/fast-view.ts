/**
 * Per-pod-shape views of the node table for the class cycle (fast-classes.ts). For one pod
 * resource shape (its requests and non-zero requests), every row's NodeResourcesFit verdict
 * and its summed resource-allocation score (Σ weight × score over the profile's cpu/memory
 * allocation scorers: the Fit strategy, BalancedAllocation) depend on that row's figures
 * alone. So a view keeps, per row, "fits" and that sum, and per node class (group + image
 * group, node-table.ts) how many rows fit and a histogram of their sums. The sums are
 * integers in [0, 100 × Σ weight], so "the best sum in a class and how many rows reach it"
 * is the histogram's top bin.
 *
 * Views are kept up to date incrementally: the table logs every refreshed row (`changes`),
 * and a view replays the rows logged since it last looked (a bind refreshes one row), or
 * starts over when the table dropped its log or the replay would be longer than a rebuild.
 * Pods of one ReplicaSet share a shape, and workloads have a few dozen shapes, so the views
 * live in a small cache per node table and plan (least recently used goes first).
 *
 * A score outside [MIN_NODE_SCORE, MAX_NODE_SCORE] is the framework's error: the view counts
 * such rows (`invalidRows`) and the class cycle then leaves the pod to the bucketed cycle,
 * which reports it as the plain cycle does.
 */
import { calculatePodResourceRequestList, type ResourceAllocationScorer } from './plugins/node-resources/resource-allocation.js';
import { fuseAlloc, fusedScore, type FusedAlloc } from './fast-alloc.js';
import { MAX_NODE_SCORE, MIN_NODE_SCORE } from './framework.js';
import { fitsOnRow, type FilterSteps } from './fast-plan.js';
import type { NodeTable } from './node-table.js';
import { podInfoFor } from './node-info.js';
import type { Pod } from '../model/types.js';

/** One allocation scorer of the plan with its weight (cpu/memory resources only). */
export interface AllocTerm {
  readonly a: ResourceAllocationScorer;
  readonly weight: number;
}

/** The views kept per table and plan (a workload's pod shapes; more are rebuilt on demand). */
const MAX_VIEWS = 64;

export class ResourceView {
  /** Per row: 1 when the pod fits (pod count, cpu, memory, ephemeral storage), else 0. */
  fits = new Int8Array(0);
  /** Per row: Σ weight × allocation score, when it fits; -1 when a score is out of range. */
  sum = new Int32Array(0);
  /** Per row: the class its contribution was counted in (-1: none). */
  cls = new Int32Array(0);
  /** Per class: rows that fit (invalid ones included). */
  count = new Int32Array(0);
  /** Per class: the highest bin with rows in it, -1 when empty. */
  top = new Int32Array(0);
  /** Per class × bin (stride = range + 1): rows that fit with that sum. */
  hist = new Int32Array(0);
  /** Rows that fit with a score out of range. */
  invalidRows = 0;
  readonly stride: number;
  private epoch = -1;
  private seen = 0;
  /** Per row: the sync that last updated it (replays update a row once). */
  private done = new Int32Array(0);
  private syncs = 0;
  /** Scratch: requested/allocatable per resource, and the pod's request list per term. */
  private readonly req: number[][];
  private readonly alloc: number[][];
  private readonly podReq: number[][];
  /** The terms fused (fast-alloc.ts), when every one is a built-in strategy on cpu/memory. */
  private readonly fused: readonly FusedAlloc[] | null;

  constructor(
    private readonly terms: readonly AllocTerm[],
    private readonly fit: FilterSteps['fit'],
    pod: Pod,
  ) {
    let range = 0;
    for (const t of terms) range += t.weight * MAX_NODE_SCORE;
    this.stride = range + 1;
    this.podReq = terms.map((t) => calculatePodResourceRequestList(pod, t.a.resources, t.a.useRequested));
    const fused = terms.map((t, k) => fuseAlloc(t.a, this.podReq[k]!));
    this.fused = fused.every((f) => f !== null) ? (fused as FusedAlloc[]) : null;
    this.req = terms.map((t) => new Array<number>(t.a.resources.length).fill(0));
    this.alloc = terms.map((t) => new Array<number>(t.a.resources.length).fill(0));
  }

  /** Brings the view up to date with the table (already synced with its cache). */
  sync(t: NodeTable): void {
    const log = t.changes;
    if (this.epoch !== t.epoch || this.fits.length !== t.size || log.length - this.seen > t.size / 2) {
      this.rebuild(t);
      return;
    }
    this.ensureClasses(t.classes.capacity);
    // update() reads the row's current state, so a row logged several times (bin packing
    // binds to the same nodes over and over) is updated once.
    const mark = ++this.syncs;
    const done = this.done;
    for (let i = this.seen; i < log.length; i++) {
      const row = log[i]!;
      if (done[row] === mark) continue;
      done[row] = mark;
      this.update(t, row);
    }
    this.seen = log.length;
  }

  private rebuild(t: NodeTable): void {
    const n = t.size;
    this.fits = new Int8Array(n);
    this.sum = new Int32Array(n);
    this.cls = new Int32Array(n).fill(-1);
    this.done = new Int32Array(n);
    this.syncs = 0;
    this.count = new Int32Array(0);
    this.top = new Int32Array(0);
    this.hist = new Int32Array(0);
    this.invalidRows = 0;
    this.ensureClasses(t.classes.capacity);
    for (let row = 0; row < n; row++) this.update(t, row);
    this.epoch = t.epoch;
    this.seen = t.changes.length;
  }

  private ensureClasses(capacity: number): void {
    if (this.count.length >= capacity) return;
    const size = Math.max(8, capacity * 2);
    const count = new Int32Array(size);
    count.set(this.count);
    const top = new Int32Array(size).fill(-1);
    top.set(this.top);
    const hist = new Int32Array(size * this.stride);
    hist.set(this.hist);
    this.count = count;
    this.top = top;
    this.hist = hist;
  }

  /** Takes `row`'s old contribution out and puts its current one in. */
  private update(t: NodeTable, row: number): void {
    const old = this.cls[row]!;
    if (old >= 0) {
      this.count[old]!--;
      if (this.sum[row]! < 0) this.invalidRows--;
      else this.remove(old, this.sum[row]!);
      this.cls[row] = -1;
    }
    const f = this.fitsRow(t, row);
    this.fits[row] = f ? 1 : 0;
    if (!f) return;
    const c = t.classes.bucketOf[row]!;
    const v = this.score(t, row);
    this.sum[row] = v;
    this.cls[row] = c;
    this.count[c]!++;
    if (v < 0) this.invalidRows++;
    else this.add(c, v);
  }

  /** Counts a row of class `c` with sum `v` in the histogram. */
  add(c: number, v: number): void {
    this.hist[c * this.stride + v]!++;
    if (v > this.top[c]!) this.top[c] = v;
  }

  /** Takes a row of class `c` with sum `v` out of the histogram. */
  remove(c: number, v: number): void {
    const base = c * this.stride;
    if (--this.hist[base + v]! > 0 || v !== this.top[c]) return;
    let x = v - 1;
    while (x >= 0 && this.hist[base + x] === 0) x--;
    this.top[c] = x;
  }

  private fitsRow(t: NodeTable, j: number): boolean {
    return this.fit === null || fitsOnRow(t, this.fit, j);
  }

  /** Σ weight × score for `row` (as fast-plan.ts allocationScores computes each), -1 if out of range. */
  private score(t: NodeTable, row: number): number {
    let total = 0;
    const fused = this.fused;
    if (fused !== null) {
      for (let k = 0; k < fused.length; k++) {
        const v = fusedScore(fused[k]!, t, row);
        if (!(v >= MIN_NODE_SCORE && v <= MAX_NODE_SCORE)) return -1;
        total += v * this.terms[k]!.weight;
      }
      return total;
    }
    for (let k = 0; k < this.terms.length; k++) {
      const { a, weight } = this.terms[k]!;
      const res = a.resources;
      const requested = this.req[k]!;
      const allocatable = this.alloc[k]!;
      const podReq = this.podReq[k]!;
      for (let r = 0; r < res.length; r++) {
        if (res[r]!.name === 'cpu') {
          allocatable[r] = t.allocCpu[row]!;
          requested[r] = (a.useRequested ? t.reqCpu : t.nzCpu)[row]! + podReq[r]!;
        } else {
          allocatable[r] = t.allocMem[row]!;
          requested[r] = (a.useRequested ? t.reqMem : t.nzMem)[row]! + podReq[r]!;
        }
      }
      const v = a.scorer(requested, allocatable);
      if (!(v >= MIN_NODE_SCORE && v <= MAX_NODE_SCORE) || !Number.isInteger(v)) return -1;
      total += v * weight;
    }
    return total;
  }
}

/** The key of a pod's resource shape: what fitsRow and score read of the pod. */
function shapeKey(pod: Pod, fit: FilterSteps['fit']): string {
  const info = podInfoFor(pod);
  const r = info.requests;
  const nz = info.nonZeroRequests;
  const f = fit === null ? 'x' : `${fit.cpu},${fit.mem},${fit.eph},${fit.empty ? 1 : 0}`;
  return `${f}|${r.milliCpu},${r.memory}|${nz.milliCpu},${nz.memory}`;
}

const views = new WeakMap<NodeTable, WeakMap<readonly AllocTerm[], Map<string, ResourceView>>>();

/** The view of `pod`'s shape for these terms on this table, synced. */
export function viewFor(t: NodeTable, terms: readonly AllocTerm[], fit: FilterSteps['fit'], pod: Pod): ResourceView {
  let byTerms = views.get(t);
  if (byTerms === undefined) views.set(t, (byTerms = new WeakMap()));
  let cache = byTerms.get(terms);
  if (cache === undefined) byTerms.set(terms, (cache = new Map()));
  const key = shapeKey(pod, fit);
  let v = cache.get(key);
  if (v !== undefined) cache.delete(key);
  else {
    v = new ResourceView(terms, fit, pod);
    if (cache.size >= MAX_VIEWS) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, v); // most recently used last
  v.sync(t);
  return v;
}

/**
 * The scheduler's node table: the cache's nodes as a struct of arrays, row i being the i-th
 * node in nodeTree order (SchedulerCache.nodes), so the indexed cycle reads integers from
 * typed arrays instead of walking NodeInfo objects. Rows are refreshed from the cache's change
 * queue (CachedNodeInfo.touch), and all of them when the node set or its order changes.
 *
 * Each row also carries two interned ids:
 * - group: nodes with the same labels (kubernetes.io/hostname aside, as it names one node),
 *   taints and spec.unschedulable. Plugins hinted `groupLevel` (fast-hints.ts) decide the
 *   same for every node of a group, so a cycle asks them once per group.
 * - imageGroup: nodes reporting the same image names; ImageLocality scores them alike.
 *
 * Rows are also bucketed by their whole state (node-buckets.ts) for the bucketed cycle, and
 * by "class" (group and image group together: what every group-level and image-level plugin
 * reads) for the class cycle (fast-classes.ts). Every refreshed row is appended to `changes`
 * so the per-pod-shape views of that cycle (fast-view.ts) catch up row by row; `epoch` moves
 * when the log is dropped (rebuild, or too long to be worth replaying).
 *
 * Amounts are integers well below 2^53 (bytes, milli-CPU), exact in a Float64Array.
 */
import type { CachedNodeInfo, SchedulerCache } from './cache.js';
import type { NodeScore } from './framework.js';
import { NodeBuckets } from './node-buckets.js';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** The group signature: labels but the hostname, taints in order, unschedulable. */
function groupSignature(info: CachedNodeInfo): string {
  const node = info.node;
  const labels = node.metadata?.labels;
  // Labels absent and labels {} read alike in every plugin, but keep them apart anyway.
  let sig = labels == null ? '\u0003' : '\u0004';
  if (labels != null) {
    for (const k of Object.keys(labels).sort()) {
      // Only whether the hostname label is there: its value names the node.
      if (k === HOSTNAME_LABEL) sig += '\u0001h';
      else sig += `\u0001${k}\u0002${labels[k]}`;
    }
  }
  for (const t of node.spec?.taints ?? []) sig += `\u0005${t.key}\u0002${t.value ?? ''}\u0002${t.effect}`;
  if (node.spec?.unschedulable === true) sig += '\u0006';
  return sig;
}

function imageSignature(info: CachedNodeInfo): string {
  return Object.keys(info.imageStates).sort().join('\u0000');
}

export class NodeTable {
  size = 0;
  infos: CachedNodeInfo[] = [];
  allocCpu = new Float64Array(0);
  allocMem = new Float64Array(0);
  allocEph = new Float64Array(0);
  allocPods = new Float64Array(0);
  reqCpu = new Float64Array(0);
  reqMem = new Float64Array(0);
  reqEph = new Float64Array(0);
  nzCpu = new Float64Array(0);
  nzMem = new Float64Array(0);
  podCount = new Int32Array(0);
  group = new Int32Array(0);
  imageGroup = new Int32Array(0);
  /** One reusable NodeScore per row (named after the node) for NormalizeScore lists. */
  scoreSlots: NodeScore[] = [];
  /** Rows by state (group, image group, every figure above). */
  readonly buckets = new NodeBuckets();
  /** Rows by class: group and image group (see the header). */
  readonly classes = new NodeBuckets();
  /** Rows refreshed since the log was last dropped, in refresh order (repeats allowed). */
  readonly changes: number[] = [];
  /** Bumped whenever `changes` is dropped: a view of an older epoch must start over. */
  epoch = 0;
  private readonly groups = new Map<string, number>();
  private readonly imageGroups = new Map<string, number>();
  private readonly rowOf = new Map<string, number>();
  /** The node objects the group ids were computed from (recomputed when the Node changes). */
  private nodeOf: unknown[] = [];
  private imagesOf: unknown[] = [];
  private nodeSetGeneration = -1;

  constructor(readonly cache: SchedulerCache) {}

  get groupCount(): number {
    return this.groups.size;
  }

  get imageGroupCount(): number {
    return this.imageGroups.size;
  }

  /** The row of a node name, or -1. */
  rowOfName(name: string): number {
    return this.rowOf.get(name) ?? -1;
  }

  /** Brings every row up to date with the cache. */
  sync(): void {
    const changed = this.cache.takeChanged();
    if (this.nodeSetGeneration !== this.cache.nodeSetGeneration) {
      this.rebuild();
      return;
    }
    // Past a few times the table's size, replaying the log costs more than starting over.
    if (this.changes.length > 4 * this.size + 4096) this.dropChanges();
    for (const info of changed) {
      const row = this.rowOf.get(info.name);
      if (row !== undefined && this.infos[row] === info) this.refresh(row);
    }
  }

  private rebuild(): void {
    const infos = this.cache.nodes;
    const n = infos.length;
    this.nodeSetGeneration = this.cache.nodeSetGeneration;
    this.size = n;
    this.infos = infos.slice();
    this.allocCpu = new Float64Array(n);
    this.allocMem = new Float64Array(n);
    this.allocEph = new Float64Array(n);
    this.allocPods = new Float64Array(n);
    this.reqCpu = new Float64Array(n);
    this.reqMem = new Float64Array(n);
    this.reqEph = new Float64Array(n);
    this.nzCpu = new Float64Array(n);
    this.nzMem = new Float64Array(n);
    this.podCount = new Int32Array(n);
    this.group = new Int32Array(n);
    this.imageGroup = new Int32Array(n);
    this.scoreSlots = infos.map((i) => ({ name: i.name, score: 0 }));
    this.nodeOf = new Array<unknown>(n).fill(undefined);
    this.imagesOf = new Array<unknown>(n).fill(undefined);
    this.rowOf.clear();
    this.buckets.reset(n);
    this.classes.reset(n);
    this.dropChanges();
    for (let i = 0; i < n; i++) {
      this.rowOf.set(infos[i]!.name, i);
      this.refresh(i);
    }
  }

  private dropChanges(): void {
    this.changes.length = 0;
    this.epoch++;
  }

  private refresh(row: number): void {
    const info = this.infos[row]!;
    const a = info.allocatable;
    const r = info.requested;
    const nz = info.nonZeroRequested;
    this.allocCpu[row] = a.milliCpu;
    this.allocMem[row] = a.memory;
    this.allocEph[row] = a.ephemeralStorage;
    this.allocPods[row] = a.allowedPodNumber;
    this.reqCpu[row] = r.milliCpu;
    this.reqMem[row] = r.memory;
    this.reqEph[row] = r.ephemeralStorage;
    this.nzCpu[row] = nz.milliCpu;
    this.nzMem[row] = nz.memory;
    this.podCount[row] = info.pods.length;
    if (this.nodeOf[row] !== info.node) {
      this.nodeOf[row] = info.node;
      this.group[row] = intern(this.groups, groupSignature(info));
    }
    if (this.imagesOf[row] !== info.imageStates) {
      this.imagesOf[row] = info.imageStates;
      this.imageGroup[row] = intern(this.imageGroups, imageSignature(info));
    }
    this.changes.push(row);
    this.classes.place(row, `${this.group[row]},${this.imageGroup[row]}`);
    this.buckets.place(
      row,
      `${this.group[row]},${this.imageGroup[row]},${a.milliCpu},${a.memory},${a.ephemeralStorage},${a.allowedPodNumber},` +
        `${r.milliCpu},${r.memory},${r.ephemeralStorage},${nz.milliCpu},${nz.memory},${this.podCount[row]}`,
    );
  }
}

function intern(m: Map<string, number>, key: string): number {
  let id = m.get(key);
  if (id === undefined) {
    id = m.size;
    m.set(key, id);
  }
  return id;
}

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
 * reads) for the class cycle (fast-classes.ts). The state buckets are placed lazily, when a
 * bucketed cycle first reads `buckets` after rows changed: the row cycle (the default profile
 * at scale) never reads them, and a bind would otherwise build a 12-number key per row. A
 * row's class moves only when its group or image group does, so a bind leaves it alone. Every refreshed row is appended to `changes`
 * so the per-pod-shape views of that cycle (fast-view.ts) catch up row by row; `epoch` moves
 * when the log is dropped (rebuild, or too long to be worth replaying).
 *
 * Every refresh also stamps the row, and its block of 1 << blockShift consecutive rows, with a
 * fresh version (rowVersion, blockVersion): a per-pod-shape view read by blocks (the window
 * cycle, fast-window.ts) brings a block's rows up to date when it reads them, instead of
 * replaying every logged row. `layout` moves when rows are renumbered (rebuild).
 *
 * Amounts are integers well below 2^53 (bytes, milli-CPU), exact in a Float64Array.
 */
import type { CachedNodeInfo, SchedulerCache } from './cache.js';
import type { NodeScore } from './framework.js';
import { NodeBuckets } from './node-buckets.js';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** How many of a block's latest refreshes the table remembers (a power of two). */
export const RECENT_REFRESHES = 4;

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

/** Whether two versions of a node have the very same fields groupSignature reads. */
function sameGroupFields(a: CachedNodeInfo['node'] | undefined, b: CachedNodeInfo['node']): boolean {
  return (
    a !== undefined &&
    a.metadata?.labels === b.metadata?.labels &&
    a.spec?.taints === b.spec?.taints &&
    a.spec?.unschedulable === b.spec?.unschedulable
  );
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
  /** Rows by state (group, image group, every figure above), rows in `pending` not yet placed. */
  private readonly stateBuckets = new NodeBuckets();
  /** Rows refreshed since `buckets` was last read, each once (pendingMark[row] === 1). */
  private pending: number[] = [];
  private pendingMark = new Uint8Array(0);
  /** Rows by class: group and image group (see the header). */
  readonly classes = new NodeBuckets();
  /** Rows refreshed since the log was last dropped, in refresh order (repeats allowed). */
  readonly changes: number[] = [];
  /** Bumped whenever `changes` is dropped: a view of an older epoch must start over. */
  epoch = 0;
  /** Bumped when rows are renumbered (rebuild): versions of an older layout mean nothing. */
  layout = 0;
  /** Rows per block: 1 << blockShift, about √size (set at rebuild). */
  blockShift = 2;
  /** Per row / per block: the version of its (its rows') latest refresh; versions only grow. */
  rowVersion = new Float64Array(0);
  blockVersion = new Float64Array(0);
  /**
   * Per block, its last RECENT_REFRESHES refreshes as a ring (slot b * RECENT_REFRESHES + i,
   * the newest at blockRecentPos[b]): the row refreshed and the block's version just before.
   * A view that last checked a block at one of those versions updates just the rows refreshed
   * since instead of comparing every row's version (fast-view.ts currentRows): between two
   * reads of a block by one pod shape, a bind or two usually landed in it.
   */
  blockRecentRow = new Int32Array(0);
  blockRecentPrev = new Float64Array(0);
  blockRecentPos = new Uint8Array(0);
  private versionClock = 0;
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

  /** Rows by state (group, image group, every figure above), brought up to date first. */
  get buckets(): NodeBuckets {
    const pending = this.pending;
    if (pending.length > 0) {
      for (let i = 0; i < pending.length; i++) {
        const row = pending[i]!;
        this.pendingMark[row] = 0;
        this.stateBuckets.place(
          row,
          `${this.group[row]},${this.imageGroup[row]},${this.allocCpu[row]},${this.allocMem[row]},${this.allocEph[row]},${this.allocPods[row]},` +
            `${this.reqCpu[row]},${this.reqMem[row]},${this.reqEph[row]},${this.nzCpu[row]},${this.nzMem[row]},${this.podCount[row]}`,
        );
      }
      pending.length = 0;
    }
    return this.stateBuckets;
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
    this.layout++;
    this.blockShift = Math.max(2, Math.round(Math.log2(Math.max(n, 1)) / 2));
    this.rowVersion = new Float64Array(n);
    this.blockVersion = new Float64Array((n >> this.blockShift) + 1);
    // -2: no refresh recorded (a view's "never checked" is -1, a real version is ≥ 0).
    this.blockRecentRow = new Int32Array(this.blockVersion.length * RECENT_REFRESHES);
    for (let at = 0; at < this.blockRecentRow.length; at++) this.blockRecentRow[at] = Math.max(0, Math.min(n - 1, (at / RECENT_REFRESHES) << this.blockShift));
    this.blockRecentPrev = new Float64Array(this.blockVersion.length * RECENT_REFRESHES).fill(-2);
    this.blockRecentPos = new Uint8Array(this.blockVersion.length);
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
    this.stateBuckets.reset(n);
    this.pending = [];
    this.pendingMark = new Uint8Array(n);
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
    let classMoved = this.classes.bucketOf[row] === -1;
    const before = this.nodeOf[row] as CachedNodeInfo['node'] | undefined;
    if (before !== info.node) {
      this.nodeOf[row] = info.node;
      // The signature is a function of labels, taints and unschedulable alone: when the write
      // kept all three (shared by identity, as a status write does), the group stays.
      if (!sameGroupFields(before, info.node)) {
        const g = intern(this.groups, groupSignature(info));
        if (g !== this.group[row]) classMoved = true;
        this.group[row] = g;
      }
    }
    if (this.imagesOf[row] !== info.imageStates) {
      this.imagesOf[row] = info.imageStates;
      const ig = intern(this.imageGroups, imageSignature(info));
      if (ig !== this.imageGroup[row]) classMoved = true;
      this.imageGroup[row] = ig;
    }
    this.changes.push(row);
    const version = ++this.versionClock;
    this.rowVersion[row] = version;
    const b = row >> this.blockShift;
    const pos = (this.blockRecentPos[b]! + 1) & (RECENT_REFRESHES - 1);
    this.blockRecentPos[b] = pos;
    this.blockRecentRow[b * RECENT_REFRESHES + pos] = row;
    this.blockRecentPrev[b * RECENT_REFRESHES + pos] = this.blockVersion[b]!;
    this.blockVersion[b] = version;
    if (classMoved) this.classes.place(row, `${this.group[row]},${this.imageGroup[row]}`);
    if (this.pendingMark[row] === 0) {
      this.pendingMark[row] = 1;
      this.pending.push(row);
    }
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

/**
 * The controller manager: one work queue for all reconcilers, fed by committed changes through
 * each reconciler's watches, drained in FIFO order. A key waiting in the queue is not queued
 * twice (client-go workqueue's dedupe). Failures back off per key, 5 ms doubling to 1000 s
 * (workqueue.DefaultControllerRateLimiter's exponential part); success forgets the failures.
 */
import type { Rng } from '../clock/rng.js';
import type { Reconciler, WatchMapper } from '../model/reconcile.js';
import { objectKey, type Change, type ClusterState } from '../model/store.js';

export interface QueuedKey {
  readonly controller: number;
  readonly key: string;
}

interface Controller {
  readonly reconciler: Reconciler;
  readonly rng: Rng;
  readonly queued: Set<string>;
  readonly failures: Map<string, number>;
  /** key → id and due time of the pending delayed requeue (only the earliest is kept). */
  readonly delayed: Map<string, { id: number; dueMs: number }>;
}

const BACKOFF_BASE_MS = 5;
const BACKOFF_MAX_MS = 1_000_000;

/** One reconciler's interest in a kind: its index in registration order and its mapper. */
interface Watcher {
  readonly index: number;
  readonly mapper: WatchMapper | 'self';
}

export class ControllerLoop {
  private readonly controllers: Controller[] = [];
  /**
   * kind → the reconcilers watching it, in registration order: a change visits only those
   * (most of the dozen controllers watch two or three kinds), in the order a scan of all
   * controllers would, so the queue's order is unchanged.
   */
  private readonly watchers = new Map<string, Watcher[]>();
  private readonly queue: QueuedKey[] = [];
  private head = 0;

  add(reconciler: Reconciler, rng: Rng): number {
    if (this.controllers.some((c) => c.reconciler.name === reconciler.name)) {
      throw new Error(`a reconciler named "${reconciler.name}" is already registered`);
    }
    this.controllers.push({ reconciler, rng, queued: new Set(), failures: new Map(), delayed: new Map() });
    const index = this.controllers.length - 1;
    for (const kind of Object.keys(reconciler.watches)) {
      let list = this.watchers.get(kind);
      if (!list) this.watchers.set(kind, (list = []));
      list.push({ index, mapper: reconciler.watches[kind]! });
    }
    return index;
  }

  get size(): number {
    return this.queue.length - this.head;
  }

  controller(index: number): Controller {
    return this.controllers[index]!;
  }

  names(): string[] {
    return this.controllers.map((c) => c.reconciler.name);
  }

  enqueue(index: number, key: string): void {
    const c = this.controllers[index]!;
    if (c.queued.has(key)) return;
    c.queued.add(key);
    this.queue.push({ controller: index, key });
  }

  /** Feeds one committed change to every reconciler watching its kind. */
  onChange(change: Change, state: ClusterState): void {
    const list = this.watchers.get(change.kind);
    if (list === undefined) return;
    for (const { index, mapper } of list) {
      if (mapper === 'self') {
        const meta = (change.object ?? change.oldObject)!.metadata;
        this.enqueue(index, objectKey(meta.namespace, meta.name));
      } else {
        for (const key of mapper(change, state)) this.enqueue(index, key);
      }
    }
  }

  next(): QueuedKey | undefined {
    if (this.head >= this.queue.length) return undefined;
    const item = this.queue[this.head++]!;
    // Compact now and then so the array does not grow without bound. In place: a first
    // reassignment of the field would throw away the optimized code of every caller that
    // had taken it for a constant (enqueue, onChange, the facade's publish).
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.copyWithin(0, this.head);
      this.queue.length -= this.head;
      this.head = 0;
    }
    this.controllers[item.controller]!.queued.delete(item.key);
    return item;
  }

  /** Delay before retrying a key that failed `n` times in a row. */
  backoffMs(index: number, key: string): number {
    const c = this.controllers[index]!;
    const n = c.failures.get(key) ?? 0;
    c.failures.set(key, n + 1);
    return Math.min(BACKOFF_BASE_MS * 2 ** n, BACKOFF_MAX_MS);
  }

  forget(index: number, key: string): void {
    // Called after every successful reconcile; failures are rare, so most calls find the map
    // empty and need no lookup.
    const failures = this.controllers[index]!.failures;
    if (failures.size !== 0) failures.delete(key);
  }
}

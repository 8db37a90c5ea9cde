/**
 * activeQ's priority queue: a binary heap with an ascending run in front of it. Pods mostly
 * arrive already in queue order (a create of N pods pushes them by increasing seq at one
 * timestamp and priority), so each push that is not less than the run's last item is appended
 * to the run (a FIFO) in O(1); only out-of-order pushes go to the heap. pop takes the lesser
 * of the run's head and the heap's top.
 *
 * With a total order (ties broken by a sequence number, as the queue's orders are) the pop
 * sequence is exactly a plain heap's: both hand out the least remaining item each time.
 * The heap's sift loops walk a 150k-entry array; the run reads its items in order.
 */
import { MinHeap } from '../clock/heap.js';

export class RunHeap<T> {
  private readonly heap: MinHeap<T>;
  /** The ascending run: items[head..] in order. */
  private run: T[] = [];
  private head = 0;

  constructor(private readonly less: (a: T, b: T) => boolean) {
    this.heap = new MinHeap<T>(less);
  }

  get size(): number {
    return this.heap.size + this.run.length - this.head;
  }

  push(x: T): void {
    const run = this.run;
    if (this.head === run.length) {
      // Empty run: start over at the array's beginning.
      run.length = 0;
      this.head = 0;
      run.push(x);
    } else if (!this.less(x, run[run.length - 1]!)) run.push(x);
    else this.heap.push(x);
  }

  pop(): T | undefined {
    const run = this.run;
    const top = this.heap.peek();
    if (this.head === run.length) return top === undefined ? undefined : this.heap.pop();
    const first = run[this.head]!;
    if (top !== undefined && this.less(top, first)) return this.heap.pop();
    run[this.head++] = undefined as T; // let the popped item go
    // Drop the consumed prefix once it is most of the array, so the run's memory stays bounded.
    if (this.head > 1024 && this.head * 2 > run.length) {
      this.run = run.slice(this.head);
      this.head = 0;
    }
    return first;
  }
}

/**
 * Store benchmark: create / update / delete throughput at 1k, 10k and 150k objects, writes
 * batched per step (StoreBatch + one copy-on-write commit), as the Cluster does. The
 * claim under test: a step's cost follows what it changed, not how many objects exist — the
 * per-write cost at 150k objects stays within 1.5x of the cost at 1k.
 *
 *   npm run bench:store [-- --batch=100 --writes=30000 --runs=3]
 *
 * Seeded; prints one JSON line per case, then a table. Timing uses process.hrtime (bench/ only);
 * `cpuNsPerWrite` is the process's CPU time (process.cpuUsage, all threads, GC helpers
 * included) over the same loop: on a shared, loaded machine wall time also counts the time
 * the process waits for a core, which swamps the 1k-vs-150k comparison.
 */
import { Rng } from '../src/clock/rng.js';
import { deepFreeze } from '../src/model/json.js';
import { emptyState, StoreBatch, type ClusterState } from '../src/model/store.js';
import type { StoredObject } from '../src/model/types.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const BATCH = Number(args.get('batch') ?? 100);
const WRITES = Number(args.get('writes') ?? 30_000);
const RUNS = Number(args.get('runs') ?? 3);
const SIZES = [1_000, 10_000, 150_000];

function pod(i: number, rv: number): StoredObject {
  return deepFreeze({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: `ns-${i % 50}`, uid: `uid-${i}`, resourceVersion: String(rv), labels: { app: `app-${i % 500}` } },
    spec: { nodeName: `node-${i % 5000}`, containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '128Mi' } } }] },
    status: { phase: 'Running', podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
  }) as unknown as StoredObject;
}

function fill(n: number): ClusterState {
  let s = emptyState();
  for (let i = 0; i < n; i += 1000) {
    const b = new StoreBatch(s);
    for (let j = i; j < Math.min(n, i + 1000); j++) b.put('Pod', pod(j, j + 1));
    s = b.commit();
  }
  return s;
}

type Op = 'create' | 'update' | 'delete';

function measure(base: ClusterState, n: number, op: Op, rng: Rng): { wall: number; cpu: number } {
  let s = base;
  let next = n;
  // Pre-build the objects so only store work is timed.
  const objs: StoredObject[] = [];
  const keys: number[] = [];
  // Deletes remove distinct existing objects, so at most n of them.
  const writes = op === 'delete' ? Math.min(WRITES, n) : WRITES;
  for (let w = 0; w < writes; w++) {
    if (op === 'create') objs.push(pod(next++, w));
    else if (op === 'update') {
      const i = rng.int(n);
      keys.push(i);
      objs.push(pod(i, n + w));
    } else keys.push(w);
  }
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let w = 0; w < writes; w += BATCH) {
    const b = new StoreBatch(s);
    for (let k = w; k < Math.min(writes, w + BATCH); k++) {
      if (op === 'delete') b.remove('Pod', `ns-${keys[k]! % 50}`, `pod-${keys[k]}`);
      else b.put('Pod', objs[k]!);
    }
    s = b.commit();
  }
  const ns = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(c0);
  return { wall: ns / writes, cpu: ((cpu.user + cpu.system) * 1000) / writes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Warm-up, discarded: otherwise the first rows (1k) are measured while V8 still compiles the
// store's functions, on its own threads, which the CPU figure counts.
{
  const warm = fill(2_000);
  for (const op of ['create', 'update', 'delete'] as const) measure(warm, 2_000, op, Rng.root(`store/warm-up/${op}`));
}

const rows: { size: number; op: Op; nsPerWrite: number; cpuNsPerWrite: number }[] = [];
for (const size of SIZES) {
  const base = fill(size);
  for (const op of ['create', 'update', 'delete'] as const) {
    const samples: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < RUNS; r++) samples.push(measure(base, size, op, Rng.root(`store/${size}/${op}/${r}`)));
    const row = { size, op, nsPerWrite: Math.round(median(samples.map((x) => x.wall))), cpuNsPerWrite: Math.round(median(samples.map((x) => x.cpu))) };
    rows.push(row);
    console.log(JSON.stringify({ bench: 'store', batch: BATCH, writes: WRITES, runs: RUNS, ...row, writesPerSecond: Math.round(1e9 / row.nsPerWrite) }));
  }
}

console.log('');
console.log(`store: ${WRITES} writes in batches of ${BATCH}, median of ${RUNS}`);
console.log('objects   op       ns/write   writes/s    vs 1k   cpu ns/write   vs 1k');
for (const r of rows) {
  const at1k = rows.find((x) => x.size === 1_000 && x.op === r.op)!;
  console.log(
    `${String(r.size).padStart(7)}   ${r.op.padEnd(7)}  ${String(r.nsPerWrite).padStart(8)}   ${String(Math.round(1e9 / r.nsPerWrite)).padStart(8)}   ${(r.nsPerWrite / at1k.nsPerWrite).toFixed(2)}x` +
      `   ${String(r.cpuNsPerWrite).padStart(12)}   ${(r.cpuNsPerWrite / at1k.cpuNsPerWrite).toFixed(2)}x`,
  );
}

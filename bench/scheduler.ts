/**
 * The scheduler benchmark: pods/s from "all pods pending" to "all pods bound" on a real
 * Cluster, bind writes (and their Scheduled events) included, pod creation excluded.
 *
 * How creation is excluded: the Cluster schedules inside `create()`, so each case is run
 * twice in fresh processes — (a) `scheduler: false`, only creating the pods in one
 * `cluster.create([...])` call, and (b) with the scheduler, the same call creating and
 * scheduling them. Scheduling time = median(b) − median(a), over `--runs` runs each.
 * Per-batch latency comes from the bind watch events: the scheduler binds up to 1024 pods
 * per commit, and the time between the last binds of consecutive commits (one batch's
 * scheduling and writes), divided by the commit's size, is one "ms per pod" sample; the first
 * commit is measured from the end of creation as timed by the create-only twin run (p50/p99
 * over all commits of all (b) runs). `scheduleBatchCpuMs` is the CPU spent inside
 * Scheduler.scheduleBatch alone (the cycles and assumes, not the bind writes nor the
 * scheduler's following of them): steadier than wall time on a shared machine.
 *
 * Workloads (seeded, deterministic):
 * - basic / binpack: 100, 1,000, 5,000 nodes (3 zones, 32 or 64 cpu, 128 or 256 GiB, 110
 *   pods; ~10% tainted dedicated=infra:NoSchedule; half disktype=ssd), 30 pods per node owned
 *   by ReplicaSets of 30 (so the system default topology spread is active), cpu 100m–2 and
 *   memory 128Mi–4Gi, ~20% with a nodeSelector, ~10% tolerating the taint. `binpack` uses
 *   NodeResourcesFit MostAllocated with percentageOfNodesToScore 100.
 * - spread / anti / preferred: shaped like upstream scheduler_perf TopologySpreading,
 *   SchedulingPodAntiAffinity and SchedulingPreferredPodAffinity at 5,000 nodes (node-default:
 *   4 cpu, 32Gi, 110 pods): init pods are created and scheduled first, untimed; the measured
 *   pods are then created (and scheduled) in one call.
 *   @see kubernetes/kubernetes test/integration/scheduler_perf/config/performance-config.yaml
 *
 * Usage (after `npm run bench:scheduler` compiled it):
 *   node --expose-gc .bench-out/bench/scheduler.js [--runs=3] [--only=basic:5000,binpack] [--scale=0.1] [--semi-space=64]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createCluster } from '../src/index.js';
import { benchArgs, median, semiSpaceFlags } from './report.js';
import { Rng } from '../src/clock/rng.js';
import type { WatchEvent } from '../src/sim/cluster.js';
import { Scheduler } from '../src/scheduler/scheduler.js';

type Workload = 'basic' | 'binpack' | 'spread' | 'anti' | 'preferred';

interface Case {
  readonly workload: Workload;
  readonly nodes: number;
  /** Pods scheduled before the measurement (untimed). */
  readonly initPods: number;
  /** Pods created and scheduled in the timed call. */
  readonly pods: number;
}

interface ChildSpec extends Case {
  readonly scheduler: boolean;
  readonly seed: number;
}

interface ChildResult {
  readonly ms: number;
  readonly bound: number;
  /** Per commit of binds: ms from the start of the timed create() to its last bind, and its size. */
  readonly batchEndsMs: number[];
  readonly batchSizes: number[];
  readonly peakRssBytes: number;
  /** CPU (user + system) of the timed create(), ms: steadier than wall time on a shared machine. */
  readonly cpuMs: number;
  /** SHA-256 prefix of the pod → node bind sequence: equal hashes, equal decisions. */
  readonly bindHash: string;
  /**
   * CPU ms inside Scheduler.scheduleBatch during the timed call: the scheduling cycles alone
   * (queue, PreFilter to selectHost, assume), without the bind writes, events and the
   * scheduler's following of them (onChange).
   */
  readonly scheduleBatchCpuMs: number;
}

/** CPU µs spent in Scheduler.scheduleBatch since the child started (see ChildResult). */
let scheduleBatchCpuUs = 0;

/** Wraps Scheduler.scheduleBatch to add up its CPU time (a few dozen calls per run). */
function timeScheduleBatch(): void {
  const proto = Scheduler.prototype as unknown as { scheduleBatch: (...args: unknown[]) => unknown };
  const inner = proto.scheduleBatch;
  proto.scheduleBatch = function (this: unknown, ...args: unknown[]) {
    const c0 = process.cpuUsage();
    try {
      return inner.apply(this, args);
    } finally {
      const c = process.cpuUsage(c0);
      scheduleBatchCpuUs += c.user + c.system;
    }
  };
}

const CASES: readonly Case[] = [
  { workload: 'basic', nodes: 100, initPods: 0, pods: 3_000 },
  { workload: 'basic', nodes: 1_000, initPods: 0, pods: 30_000 },
  { workload: 'basic', nodes: 5_000, initPods: 0, pods: 150_000 },
  { workload: 'binpack', nodes: 100, initPods: 0, pods: 3_000 },
  { workload: 'binpack', nodes: 1_000, initPods: 0, pods: 30_000 },
  { workload: 'binpack', nodes: 5_000, initPods: 0, pods: 150_000 },
  { workload: 'spread', nodes: 5_000, initPods: 5_000, pods: 2_000 },
  { workload: 'anti', nodes: 5_000, initPods: 1_000, pods: 1_000 },
  { workload: 'preferred', nodes: 5_000, initPods: 5_000, pods: 1_000 },
];

// ---- cluster shapes -------------------------------------------------------------------------

const BINPACK_CONFIG = {
  apiVersion: 'kubescheduler.config.k8s.io/v1',
  kind: 'KubeSchedulerConfiguration',
  profiles: [
    {
      schedulerName: 'default-scheduler',
      percentageOfNodesToScore: 100,
      pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }],
    },
  ],
};

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[rng.int(xs.length)]!;
}

function mixedNodes(n: number, rng: Rng): object[] {
  const out: object[] = [];
  const zones = ['zone-a', 'zone-b', 'zone-c'];
  for (let i = 0; i < n; i++) {
    const big = rng.int(2) === 1;
    const tainted = rng.int(10) === 0;
    out.push({
      name: `node-${i}`,
      cpu: big ? '64' : '32',
      memory: big ? '256Gi' : '128Gi',
      pods: 110,
      zone: zones[i % 3],
      labels: { disktype: rng.int(2) === 0 ? 'ssd' : 'hdd', 'node.kubernetes.io/instance-type': big ? 'm5.16xlarge' : 'm5.8xlarge' },
      taints: tainted ? [{ key: 'dedicated', value: 'infra', effect: 'NoSchedule' }] : [],
    });
  }
  return out;
}

function defaultNodes(n: number, zones: readonly string[] | undefined): object[] {
  const out: object[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ name: `node-${i}`, cpu: '4', memory: '32Gi', pods: 110, ...(zones ? { zone: zones[i % zones.length] } : {}) });
  }
  return out;
}

const CPU = ['100m', '250m', '500m', '1', '2'];
const MEMORY = ['128Mi', '256Mi', '512Mi', '1Gi', '2Gi', '4Gi'];

/** ReplicaSets of 30 with one pod shape each (a Deployment's pods are alike). */
function mixedReplicaSets(pods: number, rng: Rng): { rs: object[]; shapes: object[] } {
  const rs: object[] = [];
  const shapes: object[] = [];
  for (let i = 0; i * 30 < pods; i++) {
    const app = `app-${i}`;
    const r = rng.int(100);
    const nodeSelector = r < 10 ? { disktype: 'ssd' } : r < 20 ? { 'node.kubernetes.io/instance-type': 'm5.16xlarge' } : undefined;
    const tolerations = rng.int(10) === 0 ? [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }] : undefined;
    const requests = { cpu: pick(rng, CPU), memory: pick(rng, MEMORY) };
    const podSpec = {
      containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9', resources: { requests } }],
      ...(nodeSelector ? { nodeSelector } : {}),
      ...(tolerations ? { tolerations } : {}),
    };
    rs.push({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: app, namespace: 'default' },
      spec: { replicas: 30, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: podSpec } },
    });
    shapes.push(podSpec);
  }
  return { rs, shapes };
}

function pausePod(name: string, namespace: string, labels: Record<string, string>, extra: object = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: {
      containers: [
        { name: 'pause', image: 'registry.k8s.io/pause:3.9', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '500Mi' }, limits: { cpu: '100m', memory: '500Mi' } } },
      ],
      ...extra,
    },
  };
}

function antiAffinity(): object {
  return {
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { color: 'green' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['sched-0', 'sched-1'] },
        ],
      },
    },
  };
}

function preferredAffinity(): object {
  return {
    affinity: {
      podAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 1, podAffinityTerm: { labelSelector: { matchLabels: { color: 'red' } }, topologyKey: 'kubernetes.io/hostname', namespaces: ['sched-0', 'sched-1'] } },
        ],
      },
    },
  };
}

function spreading(): object {
  return {
    topologySpreadConstraints: [
      { maxSkew: 5, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { color: 'blue' } } },
    ],
  };
}

function namespaces(): object[] {
  return ['sched-0', 'sched-1'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
}

// ---- one measured run (child process) -------------------------------------------------------

function runChild(spec: ChildSpec): ChildResult {
  const rng = Rng.root(`bench/${spec.seed}`);
  const scheduler = spec.scheduler ? (spec.workload === 'binpack' ? BINPACK_CONFIG : undefined) : false;
  let nodes: object[];
  if (spec.workload === 'basic' || spec.workload === 'binpack') nodes = mixedNodes(spec.nodes, rng.fork('nodes'));
  else nodes = defaultNodes(spec.nodes, spec.workload === 'spread' ? ['moon-1', 'moon-2', 'moon-3'] : undefined);
  const cluster = createCluster({ seed: spec.seed, nodes: nodes as never, scheduler: scheduler as never, controllers: false, keepTrace: false });

  let measured: object[] = [];
  if (spec.workload === 'basic' || spec.workload === 'binpack') {
    const { rs, shapes } = mixedReplicaSets(spec.pods, rng.fork('pods'));
    const created = cluster.create(rs) as { metadata: { name: string; uid: string } }[];
    for (let i = 0; i < spec.pods; i++) {
      const owner = created[Math.trunc(i / 30)]!;
      measured.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${owner.metadata.name}-${i % 30}`,
          namespace: 'default',
          labels: { app: owner.metadata.name },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }],
        },
        spec: shapes[Math.trunc(i / 30)],
      });
    }
  } else {
    const init: object[] = [];
    if (spec.workload === 'spread') {
      for (let i = 0; i < spec.initPods; i++) init.push(pausePod(`init-${i}`, 'default', {}));
      for (let i = 0; i < spec.pods; i++) measured.push(pausePod(`spreading-pod-${i}`, 'default', { color: 'blue' }, spreading()));
    } else if (spec.workload === 'anti') {
      init.push(...namespaces());
      for (let i = 0; i < spec.initPods; i++) init.push(pausePod(`anti-affinity-pod-${i}`, 'sched-0', { color: 'green' }, antiAffinity()));
      for (let i = 0; i < spec.pods; i++) measured.push(pausePod(`anti-affinity-pod-${i}`, 'sched-1', { color: 'green' }, antiAffinity()));
    } else {
      init.push(...namespaces());
      for (let i = 0; i < spec.initPods; i++) init.push(pausePod(`preferred-affinity-pod-${i}`, 'sched-0', { color: 'red' }, preferredAffinity()));
      for (let i = 0; i < spec.pods; i++) measured.push(pausePod(`preferred-affinity-pod-${i}`, 'sched-1', { color: 'red' }, preferredAffinity()));
    }
    cluster.create(init);
  }

  // Last bind of each commit: the scheduler binds up to 1024 pods per commit, so the time
  // between two commits' last binds is one batch's scheduling plus its writes.
  const batchEndNs: bigint[] = [];
  const batchSizes: number[] = [];
  let bound = 0;
  // Pod and node names of every bind, hashed after the timed call so hashing costs it nothing.
  const binds: string[] = [];
  cluster.on('watch', (e: WatchEvent) => {
    if (e.kind !== 'Pod' || e.type !== 'MODIFIED') return;
    const was = (e.oldObject as { spec?: { nodeName?: string } } | undefined)?.spec?.nodeName;
    const now = (e.object as { spec?: { nodeName?: string } }).spec?.nodeName;
    if (was || !now) return;
    binds.push((e.object as { metadata: { name: string } }).metadata.name, now);
    if (bound % 1024 === 0) {
      batchEndNs.push(0n);
      batchSizes.push(0);
    }
    bound++;
    batchEndNs[batchEndNs.length - 1] = process.hrtime.bigint();
    batchSizes[batchSizes.length - 1]!++;
  });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  (globalThis as { gc?: () => void }).gc?.();
  timeScheduleBatch();
  scheduleBatchCpuUs = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  cluster.create(measured);
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  measured = [];
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  clearInterval(sampler);
  // The sampler cannot fire during the synchronous create; resourceUsage's maxRSS covers it.
  peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);
  // The first batch's interval also holds the pods' creation; the parent subtracts it.
  const batchEndsMs = batchEndNs.map((t) => Number(t - t0) / 1e6);
  return {
    ms: Number(t1 - t0) / 1e6,
    bound,
    batchEndsMs,
    batchSizes,
    peakRssBytes: peakRss,
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    bindHash: createHash('sha256').update(binds.join('\n')).digest('hex').slice(0, 16),
    scheduleBatchCpuMs: Math.round(scheduleBatchCpuUs / 1000),
  };
}

// ---- the driver -----------------------------------------------------------------------------

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

function spawnChild(spec: ChildSpec, v8Flags: readonly string[]): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', ...v8Flags, self, `--child=${JSON.stringify(spec)}`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`child failed (${JSON.stringify(spec)}):\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as ChildResult;
}

function main(): void {
  const args = benchArgs();
  const child = args.get('child');
  if (child !== undefined) {
    process.stdout.write(`${JSON.stringify(runChild(JSON.parse(child) as ChildSpec))}\n`);
    return;
  }
  const runs = Number(args.get('runs') ?? 3);
  const only = args.get('only')?.split(',');
  const { semiSpaceMiB, flags } = semiSpaceFlags(args);
  // --scale=0.1 runs a tenth of the pods (for slow configurations; the table says how many).
  const scale = Number(args.get('scale') ?? 1);
  const cases = CASES.filter((c) => !only || only.some((o) => o === c.workload || o === `${c.workload}:${c.nodes}`)).map((c) => ({
    ...c,
    initPods: Math.round(c.initPods * scale),
    pods: Math.round(c.pods * scale),
  }));
  const rows: Record<string, unknown>[] = [];
  for (const c of cases) {
    const create: number[] = [];
    const total: number[] = [];
    const samples: number[] = [];
    const schedCpu: number[] = [];
    let rss = 0;
    let bound = 0;
    for (let run = 0; run < runs; run++) {
      const createOnly = spawnChild({ ...c, scheduler: false, seed: 1 }, flags).ms;
      create.push(createOnly);
      const r = spawnChild({ ...c, scheduler: true, seed: 1 }, flags);
      total.push(r.ms);
      schedCpu.push(r.scheduleBatchCpuMs);
      // ms per pod of each commit; the first one starts when creation ends (estimated by
      // this run's create-only twin).
      r.batchEndsMs.forEach((end, i) => {
        const start = i === 0 ? createOnly : r.batchEndsMs[i - 1]!;
        samples.push(Math.max(0, end - start) / r.batchSizes[i]!);
      });
      rss = Math.max(rss, r.peakRssBytes);
      bound = r.bound;
    }
    const schedMs = Math.max(median(total) - median(create), 1e-3);
    const row = {
      bench: 'scheduler',
      workload: c.workload,
      nodes: c.nodes,
      initPods: c.initPods,
      pods: c.pods,
      bound,
      runs,
      createMs: Math.round(median(create)),
      createAndScheduleMs: Math.round(median(total)),
      scheduleMs: Math.round(schedMs),
      podsPerSec: Math.round((c.pods / schedMs) * 1000),
      // CPU of the cycles alone (ChildResult.scheduleBatchCpuMs): steadier on a shared machine.
      scheduleBatchCpuMs: Math.round(median(schedCpu)),
      msPerPodP50: Number(percentile(samples, 50).toFixed(4)),
      msPerPodP99: Number(percentile(samples, 99).toFixed(4)),
      peakRssMiB: Math.round(rss / (1024 * 1024)),
      semiSpaceMiB,
    };
    rows.push(row);
    process.stdout.write(`${JSON.stringify(row)}\n`);
  }
  const header = ['workload', 'nodes', 'initPods', 'pods', 'bound', 'createMs', 'createAndScheduleMs', 'scheduleMs', 'podsPerSec', 'msPerPodP50', 'msPerPodP99', 'peakRssMiB'];
  const widths = header.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h]).length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  process.stdout.write(`\n${fmt(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n`);
  for (const r of rows) process.stdout.write(`${fmt(header.map((h) => String(r[h])))}\n`);
}

main();

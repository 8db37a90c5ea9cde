/**
 * Whole-simulator benchmark: the Cluster with every built-in controller, driven through the
 * public API only. Three scenarios:
 *
 * - envelope: 5,000 nodes in 3 zones, 500 Deployments of 300 replicas (150,000 pods) and
 *   10,000 Services (20 per Deployment, each selecting that Deployment's `app` label). Timed
 *   from the apply of the Deployments and Services to every pod Running and Ready and every
 *   Endpoints object holding all of its Deployment's pods. Targets: < 60 s wall, < 1.5 GiB RSS.
 * - day: 1,000 nodes in 3 zones, 300 Deployments of 100 replicas (30,000 pods) with one
 *   Service each, then 24 h of virtual time: a rolling update of every Deployment (spread
 *   over 1 h..21 h), 10 node failures (each recovered 20 min later) and one zone outage of 1 h,
 *   the faults scheduled as data (cluster.faults.schedule). Target: >= 2,880x virtual/wall.
 * - growth: the day scenario at several scales; the exponent of wall time against pods is a
 *   least-squares fit on log-log. Target: <= 1.15.
 *
 * Every run is a fresh child process (peak RSS is per run: process.resourceUsage().maxRSS).
 * Seeded and deterministic; only the wall-clock timing varies. Prints one JSON line per run,
 * then a table. On a terminal, stderr shows a progress bar over the runs (bench/progress.ts);
 * the parent only waits on its children, so the bar does not touch what a child measures.
 *
 *   npm run bench:sim -- --only=envelope --scale=0.1,0.333
 *   npm run bench:sim -- --only=day,growth --scale=0.1,0.333,1
 *   npm run bench:sim -- --only=envelope --scale=0.1 --profile     # --cpu-prof, top self time
 *
 * --timeout=<s> (default 900) kills a child that runs longer; its row says so. --svc=<n> sets
 * the Services per Deployment (envelope 20, day 1; 0 for none) to separate their cost.
 * --semi-space=<MiB> sets the children's young generation (default 64, 0 = Node's default;
 * bench/report.ts semiSpaceFlags says why).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCluster, type WatchEvent } from '../src/index.js';
import { benchArgs, markdownTable, semiSpaceFlags } from './report.js';
import { createProgress, type BenchProgress } from './progress.js';

type Scenario = 'envelope' | 'day';

interface ChildSpec {
  readonly scenario: Scenario;
  readonly scale: number;
  readonly seed: number;
  /** Overrides the Services per Deployment (envelope 20, day 1), to separate their cost. */
  readonly svc?: number;
}

interface ChildResult {
  readonly scenario: Scenario;
  readonly scale: number;
  readonly nodes: number;
  readonly deployments: number;
  readonly pods: number;
  readonly services: number;
  /** createCluster (node registration) in wall ms. */
  readonly createMs: number;
  /** apply → all pods Ready and all Endpoints filled, wall ms. */
  readonly readyMs: number;
  /** Virtual ms the bring-up took. */
  readonly readyVirtualMs: number;
  /** day: the 24 h after bring-up, wall ms (0 for envelope). */
  readonly dayMs: number;
  readonly virtualMs: number;
  readonly totalMs: number;
  readonly peakRssMiB: number;
  readonly readyAtEnd: number;
}

const IMAGE_V1 = 'registry.k8s.io/pause:3.9';
const IMAGE_V2 = 'registry.k8s.io/pause:3.10';
const IMAGES = {
  [IMAGE_V1]: { pullTime: '2s', startupTime: '1s', readinessDelay: '1s' },
  [IMAGE_V2]: { pullTime: '2s', startupTime: '1s', readinessDelay: '1s' },
};
const HOUR = 3_600_000;

function shape(scenario: Scenario, scale: number, svc?: number) {
  if (scenario === 'envelope') {
    const deployments = Math.max(1, Math.round(500 * scale));
    return { nodes: Math.max(3, Math.round(5_000 * scale)), deployments, replicas: 300, servicesPerDeployment: svc ?? 20 };
  }
  const deployments = Math.max(1, Math.round(300 * scale));
  return { nodes: Math.max(3, Math.round(1_000 * scale)), deployments, replicas: 100, servicesPerDeployment: svc ?? 1 };
}

function deployment(name: string, replicas: number): object {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'app', image: IMAGE_V1, ports: [{ containerPort: 8080 }], resources: { requests: { cpu: '10m', memory: '16Mi' } } },
          ],
        },
      },
    },
  };
}

function service(name: string, app: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

interface PodLike {
  metadata?: { name?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}
interface EndpointsLike {
  metadata?: { name?: string };
  subsets?: { addresses?: unknown[] }[];
}

function podReady(o: unknown): boolean {
  const p = o as PodLike | undefined;
  if (!p || p.status?.phase !== 'Running') return false;
  return p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function endpointAddresses(o: unknown): number {
  const e = o as EndpointsLike | undefined;
  let n = 0;
  for (const s of e?.subsets ?? []) n += s.addresses?.length ?? 0;
  return n;
}

// ---- one run (child process) ----------------------------------------------------------------

function runChild(spec: ChildSpec): ChildResult {
  const s = shape(spec.scenario, spec.scale, spec.svc);
  const pods = s.deployments * s.replicas;
  const services = s.deployments * s.servicesPerDeployment;
  const t0 = process.hrtime.bigint();
  const cluster = createCluster({
    seed: spec.seed,
    nodes: s.nodes,
    zones: 3,
    keepTrace: false,
    images: IMAGES,
    // The default pod network (10.244.0.0/16, a /24 per node) has room for 256 nodes only.
    network: { clusterCIDR: '10.128.0.0/9', nodeCIDRMaskSize: 24, nodeAddressCIDR: '10.0.0.0/16' },
  });
  const t1 = process.hrtime.bigint();

  // Ready pods and filled Endpoints, counted from the watch so the stop predicate is O(1).
  let ready = 0;
  const expected = new Map<string, number>();
  const filled = new Set<string>();
  cluster.on('watch', (e: WatchEvent) => {
    if (e.kind === 'Pod') {
      const was = e.type === 'ADDED' ? false : podReady(e.oldObject);
      const now = e.type === 'DELETED' ? false : podReady(e.object);
      if (was !== now) ready += now ? 1 : -1;
    } else if (e.kind === 'Endpoints') {
      const name = (e.object as EndpointsLike).metadata?.name ?? '';
      const want = expected.get(name);
      if (want === undefined) return;
      if (e.type !== 'DELETED' && endpointAddresses(e.object) === want) filled.add(name);
      else filled.delete(name);
    }
  });

  const objects: object[] = [];
  for (let d = 0; d < s.deployments; d++) {
    const app = `app-${d}`;
    objects.push(deployment(app, s.replicas));
    for (let k = 0; k < s.servicesPerDeployment; k++) {
      const name = k === 0 ? app : `${app}-svc-${k}`;
      expected.set(name, s.replicas);
      objects.push(service(name, app));
    }
  }
  const t2 = process.hrtime.bigint();
  const v0 = cluster.now;
  cluster.apply(objects);
  objects.length = 0;
  const done = () => ready === pods && filled.size === services;
  const ok = cluster.runUntil(done, { timeout: '2h' });
  if (!ok) throw new Error(`bring-up did not finish in 2h virtual: ready ${ready}/${pods}, endpoints ${filled.size}/${services}`);
  const t3 = process.hrtime.bigint();
  const readyVirtualMs = cluster.now - v0;

  let dayMs = 0;
  let virtualMs = readyVirtualMs;
  if (spec.scenario === 'day') {
    const start = cluster.now;
    // 10 node failures, one an hour from 2 h, each recovered 20 min later; zone-c out 14 h..15 h.
    const faults: { fault: 'failNode' | 'recoverNode' | 'failZone' | 'recoverZone'; target: string; at: string }[] = [];
    for (let k = 0; k < 10; k++) {
      // Nodes spread over the list (and so over the zones: zones are assigned round-robin).
      const node = `node-${((k * 97) % s.nodes) + 1}`;
      faults.push({ fault: 'failNode', target: node, at: `${start + 2 * HOUR + k * HOUR}ms` });
      faults.push({ fault: 'recoverNode', target: node, at: `${start + 2 * HOUR + k * HOUR + 20 * 60_000}ms` });
    }
    faults.push({ fault: 'failZone', target: 'zone-c', at: `${start + 14 * HOUR}ms` });
    faults.push({ fault: 'recoverZone', target: 'zone-c', at: `${start + 15 * HOUR}ms` });
    cluster.faults.schedule(faults);
    // Rolling updates: one Deployment every 20 h / D, from 1 h.
    const step = Math.floor((20 * HOUR) / s.deployments);
    for (let d = 0; d < s.deployments; d++) {
      const at = start + HOUR + d * step;
      cluster.advance(`${at - cluster.now}ms`);
      cluster.setImage({ kind: 'Deployment', name: `app-${d}` }, 'app', IMAGE_V2);
    }
    cluster.advance(`${start + 24 * HOUR - cluster.now}ms`);
    dayMs = Number(process.hrtime.bigint() - t3) / 1e6;
    virtualMs = cluster.now - v0;
  }
  const t4 = process.hrtime.bigint();
  return {
    scenario: spec.scenario,
    scale: spec.scale,
    nodes: s.nodes,
    deployments: s.deployments,
    pods,
    services,
    createMs: Math.round(Number(t1 - t0) / 1e6),
    readyMs: Math.round(Number(t3 - t2) / 1e6),
    readyVirtualMs,
    dayMs: Math.round(dayMs),
    virtualMs,
    totalMs: Math.round(Number(t4 - t0) / 1e6),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    readyAtEnd: ready,
  };
}

// ---- profiles -------------------------------------------------------------------------------

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Top self-time functions of a .cpuprofile (sample counts weighted by their time deltas). */
function topSelf(file: string, n: number): { fn: string; ms: number; pct: number }[] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    const cf = byId.get(id)!.callFrame;
    const where = cf.url ? `${cf.url.replace(/^.*\.bench-out\//, '')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000), pct: Number(((100 * us) / total).toFixed(1)) }));
}

// ---- the driver -----------------------------------------------------------------------------

/** Runs one child; asynchronous so the progress bar can redraw while the child works. */
async function spawnChild(spec: ChildSpec, v8Flags: readonly string[], timeoutS: number, profile: boolean, progress: BenchProgress): Promise<ChildResult | { error: string }> {
  const self = fileURLToPath(import.meta.url);
  const profDir = profile ? mkdtempSync(join(tmpdir(), 'kubesim-prof-')) : undefined;
  const flags = ['--max-old-space-size=8192', ...v8Flags, ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [])];
  const r = await new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; error?: Error }>((done) => {
    const child = spawn(process.execPath, [...flags, self, `--child=${JSON.stringify(spec)}`], { timeout: timeoutS * 1000, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (error) => done({ status: null, signal: null, stdout, stderr, error }));
    child.on('close', (status, signal) => done({ status, signal, stdout, stderr }));
  });
  if (r.error || r.status !== 0) return { error: r.signal ? `killed (${r.signal}) after ${timeoutS}s` : `${r.error?.message ?? r.stderr}`.slice(-2000) };
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  if (profDir) {
    const f = readdirSync(profDir).find((x) => x.endsWith('.cpuprofile'));
    if (f) {
      progress.log(`profile ${spec.scenario} scale ${spec.scale}: ${join(profDir, f)}`);
      for (const t of topSelf(join(profDir, f), 15)) progress.log(`  ${String(t.ms).padStart(7)} ms ${String(t.pct).padStart(5)}%  ${t.fn}`);
    }
  }
  return result;
}

/** Least-squares slope of log(y) on log(x). */
function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let num = 0;
  let den = 0;
  lx.forEach((x, i) => {
    num += (x - mx) * (ly[i]! - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

async function main(): Promise<void> {
  const args = benchArgs();
  const child = args.get('child');
  if (child !== undefined) {
    process.stdout.write(`${JSON.stringify(runChild(JSON.parse(child) as ChildSpec))}\n`);
    return;
  }
  const only = (args.get('only') ?? 'envelope,day,growth').split(',');
  const scales = (args.get('scale') ?? '0.1,0.333').split(',').map(Number);
  const timeoutS = Number(args.get('timeout') ?? 900);
  const profile = args.has('profile');
  const seed = Number(args.get('seed') ?? 1);
  const svc = args.has('svc') ? Number(args.get('svc')) : undefined;
  const { semiSpaceMiB, flags } = semiSpaceFlags(args);
  const rows: Record<string, unknown>[] = [];
  const dayRuns: ChildResult[] = [];
  const scenarios: Scenario[] = [];
  if (only.includes('envelope')) scenarios.push('envelope');
  if (only.includes('day') || only.includes('growth')) scenarios.push('day');
  const progress = createProgress({ total: scenarios.length * scales.length, label: 'runs' });
  for (const scenario of scenarios) {
    for (const scale of scales) {
      const r = await spawnChild({ scenario, scale, seed, ...(svc !== undefined ? { svc } : {}) }, flags, timeoutS, profile, progress);
      progress.tick();
      if ('error' in r) {
        const s = shape(scenario, scale, svc);
        const row = { bench: 'sim', scenario, scale, nodes: s.nodes, pods: s.deployments * s.replicas, error: r.error };
        rows.push(row);
        progress.log(JSON.stringify(row));
        continue;
      }
      const row: Record<string, unknown> = { bench: 'sim', ...r, semiSpaceMiB };
      if (scenario === 'envelope') {
        row.target = r.readyMs < 60_000 && r.peakRssMiB < 1536 ? 'met' : 'missed';
      } else {
        const wall = r.readyMs + r.dayMs;
        row.ratio = Math.round(r.virtualMs / wall);
        row.target = row.ratio as number >= 2880 ? 'met' : 'missed';
        dayRuns.push(r);
      }
      rows.push(row);
      progress.log(JSON.stringify(row));
    }
  }
  progress.done();
  if (only.includes('growth') && dayRuns.length >= 2) {
    const exponent = logLogSlope(
      dayRuns.map((r) => r.pods),
      dayRuns.map((r) => r.readyMs + r.dayMs),
    );
    const row = { bench: 'sim', scenario: 'growth', scales: dayRuns.map((r) => r.scale), exponent: Number(exponent.toFixed(3)), target: exponent <= 1.15 ? 'met' : 'missed' };
    process.stdout.write(`${JSON.stringify(row)}\n`);
  }
  const env = rows.filter((r) => r.scenario === 'envelope');
  if (env.length) process.stdout.write(`\n${markdownTable(env, ['scale', 'nodes', 'pods', 'services', 'createMs', 'readyMs', 'readyVirtualMs', 'peakRssMiB', 'target', 'error'])}\n`);
  const day = rows.filter((r) => r.scenario === 'day');
  if (day.length) process.stdout.write(`\n${markdownTable(day, ['scale', 'nodes', 'pods', 'services', 'createMs', 'readyMs', 'dayMs', 'virtualMs', 'ratio', 'peakRssMiB', 'target', 'error'])}\n`);
}

await main();

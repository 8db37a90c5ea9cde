/**
 * Invariants: named, reusable checks of a cluster that say in plain words what is wrong.
 * Each is a function `(cluster, ctx?) => InvariantResult` carrying its `name` and a `scope`:
 * - `always`: must hold after every committed step (no node over-committed, no duplicate IPs,
 *   rolling-update bounds);
 * - `settled`: must hold once the cluster is quiet and no fault is in force (Deployments
 *   converged, Endpoints exact, no orphans, pending pods explained).
 * `checkController` picks the moment by scope; called directly, an invariant checks now.
 */
import { listObjects, type Cluster, type ClusterState, type StoredObject } from '../index.js';
import { parseRFC3339 } from '../model/time.js';
import {
  condition,
  controllerRef,
  isAvailable,
  isReady,
  isTerminal,
  isTerminating,
  keyOf,
  overcommitted,
  podIP,
  podsByNode,
  podSpec,
  resolveOwner,
  scaledIntOrPercent,
} from './objects.js';

export type InvariantResult = { readonly ok: true } | { readonly ok: false; readonly message: string; readonly violations: readonly string[] };

export type InvariantScope = 'always' | 'settled';

/** What a check may know beyond the cluster itself; `checkController` fills it in. */
export interface InvariantContext {
  /** The state when the current operation began. */
  readonly before: ClusterState;
  /**
   * The last state in which the cluster was settled with no fault in force, if any. Bounds
   * that only hold for changes made from a steady state (rolling updates) measure from here.
   */
  readonly baseline: ClusterState | undefined;
  /** A fault or a disruptive operation (pod deletion, pod or node relabelling) since `baseline`. */
  readonly disruptedSinceBaseline: boolean;
  /** Some fault is in force now (a failed node, zone or master, a partition, a stopped kubelet). */
  readonly faultsActive: boolean;
}

export interface Invariant {
  (cluster: Cluster, ctx?: Partial<InvariantContext>): InvariantResult;
  readonly name: string;
  readonly scope: InvariantScope;
}

/** What a check returns: the violations as readable lines (none: it holds), or a boolean. */
export type InvariantCheck = (cluster: Cluster, ctx: InvariantContext) => readonly string[] | boolean;

const OK: InvariantResult = { ok: true };

/**
 * Builds an invariant from a check returning violation lines (or false). Example:
 * `defineInvariant('at most 10 pods', (c) => c.get('pods').length <= 10)`.
 */
export function defineInvariant(name: string, check: InvariantCheck, opts: { scope?: InvariantScope } = {}): Invariant {
  const fn = (cluster: Cluster, ctx: Partial<InvariantContext> = {}): InvariantResult => {
    const full: InvariantContext = {
      before: ctx.before ?? cluster.state,
      baseline: ctx.baseline,
      disruptedSinceBaseline: ctx.disruptedSinceBaseline ?? false,
      faultsActive: ctx.faultsActive ?? false,
    };
    const r = check(cluster, full);
    const violations = r === true ? [] : r === false ? ['the check returned false'] : r;
    if (violations.length === 0) return OK;
    const shown = violations.slice(0, 20);
    const more = violations.length > shown.length ? [`... and ${violations.length - shown.length} more`] : [];
    return {
      ok: false,
      violations,
      message: `invariant ${name} violated at t=${formatMs(cluster.now)}:\n${[...shown, ...more].map((v) => `  - ${v}`).join('\n')}`,
    };
  };
  Object.defineProperty(fn, 'name', { value: name });
  Object.defineProperty(fn, 'scope', { value: opts.scope ?? 'always', enumerable: true });
  return fn as Invariant;
}

/** Virtual ms as seconds with millisecond precision: 12500 → "12.5s". */
export function formatMs(ms: number): string {
  return `${ms / 1000}s`;
}

const nowEpochMs = (c: Cluster): number => parseRFC3339(c.nowTimestamp);

// ---- always ---------------------------------------------------------------------------------

/** For every node, the summed requests of its non-terminal pods fit status.allocatable. */
export const noNodeOvercommitted = defineInvariant('noNodeOvercommitted', (c) => {
  const out: string[] = [];
  const byNode = podsByNode(c.state);
  for (const node of listObjects(c.state, 'Node')) {
    const pods = byNode.get(node.metadata.name) ?? [];
    for (const line of overcommitted(node, pods)) out.push(`node ${node.metadata.name}: ${line} (pods ${pods.map(keyOf).join(', ')})`);
  }
  return out;
});

/** Pod IPs (of non-terminal, non-hostNetwork pods) are unique, and so are Service ClusterIPs. */
export const noDuplicateIPs = defineInvariant('noDuplicateIPs', (c) => {
  const out: string[] = [];
  const seen = new Map<string, string>();
  for (const pod of listObjects(c.state, 'Pod')) {
    const ip = podIP(pod);
    if (!ip || isTerminal(pod) || podSpec(pod).hostNetwork) continue;
    const other = seen.get(ip);
    if (other) out.push(`pods ${other} and ${keyOf(pod)} both have IP ${ip}`);
    else seen.set(ip, keyOf(pod));
  }
  const svcIPs = new Map<string, string>();
  for (const svc of listObjects(c.state, 'Service')) {
    const ip = (svc.spec as { clusterIP?: string } | undefined)?.clusterIP;
    if (!ip || ip === 'None') continue;
    const other = svcIPs.get(ip);
    if (other) out.push(`services ${other} and ${keyOf(svc)} both have ClusterIP ${ip}`);
    else svcIPs.set(ip, keyOf(svc));
  }
  return out;
});

interface DeploymentSpecLike {
  replicas?: number;
  paused?: boolean;
  minReadySeconds?: number;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
}
const dspec = (d: StoredObject): DeploymentSpecLike => (d.spec ?? {}) as DeploymentSpecLike;
const dstatus = (d: StoredObject) =>
  (d.status ?? {}) as { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };

/** The ReplicaSets a Deployment controls (by uid), and the live pods they control. */
function deploymentParts(state: ClusterState, d: StoredObject): { replicaSets: StoredObject[]; pods: StoredObject[] } {
  const ns = d.metadata.namespace;
  const replicaSets = listObjects(state, 'ReplicaSet', ns).filter((rs) => controllerRef(rs)?.uid === d.metadata.uid);
  const uids = new Set(replicaSets.map((rs) => rs.metadata.uid));
  const pods = listObjects(state, 'Pod', ns).filter((p) => uids.has(controllerRef(p)?.uid ?? '') && !isTerminating(p) && !isTerminal(p));
  return { replicaSets, pods };
}

function isSteady(d: StoredObject): boolean {
  const s = dstatus(d);
  const want = dspec(d).replicas ?? 1;
  return (
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
    (s.replicas ?? 0) === want &&
    (s.updatedReplicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want
  );
}

/**
 * Rolling-update bounds for every Deployment whose rollout started from a steady state:
 * total replicas (the sum of its ReplicaSets' spec.replicas) <= replicas + maxSurge, and
 * available pods >= replicas - maxUnavailable (maxSurge rounds up, maxUnavailable down, both 0
 * means maxUnavailable 1). Measured against `ctx.baseline`; a Deployment is skipped when there
 * is no baseline, it was not steady there, its replicas, strategy or minReadySeconds changed
 * since, it is paused, or a fault or disruption happened (then pods vanish for other reasons).
 */
/**
 * Deployments whose replicas or strategy changed at some point since a baseline: a scale to 0
 * and back to the old count between two settles is not a rollout from a steady state.
 */
const changedSinceBaseline = new WeakMap<object, Set<string>>();

export const rolloutBoundsHeld = defineInvariant('rolloutBoundsHeld', (c, ctx) => {
  if (!ctx.baseline || ctx.disruptedSinceBaseline || ctx.faultsActive) return [];
  const out: string[] = [];
  const now = nowEpochMs(c);
  for (const d of listObjects(c.state, 'Deployment')) {
    const spec = dspec(d);
    if (spec.paused || (spec.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate' || isTerminating(d)) continue;
    const base = listObjects(ctx.baseline, 'Deployment', d.metadata.namespace).find((b) => b.metadata.uid === d.metadata.uid);
    if (!base || !isSteady(base) || dspec(base).paused) continue;
    const bspec = dspec(base);
    let changed = changedSinceBaseline.get(ctx.baseline);
    if (!changed) changedSinceBaseline.set(ctx.baseline, (changed = new Set()));
    if (
      (bspec.replicas ?? 1) !== (spec.replicas ?? 1) ||
      (bspec.minReadySeconds ?? 0) !== (spec.minReadySeconds ?? 0) ||
      JSON.stringify(bspec.strategy ?? {}) !== JSON.stringify(spec.strategy ?? {})
    ) {
      changed.add(d.metadata.uid);
    }
    if (changed.has(d.metadata.uid)) continue;
    const want = spec.replicas ?? 1;
    const ru = spec.strategy?.rollingUpdate ?? {};
    const surge = scaledIntOrPercent(ru.maxSurge, want, true, '25%');
    let unavailable = scaledIntOrPercent(ru.maxUnavailable, want, false, '25%');
    if (surge === 0 && unavailable === 0) unavailable = 1;
    const { replicaSets, pods } = deploymentParts(c.state, d);
    const total = replicaSets.reduce((n, rs) => n + ((rs.spec as { replicas?: number } | undefined)?.replicas ?? 0), 0);
    const available = pods.filter((p) => isAvailable(p, spec.minReadySeconds ?? 0, now)).length;
    if (total > want + surge) {
      out.push(`deployment ${keyOf(d)}: ${total} replicas across its ReplicaSets > ${want} + maxSurge ${surge} (${replicaSets.map((rs) => `${rs.metadata.name}=${(rs.spec as { replicas?: number }).replicas ?? 0}`).join(', ')})`);
    }
    if (available < want - unavailable) out.push(`deployment ${keyOf(d)}: ${available} available pods < ${want} - maxUnavailable ${unavailable}`);
  }
  return out;
});

// ---- settled --------------------------------------------------------------------------------

const REVISION = 'deployment.kubernetes.io/revision';

/**
 * Every unpaused Deployment has finished its rollout: the controller observed its generation,
 * the ReplicaSet of the current revision has spec.replicas = replicas and the older ones 0, and
 * exactly `replicas` live pods run, all from the current ReplicaSet and all Ready; status
 * agrees. Pending pods are named with their PodScheduled message, since that is the usual why.
 */
export const deploymentsConverged = defineInvariant(
  'deploymentsConverged',
  (c) => {
    const out: string[] = [];
    for (const d of listObjects(c.state, 'Deployment')) {
      if (dspec(d).paused || isTerminating(d)) continue;
      const name = `deployment ${keyOf(d)}`;
      const want = dspec(d).replicas ?? 1;
      const s = dstatus(d);
      if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) out.push(`${name}: observedGeneration ${s.observedGeneration ?? 0} < generation ${d.metadata.generation}`);
      const { replicaSets, pods } = deploymentParts(c.state, d);
      const revision = d.metadata.annotations?.[REVISION];
      const current = replicaSets.find((rs) => rs.metadata.annotations?.[REVISION] === revision);
      if (!current) {
        out.push(`${name}: no ReplicaSet of revision ${revision ?? '(none)'}`);
        continue;
      }
      const replicasOf = (rs: StoredObject) => (rs.spec as { replicas?: number } | undefined)?.replicas ?? 0;
      if (replicasOf(current) !== want) out.push(`${name}: current ReplicaSet ${current.metadata.name} has ${replicasOf(current)} replicas, want ${want}`);
      for (const rs of replicaSets) if (rs !== current && replicasOf(rs) !== 0) out.push(`${name}: old ReplicaSet ${rs.metadata.name} still has ${replicasOf(rs)} replicas`);
      const stale = pods.filter((p) => controllerRef(p)?.uid !== current.metadata.uid);
      if (stale.length > 0) out.push(`${name}: pods of old ReplicaSets still running: ${stale.map((p) => p.metadata.name).join(', ')}`);
      if (pods.length !== want) out.push(`${name}: ${pods.length} live pods, want ${want}`);
      for (const p of pods) {
        if (isReady(p)) continue;
        const sched = condition(p, 'PodScheduled') as { status: string; message?: string } | undefined;
        const why = !podSpec(p).nodeName && sched?.status === 'False' ? `Pending: ${sched.message ?? ''}` : `phase ${(p.status as { phase?: string } | undefined)?.phase ?? 'unknown'}`;
        out.push(`${name}: pod ${p.metadata.name} is not Ready (${why})`);
      }
      const fields = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas'] as const;
      const wrong = fields.filter((f) => (s[f] ?? 0) !== want);
      if (wrong.length > 0) out.push(`${name}: status ${wrong.map((f) => `${f}=${s[f] ?? 0}`).join(' ')}, want ${want}`);
    }
    return out;
  },
  { scope: 'settled' },
);

interface ServicePortLike {
  readonly port: number;
  readonly targetPort?: number | string;
  readonly protocol?: string;
}
interface EndpointsLike {
  readonly subsets?: readonly { readonly addresses?: readonly { ip: string }[]; readonly notReadyAddresses?: readonly { ip: string }[] }[];
}

/** Whether a Service port reaches a pod: numeric targetPorts always do, named ones if declared. */
function podServesPort(pod: StoredObject, sp: ServicePortLike): boolean {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return true;
  const protocol = sp.protocol ?? 'TCP';
  return (podSpec(pod).containers ?? []).some((ctr) => (ctr.ports ?? []).some((p) => p.name === target && (p.protocol ?? 'TCP') === protocol));
}

function sameIPs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * For every Service with a selector: its Endpoints list exactly the IPs of the selected pods
 * that have an IP, are not terminal and not terminating — Ready ones in `addresses`, the
 * others in `notReadyAddresses` (with publishNotReadyAddresses, every such pod, terminating
 * ones included, is in `addresses`). Pods that serve none of the Service's ports are left out;
 * Endpoints truncated at 1000 addresses are not checked.
 */
export const endpointsExact = defineInvariant(
  'endpointsExact',
  (c) => {
    const out: string[] = [];
    for (const svc of listObjects(c.state, 'Service')) {
      const spec = (svc.spec ?? {}) as { selector?: Record<string, string> | null; type?: string; ports?: ServicePortLike[]; clusterIP?: string; publishNotReadyAddresses?: boolean };
      if (!spec.selector || spec.type === 'ExternalName') continue;
      const ns = svc.metadata.namespace;
      const ep = listObjects(c.state, 'Endpoints', ns).find((e) => e.metadata.name === svc.metadata.name);
      if (ep?.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']) continue;
      const selector = spec.selector;
      const tolerate = spec.publishNotReadyAddresses === true;
      const ports = spec.ports ?? [];
      const ready: string[] = [];
      const notReady: string[] = [];
      for (const pod of listObjects(c.state, 'Pod', ns)) {
        const labels = pod.metadata.labels ?? {};
        if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) continue;
        const ip = podIP(pod);
        if (!ip || isTerminal(pod) || (isTerminating(pod) && !tolerate)) continue;
        const serves = ports.length === 0 ? spec.clusterIP === 'None' : ports.some((sp) => podServesPort(pod, sp));
        if (!serves) continue;
        (tolerate || isReady(pod) ? ready : notReady).push(ip);
      }
      ready.sort();
      notReady.sort();
      const name = `service ${keyOf(svc)}`;
      if (!ep) {
        if (ready.length + notReady.length > 0) out.push(`${name}: no Endpoints object, want addresses [${ready.join(', ')}] notReadyAddresses [${notReady.join(', ')}]`);
        continue;
      }
      const subsets = (ep as EndpointsLike).subsets ?? [];
      const haveReady = [...new Set(subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)))].sort();
      const haveNotReady = [...new Set(subsets.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)))].sort();
      if (!sameIPs(haveReady, ready)) out.push(`${name}: Endpoints addresses [${haveReady.join(', ')}], want the ready pods' [${ready.join(', ')}]`);
      if (!sameIPs(haveNotReady, notReady)) out.push(`${name}: Endpoints notReadyAddresses [${haveNotReady.join(', ')}], want [${notReady.join(', ')}]`);
    }
    return out;
  },
  { scope: 'settled' },
);

/**
 * No pod or ReplicaSet whose controller ownerReference names an owner that is gone (or was
 * replaced by a new object of the same name): the garbage collector deletes dependents of
 * deleted owners. Terminating objects are on their way out and are not counted.
 */
export const noOrphanedPods = defineInvariant(
  'noOrphanedPods',
  (c) => {
    const out: string[] = [];
    for (const kind of ['ReplicaSet', 'Pod']) {
      for (const obj of listObjects(c.state, kind)) {
        const ref = controllerRef(obj);
        if (!ref || isTerminating(obj)) continue;
        if (!resolveOwner(c.state, obj.metadata.namespace, ref)) out.push(`${kind.toLowerCase()} ${keyOf(obj)}: its controller ${ref.kind} ${ref.name} (uid ${ref.uid}) no longer exists`);
      }
    }
    return out;
  },
  { scope: 'settled' },
);

/**
 * Every pod the default scheduler left unbound says why: a FailedScheduling Event for it and
 * a PodScheduled=False condition. Pods of other schedulers, gated and terminating pods are
 * skipped. Only meaningful for clusters that run a scheduler.
 */
export const pendingPodsHaveFailedScheduling = defineInvariant(
  'pendingPodsHaveFailedScheduling',
  (c) => {
    const out: string[] = [];
    for (const pod of listObjects(c.state, 'Pod')) {
      const spec = podSpec(pod) as ReturnType<typeof podSpec> & { schedulingGates?: unknown[] };
      if (spec.nodeName || isTerminating(pod) || isTerminal(pod) || (spec.schedulingGates ?? []).length > 0) continue;
      if ((spec.schedulerName ?? 'default-scheduler') !== 'default-scheduler') continue;
      const events = listObjects(c.state, 'Event', pod.metadata.namespace).filter((e) => {
        const io = (e as { involvedObject?: { name?: string; uid?: string } }).involvedObject;
        return (e as { reason?: string }).reason === 'FailedScheduling' && io?.name === pod.metadata.name && (io.uid === undefined || io.uid === pod.metadata.uid);
      });
      if (events.length === 0) out.push(`pod ${keyOf(pod)} is Pending with no FailedScheduling event`);
      const cond = condition(pod, 'PodScheduled');
      if (cond?.status !== 'False') out.push(`pod ${keyOf(pod)} is Pending without a PodScheduled=False condition`);
    }
    return out;
  },
  { scope: 'settled' },
);

/** Every invariant above, for built-in controllers. */
export const builtinInvariants: readonly Invariant[] = [
  noNodeOvercommitted,
  noDuplicateIPs,
  rolloutBoundsHeld,
  deploymentsConverged,
  endpointsExact,
  noOrphanedPods,
  pendingPodsHaveFailedScheduling,
];

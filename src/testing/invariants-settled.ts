/**
 * The `settled` invariants: what must hold once the cluster is quiet with no fault in force
 * (Deployments converged, Endpoints exact, no orphans, pending pods explained). They run once
 * per settle, not per write, so they read the state directly.
 */
import { defineInvariant } from './define-invariant.js';
import { dspec, dstatus } from './invariants-always.js';
import { getObject, listObjects, type ClusterState, type StoredObject } from '../index.js';
import { condition, controllerRef, isReady, isTerminal, isTerminating, keyOf, podIP, podSpec, resolveOwner } from './objects.js';

type Lister = (kind: string, namespace?: string) => StoredObject[];

/** listObjects with each (kind, namespace) listed once per check: several objects share a listing. */
function lister(state: ClusterState): Lister {
  const cache = new Map<string, StoredObject[]>();
  return (kind, namespace) => {
    const key = `${kind}/${namespace ?? ''}`;
    let list = cache.get(key);
    if (!list) cache.set(key, (list = listObjects(state, kind, namespace)));
    return list;
  };
}

/** The ReplicaSets a Deployment controls (by uid), and the live pods they control. */
function deploymentParts(list: Lister, d: StoredObject): { replicaSets: StoredObject[]; pods: StoredObject[] } {
  const ns = d.metadata.namespace;
  const replicaSets = list('ReplicaSet', ns).filter((rs) => controllerRef(rs)?.uid === d.metadata.uid);
  const uids = new Set(replicaSets.map((rs) => rs.metadata.uid));
  const pods = list('Pod', ns).filter((p) => uids.has(controllerRef(p)?.uid ?? '') && !isTerminating(p) && !isTerminal(p));
  return { replicaSets, pods };
}

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
    const list = lister(c.state);
    for (const d of list('Deployment')) {
      if (dspec(d).paused || isTerminating(d)) continue;
      const name = `deployment ${keyOf(d)}`;
      const want = dspec(d).replicas ?? 1;
      const s = dstatus(d);
      if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) out.push(`${name}: observedGeneration ${s.observedGeneration ?? 0} < generation ${d.metadata.generation}`);
      const { replicaSets, pods } = deploymentParts(list, d);
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
    const list = lister(c.state);
    for (const svc of list('Service')) {
      const spec = (svc.spec ?? {}) as { selector?: Record<string, string> | null; type?: string; ports?: ServicePortLike[]; clusterIP?: string; publishNotReadyAddresses?: boolean };
      if (!spec.selector || spec.type === 'ExternalName') continue;
      const ns = svc.metadata.namespace;
      const ep = getObject(c.state, 'Endpoints', ns, svc.metadata.name);
      if (ep?.metadata.annotations?.['endpoints.kubernetes.io/over-capacity']) continue;
      const selector = spec.selector;
      const tolerate = spec.publishNotReadyAddresses === true;
      const ports = spec.ports ?? [];
      const ready: string[] = [];
      const notReady: string[] = [];
      for (const pod of list('Pod', ns)) {
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
    const list = lister(c.state);
    for (const pod of list('Pod')) {
      const spec = podSpec(pod) as ReturnType<typeof podSpec> & { schedulingGates?: unknown[] };
      if (spec.nodeName || isTerminating(pod) || isTerminal(pod) || (spec.schedulingGates ?? []).length > 0) continue;
      if ((spec.schedulerName ?? 'default-scheduler') !== 'default-scheduler') continue;
      const events = list('Event', pod.metadata.namespace).filter((e) => {
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


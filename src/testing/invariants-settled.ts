/**
 * The `settled` invariants: what must hold once the cluster is quiet with no fault in force
 * (Deployments converged, Endpoints exact, no orphans, pending pods explained). They run once
 * per settle, not per write, so they read the state directly.
 */
import { defineInvariant } from './define-invariant.js';
import { dspec, dstatus } from './invariants-always.js';
import { getObject, listObjects, type ClusterState, type StoredObject } from '../index.js';
import { forEachObject } from '../model/store.js';
import { condition, controllerRef, isReady, isTerminal, isTerminating, keyOf, podIP, podSpec, resolveOwner } from './objects.js';

/**
 * The objects of a kind by namespace, in no particular order, read once per check: a sorted
 * listing builds and sorts a key per object, and most of what the checks read is filtered out.
 * Whatever they report is sorted by name first (byName), so messages come in listing order.
 */
type Grouper = (kind: string, namespace: string | undefined) => readonly StoredObject[];

function grouper(state: ClusterState): Grouper {
  const cache = new Map<string, Map<string, StoredObject[]>>();
  return (kind, namespace) => {
    let groups = cache.get(kind);
    if (!groups) {
      const made = new Map<string, StoredObject[]>();
      forEachObject(state, kind, (o) => {
        const ns = o.metadata.namespace ?? '';
        const list = made.get(ns);
        if (list) list.push(o);
        else made.set(ns, [o]);
      });
      cache.set(kind, (groups = made));
    }
    return groups.get(namespace ?? '') ?? [];
  };
}

/** Objects of one namespace sorted by name: the order a listing gives them. */
function byName(objects: StoredObject[]): StoredObject[] {
  return objects.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/** The ReplicaSets a Deployment controls (by uid), and the live pods they control, each sorted by name. */
function deploymentParts(group: Grouper, d: StoredObject): { replicaSets: StoredObject[]; pods: StoredObject[] } {
  const ns = d.metadata.namespace;
  const replicaSets = byName(group('ReplicaSet', ns).filter((rs) => controllerRef(rs)?.uid === d.metadata.uid));
  const uids = new Set(replicaSets.map((rs) => rs.metadata.uid));
  const pods = byName(group('Pod', ns).filter((p) => uids.has(controllerRef(p)?.uid ?? '') && !isTerminating(p) && !isTerminal(p)));
  return { replicaSets, pods };
}

/** Objects sorted by storage key (namespace, then name), as listObjects returns them. */
function sortedByKey(objects: StoredObject[]): StoredObject[] {
  if (objects.length < 2) return objects;
  const keyed = objects.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return keyed.map((e) => e[1]);
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
    const group = grouper(c.state);
    for (const d of listObjects(c.state, 'Deployment')) {
      if (dspec(d).paused || isTerminating(d)) continue;
      const name = `deployment ${keyOf(d)}`;
      const want = dspec(d).replicas ?? 1;
      const s = dstatus(d);
      if ((s.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) out.push(`${name}: observedGeneration ${s.observedGeneration ?? 0} < generation ${d.metadata.generation}`);
      const { replicaSets, pods } = deploymentParts(group, d);
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
    const group = grouper(c.state);
    for (const svc of listObjects(c.state, 'Service')) {
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
      // Any order: the IPs are sorted below.
      for (const pod of group('Pod', ns)) {
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
      // Scanned in any order (nearly every object passes); the few orphans are sorted as a listing would be.
      const orphans: StoredObject[] = [];
      forEachObject(c.state, kind, (obj) => {
        const ref = controllerRef(obj);
        if (ref && !isTerminating(obj) && !resolveOwner(c.state, obj.metadata.namespace, ref)) orphans.push(obj);
      });
      for (const obj of sortedByKey(orphans)) {
        const ref = controllerRef(obj)!;
        out.push(`${kind.toLowerCase()} ${keyOf(obj)}: its controller ${ref.kind} ${ref.name} (uid ${ref.uid}) no longer exists`);
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
    const group = grouper(c.state);
    // Most pods are bound: scanned in any order, the pending ones sorted as a listing would be.
    const pending: StoredObject[] = [];
    forEachObject(c.state, 'Pod', (pod) => {
      const spec = podSpec(pod) as ReturnType<typeof podSpec> & { schedulingGates?: unknown[] };
      if (spec.nodeName || isTerminating(pod) || isTerminal(pod) || (spec.schedulingGates ?? []).length > 0) return;
      if ((spec.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
      pending.push(pod);
    });
    for (const pod of sortedByKey(pending)) {
      const events = group('Event', pod.metadata.namespace).filter((e) => {
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


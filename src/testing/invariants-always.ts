/**
 * The `always` invariants: what must hold after every committed write (no node over-committed,
 * no duplicate IPs, rolling-update bounds). The harness checks them after every write, so each
 * keeps its index per cluster and updates it from the objects changed since its last check
 * (incremental.ts) rather than listing every object again.
 */
import { getObject, type Cluster, type ClusterState, type StoredObject } from '../index.js';
import { jsonEqual } from '../model/json.js';
import { parseRFC3339 } from '../model/time.js';
import { declareKindsRead, defineIncrementalInvariant, type InvariantContext } from './define-invariant.js';
import { allocatableOf, controllerRef, isAvailable, isTerminal, isTerminating, keyOf, overcommitLines, podIP, podSpec, requestsOf, scaledIntOrPercent } from './objects.js';
import { diffKind, Groups } from './incremental.js';

const nowEpochMs = (c: Cluster): number => parseRFC3339(c.nowTimestamp);

/** What a check with nothing to report returns (shared: callers only read it). */
const NONE: readonly string[] = Object.freeze([]);

const allocatableField = (node: StoredObject): unknown => (node.status as { allocatable?: unknown } | undefined)?.allocatable;

/** Equal JSON; stored objects share unchanged subtrees, so identity settles most comparisons. */
const sameJson = (a: unknown, b: unknown): boolean => a === b || jsonEqual(a, b);

/** The node a pod holds resources on: bound and not terminal (terminating pods still hold them). */
const holdingNode = (pod: StoredObject | undefined): string | undefined => (pod && !isTerminal(pod) ? podSpec(pod).nodeName || undefined : undefined);

/**
 * What the non-terminal pods bound to one node request between them: each pod's requests by
 * key, and per resource the running sum and how many pods request it (a resource no pod asks
 * for any more leaves the sums, as it would be absent from a fresh count).
 */
class NodeUsage {
  readonly pods = new Map<string, ReadonlyMap<string, number>>();
  private readonly used = new Map<string, { sum: number; pods: number }>();
  /**
   * Set when a request or a running sum left the exactly representable integers (requests
   * beyond 2^53 milli-units): the sums then depend on the order of the additions, so `totals`
   * adds up again in key order, as a fresh count does. Cleared when the node empties.
   */
  private inexact = false;

  add(key: string, requests: ReadonlyMap<string, number>): void {
    this.pods.set(key, requests);
    for (const [name, v] of requests) {
      const u = this.used.get(name);
      if (u) {
        u.sum += v;
        u.pods += 1;
      } else this.used.set(name, { sum: v, pods: 1 });
      if (!Number.isSafeInteger(v) || !Number.isSafeInteger(u?.sum ?? v)) this.inexact = true;
    }
  }

  remove(key: string): void {
    const requests = this.pods.get(key);
    if (!requests) return;
    this.pods.delete(key);
    for (const [name, v] of requests) {
      const u = this.used.get(name)!;
      u.sum -= v;
      u.pods -= 1;
      if (u.pods === 0) this.used.delete(name);
      else if (!Number.isSafeInteger(u.sum)) this.inexact = true;
    }
    if (this.pods.size === 0) this.inexact = false;
  }

  /** The summed requests per resource, as summing the pods in key order gives them. */
  totals(): Map<string, number> {
    const out = new Map<string, number>();
    if (!this.inexact) {
      for (const [name, u] of this.used) out.set(name, u.sum);
      return out;
    }
    for (const key of [...this.pods.keys()].sort()) for (const [name, v] of this.pods.get(key)!) out.set(name, (out.get(name) ?? 0) + v);
    return out;
  }
}

/**
 * For every node, the summed requests of its non-terminal pods fit status.allocatable. Keeps
 * per node the requests of the pods it holds and their running sums, and each node's violation
 * lines; a check compares again only the nodes whose pods or allocatable changed.
 */
export const noNodeOvercommitted = defineIncrementalInvariant('noNodeOvercommitted', () => {
  let last: ClusterState | undefined;
  const nodes = new Map<string, StoredObject>();
  const usage = new Map<string, NodeUsage>();
  const lines = new Map<string, string[]>();
  const dirty = new Set<string>();
  const usageOf = (name: string): NodeUsage => {
    let u = usage.get(name);
    if (!u) usage.set(name, (u = new NodeUsage()));
    return u;
  };
  return {
    check(c) {
      dirty.clear();
      // Most writes are heartbeats and status steps: a node whose allocatable stayed, or a pod
      // on the same node with the same spec (so the same requests), changes no sum; only the
      // node's entry is refreshed.
      diffKind(last, c.state, 'Node', (before, after) => {
        const name = (after ?? before)!.metadata.name;
        if (after) nodes.set(name, after);
        else nodes.delete(name);
        if (!before || !after || !sameJson(allocatableField(before), allocatableField(after))) dirty.add(name);
      });
      diffKind(last, c.state, 'Pod', (before, after) => {
        const from = holdingNode(before);
        const to = holdingNode(after);
        if (from === to && (from === undefined || before!.spec === after!.spec)) return;
        if (from) {
          const u = usage.get(from);
          u?.remove(keyOf(before!));
          if (u?.pods.size === 0) usage.delete(from);
          dirty.add(from);
        }
        if (to) {
          usageOf(to).add(keyOf(after!), requestsOf(after!));
          dirty.add(to);
        }
      });
      last = c.state;
      for (const name of dirty) {
        const node = nodes.get(name);
        const u = usage.get(name);
        const found = node && u ? overcommitLines(allocatableOf(node), u.totals()) : NONE;
        if (found.length === 0) lines.delete(name);
        else {
          const held = [...u!.pods.keys()].sort().join(', ');
          lines.set(name, found.map((line) => `node ${name}: ${line} (pods ${held})`));
        }
      }
      if (lines.size === 0) return NONE;
      return [...lines.keys()].sort().flatMap((name) => lines.get(name)!);
    },
  };
});

/** The IP a pod owns for uniqueness: it has one, is not terminal and not on the host network. */
const ownedPodIP = (pod: StoredObject | undefined): string | undefined => {
  if (!pod) return undefined;
  const ip = podIP(pod);
  return ip && !isTerminal(pod) && !podSpec(pod).hostNetwork ? ip : undefined;
};
const clusterIPOf = (svc: StoredObject | undefined): string | undefined => {
  const ip = (svc?.spec as { clusterIP?: string } | undefined)?.clusterIP;
  return ip && ip !== 'None' ? ip : undefined;
};

/** Holders of each IP, and the IPs held more than once. */
class IPTable {
  private readonly holders = new Groups();
  readonly shared = new Set<string>();

  update(from: string | undefined, to: string | undefined, key: string, obj: StoredObject | undefined): void {
    if (from) {
      this.holders.remove(from, key);
      if (this.holders.size(from) < 2) this.shared.delete(from);
    }
    if (to) {
      this.holders.add(to, key, obj!);
      if (this.holders.size(to) > 1) this.shared.add(to);
    }
  }

  /**
   * "first and other" for every later holder of a shared IP, in key order of the later holder
   * (the order a scan of the sorted listing finds them).
   */
  lines(what: string, field: string): readonly string[] {
    if (this.shared.size === 0) return NONE;
    const pairs: [string, string][] = [];
    for (const ip of this.shared) {
      const [first, ...others] = this.holders.keys(ip);
      for (const other of others) pairs.push([other, `${what} ${first} and ${other} both have ${field} ${ip}`]);
    }
    return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((p) => p[1]);
  }
}

/** Pod IPs (of non-terminal, non-hostNetwork pods) are unique, and so are Service ClusterIPs. */
export const noDuplicateIPs = defineIncrementalInvariant('noDuplicateIPs', () => {
  let last: ClusterState | undefined;
  const pods = new IPTable();
  const services = new IPTable();
  return {
    check(c) {
      // Only the holders' keys are read, so a write that kept an object's IP changes nothing.
      diffKind(last, c.state, 'Pod', (before, after) => {
        const from = ownedPodIP(before);
        const to = ownedPodIP(after);
        if (from !== to) pods.update(from, to, keyOf((after ?? before)!), after);
      });
      diffKind(last, c.state, 'Service', (before, after) => {
        const from = clusterIPOf(before);
        const to = clusterIPOf(after);
        if (from !== to) services.update(from, to, keyOf((after ?? before)!), after);
      });
      last = c.state;
      const podLines = pods.lines('pods', 'IP');
      const serviceLines = services.lines('services', 'ClusterIP');
      return serviceLines.length === 0 ? podLines : [...podLines, ...serviceLines];
    },
  };
});

interface DeploymentSpecLike {
  replicas?: number;
  paused?: boolean;
  minReadySeconds?: number;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
}
export const dspec = (d: StoredObject): DeploymentSpecLike => (d.spec ?? {}) as DeploymentSpecLike;
export const dstatus = (d: StoredObject) =>
  (d.status ?? {}) as { observedGeneration?: number; replicas?: number; updatedReplicas?: number; readyReplicas?: number; availableReplicas?: number };
const rsReplicas = (rs: StoredObject): number => (rs.spec as { replicas?: number } | undefined)?.replicas ?? 0;

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
 * A change of what the bounds are measured by: replicas (a scaling event, not a rollout),
 * minReadySeconds or the strategy.
 */
function boundsChanged(a: StoredObject, b: StoredObject): boolean {
  const sa = dspec(a);
  const sb = dspec(b);
  return (
    (sa.replicas ?? 1) !== (sb.replicas ?? 1) ||
    (sa.minReadySeconds ?? 0) !== (sb.minReadySeconds ?? 0) ||
    // Unchanged parts of a written object are shared: the same strategy object is the same JSON.
    (sa.strategy !== sb.strategy && JSON.stringify(sa.strategy ?? {}) !== JSON.stringify(sb.strategy ?? {}))
  );
}

const resourceVersionOf = (obj: StoredObject): number => Number(obj.metadata.resourceVersion ?? 0);

/** What rolloutBoundsHeld keeps per cluster: ReplicaSets and pods by controller uid, bound changes. */
interface RolloutIndex {
  readonly replicaSetsOf: Groups;
  readonly podsOf: Groups;
  readonly boundsChangedAt: ReadonlyMap<string, number>;
}

/** One Deployment's bound violations, or none when the bounds do not apply to it now. */
function checkRollout(d: StoredObject, baseline: ClusterState, now: number, index: RolloutIndex): string[] {
  const spec = dspec(d);
  if (spec.paused || (spec.strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate' || isTerminating(d)) return [];
  const base = getObject(baseline, 'Deployment', d.metadata.namespace, d.metadata.name);
  if (!base || base.metadata.uid !== d.metadata.uid || !isSteady(base) || dspec(base).paused) return [];
  if (boundsChanged(base, d) || (index.boundsChangedAt.get(d.metadata.uid) ?? 0) > baseline.resourceVersion) return [];
  const want = spec.replicas ?? 1;
  const ru = spec.strategy?.rollingUpdate ?? {};
  const surge = scaledIntOrPercent(ru.maxSurge, want, true, '25%');
  let unavailable = scaledIntOrPercent(ru.maxUnavailable, want, false, '25%');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  const ns = d.metadata.namespace;
  const replicaSets = index.replicaSetsOf.sorted(d.metadata.uid).filter((rs) => rs.metadata.namespace === ns);
  let available = 0;
  for (const rs of replicaSets) {
    for (const p of index.podsOf.sorted(rs.metadata.uid)) {
      if (p.metadata.namespace === ns && !isTerminating(p) && !isTerminal(p) && isAvailable(p, spec.minReadySeconds ?? 0, now)) available += 1;
    }
  }
  const total = replicaSets.reduce((n, rs) => n + rsReplicas(rs), 0);
  const out: string[] = [];
  if (total > want + surge) {
    out.push(`deployment ${keyOf(d)}: ${total} replicas across its ReplicaSets > ${want} + maxSurge ${surge} (${replicaSets.map((rs) => `${rs.metadata.name}=${rsReplicas(rs)}`).join(', ')})`);
  }
  if (available < want - unavailable) out.push(`deployment ${keyOf(d)}: ${available} available pods < ${want} - maxUnavailable ${unavailable}`);
  return out;
}

/**
 * Rolling-update bounds for every Deployment whose rollout started from a steady state:
 * total replicas (the sum of its ReplicaSets' spec.replicas) <= replicas + maxSurge, and
 * available pods >= replicas - maxUnavailable (maxSurge rounds up, maxUnavailable down, both 0
 * means maxUnavailable 1). Measured against `ctx.baseline`; a Deployment is skipped when there
 * is no baseline, it was not steady there, it is paused, a fault or disruption happened (then
 * pods vanish for other reasons), or its replicas, strategy or minReadySeconds differ from the
 * baseline's now or did at any point since.
 *
 * Why a scale is excluded (upstream pkg/controller/deployment sync.go, rolling.go): a change of
 * replicas is a scaling event, which the controller handles by resizing ReplicaSets
 * (proportionally during a rollout) without the maxUnavailable bound; only a change of the pod
 * template is rolled out under it. After a scale to 0 and back, no pod can be available at
 * once, so "0 available < 3 - 1" is what Kubernetes does, not a bug. The check watches the
 * cluster's Deployment writes from its first call, so a scale and a scale back between two
 * checks is still seen; before that it only has the states it was called on.
 */
export const rolloutBoundsHeld = defineIncrementalInvariant('rolloutBoundsHeld', (cluster, { attached }) => {
  let last: ClusterState | undefined;
  const deployments = new Map<string, StoredObject>();
  const replicaSetsOf = new Groups(); // by controller uid
  const podsOf = new Groups(); // by controller uid
  /** Deployment uid → the last resourceVersion at which its bounds changed. */
  const boundsChangedAt = new Map<string, number>();
  const index: RolloutIndex = { replicaSetsOf, podsOf, boundsChangedAt };
  const noteChange = (before: StoredObject, after: StoredObject) => {
    if (boundsChanged(before, after)) boundsChangedAt.set(after.metadata.uid, Math.max(boundsChangedAt.get(after.metadata.uid) ?? 0, resourceVersionOf(after)));
  };
  if (attached) {
    cluster.on('watch', (e) => {
      if (e.kind === 'Deployment' && e.type === 'MODIFIED' && e.oldObject) noteChange(e.oldObject, e.object);
    });
  }
  /**
   * Owner uids (Deployments, ReplicaSets) whose ReplicaSets or pods changed since their
   * Deployment's lines were last computed: only those Deployments are checked again (a check
   * after every write otherwise walked every Deployment's pods).
   */
  const touched = new Set<string>();
  const computed = new Map<string, { d: StoredObject; baseline: ClusterState; nowKey: number; lines: string[] }>();
  const byOwner = (groups: Groups) => (before: StoredObject | undefined, after: StoredObject | undefined) => {
    const from = before && controllerRef(before)?.uid;
    const to = after && controllerRef(after)?.uid;
    // Same owner (most writes are status steps): the entry is replaced in place.
    if (from && from === to) {
      groups.add(to, keyOf(after!), after!);
      touched.add(to);
      return;
    }
    if (from) groups.remove(from, keyOf(before));
    if (to) groups.add(to, keyOf(after), after);
    if (from) touched.add(from);
    if (to) touched.add(to);
  };
  /** One Deployment's lines, from the last computation when nothing it reads has changed. */
  const linesOf = (d: StoredObject, baseline: ClusterState, now: number): string[] => {
    const key = keyOf(d);
    // Availability depends on the clock only when minReadySeconds is set.
    const nowKey = (dspec(d).minReadySeconds ?? 0) > 0 ? now : 0;
    const uid = d.metadata.uid;
    const hit = computed.get(key);
    if (hit && hit.d === d && hit.baseline === baseline && hit.nowKey === nowKey && !touched.has(uid) && !replicaSetsOf.some(uid, (rs) => touched.has(rs.metadata.uid))) {
      return hit.lines;
    }
    const lines = checkRollout(d, baseline, now, index);
    touched.delete(uid);
    replicaSetsOf.each(uid, (rs) => void touched.delete(rs.metadata.uid));
    computed.set(key, { d, baseline, nowKey, lines });
    return lines;
  };
  /** The Deployments' keys in order; undefined after one was added or deleted. */
  let sortedKeys: string[] | undefined;
  let lastNowMs = -1;
  let lastEpochMs = 0;
  const sync = (state: ClusterState) => {
    diffKind(last, state, 'Deployment', (before, after) => {
      if (before && after) noteChange(before, after);
      if (after) {
        const key = keyOf(after);
        if (!deployments.has(key)) sortedKeys = undefined;
        deployments.set(key, after);
      } else {
        const key = keyOf(before!);
        deployments.delete(key);
        computed.delete(key);
        sortedKeys = undefined;
      }
    });
    diffKind(last, state, 'ReplicaSet', byOwner(replicaSetsOf));
    diffKind(last, state, 'Pod', byOwner(podsOf));
    last = state;
  };
  return {
    check(c, ctx: InvariantContext) {
      sync(c.state);
      const baseline = ctx.baseline;
      if (!baseline || ctx.disruptedSinceBaseline || ctx.faultsActive) return NONE;
      // The instant as epoch ms, worked out again only when the clock moved (a check runs
      // after every write, and most writes happen at the same instant as the one before).
      if (c.now !== lastNowMs) {
        lastNowMs = c.now;
        lastEpochMs = nowEpochMs(c);
      }
      const now = lastEpochMs;
      let out: string[] | undefined;
      for (const key of (sortedKeys ??= [...deployments.keys()].sort())) {
        const lines = linesOf(deployments.get(key)!, baseline, now);
        if (lines.length > 0) (out ??= []).push(...lines);
      }
      return out ?? NONE;
    },
  };
});

// What each reads, so the harness can skip them after writes of other kinds only. The rollout
// bounds also read the clock, but only through availability, which time can only add to.
declareKindsRead(noNodeOvercommitted, ['Node', 'Pod']);
declareKindsRead(noDuplicateIPs, ['Pod', 'Service']);
declareKindsRead(rolloutBoundsHeld, ['Deployment', 'ReplicaSet', 'Pod']);

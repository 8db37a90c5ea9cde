/**
 * The describers kubesim has: Pod, Deployment, ReplicaSet, Node, Service, with upstream's
 * section order and wording; other kinds get the generic Name/Namespace/Labels/Annotations/
 * Events form.
 *
 * @see kubernetes/kubectl pkg/describe/describe.go (describePod, describeDeployment,
 *   describeReplicaSet, describeNode, describeNodeResource, describeService)
 */
import { labelSelectorAsSelector, matchesLabelSelector } from '../../model/labels/label-selector.js';
import { parseQuantity, type Quantity } from '../../model/quantity.js';
import { podQOSClass } from '../../model/qos.js';
import type { Pod, StoredObject } from '../../model/types.js';
import { findNewReplicaSet, findOldReplicaSets } from '../../reconcilers/deployment/util.js';
import { age, formatLabels, formatLabelSelector, rfc1123z, sortedKeys, str, type PrintContext } from '../format.js';
import { findNodeRoles } from '../printers/node.js';
import type { Loose } from '../printers/types.js';
import { describeContainers, describePodTemplate, describeVolumes } from './containers.js';
import { controlledBy, DescribeWriter, writeAnnotations, writeEvents, writeLabels, writeTaints, writeTolerations } from './writer.js';

/** Everything a describer may read besides the object. */
export interface DescribeSources {
  readonly ctx: PrintContext;
  readonly events: Loose[];
  list(kind: string, namespace: string | undefined): StoredObject[];
}

function describePod(pod: Loose, src: DescribeSources): string {
  const w = new DescribeWriter();
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  w.write(0, `Name:\t${pod.metadata.name}\n`);
  w.write(0, `Namespace:\t${str(pod.metadata.namespace)}\n`);
  if (typeof spec.priority === 'number') w.write(0, `Priority:\t${spec.priority}\n`);
  if (spec.priorityClassName) w.write(0, `Priority Class Name:\t${spec.priorityClassName}\n`);
  if (spec.runtimeClassName) w.write(0, `Runtime Class Name:\t${spec.runtimeClassName}\n`);
  if (spec.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(0, spec.nodeName ? `Node:\t${spec.nodeName}/${str(status.hostIP)}\n` : 'Node:\t<none>\n');
  if (status.startTime) w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  writeLabels(w, 'Labels', pod.metadata.labels);
  writeAnnotations(w, 'Annotations', pod.metadata.annotations);
  if (pod.metadata.deletionTimestamp && status.phase !== 'Failed' && status.phase !== 'Succeeded') {
    w.write(0, `Status:\tTerminating (lasts ${age(pod.metadata.deletionTimestamp, src.ctx)})\n`);
    w.write(0, `Termination Grace Period:\t${pod.metadata.deletionGracePeriodSeconds ?? 0}s\n`);
  } else {
    w.write(0, `Status:\t${str(status.phase)}\n`);
  }
  if (status.reason) w.write(0, `Reason:\t${status.reason}\n`);
  if (status.message) w.write(0, `Message:\t${status.message}\n`);
  w.write(0, `IP:\t${str(status.podIP)}\n`);
  const ips: Loose[] = status.podIPs ?? [];
  if (ips.length === 0) w.write(0, 'IPs:\t<none>\n');
  else {
    w.write(0, 'IPs:\n');
    for (const ip of ips) w.write(1, `IP:\t${ip.ip}\n`);
  }
  const owner = controlledBy(pod);
  if (owner) w.write(0, `Controlled By:\t${owner}\n`);
  if (status.nominatedNodeName) w.write(0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
  if ((spec.initContainers ?? []).length > 0) describeContainers(w, 'Init Containers', spec.initContainers, status.initContainerStatuses, '');
  describeContainers(w, 'Containers', spec.containers, status.containerStatuses, '');
  const conditions: Loose[] = status.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of conditions) w.write(1, `${c.type} \t${c.status} \n`);
  }
  describeVolumes(w, spec.volumes, '');
  w.write(0, `QoS Class:\t${status.qosClass || podQOSClass(pod as Pod)}\n`);
  writeLabels(w, 'Node-Selectors', spec.nodeSelector);
  writeTolerations(w, 'Tolerations', spec.tolerations);
  writeEvents(w, src.events, src.ctx);
  return w.toString();
}

function owned(objs: StoredObject[], owner: Loose): Loose[] {
  return objs.filter((o) => (o.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === owner.metadata.uid));
}

function replicaSetsByLabels(rss: Loose[]): string {
  const s = rss.map((rs) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`).join(', ');
  return s === '' ? '<none>' : s;
}

function writeConditions(w: DescribeWriter, conditions: Loose[] | undefined): void {
  if ((conditions ?? []).length === 0) return;
  w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(1, '----\t------\t------\n');
  for (const c of conditions!) w.write(1, `${c.type} \t${c.status}\t${str(c.reason)}\n`);
}

function describeDeployment(d: Loose, src: DescribeSources): string {
  const w = new DescribeWriter();
  const spec = d.spec ?? {};
  const st = d.status ?? {};
  w.write(0, `Name:\t${d.metadata.name}\n`);
  w.write(0, `Namespace:\t${str(d.metadata.namespace)}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  writeLabels(w, 'Labels', d.metadata.labels);
  writeAnnotations(w, 'Annotations', d.metadata.annotations);
  w.write(0, `Selector:\t${labelSelectorAsSelector(spec.selector).toString()}\n`);
  w.write(
    0,
    `Replicas:\t${spec.replicas ?? 0} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable\n`,
  );
  w.write(0, `StrategyType:\t${str(spec.strategy?.type)}\n`);
  w.write(0, `MinReadySeconds:\t${spec.minReadySeconds ?? 0}\n`);
  const ru = spec.strategy?.rollingUpdate;
  if (ru) w.write(0, `RollingUpdateStrategy:\t${String(ru.maxUnavailable ?? '')} max unavailable, ${String(ru.maxSurge ?? '')} max surge\n`);
  describePodTemplate(w, spec.template);
  writeConditions(w, st.conditions);
  const rss = owned(src.list('ReplicaSet', d.metadata.namespace), d);
  const newRS = findNewReplicaSet(d, rss);
  w.write(0, `OldReplicaSets:\t${replicaSetsByLabels(findOldReplicaSets(d, rss).oldRSs)}\n`);
  w.write(0, `NewReplicaSet:\t${replicaSetsByLabels(newRS ? [newRS] : [])}\n`);
  writeEvents(w, src.events, src.ctx);
  return w.toString();
}

function describeReplicaSet(rs: Loose, src: DescribeSources): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${rs.metadata.name}\n`);
  w.write(0, `Namespace:\t${str(rs.metadata.namespace)}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(rs.spec?.selector)}\n`);
  writeLabels(w, 'Labels', rs.metadata.labels);
  writeAnnotations(w, 'Annotations', rs.metadata.annotations);
  const owner = controlledBy(rs);
  if (owner) w.write(0, `Controlled By:\t${owner}\n`);
  w.write(0, `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 0} desired\n`);
  const pods = owned(src.list('Pod', rs.metadata.namespace), rs).filter((p) => matchesLabelSelector(rs.spec?.selector, p.metadata?.labels));
  const count = (phase: string): number => pods.filter((p) => p.status?.phase === phase).length;
  w.write(0, `Pods Status:\t${count('Running')} Running / ${count('Pending')} Waiting / ${count('Succeeded')} Succeeded / ${count('Failed')} Failed\n`);
  describePodTemplate(w, rs.spec?.template);
  writeConditions(w, rs.status?.conditions);
  writeEvents(w, src.events, src.ctx);
  return w.toString();
}

function q(s: unknown): Quantity {
  return parseQuantity(typeof s === 'string' ? s : s === undefined ? '0' : String(s));
}

/** PodRequestsAndLimits: the sum over containers, at least the largest init container. */
function podRequestsAndLimits(pod: Loose): { req: Map<string, Quantity>; lim: Map<string, Quantity> } {
  const sum = (field: 'requests' | 'limits'): Map<string, Quantity> => {
    const m = new Map<string, Quantity>();
    for (const c of (pod.spec?.containers ?? []) as Loose[]) {
      for (const k of sortedKeys(c.resources?.[field])) m.set(k, m.has(k) ? m.get(k)!.add(q(c.resources[field][k])) : q(c.resources[field][k]));
    }
    for (const c of (pod.spec?.initContainers ?? []) as Loose[]) {
      for (const k of sortedKeys(c.resources?.[field])) {
        const v = q(c.resources[field][k]);
        if (!m.has(k) || m.get(k)!.cmp(v) < 0) m.set(k, v);
      }
    }
    return m;
  };
  return { req: sum('requests'), lim: sum('limits') };
}

function describeNodeResource(w: DescribeWriter, node: Loose, pods: Loose[], ctx: PrintContext): void {
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const alloc = sortedKeys(node.status?.allocatable).length > 0 ? node.status.allocatable : (node.status?.capacity ?? {});
  const allocCpu = q(alloc.cpu).milliValue();
  const allocMem = q(alloc.memory).value();
  const pct = (n: number, d: number): number => (d === 0 ? 0 : Math.trunc((n / d) * 100));
  const zero = q('0');
  const totals = { req: new Map<string, Quantity>(), lim: new Map<string, Quantity>() };
  for (const pod of pods) {
    const { req, lim } = podRequestsAndLimits(pod);
    for (const [m, t] of [[req, totals.req], [lim, totals.lim]] as const) {
      for (const [k, v] of m) t.set(k, t.has(k) ? t.get(k)!.add(v) : v);
    }
    const cr = req.get('cpu') ?? zero;
    const cl = lim.get('cpu') ?? zero;
    const mr = req.get('memory') ?? zero;
    const ml = lim.get('memory') ?? zero;
    w.write(
      1,
      `${pod.metadata.namespace}\t${pod.metadata.name}\t\t${cr} (${pct(cr.milliValue(), allocCpu)}%)\t${cl} (${pct(cl.milliValue(), allocCpu)}%)\t${mr} (${pct(mr.value(), allocMem)}%)\t${ml} (${pct(ml.value(), allocMem)}%)\t${age(pod.metadata.creationTimestamp, ctx)}\n`,
    );
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  const line = (name: string, scale: (x: Quantity) => number, d: number): void => {
    const r = totals.req.get(name) ?? zero;
    const l = totals.lim.get(name) ?? zero;
    w.write(1, `${name}\t${r} (${pct(scale(r), d)}%)\t${l} (${pct(scale(l), d)}%)\n`);
  };
  line('cpu', (x) => x.milliValue(), allocCpu);
  line('memory', (x) => x.value(), allocMem);
  line('ephemeral-storage', (x) => x.value(), q(alloc['ephemeral-storage']).value());
  const standard = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods', 'storage']);
  const hugepages = sortedKeys(alloc).filter((k) => k.startsWith('hugepages-'));
  for (const k of hugepages) line(k, (x) => x.value(), q(alloc[k]).value());
  for (const k of sortedKeys(alloc).filter((x) => !standard.has(x) && !x.startsWith('hugepages-') && x.includes('/'))) {
    w.write(1, `${k}\t${totals.req.get(k) ?? zero}\t${totals.lim.get(k) ?? zero}\n`);
  }
}

function describeNode(node: Loose, src: DescribeSources): string {
  const w = new DescribeWriter();
  const spec = node.spec ?? {};
  const st = node.status ?? {};
  w.write(0, `Name:\t${node.metadata.name}\n`);
  const roles = findNodeRoles(node);
  w.write(0, `Roles:\t${roles.length > 0 ? roles.join(',') : '<none>'}\n`);
  writeLabels(w, 'Labels', node.metadata.labels);
  writeAnnotations(w, 'Annotations', node.metadata.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
  writeTaints(w, 'Taints', spec.taints);
  w.write(0, `Unschedulable:\t${spec.unschedulable === true}\n`);
  const lease = src.list('Lease', 'kube-node-lease').find((l) => l.metadata.name === node.metadata.name) as Loose | undefined;
  w.write(0, 'Lease:\n');
  w.write(1, `HolderIdentity:\t${lease?.spec?.holderIdentity ?? '<unset>'}\n`);
  w.write(1, `AcquireTime:\t${lease?.spec?.acquireTime ? rfc1123z(lease.spec.acquireTime) : '<unset>'}\n`);
  w.write(1, `RenewTime:\t${lease?.spec?.renewTime ? rfc1123z(lease.spec.renewTime) : '<unset>'}\n`);
  const conditions: Loose[] = st.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conditions) {
      w.write(1, `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime) || 'Mon, 01 Jan 0001 00:00:00 +0000'} \t${rfc1123z(c.lastTransitionTime) || 'Mon, 01 Jan 0001 00:00:00 +0000'} \t${str(c.reason)} \t${str(c.message)}\n`);
    }
  }
  w.write(0, 'Addresses:\n');
  for (const a of (st.addresses ?? []) as Loose[]) w.write(1, `${a.type}:\t${a.address}\n`);
  for (const [title, list] of [['Capacity', st.capacity], ['Allocatable', st.allocatable]] as const) {
    if (sortedKeys(list).length === 0) continue;
    w.write(0, `${title}:\n`);
    for (const k of sortedKeys(list)) w.write(0, `  ${k}:\t${q(list[k]).toString()}\n`);
  }
  const info = st.nodeInfo ?? {};
  w.write(0, 'System Info:\n');
  const sys: [string, unknown][] = [
    ['Machine ID', info.machineID],
    ['System UUID', info.systemUUID],
    ['Boot ID', info.bootID],
    ['Kernel Version', info.kernelVersion],
    ['OS Image', info.osImage],
    ['Operating System', info.operatingSystem],
    ['Architecture', info.architecture],
    ['Container Runtime Version', info.containerRuntimeVersion],
    ['Kubelet Version', info.kubeletVersion],
    ['Kube-Proxy Version', info.kubeProxyVersion],
  ];
  for (const [k, v] of sys) w.write(0, `  ${k}:\t${str(v)}\n`);
  if (spec.podCIDR) w.write(0, `PodCIDR:\t${spec.podCIDR}\n`);
  if ((spec.podCIDRs ?? []).length > 0) w.write(0, `PodCIDRs:\t${spec.podCIDRs.join(',')}\n`);
  if (spec.providerID) w.write(0, `ProviderID:\t${spec.providerID}\n`);
  const pods = src
    .list('Pod', undefined)
    .filter((p: Loose) => p.spec?.nodeName === node.metadata.name && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  describeNodeResource(w, node, pods, src.ctx);
  writeEvents(w, src.events, src.ctx);
  return w.toString();
}

function describeService(svc: Loose, src: DescribeSources): string {
  const w = new DescribeWriter();
  const spec = svc.spec ?? {};
  w.write(0, `Name:\t${svc.metadata.name}\n`);
  w.write(0, `Namespace:\t${str(svc.metadata.namespace)}\n`);
  writeLabels(w, 'Labels', svc.metadata.labels);
  writeAnnotations(w, 'Annotations', svc.metadata.annotations);
  w.write(0, `Selector:\t${formatLabels(spec.selector)}\n`);
  w.write(0, `Type:\t${str(spec.type)}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${(spec.ipFamilies ?? []).length > 0 ? spec.ipFamilies.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${str(spec.clusterIP)}\n`);
  w.write(0, `IPs:\t${(spec.clusterIPs ?? []).length > 0 ? spec.clusterIPs.join(',') : '<none>'}\n`);
  if ((spec.externalIPs ?? []).length > 0) w.write(0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
  if (spec.loadBalancerIP) w.write(0, `IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  const lbIngress: Loose[] = svc.status?.loadBalancer?.ingress ?? [];
  if (lbIngress.length > 0) w.write(0, `LoadBalancer Ingress:\t${lbIngress.map((i) => i.ip || i.hostname).join(', ')}\n`);
  const slices = src.list('EndpointSlice', svc.metadata.namespace).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name) as Loose[];
  for (const sp of (spec.ports ?? []) as Loose[]) {
    const name = sp.name || '<unset>';
    w.write(0, `Port:\t${name}\t${sp.port}/${sp.protocol}\n`);
    w.write(0, `TargetPort:\t${String(sp.targetPort ?? '')}/${sp.protocol}\n`);
    if (sp.nodePort) w.write(0, `NodePort:\t${name}\t${sp.nodePort}/${sp.protocol}\n`);
    w.write(0, `Endpoints:\t${formatEndpointSlices(slices, str(sp.name))}\n`);
  }
  w.write(0, `Session Affinity:\t${str(spec.sessionAffinity)}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (spec.healthCheckNodePort) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  writeEvents(w, src.events, src.ctx);
  return w.toString();
}

/** formatEndpointSlices: ready endpoints' `ip:port` for the named port, max three. */
function formatEndpointSlices(slices: Loose[], portName: string): string {
  if (slices.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const s of slices) {
    const ports: Loose[] = s.ports ?? [];
    const endpoints: Loose[] = s.endpoints ?? [];
    const targets = ports.length === 0 ? [undefined] : ports.filter((p) => (p.name ?? '') === portName);
    for (const port of targets) {
      for (const e of endpoints) {
        if (list.length === 3) more = true;
        const ready = e.conditions?.ready === undefined || e.conditions.ready === true;
        const addr = str(e.addresses?.[0]);
        if (!more && ready) list.push(port === undefined ? addr : addr.includes(':') ? `[${addr}]:${port.port}` : `${addr}:${port.port}`);
        count++;
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - 3} more...` : ret;
}

function describeGeneric(obj: Loose, src: DescribeSources): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${obj.metadata.name}\n`);
  if (obj.metadata.namespace) w.write(0, `Namespace:\t${obj.metadata.namespace}\n`);
  writeLabels(w, 'Labels', obj.metadata.labels);
  writeAnnotations(w, 'Annotations', obj.metadata.annotations);
  writeEvents(w, src.events, src.ctx);
  return w.toString();
}

const DESCRIBERS: Readonly<Record<string, (obj: Loose, src: DescribeSources) => string>> = {
  Deployment: describeDeployment,
  Node: describeNode,
  Pod: describePod,
  ReplicaSet: describeReplicaSet,
  Service: describeService,
};

export function describeObject(obj: StoredObject, src: DescribeSources): string {
  const fn = Object.prototype.hasOwnProperty.call(DESCRIBERS, obj.kind) ? DESCRIBERS[obj.kind]! : describeGeneric;
  return fn(obj, src);
}

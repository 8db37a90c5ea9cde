/**
 * The container sections of describe: each container's image, ports, state, resources,
 * probes, environment and mounts, and the Pod Template section of workload describers.
 *
 * @see kubernetes/kubectl pkg/describe/describe.go (describeContainers,
 *   describeContainerBasicInfo, describeStatus, describeResources, DescribeProbe,
 *   describeContainerEnvVars, describeContainerVolumes, DescribePodTemplate, describeVolumes)
 */
import { compareGoStrings } from '../../model/labels/selector.js';
import { rfc1123z, sortedKeys, str } from '../format.js';
import type { Loose } from '../printers/types.js';
import { writeAnnotations, writeLabels, writeTolerations, type DescribeWriter } from './writer.js';

function describeStatus(w: DescribeWriter, stateName: string, state: Loose): void {
  if (state?.running) {
    w.write(2, `${stateName}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(state.running.startedAt)}\n`);
  } else if (state?.waiting) {
    w.write(2, `${stateName}:\tWaiting\n`);
    if (state.waiting.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  } else if (state?.terminated) {
    const t = state.terminated;
    w.write(2, `${stateName}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode ?? 0}\n`);
    if (t.signal > 0) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.write(2, `${stateName}:\tWaiting\n`);
  }
}

/** DescribeProbe: `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`. */
export function describeProbe(p: Loose): string {
  const attrs = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 0}s period=${p.periodSeconds ?? 0}s #success=${p.successThreshold ?? 0} #failure=${p.failureThreshold ?? 0}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(' ')}] ${attrs}`;
  if (p.httpGet) {
    const port = p.httpGet.port === undefined ? '' : String(p.httpGet.port);
    const host = str(p.httpGet.host);
    const hostPort = port === '' ? host : host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    const scheme = str(p.httpGet.scheme).toLowerCase();
    const path = str(p.httpGet.path);
    const url = `${scheme === '' ? '' : `${scheme}:`}//${hostPort}${path === '' || path.startsWith('/') ? path : `/${path}`}`;
    return `http-get ${url} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${str(p.tcpSocket.host)}:${String(p.tcpSocket.port ?? '')} ${attrs}`;
  if (p.grpc) return `grpc <pod>:${p.grpc.port} ${str(p.grpc.service)} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeResources(w: DescribeWriter, r: Loose): void {
  for (const [title, list] of [['Limits', r?.limits], ['Requests', r?.requests]] as const) {
    const keys = sortedKeys(list);
    if (keys.length === 0) continue;
    w.write(2, `${title}:\n`);
    for (const k of keys) w.write(3, `${k}:\t${String(list[k])}\n`);
  }
}

function describeEnv(w: DescribeWriter, env: Loose[] | undefined): void {
  const list = env ?? [];
  w.write(2, `Environment:${list.length === 0 ? '\t<none>' : ''}\n`);
  for (const e of list) {
    if (!e.valueFrom) {
      str(e.value)
        .split('\n')
        .forEach((s, i) => w.write(3, i === 0 ? `${e.name}:\t${s}\n` : `\t${s}\n`));
    } else if (e.valueFrom.fieldRef) {
      w.write(3, `${e.name}:\t (${e.valueFrom.fieldRef.apiVersion ?? 'v1'}:${e.valueFrom.fieldRef.fieldPath})\n`);
    } else {
      w.write(3, `${e.name}:\t<set to a reference>\n`);
    }
  }
}

function describeMounts(w: DescribeWriter, mounts: Loose[] | undefined): void {
  const list = [...(mounts ?? [])].sort((a, b) => compareGoStrings(str(a.mountPath), str(b.mountPath)));
  w.write(2, `Mounts:${list.length === 0 ? '\t<none>' : ''}\n`);
  for (const m of list) {
    const flags = [m.readOnly ? 'ro' : 'rw'];
    if (m.subPath) flags.push(`path=${JSON.stringify(m.subPath)}`);
    w.write(3, `${m.mountPath} from ${m.name} (${flags.join(',')})\n`);
  }
}

/** describeContainers; `space` is '' for a pod, '  ' inside a Pod Template. */
export function describeContainers(w: DescribeWriter, label: string, containers: Loose[] | undefined, statuses: Loose[] | undefined, space: string): void {
  const list = containers ?? [];
  const byName = new Map<string, Loose>((statuses ?? []).map((s) => [s.name, s]));
  w.write(0, `${space}${label}:${list.length === 0 ? ' <none>' : ''}\n`);
  for (const c of list) {
    const status = byName.get(c.name);
    w.write(1, `${space === '' ? '' : ' '}${c.name}:\n`);
    if (status) w.write(2, `Container ID:\t${str(status.containerID)}\n`);
    w.write(2, `Image:\t${str(c.image)}\n`);
    if (status) w.write(2, `Image ID:\t${str(status.imageID)}\n`);
    const ports = (c.ports ?? []) as Loose[];
    const portString = ports.map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(', ');
    const hostPortString = ports.map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(', ');
    w.write(2, portString.includes(',') ? `Ports:\t${portString}\n` : `Port:\t${portString || '<none>'}\n`);
    w.write(2, hostPortString.includes(',') ? `Host Ports:\t${hostPortString}\n` : `Host Port:\t${hostPortString || '<none>'}\n`);
    if (c.restartPolicy) w.write(2, `Restart Policy:\t${c.restartPolicy}\n`);
    for (const [title, words] of [['Command', c.command], ['Args', c.args]] as const) {
      if (!Array.isArray(words) || words.length === 0) continue;
      w.write(2, `${title}:\n`);
      for (const word of words as string[]) for (const s of word.split('\n')) w.write(3, `${s}\n`);
    }
    if (status) {
      describeStatus(w, 'State', status.state);
      if (status.lastState?.terminated) describeStatus(w, 'Last State', status.lastState);
      w.write(2, `Ready:\t${status.ready ? 'True' : 'False'}\n`);
      w.write(2, `Restart Count:\t${status.restartCount ?? 0}\n`);
    }
    describeResources(w, c.resources);
    if (c.livenessProbe) w.write(2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`);
    if (c.readinessProbe) w.write(2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`);
    if (c.startupProbe) w.write(2, `Startup:\t${describeProbe(c.startupProbe)}\n`);
    describeEnv(w, c.env);
    describeMounts(w, c.volumeMounts);
  }
}

/** describeVolumes, for the volume kinds kubesim pods use (others print their type only). */
export function describeVolumes(w: DescribeWriter, volumes: Loose[] | undefined, space: string): void {
  const list = volumes ?? [];
  if (list.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of list) {
    w.write(0, `${space}  ${v.name}:\n`);
    if (v.emptyDir) {
      w.write(2, `Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n`);
      w.write(2, `Medium:\t${str(v.emptyDir.medium)}\n`);
      w.write(2, `SizeLimit:\t${v.emptyDir.sizeLimit ?? '<unset>'}\n`);
    } else if (v.configMap) {
      w.write(2, `Type:\tConfigMap (a volume populated by a ConfigMap)\n`);
      w.write(2, `Name:\t${str(v.configMap.name)}\n`);
      w.write(2, `Optional:\t${v.configMap.optional === true}\n`);
    } else {
      const type = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
      w.write(2, `<unknown>: ${type}\n`);
    }
  }
}

/** DescribePodTemplate: the `Pod Template:` section of Deployment/ReplicaSet/RC describe. */
export function describePodTemplate(w: DescribeWriter, template: Loose): void {
  w.write(0, 'Pod Template:\n');
  if (!template) {
    w.write(1, '<unset>');
    return;
  }
  writeLabels(w, 'Labels', template.metadata?.labels, '  ');
  if (sortedKeys(template.metadata?.annotations).length > 0) writeAnnotations(w, 'Annotations', template.metadata?.annotations, '  ');
  const spec = template.spec ?? {};
  if (spec.serviceAccountName) w.write(1, `Service Account:\t${spec.serviceAccountName}\n`);
  if ((spec.initContainers ?? []).length > 0) describeContainers(w, 'Init Containers', spec.initContainers, undefined, '  ');
  describeContainers(w, 'Containers', spec.containers, undefined, '  ');
  describeVolumes(w, spec.volumes, '  ');
  if (spec.priorityClassName) w.write(1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  writeLabels(w, 'Node-Selectors', spec.nodeSelector, '  ');
  writeTolerations(w, 'Tolerations', spec.tolerations, '  ');
}

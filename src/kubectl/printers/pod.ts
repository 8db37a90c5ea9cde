/**
 * `kubectl get pods`: NAME READY STATUS RESTARTS AGE (+ IP NODE NOMINATED NODE READINESS GATES).
 *
 * STATUS is the pod's phase, overridden by its status.reason, then by the first init container
 * that has not finished (`Init:0/2`, `Init:CrashLoopBackOff`, `Init:ExitCode:1`), else by the
 * container statuses read last to first (a waiting reason such as ContainerCreating or
 * CrashLoopBackOff, a terminated reason such as Completed or Error, `ExitCode:N`), and finally
 * `Terminating` once deletionTimestamp is set on a pod that is not yet Succeeded/Failed.
 * RESTARTS shows `N (5m ago)` once a container has a last termination time.
 *
 * @see kubernetes/kubernetes pkg/printers/internalversion/printers.go (printPod)
 */
import type { StoredObject } from '../../model/types.js';
import { age, type PrintContext } from '../format.js';
import type { Cell } from '../table.js';
import { cols, type Loose, type Printer } from './types.js';

const NODE_UNREACHABLE_POD_REASON = 'NodeLost';

function isRestartableInit(c: Loose): boolean {
  return c?.restartPolicy === 'Always';
}

function terminatedReason(t: Loose, prefix: string): string {
  if (t.reason) return `${prefix}${t.reason}`;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

function laterOf(current: string | undefined, candidate: unknown): string | undefined {
  if (typeof candidate !== 'string' || candidate === '') return current;
  return current === undefined || candidate > current ? candidate : current;
}

/** READY, STATUS, RESTARTS (and the last restart time) as printPod computes them. */
export function podStatusCells(pod: Loose, ctx: PrintContext): { ready: string; status: string; restarts: string } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  const initSpecs: Loose[] = spec.initContainers ?? [];
  let total = (spec.containers ?? []).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: string | undefined;
  let lastSidecarRestart: string | undefined;
  const phase = String(status.phase ?? '');
  let reason = status.reason ? String(status.reason) : phase;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const initByName = new Map<string, Loose>(initSpecs.map((c) => [c.name, c]));
  for (const c of initSpecs) if (isRestartableInit(c)) total++;

  let initializing = false;
  const initStatuses: Loose[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    const st = c.state ?? {};
    restarts += c.restartCount ?? 0;
    lastRestart = laterOf(lastRestart, c.lastState?.terminated?.finishedAt);
    const sidecar = isRestartableInit(initByName.get(c.name));
    if (sidecar) {
      sidecarRestarts += c.restartCount ?? 0;
      lastSidecarRestart = laterOf(lastSidecarRestart, c.lastState?.terminated?.finishedAt);
    }
    if (st.terminated && (st.terminated.exitCode ?? 0) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    if (st.terminated) reason = terminatedReason(st.terminated, 'Init:');
    else if (st.waiting?.reason && st.waiting.reason !== 'PodInitializing') reason = `Init:${st.waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  const initialized = (status.conditions ?? []).some((c: Loose) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses: Loose[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      const st = c.state ?? {};
      restarts += c.restartCount ?? 0;
      lastRestart = laterOf(lastRestart, c.lastState?.terminated?.finishedAt);
      if (st.waiting?.reason) reason = st.waiting.reason;
      else if (st.terminated) reason = terminatedReason(st.terminated, '');
      else if (c.ready && st.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod with a container still running is not "Completed" yet.
    if (reason === 'Completed' && hasRunning) {
      const podReady = (status.conditions ?? []).some((c: Loose) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp && status.reason === NODE_UNREACHABLE_POD_REASON) reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart !== undefined) restartsText = `${restarts} (${age(lastRestart, ctx)} ago)`;
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

function readinessGates(pod: Loose): string {
  const gates: Loose[] = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions: Loose[] = pod.status?.conditions ?? [];
  let trueCount = 0;
  for (const g of gates) {
    const c = conditions.find((x) => x.type === g.conditionType);
    if (c?.status === 'True') trueCount++;
  }
  return `${trueCount}/${gates.length}`;
}

export const podPrinter: Printer = {
  columns: cols('Name', 'Ready', 'Status', 'Restarts', 'Age', '+IP', '+Node', '+Nominated Node', '+Readiness Gates'),
  row(obj: StoredObject, ctx: PrintContext): Cell[] {
    const pod = obj as Loose;
    const { ready, status, restarts } = podStatusCells(pod, ctx);
    const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>';
    return [
      obj.metadata.name,
      ready,
      status,
      restarts,
      age(obj.metadata.creationTimestamp, ctx),
      ip,
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
};

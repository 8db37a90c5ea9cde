/**
 * Pod status generation, as the kubelet's status manager reports it: the phase from the
 * container states (getPhase), the kubelet-owned conditions in upstream's order, and the
 * lastTransitionTime bookkeeping (kept while a condition's status is unchanged).
 *
 * Timestamps the kubelet writes keep their milliseconds ("2025-01-01T00:00:02.1Z", Go's
 * RFC3339Nano with trailing zeros dropped; whole seconds print exactly as upstream). The
 * kubelet has no memory between reconciles, so these timestamps are its clock: a transition
 * due 2.1 s after a container started must not drift to 2 s or 3 s.
 *
 * @see kubernetes/kubernetes pkg/kubelet/kubelet_pods.go (getPhase, generateAPIPodStatus)
 * @see kubernetes/kubernetes pkg/kubelet/status/generate.go
 * @see kubernetes/kubernetes pkg/kubelet/status/status_manager.go (updateLastTransitionTime)
 */
import { formatRFC3339, parseRFC3339 } from '../../model/time.js';
import { findByType } from '../controller-utils.js';
import type { ContainerStatus, Pod, PodSpec } from '../../model/types.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime: null;
  lastTransitionTime: string;
}

/** RFC 3339 with milliseconds when there are any: 1735689602100 → "2025-01-01T00:00:02.1Z". */
export function formatTime(epochMs: number): string {
  const whole = formatRFC3339(epochMs);
  const frac = ((epochMs % 1000) + 1000) % 1000;
  if (frac === 0) return whole;
  return `${whole.slice(0, -1)}.${String(frac).padStart(3, '0').replace(/0+$/, '')}Z`;
}

/** Parsed timestamps by text: a pod's few timestamps are read again at every sync. Bounded. */
const parsed = new Map<string, number>();
const PARSED_MAX = 4096;

export function parseTime(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  let t = parsed.get(s);
  if (t === undefined) {
    t = parseRFC3339(s); // throws on a malformed time, which is then not cached
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(s, t);
  }
  return t;
}

/**
 * getPhase over the app containers. `terminal` is true once the kubelet has stopped the pod
 * for good (deleted): its containers will not restart whatever the restart policy.
 */
export function getPhase(spec: PodSpec, statuses: readonly ContainerStatus[], terminal: boolean): PodPhase {
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.containers) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s?.state) unknown++;
    else if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (waiting > 0) return terminal ? 'Failed' : 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    const policy = spec.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function names(list: string[]): string {
  return `[${list.join(' ')}]`;
}

/**
 * GenerateContainersReadyCondition: the reason and message shared by ContainersReady and
 * Ready. Example: web not ready → False, ContainersNotReady, "containers with unready status: [web]".
 */
function containersReady(spec: PodSpec, statuses: readonly ContainerStatus[], phase: PodPhase): Omit<PodCondition, 'type' | 'lastTransitionTime' | 'lastProbeTime'> {
  const unknown: string[] = [];
  const unready: string[] = [];
  for (const c of spec.containers) {
    const s = statuses.find((x) => x.name === c.name);
    if (!s) unknown.push(c.name);
    else if (!s.ready) unready.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { status: 'False', reason: 'PodCompleted' };
  // A failed pod's containers may still be stopping: never ready.
  if (phase === 'Failed') return { status: 'False', reason: 'PodFailed' };
  const msgs: string[] = [];
  if (unknown.length > 0) msgs.push(`containers with unknown status: ${names(unknown)}`);
  if (unready.length > 0) msgs.push(`containers with unready status: ${names(unready)}`);
  if (msgs.length > 0) return { status: 'False', reason: 'ContainersNotReady', message: msgs.join(', ') };
  return { status: 'True' };
}

/** GeneratePodReadyCondition's readiness gates: each named condition must be True. */
function readinessGates(pod: Pod, conditions: readonly PodCondition[]): Omit<PodCondition, 'type' | 'lastTransitionTime' | 'lastProbeTime'> {
  const msgs: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === gate.conditionType);
    if (!c) msgs.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') msgs.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  return msgs.length > 0 ? { status: 'False', reason: 'ReadinessGatesNotReady', message: msgs.join(', ') } : { status: 'True' };
}

/** The kubelet-owned condition types (PodConditionsByKubelet). */
const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

export interface ConditionInput {
  readonly pod: Pod;
  readonly statuses: readonly ContainerStatus[];
  readonly phase: PodPhase;
  /** Whether the pod sandbox exists (created at the first sync, gone once the pod is terminal). */
  readonly sandboxReady: boolean;
  readonly now: string;
  /** The kubelet's private condition types (its runtime record), present or not. */
  readonly privateTypes: readonly string[];
  /** Private conditions to write after the kubelet-owned ones. */
  readonly extra: readonly PodCondition[];
}

/**
 * The pod's conditions: others' conditions first, then PodReadyToStartContainers,
 * Initialized, Ready, ContainersReady, PodScheduled (1.32's order). A condition whose status
 * is unchanged keeps its lastTransitionTime.
 */
export function podConditions(input: ConditionInput): PodCondition[] {
  const old = (input.pod.status?.conditions ?? []) as unknown as PodCondition[];
  const isOurs = (t: string): boolean => KUBELET_CONDITIONS.includes(t) || input.privateTypes.includes(t);
  const others: PodCondition[] = [];
  for (let i = 0; i < old.length; i++) if (!isOurs(old[i]!.type)) others.push(old[i]!);
  const spec = input.pod.spec!;
  const cr = containersReady(spec, input.statuses, input.phase);
  const ready = cr.status === 'True' ? readinessGates(input.pod, others) : cr;
  // Built field by field in the order `{ type, ...c, lastProbeTime, lastTransitionTime }` has
  // (c's fields are status, then reason and message when set): a spread after another field
  // takes V8's generic copy.
  const stamp = (type: string, c: Omit<PodCondition, 'type' | 'lastTransitionTime' | 'lastProbeTime'>): PodCondition => {
    const prev = findByType(old, type);
    const lastTransitionTime = prev && prev.status === c.status ? prev.lastTransitionTime : input.now;
    const out = { type, status: c.status } as PodCondition;
    if (c.reason !== undefined) out.reason = c.reason;
    if (c.message !== undefined) out.message = c.message;
    out.lastProbeTime = null;
    out.lastTransitionTime = lastTransitionTime;
    return out;
  };
  return [
    ...others,
    stamp('PodReadyToStartContainers', { status: input.sandboxReady ? 'True' : 'False' }),
    stamp('Initialized', { status: 'True' }),
    stamp('Ready', ready),
    stamp('ContainersReady', cr),
    stamp('PodScheduled', { status: 'True' }),
    ...input.extra,
  ];
}

/** format.Pod: how kubelet messages name a pod, `web-abc_default(uid)`. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

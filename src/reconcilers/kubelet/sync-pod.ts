/**
 * One pod's lifecycle on its node, as the kubelet's syncPod and the container runtime would
 * live it: sandbox, image pulls, container creation and start, readiness, exits, restarts with
 * CrashLoopBackOff, and graceful termination.
 *
 * The pod's status (plus the runtime record, ./runtime-record.ts) says where the pod is on its
 * timeline; the image profile says how long each step takes. `syncPod` applies every
 * transition due by `nowMs`, in time order, and reports the next one, so the reconciler can
 * requeue for exactly that instant. Times are epoch milliseconds.
 *
 * Containers start one after another in spec order (upstream starts them in a loop within one
 * sync: pull, create, start). Each image pull runs on its own: kubesim does not queue pulls
 * behind each other (serializeImagePulls), so "including waiting" equals the pull time.
 *
 * @see kubernetes/kubernetes pkg/kubelet/kuberuntime/kuberuntime_manager.go (SyncPod, doBackOff)
 * @see kubernetes/kubernetes pkg/kubelet/kuberuntime/kuberuntime_container.go (startContainer, killContainer)
 * @see kubernetes/kubernetes pkg/kubelet/images/image_manager.go (EnsureImageExists)
 */
import { formatDuration, parseDuration } from '../../clock/duration.js';
import { Rng } from '../../clock/rng.js';
import { InternalError } from '../../model/errors.js';
import { copyJson } from '../../model/json.js';
import type { Container, ContainerStatus, Node, Pod, PodStatus, StoredObject } from '../../model/types.js';
import { restartDelayMs } from './backoff.js';
import { hex64, imageID, type ResolvedImageProfile } from './image-profile.js';
import { formatPod, formatTime, getPhase, parseTime, podConditions } from './pod-status.js';
import { readyAfterStartMs } from './probes.js';
import { readRuntime, RUNTIME_CONDITION, runtimeCondition, type RuntimeRecord } from './runtime-record.js';

/** A stored Pod / Node with its typed fields. */
export type PodObject = StoredObject & Pod;
export type NodeObject = StoredObject & Node;

export interface KubeletEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface SyncInput {
  readonly pod: PodObject;
  readonly node: NodeObject;
  readonly nowMs: number;
  readonly profile: (image: string) => ResolvedImageProfile;
  readonly seed: string;
}

export interface SyncResult {
  readonly status: PodStatus;
  readonly events: readonly KubeletEvent[];
  /** Images pulled during this sync, for node.status.images. */
  readonly pulled: readonly { readonly image: string; readonly sizeBytes: number }[];
  /** The pod's containers have stopped after deletion: issue the final delete. */
  readonly deletePod: boolean;
  /** When the next transition is due, if any. */
  readonly nextMs: number | undefined;
}

interface Step {
  readonly at: number;
  readonly run: (at: number) => void;
}

const MAX_STEPS = 10_000;
const BACKOFF_MESSAGE = /^back-off (\S+) restarting failed container/;

/** Upstream's restart rule: Always restarts, OnFailure only after a non-zero exit. */
function shouldRestart(policy: string | undefined, exitCode: number): boolean {
  return policy === 'Never' ? false : policy === 'OnFailure' ? exitCode !== 0 : true;
}

function waitingStatus(c: Container): ContainerStatus {
  return { name: c.name, image: c.image ?? '', imageID: '', lastState: {}, ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } } };
}

/**
 * The image names present on a node, by its (frozen, stored) images list: every pod sync on
 * the node reads it, and it only changes when an image is pulled.
 */
const nodeImageNames = new WeakMap<object, readonly string[]>();

function nodeImages(node: NodeObject): readonly string[] {
  const images = node.status?.images;
  if (!images) return [];
  let names = nodeImageNames.get(images);
  if (!names) {
    names = images.flatMap((i) => i.names ?? []);
    if (Object.isFrozen(images)) nodeImageNames.set(images, names);
  }
  return names;
}

class PodSync {
  private readonly pod: PodObject;
  private readonly statuses = new Map<string, ContainerStatus>();
  private runtime: RuntimeRecord | undefined;
  private startTime: number | undefined;
  private cursor: number;
  private readonly present: Set<string>;
  readonly events: KubeletEvent[] = [];
  readonly pulled: { image: string; sizeBytes: number }[] = [];

  constructor(private readonly input: SyncInput) {
    this.pod = input.pod;
    for (const s of input.pod.status?.containerStatuses ?? []) this.statuses.set(s.name, copyJson(s));
    this.runtime = readRuntime(input.pod);
    this.startTime = parseTime(input.pod.status?.startTime);
    this.cursor = input.nowMs;
    this.present = new Set(nodeImages(input.node));
  }

  private get containers(): Container[] {
    return this.pod.spec!.containers;
  }

  private status(c: Container): ContainerStatus {
    let s = this.statuses.get(c.name);
    if (!s) this.statuses.set(c.name, (s = waitingStatus(c)));
    return s;
  }

  private event(type: KubeletEvent['type'], reason: string, message: string): void {
    this.events.push({ type, reason, message });
  }

  /** Applies every step due by now; returns when the next one is due. */
  run(): number | undefined {
    for (let i = 0; i < MAX_STEPS; i++) {
      const next = this.nextStep();
      if (!next || next.at > this.input.nowMs) return next?.at;
      this.cursor = next.at;
      next.run(next.at);
    }
    throw new InternalError(`kubelet: pod ${formatPod(this.pod)} did not settle after ${MAX_STEPS} steps`);
  }

  private nextStep(): Step | undefined {
    const steps: Step[] = [];
    if (this.runtime) steps.push(this.pipelineStep(this.runtime));
    for (const c of this.containers) this.containerSteps(c, steps);
    let best: Step | undefined;
    for (const s of steps) if (!best || s.at < best.at) best = s;
    return best;
  }

  private pipelineStep(rt: RuntimeRecord): Step {
    const c = this.containers.find((x) => x.name === rt.container);
    if (!c) return { at: this.cursor, run: () => (this.runtime = undefined) };
    const p = this.input.profile(c.image ?? '');
    if (rt.stage === 'PullingImage') return { at: rt.sinceMs + p.pullTimeMs, run: (t) => this.pullDone(c, t) };
    return { at: rt.sinceMs + p.startupTimeMs, run: (t) => this.started(c, t) };
  }

  /** Readiness and exit of a running container; a start for one that needs it. */
  private containerSteps(c: Container, out: Step[]): void {
    const s = this.status(c);
    const p = this.input.profile(c.image ?? '');
    const startedAt = parseTime(s.state?.running?.startedAt);
    if (startedAt !== undefined) {
      if (!s.ready) out.push({ at: startedAt + readyAfterStartMs(c.readinessProbe, p.readinessDelayMs), run: () => (s.ready = true) });
      if (p.exit) out.push({ at: startedAt + p.exit.afterMs, run: (t) => this.exited(c, t) });
      return;
    }
    if (this.runtime) return; // one container at a time
    const due = this.startDue(c, s);
    if (due !== undefined) out.push({ at: due, run: (t) => this.beginStart(c, t) });
  }

  private startDue(c: Container, s: ContainerStatus): number | undefined {
    const waiting = s.state?.waiting;
    const term = s.state?.terminated;
    if (term) return shouldRestart(this.pod.spec!.restartPolicy, term.exitCode) ? this.cursor : undefined;
    if (waiting?.reason === 'CrashLoopBackOff') {
      const delay = BACKOFF_MESSAGE.exec(waiting.message ?? '')?.[1];
      const finished = parseTime(s.lastState?.terminated?.finishedAt) ?? this.cursor;
      return finished + (delay ? parseDuration(delay) : 0);
    }
    if (waiting?.reason === 'ErrImageNeverPull') return this.present.has(c.image ?? '') ? this.cursor : undefined;
    return this.cursor;
  }

  /** EnsureImageExists, then hand over to creation. */
  private beginStart(c: Container, at: number): void {
    this.startTime ??= at;
    const s = this.status(c);
    const image = c.image ?? '';
    const present = this.present.has(image);
    if (c.imagePullPolicy === 'Never' && !present) {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      if (s.state?.waiting?.reason !== 'ErrImageNeverPull') this.event('Warning', 'ErrImageNeverPull', message);
      s.state = { waiting: { reason: 'ErrImageNeverPull', message } };
      return;
    }
    if (c.imagePullPolicy === 'Always' || !present) {
      this.event('Normal', 'Pulling', `Pulling image "${image}"`);
      this.runtime = { stage: 'PullingImage', container: c.name, sinceMs: at };
      return;
    }
    this.event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
    this.created(c, at);
  }

  private pullDone(c: Container, at: number): void {
    const image = c.image ?? '';
    const p = this.input.profile(image);
    const waited = at - this.runtime!.sinceMs;
    this.event(
      'Normal',
      'Pulled',
      `Successfully pulled image "${image}" in ${formatDuration(p.pullTimeMs)} (${formatDuration(waited)} including waiting). Image size: ${p.sizeBytes} bytes.`,
    );
    if (!this.present.has(image)) {
      this.present.add(image);
      this.pulled.push({ image, sizeBytes: p.sizeBytes });
    }
    this.created(c, at);
  }

  private created(c: Container, at: number): void {
    this.event('Normal', 'Created', `Created container: ${c.name}`);
    this.runtime = { stage: 'CreatingContainer', container: c.name, sinceMs: at };
  }

  private started(c: Container, at: number): void {
    const s = this.status(c);
    const previous = s.state?.terminated ?? (s.state?.waiting?.reason === 'CrashLoopBackOff' ? s.lastState?.terminated : undefined);
    if (previous) {
      s.restartCount += 1;
      s.lastState = { terminated: previous };
    }
    const uid = this.pod.metadata.uid;
    // The stream `<seed>/container/<uid>/<container>/<restarts>`, named in one go (a path names
    // a stream, see Rng) rather than through four throwaway forks.
    const rng = uid && c.name
      ? Rng.root(`${this.input.seed}/container/${uid}/${c.name}/${s.restartCount}`)
      : Rng.root(this.input.seed).fork('container').fork(uid).fork(c.name).fork(String(s.restartCount));
    s.containerID = `containerd://${hex64(rng)}`;
    s.image = c.image ?? '';
    s.imageID = imageID(s.image, this.input.seed);
    s.state = { running: { startedAt: formatTime(at) } };
    s.started = true;
    s.ready = false;
    this.runtime = undefined;
    this.event('Normal', 'Started', `Started container ${c.name}`);
  }

  /** The container's process ended: record it, then restart now, after a back-off, or never. */
  private exited(c: Container, at: number): void {
    const s = this.status(c);
    const p = this.input.profile(c.image ?? '');
    const startedAt = parseTime(s.state!.running!.startedAt)!;
    const exitCode = p.exit!.exitCode;
    const terminated = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: formatTime(startedAt),
      finishedAt: formatTime(at),
      containerID: s.containerID,
    };
    s.ready = false;
    s.started = false;
    s.state = { terminated };
    if (!shouldRestart(this.pod.spec!.restartPolicy, exitCode)) return;
    // When the restart that began this run was decided: before its pull (Always re-pulls) and start.
    const restartedAtMs = startedAt - p.startupTimeMs - (c.imagePullPolicy === 'Always' ? p.pullTimeMs : 0);
    const delay = restartDelayMs({
      restartCount: s.restartCount,
      restartedAtMs,
      previousFinishedAtMs: parseTime(s.lastState?.terminated?.finishedAt),
      finishedAtMs: at,
    });
    if (delay === 0) return; // restarted at once, by the next step
    const pod = formatPod(this.pod);
    s.lastState = { terminated };
    s.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${formatDuration(delay)} restarting failed container=${c.name} pod=${pod}` } };
    this.event('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod}`);
  }

  /** The status the kubelet reports after this sync. */
  report(nowMs: number): PodStatus {
    const spec = this.pod.spec!;
    if (this.startTime !== undefined) for (const c of spec.containers) this.status(c);
    const statuses = [...this.statuses.values()]
      .filter((s) => hasContainer(spec.containers, s.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const phase = getPhase(spec, statuses, false);
    const done = phase === 'Succeeded' || phase === 'Failed';
    const conditions = podConditions({
      pod: this.pod,
      statuses,
      phase,
      sandboxReady: this.startTime !== undefined && !done,
      now: formatTime(nowMs),
      privateTypes: [RUNTIME_CONDITION],
      extra: this.runtime ? [runtimeCondition(this.runtime)] : [],
    });
    // A shallow copy: the fields the kubelet rewrites are replaced whole, the rest are shared
    // with the stored (frozen) status and only ever read.
    const status: PodStatus = { ...this.pod.status, phase, conditions: conditions as unknown as PodStatus['conditions'] };
    if (this.startTime !== undefined) status.startTime = formatTime(this.startTime);
    if (statuses.length > 0) status.containerStatuses = statuses;
    return status;
  }
}

/**
 * syncTerminatingPod: the pod was deleted; each running container gets SIGTERM (a Killing
 * event) and exits after its profile's terminationTime, or is killed when the grace period
 * ends; then the kubelet issues the final delete.
 *
 * The kill began when the delete was requested: deletionTimestamp − deletionGracePeriodSeconds
 * (whole seconds, as the API server stamps it). Example: deleted at 4 s with grace 30 s and a
 * 500 ms terminationTime → Killing at 4 s, final delete at 4.5 s.
 *
 * No status is written meanwhile: src/model/writes.ts removes a pod in graceful deletion on
 * any update (upstream's ShouldDeleteDuringUpdate keeps it while deletionGracePeriodSeconds >
 * 0), so the kubelet neither records the kill nor writes the terminal status before deleting.
 * For the same reason a Killing event repeats if the pod is reconciled again within the
 * second of its deletion.
 */
function syncTerminating(input: SyncInput): SyncResult {
  const pod = input.pod;
  const graceS = pod.metadata.deletionGracePeriodSeconds ?? pod.spec!.terminationGracePeriodSeconds ?? 30;
  const graceMs = Math.max(0, graceS) * 1000;
  const killedAt = parseTime(pod.metadata.deletionTimestamp)! - graceMs;
  const running = pod.spec!.containers.filter((c) => pod.status?.containerStatuses?.find((s) => s.name === c.name)?.state?.running);
  const stopMs = Math.max(0, ...running.map((c) => Math.min(input.profile(c.image ?? '').terminationTimeMs, graceMs)));
  const done = killedAt + stopMs <= input.nowMs;
  // The requeue for the stop lands exactly on killedAt + stopMs; any other call in the
  // deletion's second is taken as the first sight of the deletion.
  const firstSight = input.nowMs < killedAt + 1000 && (input.nowMs !== killedAt + stopMs || stopMs === 0);
  const events: KubeletEvent[] = firstSight ? running.map((c) => ({ type: 'Normal', reason: 'Killing', message: `Stopping container ${c.name}` })) : [];
  return { status: pod.status ?? {}, events, pulled: [], deletePod: done, nextMs: done ? undefined : killedAt + stopMs };
}

/** Advances one pod to `nowMs`. Pods already Succeeded or Failed are never restarted. */
export function syncPod(input: SyncInput): SyncResult {
  if (input.pod.metadata.deletionTimestamp) return syncTerminating(input);
  const phase = input.pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return { status: input.pod.status!, events: [], pulled: [], deletePod: false, nextMs: undefined };
  const sync = new PodSync(input);
  const nextMs = sync.run();
  return { status: sync.report(input.nowMs), events: sync.events, pulled: sync.pulled, deletePod: false, nextMs };
}

/** Whether a container of this name is listed: an indexed loop, as `containers` is a stored
 *  (frozen) array, whose some() is slow on Node 20. */
function hasContainer(containers: readonly { readonly name: string }[], name: string): boolean {
  for (let i = 0; i < containers.length; i++) if (containers[i]!.name === name) return true;
  return false;
}

/**
 * CrashLoopBackOff: how long the kubelet waits before restarting a container that exited.
 *
 * Upstream keeps a per-container flowcontrol.Backoff entry in memory: the first restart is
 * immediate and creates the entry with 10 s; every later restart waits the entry's delay and
 * then doubles it, up to 5 min; an exit more than 2 × 5 min after the last restart counts as
 * stable and starts over (immediate restart, 10 s). The kubelet's backoff has no jitter.
 * Waits after successive quick crashes: 0, 10 s, 20 s, 40 s, 80 s, 160 s, 300 s, 300 s, …
 *
 * kubesim has no memory between reconciles, so the entry is recovered from the status: the
 * delay set at the last restart is 10 s if that restart was immediate, else twice the wait
 * that preceded it (capped). Example: lastState finished at 100 s, the restart began at
 * 120 s (a 20 s wait) → the entry now holds 40 s.
 *
 * @see kubernetes/kubernetes pkg/kubelet/kubelet.go (backOffPeriod, MaxContainerBackOff)
 * @see kubernetes/kubernetes pkg/kubelet/kuberuntime/kuberuntime_manager.go (doBackOff)
 * @see kubernetes/kubernetes staging/src/k8s.io/client-go/util/flowcontrol/backoff.go (Next, IsInBackOffSince, hasExpired)
 */

/** backOffPeriod: the first CrashLoopBackOff delay. */
export const BACKOFF_PERIOD_MS = 10_000;
/** MaxContainerBackOff. */
export const MAX_CONTAINER_BACKOFF_MS = 300_000;
/** hasExpired: an entry untouched for 2 × the maximum is forgotten. */
export const BACKOFF_RESET_MS = 2 * MAX_CONTAINER_BACKOFF_MS;

/** The entry's delay after a restart that began `waitedMs` after the previous exit. */
export function backoffAfterRestart(waitedMs: number): number {
  return waitedMs <= 0 ? BACKOFF_PERIOD_MS : Math.min(2 * waitedMs, MAX_CONTAINER_BACKOFF_MS);
}

export interface ExitFacts {
  /** restartCount before this exit: 0 means no backoff entry exists yet. */
  readonly restartCount: number;
  /** When the restart that began the run that just ended was decided (ms). */
  readonly restartedAtMs: number;
  /** When the run before it ended (lastState.terminated.finishedAt), if there was one. */
  readonly previousFinishedAtMs: number | undefined;
  /** When this run ended. */
  readonly finishedAtMs: number;
}

/** How long to wait before restarting after this exit (0 = restart at once). */
export function restartDelayMs(f: ExitFacts): number {
  if (f.restartCount === 0 || f.previousFinishedAtMs === undefined) return 0;
  if (f.finishedAtMs - f.restartedAtMs > BACKOFF_RESET_MS) return 0;
  return backoffAfterRestart(f.restartedAtMs - f.previousFinishedAtMs);
}

/**
 * Readiness: when a started container is first reported ready.
 *
 * Without a readinessProbe a container is ready as soon as it runs (upstream's default
 * Success result); kubesim adds the image profile's readinessDelay for apps that warm up.
 * With a probe, the prober skips probes until initialDelaySeconds have passed, then probes
 * every periodSeconds; a probe succeeds once the app is up (readinessDelay after start), and
 * the result flips to Success after successThreshold successes in a row.
 *
 * Example: initialDelaySeconds 5, periodSeconds 10, successThreshold 2, readinessDelay 12 s →
 * probes at 5 s (fail), 15 s (ok), 25 s (ok) → ready 25 s after start.
 *
 * Not modelled: the worker's start offset (upstream probes on a ticker started with the
 * worker, not at the container start), probe timeouts, failing probes after readiness,
 * Unhealthy events, liveness and startup probes.
 *
 * @see kubernetes/kubernetes pkg/kubelet/prober/worker.go (doProbe)
 */
import type { Container } from '../../model/types.js';

type Probe = NonNullable<Container['readinessProbe']>;

export function readyAfterStartMs(probe: Probe | undefined, readinessDelayMs: number): number {
  if (!probe) return readinessDelayMs;
  const initial = Math.max(0, probe.initialDelaySeconds ?? 0) * 1000;
  const period = Math.max(1, probe.periodSeconds ?? 10) * 1000;
  const threshold = Math.max(1, probe.successThreshold ?? 1);
  // First probe time at or after the app is up: initial + k × period.
  const k = readinessDelayMs <= initial ? 0 : Math.ceil((readinessDelayMs - initial) / period);
  return initial + (k + threshold - 1) * period;
}

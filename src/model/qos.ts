/**
 * A pod's QoS class, which the API server records in status.qosClass at creation.
 * BestEffort: no cpu/memory requests or limits anywhere. Guaranteed: every container (init
 * containers included) has cpu and memory limits, and requests equal to them. Otherwise
 * Burstable.
 *
 * @see kubernetes/kubernetes pkg/apis/core/helper/qos/qos.go GetPodQOS
 */
import { parseQuantity } from './quantity.js';
import type { Pod } from './types.js';

type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const COMPUTE = ['cpu', 'memory'] as const;

function isZero(v: string): boolean {
  try {
    return parseQuantity(v).isZero();
  } catch {
    return true; // validation rejects bad quantities before this matters
  }
}

export function podQOSClass(pod: Pod): QOSClass {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const requests: Record<string, string[]> = { cpu: [], memory: [] };
  const limits: Record<string, string[]> = { cpu: [], memory: [] };
  let isGuaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of COMPUTE) {
      const rq = req[r];
      if (rq !== undefined && !isZero(String(rq))) requests[r]!.push(String(rq));
      const lm = lim[r];
      if (lm !== undefined && !isZero(String(lm))) limits[r]!.push(String(lm));
      else isGuaranteed = false;
      if (rq !== undefined && lm !== undefined && parseQuantity(String(rq)).cmp(parseQuantity(String(lm))) !== 0) isGuaranteed = false;
    }
  }
  const anyRequest = COMPUTE.some((r) => requests[r]!.length > 0);
  const anyLimit = COMPUTE.some((r) => limits[r]!.length > 0);
  if (!anyRequest && !anyLimit) return 'BestEffort';
  return isGuaranteed ? 'Guaranteed' : 'Burstable';
}

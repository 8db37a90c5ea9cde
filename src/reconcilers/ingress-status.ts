/**
 * The simulated ingress controller's status writer ('ingress-controller'): every Ingress it
 * serves gets `status.loadBalancer.ingress: [{ ip }]`, the address the controller is reached
 * at, as ingress-nginx publishes its Service's load-balancer IP. Routing itself is in
 * src/network (the Router sends `http://host/path` requests through the Ingress rules).
 */
import { getObject, splitObjectKey } from '../model/store.js';
import type { Reconciler } from '../model/reconcile.js';
import type { Ingress } from '../model/types.js';

export interface IngressControllerOptions {
  /** The controller's address (kubesim reserves the load-balancer pool's last address). */
  readonly ip: string;
  /** Serve only Ingresses of this class (spec.ingressClassName); default all. */
  readonly ingressClassName?: string;
}

export function ingressController(opts: IngressControllerOptions): Reconciler {
  return {
    name: 'ingress-controller',
    watches: { Ingress: 'self' },
    reconcile(state, key) {
      const { namespace, name } = splitObjectKey(key);
      const ing = getObject(state, 'Ingress', namespace, name) as (Ingress & { metadata: { resourceVersion: string } }) | undefined;
      if (!ing || ing.metadata.deletionTimestamp) return { actions: [] };
      if (opts.ingressClassName !== undefined && ing.spec?.ingressClassName !== opts.ingressClassName) return { actions: [] };
      const current = ing.status?.loadBalancer?.ingress ?? [];
      if (current.length === 1 && current[0]!.ip === opts.ip && current[0]!.hostname === undefined) return { actions: [] };
      return {
        actions: [{ verb: 'updateStatus', object: { ...ing, status: { ...(ing.status ?? {}), loadBalancer: { ingress: [{ ip: opts.ip }] } } } }],
      };
    },
  };
}

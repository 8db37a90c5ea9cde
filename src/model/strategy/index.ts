/**
 * The strategy registry: which admission Strategy (defaulting + validation) serves each kind
 * in ../kinds.ts. The API path looks strategies up here for every write.
 *
 * @see kubernetes/kubernetes pkg/registry/<group>/<kind>/strategy.go
 */
import { BadRequestError, InternalError } from '../errors.js';
import { KINDS } from '../kinds.js';
import { deploymentStrategy } from './deployment.js';
import { endpointSliceStrategy } from './endpoint-slice.js';
import { endpointsStrategy } from './endpoints.js';
import { eventStrategy } from './event.js';
import { ingressStrategy } from './ingress.js';
import { leaseStrategy } from './lease.js';
import { namespaceStrategy } from './namespace.js';
import { nodeStrategy } from './node.js';
import { podDisruptionBudgetStrategy } from './pod-disruption-budget.js';
import { podStrategy } from './pod.js';
import { priorityClassStrategy } from './priority-class.js';
import { replicaSetStrategy } from './replica-set.js';
import { replicationControllerStrategy } from './replication-controller.js';
import { serviceStrategy } from './service.js';
import type { Strategy } from './types.js';

/**
 * Each strategy is typed with its own kind; the registry hands them out for any KubeObject,
 * which is sound because the API path only passes a strategy objects of its own kind.
 */
function erase(s: unknown): Strategy {
  return s as Strategy;
}

/** Sorted by kind, like KINDS. Frozen: the registry is not a plug-in point. */
export const STRATEGIES: Readonly<Record<string, Strategy>> = Object.freeze({
  Deployment: erase(deploymentStrategy),
  EndpointSlice: erase(endpointSliceStrategy),
  Endpoints: erase(endpointsStrategy),
  Event: erase(eventStrategy),
  Ingress: erase(ingressStrategy),
  Lease: erase(leaseStrategy),
  Namespace: erase(namespaceStrategy),
  Node: erase(nodeStrategy),
  Pod: erase(podStrategy),
  PodDisruptionBudget: erase(podDisruptionBudgetStrategy),
  PriorityClass: erase(priorityClassStrategy),
  ReplicaSet: erase(replicaSetStrategy),
  ReplicationController: erase(replicationControllerStrategy),
  Service: erase(serviceStrategy),
});

// A kind added to KINDS without a strategy is a kubesim bug: fail at load, not on first write.
for (const info of KINDS) {
  if (!Object.hasOwn(STRATEGIES, info.kind)) throw new InternalError(`no admission strategy for kind ${info.kind}`);
}

/** The strategy for a kind name such as 'Deployment'; BadRequest for kinds kubesim lacks. */
export function strategyFor(kind: string): Strategy {
  if (!Object.hasOwn(STRATEGIES, kind)) throw new BadRequestError(`no matches for kind "${kind}"`);
  return STRATEGIES[kind]!;
}

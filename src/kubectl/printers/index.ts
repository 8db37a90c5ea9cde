/**
 * The table printer for each kind kubesim serves, by kind name.
 */
import { podPrinter } from './pod.js';
import { nodePrinter } from './node.js';
import { deploymentPrinter, replicaSetPrinter, replicationControllerPrinter } from './workloads.js';
import { endpointSlicePrinter, endpointsPrinter, ingressPrinter, servicePrinter } from './network.js';
import { eventPrinter, leasePrinter, namespacePrinter, podDisruptionBudgetPrinter, priorityClassPrinter } from './misc.js';
import type { Printer } from './types.js';

export type { Printer } from './types.js';

const PRINTERS: Readonly<Record<string, Printer>> = {
  Deployment: deploymentPrinter,
  EndpointSlice: endpointSlicePrinter,
  Endpoints: endpointsPrinter,
  Event: eventPrinter,
  Ingress: ingressPrinter,
  Lease: leasePrinter,
  Namespace: namespacePrinter,
  Node: nodePrinter,
  Pod: podPrinter,
  PodDisruptionBudget: podDisruptionBudgetPrinter,
  PriorityClass: priorityClassPrinter,
  ReplicaSet: replicaSetPrinter,
  ReplicationController: replicationControllerPrinter,
  Service: servicePrinter,
};

export function printerFor(kind: string): Printer | undefined {
  return Object.prototype.hasOwnProperty.call(PRINTERS, kind) ? PRINTERS[kind] : undefined;
}

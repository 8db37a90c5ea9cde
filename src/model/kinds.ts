/**
 * The registry of kinds kubesim serves: group/version, plural and short names (as
 * `kubectl api-resources` lists them), scope, and whether status is a subresource.
 * Resolving a user's resource word ('po', 'deploy', 'deployments.apps') goes through here.
 */
import { BadRequestError, type GroupResource } from './errors.js';

export interface KindInfo {
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  /** `apps/v1`, or `v1` for the core group. */
  readonly apiVersion: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  /** Writes to `status` go through updateStatus only (the status subresource). */
  readonly statusSubresource: boolean;
}

function k(
  kind: string,
  group: string,
  plural: string,
  shortNames: string[],
  namespaced: boolean,
  statusSubresource: boolean,
): KindInfo {
  return {
    kind,
    group,
    version: 'v1',
    apiVersion: group === '' ? 'v1' : `${group}/v1`,
    plural,
    singular: kind.toLowerCase(),
    shortNames,
    namespaced,
    statusSubresource,
  };
}

/** Sorted by kind; the order is also the order `get all` and the trace use. */
export const KINDS: readonly KindInfo[] = [
  k('Deployment', 'apps', 'deployments', ['deploy'], true, true),
  k('EndpointSlice', 'discovery.k8s.io', 'endpointslices', [], true, false),
  k('Endpoints', '', 'endpoints', ['ep'], true, false),
  k('Event', '', 'events', ['ev'], true, false),
  k('Ingress', 'networking.k8s.io', 'ingresses', ['ing'], true, true),
  k('Lease', 'coordination.k8s.io', 'leases', [], true, false),
  k('Namespace', '', 'namespaces', ['ns'], false, true),
  k('Node', '', 'nodes', ['no'], false, true),
  k('Pod', '', 'pods', ['po'], true, true),
  k('PodDisruptionBudget', 'policy', 'poddisruptionbudgets', ['pdb'], true, true),
  k('PriorityClass', 'scheduling.k8s.io', 'priorityclasses', ['pc'], false, false),
  k('ReplicaSet', 'apps', 'replicasets', ['rs'], true, true),
  k('ReplicationController', '', 'replicationcontrollers', ['rc'], true, true),
  k('Service', '', 'services', ['svc'], true, true),
];

const BY_KIND = new Map(KINDS.map((i) => [i.kind, i]));
const BY_WORD = new Map<string, KindInfo>();
for (const info of KINDS) {
  for (const word of [info.kind.toLowerCase(), info.singular, info.plural, ...info.shortNames]) {
    BY_WORD.set(word, info);
    if (info.group !== '') BY_WORD.set(`${word}.${info.group}`, info);
  }
}

export function isKnownKind(kind: string): boolean {
  return BY_KIND.has(kind);
}

/** Info for a kind name such as 'Deployment'; throws BadRequest for kinds kubesim lacks. */
export function kindInfo(kind: string): KindInfo {
  const info = BY_KIND.get(kind);
  if (!info) throw new BadRequestError(`no matches for kind "${kind}"`);
  return info;
}

/**
 * Resolves what a user types for a resource ('po', 'pods', 'Pod', 'deploy', 'deployments.apps')
 * to its kind, as kubectl's RESTMapper does. Throws kubectl's message for unknown words.
 */
export function resolveResource(word: string): KindInfo {
  const info = BY_WORD.get(word.toLowerCase());
  if (!info) {
    throw new BadRequestError(`the server doesn't have a resource type "${word}"`);
  }
  return info;
}

export function groupResource(info: KindInfo): GroupResource {
  return { resource: info.plural, group: info.group };
}

/** `Deployment.apps`, `Pod`: how Invalid errors name a kind. */
export function qualifiedKind(info: KindInfo): string {
  return info.group === '' ? info.kind : `${info.kind}.${info.group}`;
}

/**
 * Ingress (networking.k8s.io/v1) routing as a pure function: which backend an ingress
 * controller sends `host` + `path` to, with ingress-nginx's precedence, which is nginx's
 * server and location selection over every Ingress merged:
 *
 * 1. Host (nginx server_name): rules whose host equals the request host; else rules whose
 *    wildcard host matches (`*.foo.com` covers exactly one label: `bar.foo.com`, not
 *    `baz.bar.foo.com` nor `foo.com`); else rules without a host (the catch-all server).
 * 2. Path, within the chosen host only: an Exact path equal to the request path; else the
 *    longest matching Prefix (ImplementationSpecific is treated as Prefix). Prefix matching is
 *    per path element, ignoring a trailing slash: `/foo` and `/foo/` match `/foo`, `/foo/` and
 *    `/foo/bar`, never `/foobar`. Paths are case-sensitive.
 * 3. Otherwise the default backend: the `spec.defaultBackend` of the oldest Ingress defining
 *    the chosen host (ingress-nginx gives each host server the default backend of the Ingress
 *    that created it); with no host chosen, the oldest Ingress's defaultBackend, preferring
 *    Ingresses without rules as ingress-nginx's catch-all server does. None: 404.
 *
 * Ties (the same host and path in two Ingresses) go to the oldest Ingress, then by
 * namespace/name, as ingress-nginx sorts Ingresses by creationTimestamp.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#examples
 * @see kubernetes/ingress-nginx internal/ingress/controller/controller.go (createServers,
 *      getBackendServers), docs/user-guide/ingress-path-matching.md
 * @see kubernetes-sigs/ingress-controller-conformance features/path_rules.feature, host_rules.feature
 */
import { listObjects, type ClusterState } from '../model/store.js';
import type { Ingress } from '../model/types.js';
import type { Stored } from './types.js';
import type { IngressBackend } from 'kubernetes-types/networking/v1.js';

const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

export interface IngressRequest {
  /** The Host header (a `:port` suffix is ignored). */
  readonly host: string;
  /** The request path; default '/'. */
  readonly path?: string;
  /** Only Ingresses of this class (spec.ingressClassName or the legacy annotation). */
  readonly ingressClassName?: string;
}

export interface IngressMatch {
  /** `namespace/name` of the Ingress whose rule (or default backend) matched. */
  readonly ingress: string;
  readonly namespace: string;
  /** The rule's host ('' for a rule without host, undefined for a default backend). */
  readonly host?: string;
  readonly path?: string;
  readonly pathType?: string;
  readonly defaultBackend: boolean;
  readonly backend: IngressBackend;
}

interface Candidate {
  readonly ing: Stored<Ingress>;
  readonly host: string;
  readonly path: string;
  readonly pathType: string;
  readonly backend: IngressBackend;
}

/** Oldest first, then namespace/name (listObjects already sorts by key, so a stable sort suffices). */
function byAge(ingresses: Stored<Ingress>[]): Stored<Ingress>[] {
  const ts = (i: Stored<Ingress>): string => i.metadata.creationTimestamp ?? '';
  return ingresses.sort((a, b) => (ts(a) < ts(b) ? -1 : ts(a) > ts(b) ? 1 : 0));
}

function classOf(ing: Ingress): string | undefined {
  return ing.spec?.ingressClassName ?? ing.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
}

export function hostMatches(ruleHost: string, host: string): boolean {
  if (!ruleHost.startsWith('*.')) return ruleHost === host;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === ruleHost.slice(2);
}

/** Element-wise prefix match, a trailing slash on either side ignored. */
export function prefixMatches(prefix: string, path: string): boolean {
  const p = prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
  if (p === '/' || p === '') return true;
  return path === p || path.startsWith(`${p}/`);
}

function normalizedLength(prefix: string): number {
  return (prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix).length;
}

function key(ing: Stored<Ingress>): string {
  return `${ing.metadata.namespace ?? ''}/${ing.metadata.name}`;
}

function match(c: Candidate, defaultBackend = false): IngressMatch {
  return {
    ingress: key(c.ing),
    namespace: c.ing.metadata.namespace ?? '',
    host: c.host,
    path: c.path,
    pathType: c.pathType,
    defaultBackend,
    backend: c.backend,
  };
}

function defaultOf(ing: Stored<Ingress>): IngressMatch | undefined {
  const backend = ing.spec?.defaultBackend;
  return backend ? { ingress: key(ing), namespace: ing.metadata.namespace ?? '', defaultBackend: true, backend } : undefined;
}

/** The backend for a request, or undefined (the controller answers 404). */
export function routeIngress(state: ClusterState, req: IngressRequest): IngressMatch | undefined {
  const host = req.host.toLowerCase().replace(/:[0-9]+$/, '');
  const path = req.path ?? '/';
  const all = byAge(listObjects(state, 'Ingress') as Stored<Ingress>[]).filter(
    (i) => req.ingressClassName === undefined || classOf(i) === req.ingressClassName,
  );
  const candidates: Candidate[] = [];
  for (const ing of all) {
    for (const rule of ing.spec?.rules ?? []) {
      const ruleHost = rule.host ?? '';
      for (const p of rule.http?.paths ?? []) {
        candidates.push({ ing, host: ruleHost, path: p.path ?? '/', pathType: p.pathType, backend: p.backend });
      }
    }
  }
  const exactHost = candidates.filter((c) => c.host !== '' && !c.host.startsWith('*.') && c.host === host);
  const wildcard = candidates.filter((c) => c.host.startsWith('*.') && hostMatches(c.host, host));
  const group = exactHost.length > 0 ? exactHost : wildcard.length > 0 ? wildcard : candidates.filter((c) => c.host === '');
  const exact = group.find((c) => c.pathType === 'Exact' && c.path === path);
  if (exact) return match(exact);
  let best: Candidate | undefined;
  for (const c of group) {
    if (c.pathType === 'Exact' || !prefixMatches(c.path, path)) continue;
    if (!best || normalizedLength(c.path) > normalizedLength(best.path)) best = c;
  }
  if (best) return match(best);
  if (group.length > 0) return defaultOf(group[0]!.ing);
  const ruleless = all.find((i) => (i.spec?.rules ?? []).length === 0 && i.spec?.defaultBackend);
  const any = ruleless ?? all.find((i) => i.spec?.defaultBackend);
  return any ? defaultOf(any) : undefined;
}

/** Whether some Ingress has a rule for `host` (exact or wildcard): the name is published. */
export function ingressServesHost(state: ClusterState, host: string, ingressClassName?: string): boolean {
  const h = host.toLowerCase();
  return listObjects(state, 'Ingress').some(
    (i) =>
      (ingressClassName === undefined || classOf(i as Ingress) === ingressClassName) &&
      ((i as Ingress).spec?.rules ?? []).some((r) => r.host !== undefined && r.host !== '' && hostMatches(r.host, h)),
  );
}

/** Ingresses whose status.loadBalancer lists `ip` (a request to that IP reaches their controller). */
export function ingressesAtIP(state: ClusterState, ip: string): boolean {
  return listObjects(state, 'Ingress').some((i) => ((i as Ingress).status?.loadBalancer?.ingress ?? []).some((x) => x.ip === ip));
}

/**
 * The Ingress with `status.loadBalancer.ingress` set to `[{ ip: lbIP }]`, as an ingress
 * controller publishes its address; undefined when it already says so. Pure: a reconciler
 * (in src/reconcilers) turns the result into an updateStatus action.
 */
export function ingressLoadBalancerStatus<T extends Ingress>(ingress: T, lbIP: string): T | undefined {
  const current = ingress.status?.loadBalancer?.ingress ?? [];
  if (current.length === 1 && current[0]!.ip === lbIP && current[0]!.hostname === undefined && current[0]!.ports === undefined) return undefined;
  return { ...ingress, status: { ...(ingress.status ?? {}), loadBalancer: { ingress: [{ ip: lbIP }] } } };
}

/**
 * The shapes the network layer hands back: DNS answers, routes and network errors. Expected
 * outcomes (a name that does not exist, a Service with no endpoints, a partitioned node) are
 * values, never thrown; only malformed input (an unknown client, an unparsable target) throws.
 */
import type { KubeObject, StoredObject } from '../model/types.js';

/** kube-proxy's data-plane mode: iptables picks an endpoint at random, ipvs round-robins. */
export type ProxyMode = 'iptables' | 'ipvs';

/** How the request entered the Service layer. */
export type RouteVia = 'clusterIP' | 'nodePort' | 'loadBalancer' | 'podIP' | 'ingress';

export type NetworkErrorReason = 'NXDOMAIN' | 'NoEndpoints' | 'ConnectionRefused' | 'NodeDown' | 'Partitioned' | 'Timeout';

/** The pod a request landed on. `pod` is `namespace/name` ('' when the endpoint names no pod). */
export interface RouteEndpoint {
  readonly pod: string;
  readonly ip: string;
  readonly port: number;
  /** The endpoint's node ('' when the Endpoints/EndpointSlice does not say). */
  readonly node: string;
}

export type HopKind = 'client' | 'dns' | 'loadBalancer' | 'node' | 'ingress' | 'service' | 'endpoint';

/**
 * One step of a route, in order. `name` is what the step is (a pod key, a node, an FQDN, an
 * Ingress key, a Service key); `address` the `ip[:port]` it used; `detail` a short note such
 * as the proxy mode or the matched Ingress path.
 */
export interface Hop {
  readonly kind: HopKind;
  readonly name: string;
  readonly address?: string;
  readonly node?: string;
  readonly detail?: string;
}

export interface Route {
  readonly ok: true;
  /** The Service (`namespace/name`) the request went through, if any. */
  readonly service?: string;
  readonly endpoint: RouteEndpoint;
  readonly hops: readonly Hop[];
  readonly via: RouteVia;
}

export interface NetworkError {
  readonly ok: false;
  readonly reason: NetworkErrorReason;
  readonly message: string;
  /** For requests through an Ingress: the HTTP status the ingress controller answers with (404, 503). */
  readonly httpStatus?: number;
  /** The Service involved, when the failure happened behind one. */
  readonly service?: string;
}

/** An answer from the cluster DNS (CoreDNS's kubernetes plugin) after the resolver's search. */
export type ResolveResult =
  | {
      readonly ok: true;
      /** The fully qualified name that answered, without the trailing dot. */
      readonly name: string;
      /** A records, sorted (ClusterIPs, or ready endpoint IPs for a headless Service). */
      readonly addresses: readonly string[];
      /** The target of an ExternalName Service (addresses is then empty). */
      readonly cname?: string;
      /** Every absolute name queried, in the resolver's order. */
      readonly queries: readonly string[];
    }
  | {
      readonly ok: false;
      readonly error: { readonly reason: 'NXDOMAIN'; readonly name: string };
      readonly queries: readonly string[];
    };

/**
 * Where a request goes: a string (`web`, `web.shop:8080`, `http://web.shop/path`,
 * `10.96.0.20:80`, `10.0.0.3:30080`, `203.0.113.1:80`, `10.244.1.5:8080`, `http://shop.example.com/cart`)
 * or the parts of one.
 */
export type RequestTarget =
  | string
  | {
      readonly host: string;
      readonly port?: number;
      readonly path?: string;
      readonly scheme?: 'http' | 'https';
    };

/**
 * Who sends: a pod (`namespace/name`, or a name in `namespace`), a node name, or 'external'
 * (a client on the internet). Omitted: an anonymous in-cluster client in `namespace` that
 * lives on no node (so node-local policies and partitions cannot apply to it).
 */
export interface RequestOptions {
  readonly from?: string;
  readonly to: RequestTarget;
  /** Namespace for a bare pod name in `from`, and for the DNS search path of an anonymous client. Default 'default'. */
  readonly namespace?: string;
}

export interface ResolveOptions {
  readonly namespace?: string;
  readonly from?: string;
}

/** Request counters since the last reset, every map with sorted keys. */
export interface NetworkStats {
  readonly requests: number;
  readonly ok: number;
  /** Failed requests by reason. */
  readonly failures: Readonly<Record<string, number>>;
  /** Successful requests per Service (`namespace/name`). */
  readonly services: Readonly<Record<string, number>>;
  /** Successful requests per endpoint pod (`namespace/name`). */
  readonly endpoints: Readonly<Record<string, number>>;
}

/** A stored object typed as its Kubernetes kind (the kubernetes-types shapes lack KubeObject's index signature). */
export type Stored<T> = StoredObject<T & KubeObject>;

/**
 * The node IPAM controller (range allocator): gives every node without one a pod CIDR — the
 * lowest /nodeCIDRMaskSize block of the cluster CIDR no other node holds, so nodes get blocks
 * in registration order (10.244.0.0/24, 10.244.1.0/24, …) — in spec.podCIDR and
 * spec.podCIDRs. Blocks other nodes already hold (given by hand, or from before) are skipped;
 * a deleted node's block is free again. When the cluster CIDR is exhausted, the node gets a
 * CIDRNotAvailable event and no block (its pods then get no IP).
 *
 * It also fills status.addresses (InternalIP + Hostname) for nodes registered without them:
 * the lowest free address of the node address range from .1, i.e. by registration order.
 * Upstream the kubelet reports these; kubesim's nodes have no host to ask, so the address is
 * derived here, deterministically. Nodes that come with an InternalIP keep it.
 *
 * Upstream keeps the taken blocks in an in-memory cidrset rebuilt from the nodes; this
 * reconciler rebuilds a bitmap from the nodes on each allocation (only nodes lacking a block
 * or an address pay for it), from integers parsed once per node object. Upstream's allocator continues after the last block it handed
 * out rather than from the lowest free one; kubesim picks the lowest free, as the networking
 * design asks.
 *
 * Layering: reconcilers may not import src/network, so the options are plain values here.
 *
 * @see kubernetes/kubernetes pkg/controller/nodeipam/ipam/range_allocator.go, cidrset/cidr_set.go
 */
import { BadRequestError } from '../model/errors.js';
import { copyJson } from '../model/json.js';
import type { Action, ReconcileResult, Reconciler } from '../model/reconcile.js';
import { forEachObject, getObject, type ClusterState } from '../model/store.js';
import { parseIPv4 } from '../model/strategy/endpoints.js';
import type { KubeObject, Node, StoredObject } from '../model/types.js';

export interface NodeIpamOptions {
  readonly clusterCIDR: string;
  readonly nodeCIDRMaskSize: number;
  readonly nodeAddressCIDR: string;
}

export const DEFAULT_NODE_IPAM_OPTIONS: NodeIpamOptions = {
  clusterCIDR: '10.244.0.0/16',
  nodeCIDRMaskSize: 24,
  nodeAddressCIDR: '10.0.0.0/16',
};

interface Block {
  readonly base: number;
  readonly size: number;
}

function toInt(ip: string): number | undefined {
  const b = parseIPv4(ip);
  return b ? ((b[0]! * 256 + b[1]!) * 256 + b[2]!) * 256 + b[3]! : undefined;
}

function toText(n: number): string {
  return `${Math.trunc(n / 0x1000000) % 256}.${Math.trunc(n / 0x10000) % 256}.${Math.trunc(n / 0x100) % 256}.${n % 256}`;
}

function parseBlock(cidr: string): Block | undefined {
  const [ip, bits] = cidr.split('/');
  const base = ip === undefined ? undefined : toInt(ip);
  if (base === undefined || bits === undefined || !/^[0-9]{1,2}$/.test(bits) || Number(bits) > 32) return undefined;
  const size = 2 ** (32 - Number(bits));
  return base % size === 0 ? { base, size } : undefined;
}

type NodeObject = StoredObject & Node;

function internalIP(node: NodeObject): string | undefined {
  return node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

/**
 * What a node holds, as integers, parsed once per (immutable) node object: finding the lowest
 * free block or address then costs one map lookup per node instead of string work, which keeps
 * registering thousands of nodes fast (it is still a scan of the nodes per allocation).
 */
interface Held {
  readonly cidrs: readonly number[];
  readonly address: number | undefined;
}

const heldCache = new WeakMap<object, Held>();

function held(n: NodeObject): Held {
  let h = heldCache.get(n);
  if (h === undefined) {
    const cidrs: number[] = [];
    for (const c of [...(n.spec?.podCIDRs ?? []), ...(n.spec?.podCIDR ? [n.spec.podCIDR] : [])]) {
      const b = parseBlock(c);
      if (b) cidrs.push(b.base);
    }
    const ip = internalIP(n);
    h = { cidrs, address: ip === undefined ? undefined : toInt(ip) };
    if (Object.isFrozen(n)) heldCache.set(n, h);
  }
  return h;
}

/** The lowest free node-sized block: subnet i is base + i × 2^(32 − mask). */
function nextPodCIDR(state: ClusterState, cluster: Block, mask: number): string | undefined {
  const size = 2 ** (32 - mask);
  const used = new Uint8Array(cluster.size / size);
  forEachObject(state, 'Node', (n) => {
    for (const base of held(n as NodeObject).cidrs) {
      const i = (base - cluster.base) / size;
      // Blocks outside the cluster CIDR, or of another size, do not collide with ours.
      if (Number.isInteger(i) && i >= 0 && i < used.length) used[i] = 1;
    }
  });
  const free = used.indexOf(0);
  return free < 0 ? undefined : `${toText(cluster.base + free * size)}/${mask}`;
}

function nextNodeAddress(state: ClusterState, range: Block): string | undefined {
  const used = new Uint8Array(range.size);
  forEachObject(state, 'Node', (n) => {
    const ip = held(n as NodeObject).address;
    if (ip !== undefined && ip >= range.base && ip < range.base + range.size) used[ip - range.base] = 1;
  });
  // Neither the network address (.0) nor the broadcast address is handed out.
  for (let i = 1; i < range.size - 1; i++) if (used[i] === 0) return toText(range.base + i);
  return undefined;
}

function assignPodCIDR(state: ClusterState, node: NodeObject, cluster: Block, mask: number): Action {
  const cidr = nextPodCIDR(state, cluster, mask);
  if (!cidr) {
    return {
      verb: 'event',
      event: {
        involvedObject: { kind: 'Node', name: node.metadata.name, uid: node.metadata.uid },
        type: 'Normal',
        reason: 'CIDRNotAvailable',
        message: `Node ${node.metadata.name} status is now: CIDRNotAvailable`,
        source: 'cidrAllocator',
      },
    };
  }
  const next = copyJson(node) as NodeObject & KubeObject;
  next.spec = { ...(next.spec ?? {}), podCIDR: cidr, podCIDRs: [cidr] };
  return { verb: 'update', object: next };
}

function assignAddress(state: ClusterState, node: NodeObject, range: Block): Action[] {
  const ip = nextNodeAddress(state, range);
  if (!ip) return [];
  const next = copyJson(node) as NodeObject & KubeObject;
  const status = (next.status ??= {});
  const others = (status.addresses ?? []).filter((a) => a.type !== 'InternalIP' && a.type !== 'Hostname');
  const hostname = node.status?.addresses?.find((a) => a.type === 'Hostname')?.address ?? node.metadata.name;
  status.addresses = [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: hostname }, ...others];
  return [{ verb: 'updateStatus', object: next }];
}

/** 'node-ipam-controller'. Options are validated by the cluster's network options. */
export function nodeIpamController(opts: NodeIpamOptions = DEFAULT_NODE_IPAM_OPTIONS): Reconciler {
  const cluster = parseBlock(opts.clusterCIDR);
  const addresses = parseBlock(opts.nodeAddressCIDR);
  if (!cluster || !addresses) throw new BadRequestError(`nodeIpamController: invalid CIDR in ${JSON.stringify(opts)}`);
  const mask = opts.nodeCIDRMaskSize;
  return {
    name: 'node-ipam-controller',
    watches: { Node: 'self' },
    reconcile(state, key): ReconcileResult {
      const node = getObject(state, 'Node', undefined, key) as NodeObject | undefined;
      if (!node || node.metadata.deletionTimestamp) return { actions: [] };
      // One write per reconcile: the spec update wakes this key again for the address.
      if (!node.spec?.podCIDR) return { actions: [assignPodCIDR(state, node, cluster, mask)] };
      if (!internalIP(node)) return { actions: assignAddress(state, node, addresses) };
      return { actions: [] };
    },
  };
}

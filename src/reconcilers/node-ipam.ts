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
 * Upstream keeps the taken blocks in an in-memory cidrset rebuilt from the nodes at start and
 * then updated from its Node watch; this reconciler keeps the same kind of state (a free-set
 * with a cursor, node-ipam-set.ts) for the blocks and for the addresses, across reconciles.
 * It is brought up to the state each reconcile receives by diffing that state's Node table
 * against the one it last saw (store.forEachChangedObject: cost follows the nodes that
 * changed), so it can never drift from the state, and a reconcile with a state unrelated to
 * the last one (another cluster, a test's hand-made state) still answers right. Each
 * allocation is then ~O(1), and registering n nodes O(n) instead of O(n²). Upstream's
 * allocator continues after the last block it handed out rather than from the lowest free
 * one; kubesim picks the lowest free, as the networking design asks.
 *
 * Layering: reconcilers may not import src/network, so the options are plain values here.
 *
 * @see kubernetes/kubernetes pkg/controller/nodeipam/ipam/range_allocator.go, cidrset/cidr_set.go
 */
import { BadRequestError } from '../model/errors.js';
import type { Action, ReconcileResult, Reconciler } from '../model/reconcile.js';
import { forEachChangedObject, getObject, type ClusterState } from '../model/store.js';
import { parseIPv4 } from '../model/strategy/endpoints.js';
import type { KubeObject, Node, StoredObject } from '../model/types.js';
import { HeldSet } from './node-ipam-set.js';

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
 * What a node holds, as integers: the free-sets add a node object's holdings when it appears
 * and remove the same ones when it goes.
 */
interface Held {
  readonly cidrs: readonly number[];
  readonly address: number | undefined;
}

/**
 * Parsed CIDRs and addresses by their text (null: not one of ours). A cluster's nodes hold a
 * few hundred distinct strings at most, each parsed once per process instead of once per node
 * version; the cache is emptied if it ever grows past `PARSE_CACHE_MAX`.
 */
const blockBases = new Map<string, number | null>();
const addressInts = new Map<string, number | null>();
const PARSE_CACHE_MAX = 4096;

function cached(cache: Map<string, number | null>, text: string, parse: (t: string) => number | undefined): number | undefined {
  let v = cache.get(text);
  if (v === undefined) {
    v = parse(text) ?? null;
    if (cache.size >= PARSE_CACHE_MAX) cache.clear();
    cache.set(text, v);
  }
  return v ?? undefined;
}

const blockBase = (cidr: string): number | undefined => cached(blockBases, cidr, (t) => parseBlock(t)?.base);

function held(n: NodeObject): Held {
  const cidrs: number[] = [];
  for (const c of n.spec?.podCIDRs ?? []) {
    const base = blockBase(c);
    if (base !== undefined) cidrs.push(base);
  }
  if (n.spec?.podCIDR) {
    const base = blockBase(n.spec.podCIDR);
    if (base !== undefined) cidrs.push(base);
  }
  const ip = internalIP(n);
  return { cidrs, address: ip === undefined ? undefined : cached(addressInts, ip, toInt) };
}

/** Whether two versions of a node share the fields `held` reads (so they hold the same). */
function sameHoldingFields(a: NodeObject, b: NodeObject): boolean {
  return a.spec?.podCIDR === b.spec?.podCIDR && a.spec?.podCIDRs === b.spec?.podCIDRs && a.status?.addresses === b.status?.addresses;
}

/**
 * The blocks and addresses the nodes of one state hold. Block i is base + i × 2^(32 − mask);
 * address i is range.base + i, handed out from .1 and never the broadcast address.
 */
class Allocator {
  private readonly blocks: HeldSet;
  private readonly addresses: HeldSet;
  private readonly blockSize: number;
  /** The state the sets describe; undefined before the first sync. */
  private synced: ClusterState | undefined;

  constructor(
    private readonly cluster: Block,
    private readonly mask: number,
    private readonly range: Block,
  ) {
    this.blockSize = 2 ** (32 - mask);
    const count = Math.floor(cluster.size / this.blockSize);
    this.blocks = new HeldSet(count, 0, count);
    this.addresses = new HeldSet(range.size, 1, range.size - 1);
  }

  /** Brings the sets up to `state` from the nodes that changed since the last state seen. */
  sync(state: ClusterState): void {
    if (state === this.synced) return;
    forEachChangedObject(this.synced, state, 'Node', (before, after) => {
      // Most node writes (conditions, taints, labels) leave the holdings' fields as they were,
      // shared by identity: releasing and taking back the same blocks would change nothing.
      if (before && after && sameHoldingFields(before as NodeObject, after as NodeObject)) return;
      if (before) this.apply(before as NodeObject, -1);
      if (after) this.apply(after as NodeObject, 1);
    });
    this.synced = state;
  }

  private apply(node: NodeObject, sign: 1 | -1): void {
    const h = held(node);
    for (const base of h.cidrs) {
      const i = (base - this.cluster.base) / this.blockSize;
      // Blocks outside the cluster CIDR, or not on a block boundary, do not collide with ours.
      if (Number.isInteger(i) && i >= 0 && i < this.blocks.size) {
        if (sign > 0) this.blocks.add(i);
        else this.blocks.remove(i);
      }
    }
    const ip = h.address;
    if (ip !== undefined && ip >= this.range.base && ip < this.range.base + this.range.size) {
      if (sign > 0) this.addresses.add(ip - this.range.base);
      else this.addresses.remove(ip - this.range.base);
    }
  }

  /** The lowest free node-sized block, as a CIDR. */
  nextPodCIDR(): string | undefined {
    const i = this.blocks.lowestFree();
    return i === undefined ? undefined : `${toText(this.cluster.base + i * this.blockSize)}/${this.mask}`;
  }

  /** The lowest free address from .1 (neither the network nor the broadcast address). */
  nextNodeAddress(): string | undefined {
    const i = this.addresses.lowestFree();
    return i === undefined ? undefined : toText(this.range.base + i);
  }
}

function assignPodCIDR(node: NodeObject, cidr: string | undefined): Action {
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
  // The action is data the write path copies, so it may share the stored node's fields.
  const next = { ...node, spec: { ...(node.spec ?? {}), podCIDR: cidr, podCIDRs: [cidr] } } as NodeObject & KubeObject;
  return { verb: 'update', object: next };
}

function assignAddress(node: NodeObject, ip: string | undefined): Action[] {
  if (!ip) return [];
  const others = (node.status?.addresses ?? []).filter((a) => a.type !== 'InternalIP' && a.type !== 'Hostname');
  const hostname = node.status?.addresses?.find((a) => a.type === 'Hostname')?.address ?? node.metadata.name;
  const addresses = [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: hostname }, ...others];
  // Shallow copies: the write path copies the action's object (see assignPodCIDR).
  const next = { ...node, status: { ...(node.status ?? {}), addresses } } as NodeObject & KubeObject;
  return [{ verb: 'updateStatus', object: next }];
}

/** 'node-ipam-controller'. Options are validated by the cluster's network options. */
export function nodeIpamController(opts: NodeIpamOptions = DEFAULT_NODE_IPAM_OPTIONS): Reconciler {
  const cluster = parseBlock(opts.clusterCIDR);
  const addresses = parseBlock(opts.nodeAddressCIDR);
  if (!cluster || !addresses) throw new BadRequestError(`nodeIpamController: invalid CIDR in ${JSON.stringify(opts)}`);
  const mask = opts.nodeCIDRMaskSize;
  // Built at the first allocation: a cluster whose nodes all come with blocks never pays for it.
  let allocator: Allocator | undefined;
  return {
    name: 'node-ipam-controller',
    // Only a live node still missing its block or address can need this controller (the
    // range allocator's updateNode: a node with podCIDRs is left alone). Heartbeat-era
    // writes (conditions, images, taints) used to wake it for an immediate no-op.
    watches: {
      Node: (change) => {
        const node = change.object as NodeObject | undefined;
        if (!node || node.metadata.deletionTimestamp || (node.spec?.podCIDR && internalIP(node))) return [];
        return [node.metadata.name];
      },
    },
    reconcile(state, key): ReconcileResult {
      const node = getObject(state, 'Node', undefined, key) as NodeObject | undefined;
      if (!node || node.metadata.deletionTimestamp) return { actions: [] };
      // One write per reconcile: the spec update wakes this key again for the address.
      if (node.spec?.podCIDR && internalIP(node)) return { actions: [] };
      const alloc = (allocator ??= new Allocator(cluster, mask, addresses));
      alloc.sync(state);
      if (!node.spec?.podCIDR) return { actions: [assignPodCIDR(node, alloc.nextPodCIDR())] };
      return { actions: assignAddress(node, alloc.nextNodeAddress()) };
    },
  };
}

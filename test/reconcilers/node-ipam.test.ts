import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/sim/cluster.js';
import { BadRequestError } from '../../src/model/errors.js';
import type { Node, StoredObject } from '../../src/model/types.js';
import { nodeIpamController } from '../../src/reconcilers/node-ipam.js';

type N = StoredObject & Node;

describe('node-ipam-controller', () => {
  it('gives nodes the lowest free pod CIDR and an InternalIP in registration order', () => {
    const c = createCluster({ nodes: 3, scheduler: false, controllers: false, reconcilers: [nodeIpamController()] });
    const nodes = ['node-1', 'node-2', 'node-3'].map((n) => c.get('node', n) as N);
    expect(nodes.map((n) => [n.spec?.podCIDR, n.spec?.podCIDRs])).toEqual([
      ['10.244.0.0/24', ['10.244.0.0/24']],
      ['10.244.1.0/24', ['10.244.1.0/24']],
      ['10.244.2.0/24', ['10.244.2.0/24']],
    ]);
    expect(nodes.map((n) => n.status?.addresses)).toEqual([
      [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'Hostname', address: 'node-1' }],
      [{ type: 'InternalIP', address: '10.0.0.2' }, { type: 'Hostname', address: 'node-2' }],
      [{ type: 'InternalIP', address: '10.0.0.3' }, { type: 'Hostname', address: 'node-3' }],
    ]);
  });

  it('reuses a deleted node\'s block, skips blocks held by hand, and reports exhaustion', () => {
    const c = createCluster({
      nodes: [{ name: 'a' }, { name: 'b' }],
      scheduler: false,
      controllers: false,
      reconcilers: [nodeIpamController({ clusterCIDR: '10.244.0.0/23', nodeCIDRMaskSize: 24, nodeAddressCIDR: '10.0.0.0/16' })],
    });
    c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'c' } });
    expect((c.get('node', 'c') as N).spec?.podCIDR).toBeUndefined();
    const events = c.get('event', undefined, { allNamespaces: true }).filter((e) => (e as { reason?: string }).reason === 'CIDRNotAvailable');
    expect(events.map((e) => (e as { message?: string }).message)).toEqual(['Node c status is now: CIDRNotAvailable']);
    const freed = (c.get('node', 'a') as N).spec?.podCIDR;
    c.delete('node', 'a');
    c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'd' } });
    expect((c.get('node', 'd') as N).spec?.podCIDR).toBe(freed);
  });

  it('keeps a podCIDR and addresses the node registered with', () => {
    const c = createCluster({ nodes: 0, scheduler: false, controllers: false, reconcilers: [nodeIpamController()] });
    c.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'given' },
      spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
      status: { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
    });
    c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'next' } });
    expect((c.get('node', 'given') as N).status?.addresses).toEqual([{ type: 'InternalIP', address: '10.0.0.1' }]);
    expect((c.get('node', 'next') as N).spec?.podCIDR).toBe('10.244.1.0/24');
    expect((c.get('node', 'next') as N).status?.addresses?.[0]).toEqual({ type: 'InternalIP', address: '10.0.0.2' });
  });

  it('rejects malformed CIDRs', () => {
    expect(() => nodeIpamController({ clusterCIDR: 'x', nodeCIDRMaskSize: 24, nodeAddressCIDR: '10.0.0.0/16' })).toThrow(BadRequestError);
  });
});

describe('node-ipam-controller allocator state', () => {
  const podCIDR = (c: ReturnType<typeof createCluster>, name: string) => (c.get('node', name) as N).spec?.podCIDR;
  const address = (c: ReturnType<typeof createCluster>, name: string) =>
    (c.get('node', name) as N).status?.addresses?.find((a) => a.type === 'InternalIP')?.address;

  // Ported from kubernetes/kubernetes pkg/controller/nodeipam/ipam/cidrset/cidr_set_test.go
  // (TestCIDRSetFullyAllocated): a cluster CIDR of one block is handed out, then exhausted,
  // then handed out again once released.
  it.each`
    clusterCIDR           | mask  | blocks
    ${'127.123.234.0/30'} | ${30} | ${['127.123.234.0/30']}
    ${'127.123.1.0/24'}   | ${26} | ${['127.123.1.0/26', '127.123.1.64/26', '127.123.1.128/26', '127.123.1.192/26']}
  `('hands out all of $clusterCIDR in /$mask blocks, then reports exhaustion, then reuses a freed block', ({ clusterCIDR, mask, blocks }) => {
    const c = createCluster({
      nodes: 0,
      scheduler: false,
      controllers: false,
      reconcilers: [nodeIpamController({ clusterCIDR, nodeCIDRMaskSize: mask, nodeAddressCIDR: '10.0.0.0/16' })],
    });
    const names = (blocks as string[]).map((_, i) => `n${i}`);
    for (const name of names) c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name } });
    expect(names.map((n) => podCIDR(c, n))).toEqual(blocks);
    c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'full' } });
    expect(podCIDR(c, 'full')).toBeUndefined();
    c.delete('node', names[0]!);
    c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'again' } });
    expect(podCIDR(c, 'again')).toBe(blocks[0]);
  });

  it('matches a from-scratch lowest-free allocation over creates, hand-given blocks and deletes', () => {
    // 4 blocks of /30 in 10.244.0.0/28; addresses .1-.6 of 10.0.0.0/29. A fixed, shuffled
    // sequence stands in for a property test: the model recomputes the lowest free each time.
    const c = createCluster({
      nodes: 0,
      scheduler: false,
      controllers: false,
      reconcilers: [nodeIpamController({ clusterCIDR: '10.244.0.0/28', nodeCIDRMaskSize: 30, nodeAddressCIDR: '10.0.0.0/29' })],
    });
    const blocks = ['10.244.0.0/30', '10.244.0.4/30', '10.244.0.8/30', '10.244.0.12/30'];
    const model = new Map<string, { cidr?: string; ip?: string }>();
    const lowest = <T>(all: readonly T[], taken: (t: T) => boolean) => all.find((x) => !taken(x));
    const ops: readonly (readonly [string, string, string?])[] = [
      ['create', 'a'], ['create', 'b', '10.244.0.8/30'], ['create', 'c'], ['create', 'd'], ['create', 'e'],
      ['delete', 'a'], ['create', 'f', '10.244.0.4/30'], ['create', 'g'], ['delete', 'c'], ['delete', 'f'],
      ['create', 'h'], ['create', 'i'], ['delete', 'b'], ['create', 'j'], ['create', 'k'],
    ];
    const ips = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6'];
    for (const [op, name, given] of ops) {
      if (op === 'delete') {
        c.delete('node', name);
        model.delete(name);
        continue;
      }
      const held = [...model.values()];
      const cidr = given ?? lowest(blocks, (b) => held.some((h) => h.cidr === b));
      const ip = cidr === undefined ? undefined : lowest(ips, (a) => held.some((h) => h.ip === a));
      c.create({ apiVersion: 'v1', kind: 'Node', metadata: { name }, ...(given ? { spec: { podCIDR: given, podCIDRs: [given] } } : {}) });
      model.set(name, { cidr, ip });
      expect([name, podCIDR(c, name), address(c, name)]).toEqual([name, cidr, ip]);
    }
  });

  it('answers from the state it is given, also when one controller serves two clusters', () => {
    const ipam = nodeIpamController();
    const one = createCluster({ nodes: 2, scheduler: false, controllers: false, reconcilers: [ipam] });
    const two = createCluster({ nodes: 1, scheduler: false, controllers: false, reconcilers: [ipam] });
    one.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'x' } });
    two.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'y' } });
    expect([podCIDR(one, 'x'), address(one, 'x')]).toEqual(['10.244.2.0/24', '10.0.0.3']);
    expect([podCIDR(two, 'y'), address(two, 'y')]).toEqual(['10.244.1.0/24', '10.0.0.2']);
  });
});

// range_allocator.go updateNode: only a node without its block (or, in kubesim, its address) is looked at.
describe('node-ipam-controller: which node changes wake it', () => {
  it('a node still missing its block or address wakes it; an allocated or removed one does not', () => {
    const c = createCluster({ nodes: 1, scheduler: false, controllers: false, reconcilers: [nodeIpamController()] });
    const mapper = nodeIpamController().watches.Node;
    if (typeof mapper !== 'function') throw new Error('no Node mapper');
    const node = c.get('node', 'node-1') as N;
    const bare = { ...node, spec: {}, status: {} } as N;
    const wake = (object: N | undefined, oldObject: N | undefined) => mapper({ kind: 'Node', object, oldObject } as never, c.state);
    expect(wake(bare, undefined)).toEqual(['node-1']);
    expect(wake({ ...node, status: { ...node.status, addresses: [] } } as N, node)).toEqual(['node-1']);
    expect(wake(node, bare)).toEqual([]);
    expect(wake(undefined, node)).toEqual([]);
  });
});

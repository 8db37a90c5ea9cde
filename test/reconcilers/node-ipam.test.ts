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

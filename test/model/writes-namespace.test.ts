/**
 * Creates look their namespace up through a cache kept per version of the Namespace table; a
 * namespace that is deleted, or marked for deletion, is seen at once.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/index.js';

const pod = (name: string, namespace: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

describe('namespace checks on create', () => {
  it('follow the namespace from created to terminating, within one call too', () => {
    const c = createCluster({ seed: 1, nodes: 1, controllers: false, scheduler: false });
    expect(() => c.create(pod('a', 'team'))).toThrow(/namespaces "team" not found/);
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    c.create([pod('a', 'team'), pod('b', 'team')]);
    c.delete('namespace', 'team');
    expect(() => c.create(pod('c', 'team'))).toThrow(/unable to create new content in namespace team because it is being terminated/);
    // Created and used in the same call: the batch's own write is seen.
    c.create([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } }, pod('d', 'other')]);
    expect(c.get('pods', undefined, { namespace: 'other' })).toHaveLength(1);
  });
});

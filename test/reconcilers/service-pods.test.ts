import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredObject } from '../../src/model/types.js';
import { podToServicesMapper, selectorMatches } from '../../src/reconcilers/service-pods.js';
import { newCluster, serviceManifest } from './endpoints-fixtures.js';

/** Services with overlapping selectors, created out of name order. */
const SELECTORS: Record<string, Record<string, string> | null> = {
  's5-b-t1': { tier: 't1', app: 'b' },
  's0-a': { app: 'a' },
  's3-all': {},
  's1-a-t0': { app: 'a', tier: 't0' },
  's2-t0': { tier: 't0' },
  's4-b': { app: 'b' },
  's6-none': null,
};

function cluster() {
  const c = newCluster([]);
  for (const [name, selector] of Object.entries(SELECTORS)) c.create(serviceManifest(name, { selector }));
  c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  c.create({ ...serviceManifest('elsewhere', { selector: { app: 'a' } }), metadata: { name: 'elsewhere', namespace: 'other' } });
  return c;
}

function pod(labels: Record<string, string> | undefined): StoredObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u', ...(labels ? { labels } : {}) } } as StoredObject;
}

describe('podToServicesMapper', () => {
  const c = cluster();
  const map = podToServicesMapper();

  it('maps a pod to the Services selecting its new or old labels, in name order', () => {
    expect(map({ kind: 'Pod', object: pod({ app: 'a', tier: 't0' }), oldObject: undefined }, c.state)).toEqual([
      'default/s0-a',
      'default/s1-a-t0',
      'default/s2-t0',
      'default/s3-all',
    ]);
    // A relabelled pod wakes the Services it left as well as those it joined.
    expect(map({ kind: 'Pod', object: pod({ app: 'b' }), oldObject: pod({ app: 'a' }) }, c.state)).toEqual([
      'default/s0-a',
      'default/s3-all',
      'default/s4-b',
    ]);
    expect(map({ kind: 'Pod', object: undefined, oldObject: pod(undefined) }, c.state)).toEqual(['default/s3-all']);
  });

  const labelsArb = fc.option(
    fc.record({ app: fc.constantFrom('a', 'b', 'c'), tier: fc.constantFrom('t0', 't1'), x: fc.constant('y') }, { requiredKeys: [] }),
    { nil: undefined },
  );

  it('property: equals testing every Service of the namespace', () => {
    const services = Object.entries(SELECTORS)
      .filter(([, s]) => s !== null)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    fc.assert(
      fc.property(labelsArb, labelsArb, fc.constantFrom('create', 'update', 'delete'), (newLabels, oldLabels, op) => {
        const object = op === 'delete' ? undefined : pod(newLabels);
        const oldObject = op === 'create' ? undefined : pod(oldLabels);
        const want = services
          .filter(([, sel]) => (object && selectorMatches(sel!, object.metadata.labels)) || (oldObject && selectorMatches(sel!, oldObject.metadata.labels)))
          .map(([name]) => `default/${name}`);
        expect(map({ kind: 'Pod', object, oldObject }, c.state)).toEqual(want);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

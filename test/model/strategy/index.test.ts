import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { BadRequestError } from '../../../src/model/errors.js';
import { KINDS } from '../../../src/model/kinds.js';
import { STRATEGIES, strategyFor } from '../../../src/model/strategy/index.js';
import type { KubeObject } from '../../../src/model/types.js';

describe('strategy registry', () => {
  it('covers every kind in KINDS and nothing else', () => {
    expect(Object.keys(STRATEGIES).sort()).toEqual(KINDS.map((k) => k.kind).sort());
  });

  it.each(KINDS.map((k) => k.kind))('strategyFor(%s) names its kind', (kind) => {
    expect(strategyFor(kind).kind).toBe(kind);
  });

  it('rejects unknown kinds with BadRequest', () => {
    expect(() => strategyFor('CronJob')).toThrow(BadRequestError);
    expect(() => strategyFor('CronJob')).toThrow('no matches for kind "CronJob"');
    expect(() => strategyFor('toString')).toThrow(BadRequestError);
  });

  it('uses DNS-1035 names only for Services', () => {
    expect(strategyFor('Service').nameValidator('1abc')).not.toEqual([]);
    expect(strategyFor('Deployment').nameValidator('1abc')).toEqual([]);
  });
});

/** Valid-looking skeletons per kind, so mutations reach deep validation code. */
const SKELETONS: Record<string, () => Record<string, unknown>> = {
  Deployment: () => ({
    spec: {
      selector: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] },
      template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
    },
  }),
  ReplicaSet: () => ({
    spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  }),
  ReplicationController: () => ({
    spec: { selector: { a: 'b' }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } },
  }),
  PodDisruptionBudget: () => ({ spec: { minAvailable: '50%', selector: { matchLabels: { a: 'b' } } } }),
  Service: () => ({
    spec: {
      type: 'LoadBalancer',
      clusterIP: '10.0.0.1',
      ports: [{ name: 'a', port: 80, targetPort: 'http', nodePort: 30000 }],
      selector: { a: 'b' },
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } },
      externalIPs: ['1.2.3.4'],
      loadBalancerSourceRanges: ['10.0.0.0/8'],
    },
  }),
  Endpoints: () => ({ subsets: [{ addresses: [{ ip: '10.0.0.1', nodeName: 'n' }], ports: [{ name: 'a', port: 80 }] }] }),
  EndpointSlice: () => ({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'], deprecatedTopology: { z: 'a' } }], ports: [{ name: 'a', port: 80 }] }),
  Ingress: () => ({
    spec: {
      defaultBackend: { service: { name: 's', port: { number: 80 } } },
      rules: [{ host: 'a.b', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { resource: { kind: 'K', name: 'n' } } }] } }],
      tls: [{ hosts: ['a.b'], secretName: 's' }],
    },
  }),
};

/** Every object and array node of a JSON tree, as a path of keys. */
function nodePaths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof v !== 'object' || v === null) return out;
  out.push(prefix);
  for (const [k, child] of Object.entries(v)) nodePaths(child, [...prefix, Array.isArray(v) ? Number(k) : k], out);
  return out;
}

/** Replaces or adds a field somewhere inside the skeleton with an arbitrary JSON value. */
function mutate(obj: Record<string, unknown>, pick: number, key: string, value: unknown): void {
  const paths = nodePaths(obj);
  const path = paths[pick % paths.length]!;
  let node: any = obj;
  for (const p of path) node = node[p];
  const keys = Object.keys(node);
  // New keys only on objects; '__proto__' never reaches strategies (cloneJson rejects it).
  const addKey = !Array.isArray(node) && key !== '__proto__' && pick % 3 === 0;
  if (keys.length === 0 && !addKey) return;
  node[addKey ? key : keys[pick % keys.length]!] = value;
}

describe('strategies never throw on malformed input', () => {
  const kinds = Object.keys(SKELETONS);

  it.each(kinds)('%s: random JSON fields', (kind) => {
    const strategy = strategyFor(kind);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('spec', 'subsets', 'addressType', 'endpoints', 'ports', 'metadata', 'x'), fc.jsonValue()), (fields) => {
        const obj = { apiVersion: 'v1', kind, metadata: { name: 'n', namespace: 'd' }, ...fields } as KubeObject;
        strategy.applyDefaults(obj);
        expect(Array.isArray(strategy.validateCreate(obj))).toBe(true);
        expect(Array.isArray(strategy.validateUpdate(obj, obj))).toBe(true);
      }),
      { numRuns: 200, seed: 42 },
    );
  });

  it.each(kinds)('%s: a valid skeleton with one field replaced by random JSON', (kind) => {
    const strategy = strategyFor(kind);
    fc.assert(
      fc.property(fc.nat(), fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), (pick, key, value) => {
        const obj = { apiVersion: 'v1', kind, metadata: { name: 'n', namespace: 'd' }, ...SKELETONS[kind]!() } as KubeObject;
        const old = structuredClone(obj);
        mutate(obj, pick, key, value);
        strategy.applyDefaults(obj);
        expect(Array.isArray(strategy.validateCreate(obj))).toBe(true);
        expect(Array.isArray(strategy.validateUpdate(obj, old))).toBe(true);
        expect(Array.isArray(strategy.validateUpdate(old, obj))).toBe(true);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it.each(kinds)('%s: the unmutated skeleton is valid after defaulting', (kind) => {
    const strategy = strategyFor(kind);
    const obj = { apiVersion: 'v1', kind, metadata: { name: 'n', namespace: 'd' }, ...SKELETONS[kind]!() } as KubeObject;
    strategy.applyDefaults(obj);
    expect(strategy.validateCreate(obj)).toEqual([]);
  });
});

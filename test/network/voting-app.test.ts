/**
 * The classic voting app (examples/voting-app) in the simulator: vote reaches redis and result
 * reaches db by service name, through cluster DNS and kube-proxy, and an Ingress in front of
 * vote gets the ingress controller's address and routes by host and path.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/index.js';

const manifest = (name: string) => readFileSync(new URL(`../../examples/voting-app/${name}.yaml`, import.meta.url), 'utf8');

function votingApp(): Cluster {
  const c = createCluster({ seed: 5, nodes: 4, zones: 2 });
  c.apply(['vote', 'redis', 'worker', 'db', 'result'].map(manifest).join('\n---\n'));
  expect(c.settle({ timeout: '5m' })).toBe(true);
  return c;
}

const podOf = (c: Cluster, app: string) => c.get('pods', undefined, { selector: `app=${app}` })[0]!.metadata.name;

describe('voting app networking', () => {
  it('routes vote -> redis and result -> db by service name', () => {
    const c = votingApp();
    const toRedis = c.network.request({ from: podOf(c, 'vote'), to: 'redis:6379' });
    expect(toRedis).toMatchObject({ ok: true, service: 'default/redis', via: 'clusterIP' });
    expect(toRedis.ok && toRedis.endpoint.pod).toBe(`default/${podOf(c, 'redis')}`);
    const toDb = c.network.request({ from: podOf(c, 'result'), to: 'db.default.svc.cluster.local:5432' });
    expect(toDb).toMatchObject({ ok: true, service: 'default/db' });
    expect(c.network.resolve('redis', { namespace: 'default' })).toMatchObject({ ok: true });
    expect(c.network.resolve('no-such-service', { namespace: 'default' })).toMatchObject({ ok: false, error: { reason: 'NXDOMAIN' } });
  });

  it('spreads requests over the vote replicas and counts them', () => {
    const c = votingApp();
    c.network.resetStats();
    const client = podOf(c, 'result');
    for (let i = 0; i < 300; i++) expect(c.network.request({ from: client, to: 'vote:80' }).ok).toBe(true);
    const perPod = c.network.stats().endpoints as Record<string, number>;
    const counts = Object.entries(perPod).filter(([pod]) => pod.includes('vote-')).map(([, n]) => n);
    expect(counts).toHaveLength(3);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    for (const n of counts) expect(n).toBeGreaterThan(60); // iptables: uniform random, seeded
  });

  it('serves an Ingress: status gets the controller address, requests route by host and path', () => {
    const c = votingApp();
    c.apply(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: voting }
spec:
  rules:
    - host: vote.example.com
      http:
        paths:
          - { path: /, pathType: Prefix, backend: { service: { name: vote, port: { number: 80 } } } }
          - { path: /results, pathType: Prefix, backend: { service: { name: result, port: { number: 80 } } } }
`);
    const ing = c.get('ingress', 'voting');
    expect(ing.status).toEqual({ loadBalancer: { ingress: [{ ip: '203.0.113.254' }] } });
    expect(c.network.request({ from: 'external', to: 'http://vote.example.com/results/today' })).toMatchObject({ ok: true, service: 'default/result', via: 'ingress' });
    expect(c.network.request({ from: 'external', to: 'http://vote.example.com/' })).toMatchObject({ ok: true, service: 'default/vote', via: 'ingress' });
  });
});

describe('Endpoints through a rolling update', () => {
  it('hold exactly the ready vote pods at every step of the rollout', () => {
    const c = votingApp();
    c.setImage('deployment/vote', 'vote', 'dockersamples/examplevotingapp_vote:v2');
    for (let step = 0; step < 120 && !c.rollout.status('deployment/vote').done; step++) {
      c.advance('500ms');
      const ready = c
        .get('pods', undefined, { selector: 'app=vote' })
        .filter((p) => !p.metadata.deletionTimestamp && (p.status as { conditions?: { type: string; status: string }[] }).conditions?.some((x) => x.type === 'Ready' && x.status === 'True'))
        .map((p) => (p.status as { podIP: string }).podIP)
        .sort();
      const ep = c.get('endpoints', 'vote') as { subsets?: { addresses?: { ip: string }[] }[] };
      const addresses = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip)).sort();
      expect(addresses).toEqual(ready);
    }
    expect(c.rollout.status('deployment/vote').done).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { createCluster } from '../../../src/index.js';
import { garbageCollector } from '../../../src/reconcilers/garbage-collector.js';
import { kubelet } from '../../../src/reconcilers/kubelet/index.js';
import type { PodStatusView } from './helpers.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
};

describe('kubelet with the scheduler, workload controllers and garbage collector', () => {
  it('runs a Deployment to Ready, then tears it down gracefully', () => {
    const c = createCluster({
      nodes: 2,
      reconcilers: [kubelet({ images: { 'nginx:1.27': { pullTime: '2s', startupTime: '1s', terminationTime: '3s' } }, seed: 'x' }), garbageCollector()],
    });
    c.apply(deployment);
    c.advance('1m');
    const pods = c.get('pods');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      const s = p.status as PodStatusView;
      expect(s.phase).toBe('Running');
      expect(s.conditions.find((x) => x.type === 'Ready')!.status).toBe('True');
    }
    c.delete('deploy', 'web');
    c.advance(2999);
    expect(c.get('pods').every((p) => p.metadata.deletionTimestamp !== undefined)).toBe(true);
    c.advance(1);
    expect(c.get('pods')).toEqual([]);
    expect(c.get('rs')).toEqual([]);
  });
});

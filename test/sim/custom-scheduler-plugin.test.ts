import { describe, expect, it } from 'vitest';
import { createCluster, schedulerStatus, SCHEDULER_SUCCESS, type FilterPlugin, type PluginFactory, type ScorePlugin } from '../../src/index.js';

// A user's own plugins, registered by name and enabled through KubeSchedulerConfiguration.
const zoneGuard: PluginFactory = {
  points: ['filter'],
  create: (args) =>
    ({
      name: 'ZoneGuard',
      filter: (_cycle, _pod, node) =>
        node.node.metadata?.labels?.['topology.kubernetes.io/zone'] === args.zone
          ? SCHEDULER_SUCCESS
          : schedulerStatus('UnschedulableAndUnresolvable', `node(s) outside zone ${String(args.zone)}`),
    }) satisfies FilterPlugin,
};

const preferLast: PluginFactory = {
  points: ['score'],
  create: () =>
    ({
      name: 'PreferLast',
      score: (_cycle, _pod, node) => Number(node.name.split('-')[1]) * 10,
    }) satisfies ScorePlugin,
};

describe('out-of-tree scheduler plugins', () => {
  it('filter and score like built-in ones, and show in explain', () => {
    const c = createCluster({
      nodes: 6,
      zones: 2,
      schedulerPlugins: { ZoneGuard: zoneGuard, PreferLast: preferLast },
      scheduler: {
        profiles: [
          {
            plugins: {
              filter: { enabled: [{ name: 'ZoneGuard' }] },
              score: { disabled: [{ name: '*' }], enabled: [{ name: 'PreferLast', weight: 1 }] },
            },
            pluginConfig: [{ name: 'ZoneGuard', args: { zone: 'zone-a' } }],
          },
        ],
      },
    });
    c.run('web', { image: 'nginx:1.27' });
    // zone-a holds node-1, node-3, node-5; PreferLast favours the highest number.
    expect((c.get('pod', 'web').spec as { nodeName: string }).nodeName).toBe('node-5');
    const ex = c.scheduler.explain({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    expect(ex.nodes['node-2']!.filter).toEqual({ plugin: 'ZoneGuard', code: 'UnschedulableAndUnresolvable', reasons: ['node(s) outside zone zone-a'] });
    expect(ex.nodes['node-3']!.scores).toEqual({ PreferLast: { raw: 30, normalized: 30, weighted: 30 } });
  });

  it('rejects a plugin that is not a factory', () => {
    expect(() => createCluster({ schedulerPlugins: { Bad: {} as PluginFactory } })).toThrow('scheduler.plugins.Bad');
  });
});

import { describe, expect, it } from 'vitest';
import { resolveConfiguration } from '../../src/scheduler/config.js';
import { pluginPoints } from '../../src/scheduler/profile.js';
import { DEFAULT_REGISTRY } from '../../src/scheduler/plugins/registry.js';
import { BadRequestError } from '../../src/model/errors.js';

const points = pluginPoints(DEFAULT_REGISTRY);

describe('KubeSchedulerConfiguration', () => {
  it('expands the v1.32 defaults per extension point with upstream weights', () => {
    const cfg = resolveConfiguration(undefined, points);
    const p = cfg.profiles[0]!;
    expect(p.schedulerName).toBe('default-scheduler');
    expect(p.plugins.filter).toEqual([
      'NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit',
      'VolumeRestrictions', 'NodeVolumeLimits', 'VolumeBinding', 'VolumeZone', 'PodTopologySpread', 'InterPodAffinity',
    ]);
    expect(p.plugins.score).toEqual([
      'TaintToleration', 'NodeAffinity', 'NodeResourcesFit', 'PodTopologySpread', 'InterPodAffinity',
      'NodeResourcesBalancedAllocation', 'ImageLocality',
    ]);
    expect(p.weights).toEqual({
      TaintToleration: 3, NodeAffinity: 2, NodeResourcesFit: 1, PodTopologySpread: 2, InterPodAffinity: 2,
      NodeResourcesBalancedAllocation: 1, ImageLocality: 1,
    });
    expect(p.plugins.queueSort).toEqual(['PrioritySort']);
    expect(p.plugins.bind).toEqual(['DefaultBinder']);
    expect(cfg.percentageOfNodesToScore).toBe(0);
    expect(cfg.podInitialBackoffMs).toBe(1000);
    expect(cfg.podMaxBackoffMs).toBe(10000);
  });

  it('reads YAML with profiles, disabled plugins, weights and args', () => {
    const cfg = resolveConfiguration(
      `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 100
profiles:
  - schedulerName: default-scheduler
  - schedulerName: bin-packing
    plugins:
      score:
        disabled: [{ name: NodeResourcesBalancedAllocation }, { name: ImageLocality }]
        enabled: [{ name: NodeResourcesFit, weight: 5 }]
    pluginConfig:
      - name: NodeResourcesFit
        args:
          scoringStrategy:
            type: MostAllocated
            resources: [{ name: cpu, weight: 1 }, { name: memory, weight: 1 }]
`,
      points,
    );
    expect(cfg.percentageOfNodesToScore).toBe(100);
    const bp = cfg.profiles[1]!;
    expect(bp.schedulerName).toBe('bin-packing');
    expect(bp.plugins.score).toEqual(['NodeResourcesFit', 'TaintToleration', 'NodeAffinity', 'PodTopologySpread', 'InterPodAffinity']);
    expect(bp.weights.NodeResourcesFit).toBe(5);
    expect(bp.args.NodeResourcesFit).toMatchObject({ scoringStrategy: { type: 'MostAllocated' } });
  });

  it.each([
    [{ profiles: [{ plugins: { filter: { enabled: [{ name: 'NoSuchPlugin' }] } } }] }, 'plugin "NoSuchPlugin" does not exist'],
    [{ profiles: [{ plugins: { score: { enabled: [{ name: 'NodeName' }] } } }] }, 'plugin "NodeName" does not extend score plugin'],
    [{ profiles: [{ schedulerName: 'a' }, { schedulerName: 'a' }] }, 'Duplicate value: "a"'],
    [{ percentageOfNodesToScore: 101 }, 'not in valid range [0-100]'],
    [{ apiVersion: 'kubescheduler.config.k8s.io/v1beta3' }, 'no kind "KubeSchedulerConfiguration" is registered for version'],
    [{ profiles: [{ plugins: { queueSort: { disabled: [{ name: '*' }] } } }] }, 'exactly one queue sort plugin'],
    [{ podInitialBackoffSeconds: 20 }, 'must be greater than or equal to PodInitialBackoffSeconds'],
  ])('rejects %j', (input, message) => {
    expect(() => resolveConfiguration(input as never, points)).toThrow(BadRequestError);
    expect(() => resolveConfiguration(input as never, points)).toThrow(message);
  });
});

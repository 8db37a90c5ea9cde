import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFieldError } from '../../../src/model/errors.js';
import type { Node } from '../../../src/model/types.js';
import { nodeStrategy } from '../../../src/model/strategy/node.js';

const node = (spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}): Node =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec, status }) as Node;
const msgs = (n: Node): string[] => nodeStrategy.validateCreate(n).map(formatFieldError);

describe('nodeStrategy', () => {
  it('defaults allocatable from capacity and leaves podCIDR alone', () => {
    const n = node({ podCIDR: '10.0.1.0/24' }, { capacity: { cpu: '4', memory: '8Gi', pods: '110' } });
    nodeStrategy.applyDefaults(n);
    expect(n.status!.allocatable).toEqual({ cpu: '4', memory: '8Gi', pods: '110' });
    expect(n.spec!.podCIDR).toBe('10.0.1.0/24');
    const keep = node({}, { capacity: { cpu: '4' }, allocatable: { cpu: '3' } });
    nodeStrategy.applyDefaults(keep);
    expect(keep.status!.allocatable).toEqual({ cpu: '3' });
  });

  it('uses DNS-1123 subdomain names', () => {
    expect(nodeStrategy.nameValidator('node-1.example.com')).toEqual([]);
    expect(nodeStrategy.nameValidator('Node_1').length).toBeGreaterThan(0);
  });

  // Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (TestValidateNode:
  // taint success and error cases). Upstream reports taints under metadata.taints.
  it.each([
    [[{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]],
    [[{ key: 'example.com/k', effect: 'NoExecute' }, { key: 'example.com/k', effect: 'NoSchedule' }]],
    [[{ key: 'k', value: '', effect: 'PreferNoSchedule' }]],
  ])('accepts taints %j', (taints) => {
    expect(msgs(node({ taints }))).toEqual([]);
  });

  it.each`
    why                    | taints                                                                                 | expected
    ${'missing key'}       | ${[{ value: 'v', effect: 'NoSchedule' }]}                                               | ${'metadata.taints[0].key: Invalid value: "": name part must be non-empty'}
    ${'bad key'}           | ${[{ key: 'NoUppercaseOrSpecialCharsLike=Equals', effect: 'NoSchedule' }]}              | ${'metadata.taints[0].key: Invalid value: "NoUppercaseOrSpecialCharsLike=Equals"'}
    ${'bad value'}         | ${[{ key: 'k', value: 'some\\value', effect: 'NoSchedule' }]}                           | ${'metadata.taints[0].value: Invalid value: "some\\\\value"'}
    ${'missing effect'}    | ${[{ key: 'k', value: 'v' }]}                                                           | ${'metadata.taints[0].effect: Required value'}
    ${'bad effect'}        | ${[{ key: 'k', effect: 'Never' }]}                                                      | ${'metadata.taints[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'}
    ${'duplicate key+effect'} | ${[{ key: 'k', value: 'a', effect: 'NoSchedule' }, { key: 'k', value: 'b', effect: 'NoSchedule' }]} | ${'metadata.taints[1]: Duplicate value'}
  `('rejects taints: $why', ({ taints, expected }) => {
    const m = msgs(node({ taints }));
    expect(m.some((x) => x.startsWith(expected)), m.join('\n')).toBe(true);
  });

  // Ported from validation_test.go (TestValidateNodeResources / ValidateNodeResources)
  it.each`
    status                                       | expected
    ${{ capacity: { cpu: '4', memory: '8Gi' } }} | ${[]}
    ${{ capacity: { cpu: '-1' } }}               | ${['status.capacity.cpu: Invalid value: "-1": must be greater than or equal to 0']}
    ${{ allocatable: { pods: '1.5' } }}          | ${['status.allocatable.pods: Invalid value: "1500m": must be an integer']}
    ${{ capacity: { memory: 'lots' } }}          | ${['status.capacity.memory: Invalid value: "lots"']}
  `('resources $status', ({ status, expected }) => {
    const m = msgs(node({}, status));
    expect(m.length).toBe(expected.length);
    expected.forEach((e: string, i: number) => expect(m[i]!.startsWith(e), m.join('\n')).toBe(true));
  });

  it('allows podCIDRs only to go from unset to set', () => {
    const old = node({ podCIDRs: ['10.0.0.0/24'], providerID: 'p1' });
    expect(nodeStrategy.validateUpdate(node({ podCIDRs: ['10.0.0.0/24'], providerID: 'p1' }), old)).toEqual([]);
    expect(nodeStrategy.validateUpdate(node({ podCIDRs: ['10.0.0.0/24'] }), node({}))).toEqual([]);
    const m = nodeStrategy.validateUpdate(node({ podCIDRs: ['10.0.1.0/24'], providerID: 'p2' }), old).map(formatFieldError);
    expect(m).toEqual([
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
      'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
    ]);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ spec: fc.jsonValue(), status: fc.jsonValue() })), fc.jsonValue(), (obj, old) => {
        const n = structuredClone(obj) as Node;
        if (typeof n === 'object' && n !== null) nodeStrategy.applyDefaults(n);
        nodeStrategy.validateCreate(n);
        nodeStrategy.validateUpdate(n, old as Node);
      }),
      { numRuns: 300 },
    );
  });
});

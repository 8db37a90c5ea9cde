import { describe, expect, it } from 'vitest';
import { podQOSClass } from '../../src/model/qos.js';
import type { Pod } from '../../src/model/types.js';

const pod = (...resources: { requests?: Record<string, string>; limits?: Record<string, string> }[]): Pod => ({
  spec: { containers: resources.map((r, i) => ({ name: `c${i}`, image: 'x', resources: r })) },
});

// Cases after kubernetes/kubernetes pkg/apis/core/helper/qos/qos_test.go TestGetPodQOS.
describe('podQOSClass', () => {
  it.each`
    why                                          | p                                                                                                     | expected
    ${'no resources'}                            | ${pod({})}                                                                                            | ${'BestEffort'}
    ${'zero requests count as none'}             | ${pod({ requests: { cpu: '0', memory: '0' } })}                                                       | ${'BestEffort'}
    ${'limits equal requests for cpu and memory'} | ${pod({ requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '100m', memory: '1Gi' } })}           | ${'Guaranteed'}
    ${'limits only (requests default to them)'}  | ${pod({ limits: { cpu: '1', memory: '1Gi' } })}                                                       | ${'Guaranteed'}
    ${'requests below limits'}                   | ${pod({ requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '200m', memory: '1Gi' } })}           | ${'Burstable'}
    ${'cpu limit missing'}                       | ${pod({ limits: { memory: '1Gi' } })}                                                                 | ${'Burstable'}
    ${'one best-effort container of two'}        | ${pod({ limits: { cpu: '1', memory: '1Gi' } }, {})}                                                   | ${'Burstable'}
    ${'requests only'}                           | ${pod({ requests: { cpu: '1' } })}                                                                    | ${'Burstable'}
    ${'equal values in other units'}             | ${pod({ requests: { cpu: '1', memory: '1024Mi' }, limits: { cpu: '1000m', memory: '1Gi' } })}          | ${'Guaranteed'}
  `('$why → $expected', ({ p, expected }) => {
    expect(podQOSClass(p)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/types.js';
import { nodePorts } from '../../../src/scheduler/plugins/node-ports.js';
import { makeNode, makePod, runFilter } from './basic-builders.js';

/** upstream newPod(host, "PROTOCOL/IP/PORT", ...): one container with those host ports. */
function portsPod(node: string | undefined, ...specs: string[]): Pod {
  const w = makePod();
  if (node) w.node(node);
  if (specs.length === 0) return w.container().obj();
  return w
    .ports(
      specs.map((s) => {
        const [protocol, hostIP, port] = s.split('/');
        return { protocol, hostIP, hostPort: Number(port), containerPort: Number(port) };
      }),
    )
    .obj();
}

// Ported from kubernetes/kubernetes pkg/scheduler/framework/plugins/nodeports/node_ports_test.go (TestNodePorts).
describe('NodePorts', () => {
  it.each([
    { name: 'nothing running', pod: [], existing: [], fits: true },
    { name: 'other port', pod: ['UDP/127.0.0.1/8080'], existing: ['UDP/127.0.0.1/9090'], fits: true },
    { name: 'same udp port', pod: ['UDP/127.0.0.1/8080'], existing: ['UDP/127.0.0.1/8080'], fits: false },
    { name: 'same tcp port', pod: ['TCP/127.0.0.1/8080'], existing: ['TCP/127.0.0.1/8080'], fits: false },
    { name: 'different host ip', pod: ['TCP/127.0.0.1/8080'], existing: ['TCP/127.0.0.2/8080'], fits: true },
    { name: 'different protocol', pod: ['UDP/127.0.0.1/8080'], existing: ['TCP/127.0.0.1/8080'], fits: true },
    { name: 'second udp port conflict', pod: ['UDP/127.0.0.1/8000', 'UDP/127.0.0.1/8080'], existing: ['UDP/127.0.0.1/8080'], fits: false },
    {
      name: 'first tcp port conflict',
      pod: ['TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8080'],
      existing: ['TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8081'],
      fits: false,
    },
    { name: 'first tcp port conflict due to 0.0.0.0 hostIP', pod: ['TCP/0.0.0.0/8001'], existing: ['TCP/127.0.0.1/8001'], fits: false },
    {
      name: 'TCP hostPort conflict due to 0.0.0.0 hostIP',
      pod: ['TCP/10.0.10.10/8001', 'TCP/0.0.0.0/8001'],
      existing: ['TCP/127.0.0.1/8001'],
      fits: false,
    },
    { name: 'second tcp port conflict to 0.0.0.0 hostIP', pod: ['TCP/127.0.0.1/8001'], existing: ['TCP/0.0.0.0/8001'], fits: false },
    { name: 'second different protocol', pod: ['UDP/127.0.0.1/8001'], existing: ['TCP/0.0.0.0/8001'], fits: true },
    {
      name: 'UDP hostPort conflict due to 0.0.0.0 hostIP',
      pod: ['UDP/127.0.0.1/8001'],
      existing: ['TCP/0.0.0.0/8001', 'UDP/0.0.0.0/8001'],
      fits: false,
    },
  ])('$name → fits $fits', ({ pod, existing, fits }) => {
    const status = runFilter(nodePorts, portsPod(undefined, ...pod), makeNode('m1').obj(), [portsPod('m1', ...existing)]);
    if (fits) expect(status.code).toBe('Success');
    else expect(status).toEqual({ code: 'Unschedulable', reasons: ["node(s) didn't have free ports for the requested pod ports"] });
  });

  it('ignores ports of init containers (v1.32 counts regular containers only)', () => {
    const existing = makePod().node('m1').obj();
    const w = makePod().node('m1').container();
    w.pod.spec!.initContainers = [{ name: 's', restartPolicy: 'Always', ports: [{ containerPort: 80, hostPort: 80 }] }];
    const sidecar = w.obj();
    expect(runFilter(nodePorts, portsPod(undefined, 'TCP/0.0.0.0/80'), makeNode('m1').obj(), [existing, sidecar]).code).toBe('Success');
  });
});

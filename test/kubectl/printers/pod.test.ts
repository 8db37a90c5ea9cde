import { describe, expect, it } from 'vitest';
import { podPrinter } from '../../../src/kubectl/printers/pod.js';
import type { StoredObject } from '../../../src/model/types.js';

const NOW = Date.UTC(2025, 0, 1, 1, 0, 0); // test data only; src/ never reads the clock
const ctx = { nowEpochMs: NOW, wide: false };

function pod(spec: object, status: object, meta: object = {}): StoredObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'test1', uid: 'u', resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', ...meta },
    spec,
    status,
  } as StoredObject;
}

const two = { containers: [{ name: 'a' }, { name: 'b' }] };

// Ported from kubernetes/kubernetes pkg/printers/internalversion/printers_test.go (TestPrintPod,
// TestPrintPodwide, TestPrintNonTerminatedPod): READY, STATUS and RESTARTS for each shape.
describe('printPod', () => {
  it.each([
    ['running, one ready', two, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: { running: {} } }, { restartCount: 3 }] }, {}, ['1/2', 'podPhase', '6']],
    ['waiting reason wins', two, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: { running: {} } }, { state: { waiting: { reason: 'ContainerWaitingReason' } }, restartCount: 3 }] }, {}, ['1/2', 'ContainerWaitingReason', '6']],
    ['terminated reason', two, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: { running: {} } }, { state: { terminated: { reason: 'ContainerTerminatedReason' } }, restartCount: 3 }] }, {}, ['1/2', 'ContainerTerminatedReason', '6']],
    ['terminated exit code', two, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: { running: {} } }, { state: { terminated: { exitCode: 2 } }, restartCount: 3 }] }, {}, ['1/2', 'ExitCode:2', '6']],
    ['terminated signal', two, { phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: { running: {} } }, { state: { terminated: { signal: 9 } }, restartCount: 3 }] }, {}, ['1/2', 'Signal:9', '6']],
    ['status.reason', two, { reason: 'PodReason', phase: 'podPhase', containerStatuses: [{ ready: true, restartCount: 3, state: { running: {} } }, { ready: true, restartCount: 3, state: { running: {} } }] }, {}, ['2/2', 'PodReason', '6']],
    ['terminating', two, { phase: 'Running', containerStatuses: [{ ready: true, state: { running: {} } }, { ready: true, state: { running: {} } }] }, { deletionTimestamp: '2025-01-01T00:59:00Z' }, ['2/2', 'Terminating', '0']],
    ['node lost', two, { phase: 'Running', reason: 'NodeLost' }, { deletionTimestamp: '2025-01-01T00:59:00Z' }, ['0/2', 'Unknown', '0']],
    ['succeeded pod being deleted keeps its phase', { containers: [{ name: 'a' }] }, { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { reason: 'Completed' } } }] }, { deletionTimestamp: '2025-01-01T00:59:00Z' }, ['0/1', 'Completed', '0']],
    ['container creating', { containers: [{ name: 'a' }] }, { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ContainerCreating' } } }] }, {}, ['0/1', 'ContainerCreating', '0']],
    ['crash loop with last restart time', { containers: [{ name: 'a' }] }, { phase: 'Running', containerStatuses: [{ restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { finishedAt: '2025-01-01T00:55:00Z' } } }] }, {}, ['0/1', 'CrashLoopBackOff', '4 (5m ago)']],
    ['init 0/1 running', { initContainers: [{ name: 'i' }], containers: [{ name: 'a' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { running: {} } }], containerStatuses: [{ state: { waiting: { reason: 'PodInitializing' } } }] }, {}, ['0/1', 'Init:0/1', '0']],
    ['init crash loop', { initContainers: [{ name: 'i' }], containers: [{ name: 'a' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }, {}, ['0/1', 'Init:CrashLoopBackOff', '2']],
    ['init exit code', { initContainers: [{ name: 'i' }], containers: [{ name: 'a' }] }, { phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { terminated: { exitCode: 1 } } }] }, {}, ['0/1', 'Init:ExitCode:1', '0']],
    ['sidecar counts toward READY', { initContainers: [{ name: 'i', restartPolicy: 'Always' }], containers: [{ name: 'a' }] }, { phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [{ name: 'i', started: true, ready: true, state: { running: {} } }], containerStatuses: [{ ready: true, state: { running: {} } }] }, {}, ['2/2', 'Running', '0']],
    ['completed container with another still running', two, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ ready: false, state: { terminated: { reason: 'Completed' } } }, { ready: true, state: { running: {} } }] }, {}, ['1/2', 'Running', '0']],
    ['scheduling gated', { containers: [{ name: 'a' }] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }, {}, ['0/1', 'SchedulingGated', '0']],
  ])('%s', (_why, spec, status, meta, [ready, st, restarts]) => {
    const row = podPrinter.row(pod(spec, status, meta), ctx);
    expect(row.slice(1, 5)).toEqual([ready, st, restarts, '60m'] /* HumanDuration: minutes up to 3 hours */);
  });

  it('wide columns: IP from podIPs, node, nominated node, readiness gates', () => {
    const p = pod(
      { nodeName: 'test1', readinessGates: [{ conditionType: 'condition1' }, { conditionType: 'condition2' }], containers: [{ name: 'a' }] },
      { phase: 'podPhase', podIPs: [{ ip: '1.1.1.1' }, { ip: '2001:db8::' }], nominatedNodeName: 'node1', conditions: [{ type: 'condition1', status: 'True' }] },
    );
    expect(podPrinter.row(p, { ...ctx, wide: true }).slice(5)).toEqual(['1.1.1.1', 'test1', 'node1', '1/2']);
  });
});

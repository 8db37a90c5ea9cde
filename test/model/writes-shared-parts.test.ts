/**
 * The write path shares, before validation, parts that repeat (a workload's selector and pod
 * template spec, a Node's resource lists, an update's labels and annotations), and the
 * validators skip a shared part that passed before. What a user can see: a part that is bad is
 * rejected every time, with the error naming the field, however often a good twin was stored;
 * stored objects read the same.
 *
 * @see kubernetes/kubernetes pkg/apis/core/validation/validation.go (ValidateNode resources, ValidatePodTemplateSpec)
 * @see kubernetes/kubernetes pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec)
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/clock/rng.js';
import { InvalidError } from '../../src/model/errors.js';
import type { StoreBatch } from '../../src/model/store.js';
import type { KubeObject } from '../../src/model/types.js';
import { createObject, updateObject, type WriteContext } from '../../src/model/writes.js';
import { batchWithDefaultNamespace, invalidFields } from './write-support.js';

const ctx: WriteContext = { nowMs: 0, epochMs: 0, ids: Rng.root('shared-parts') };

const batch = (): StoreBatch => batchWithDefaultNamespace(ctx);

const node = (name: string, capacity: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { capacity } }) as KubeObject;

const deployment = (name: string, image: string, replicas = 1): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image }] } },
    },
  }) as KubeObject;

describe('Node resource lists', () => {
  it('nodes of one shape share capacity; a bad quantity is still rejected by name', () => {
    const b = batch();
    const a = createObject(b, node('a', { cpu: '4', memory: '8Gi', pods: '110' }), ctx);
    const c = createObject(b, node('c', { cpu: '4', memory: '8Gi', pods: '110' }), ctx);
    const capA = (a.status as { capacity: unknown }).capacity;
    expect((c.status as { capacity: unknown }).capacity).toBe(capA);
    expect((c.status as { allocatable: unknown }).allocatable).toEqual({ cpu: '4', memory: '8Gi', pods: '110' });
    expect(invalidFields(() => createObject(b, node('d', { cpu: '4', memory: 'lots', pods: '110' }), ctx))).toEqual([
      'status.capacity.memory',
      'status.allocatable.memory',
    ]);
    // A status update carrying the stored list passes; one with a bad list does not.
    updateObject(b, { ...a, metadata: { name: 'a' }, status: { capacity: capA, allocatable: capA } } as KubeObject, ctx, { subresource: 'status' });
    expect(
      invalidFields(() =>
        updateObject(b, { ...a, metadata: { name: 'a' }, status: { capacity: capA, allocatable: { cpu: '-1' } } } as KubeObject, ctx, {
          subresource: 'status',
        }),
      ),
    ).toEqual(['status.allocatable.cpu']);
  });
});

describe('workload templates', () => {
  it('the same template applied to two Deployments is one stored value; a bad one is rejected each time', () => {
    const b = batch();
    const d1 = createObject(b, deployment('web', 'nginx:1'), ctx);
    const d2 = createObject(b, deployment('api', 'nginx:1'), ctx);
    const spec = (d: typeof d1) => (d.spec as { template: { spec: unknown } }).template.spec;
    expect(spec(d2)).toBe(spec(d1));
    expect(spec(d1)).toEqual(expect.objectContaining({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' }));
    for (const name of ['bad1', 'bad2']) {
      expect(invalidFields(() => createObject(b, deployment(name, ''), ctx))).toEqual(['spec.template.spec.containers[0].image']);
    }
  });

  it('an update keeps checking the selector against the template labels', () => {
    const b = batch();
    createObject(b, deployment('web', 'nginx:1'), ctx);
    const scaled = deployment('web', 'nginx:1', 3);
    expect((updateObject(b, scaled, ctx).spec as { replicas: number }).replicas).toBe(3);
    const moved = deployment('web', 'nginx:1', 3) as KubeObject & { spec: { selector: unknown } };
    moved.spec.selector = { matchLabels: { app: 'other' } };
    expect(invalidFields(() => updateObject(b, moved, ctx))).toEqual(['spec.template.metadata.labels', 'spec.selector']);
  });
});

describe('update metadata', () => {
  it('annotations equal to stored ones pass; a bad key is still rejected by name', () => {
    const b = batch();
    createObject(b, deployment('web', 'nginx:1'), ctx);
    const annotated = deployment('web', 'nginx:1') as KubeObject & { metadata: { annotations?: unknown } };
    annotated.metadata.annotations = { 'example.com/owner': 'team-a' };
    const stored = updateObject(b, annotated, ctx);
    expect(stored.metadata.annotations).toEqual({ 'example.com/owner': 'team-a' });
    const again = deployment('web', 'nginx:1') as KubeObject & { metadata: { annotations?: unknown } };
    again.metadata.annotations = { 'example.com/owner': 'team-a' };
    expect(updateObject(b, again, ctx)).toBe(stored);
    const bad = deployment('web', 'nginx:1') as KubeObject & { metadata: { annotations?: unknown } };
    bad.metadata.annotations = { 'bad key!': 'x' };
    expect(invalidFields(() => updateObject(b, bad, ctx))).toEqual(['metadata.annotations']);
  });
});

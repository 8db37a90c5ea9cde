import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsError,
  BadRequestError,
  ConflictError,
  createCluster,
  getObject,
  InvalidError,
  NotFoundError,
  RequestEntityTooLargeError,
  type Cluster,
  type Reconciler,
  type WatchEvent,
} from '../../src/index.js';

const deployment = (name: string, replicas = 2, image = 'nginx:1.27') => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
  },
});

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...extra },
});

/** What "nothing changed" means: same state object, same resourceVersion, same trace. */
function snapshot(c: Cluster) {
  return { state: c.state, rv: c.state.resourceVersion, hash: c.traceHash(), steps: c.trace().length };
}

describe('createCluster', () => {
  it('has the system namespaces and the requested nodes, spread over zones', () => {
    const c = createCluster({ nodes: 4, zones: ['z1', 'z2'], controlPlane: { masters: 3 } });
    expect(c.get('namespaces').map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    const nodes = c.get('nodes');
    expect(nodes.map((n) => n.metadata.name)).toEqual([
      'control-plane-1', 'control-plane-2', 'control-plane-3', 'node-1', 'node-2', 'node-3', 'node-4',
    ]);
    const workers = nodes.filter((n) => n.metadata.name.startsWith('node-'));
    expect(workers.map((n) => n.metadata.labels?.['topology.kubernetes.io/zone'])).toEqual(['z1', 'z2', 'z1', 'z2']);
    const master = c.get('node', 'control-plane-1');
    expect(master.metadata.labels).toHaveProperty('node-role.kubernetes.io/control-plane', '');
    expect((master.spec as { taints: unknown[] }).taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  });

  it('accepts node shorthands and full Node objects', () => {
    const c = createCluster({
      nodes: [
        { name: 'big', cpu: '16', memory: '64Gi', pods: 250, labels: { disk: 'ssd' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] },
        { apiVersion: 'v1', kind: 'Node', metadata: { name: 'raw' }, status: { allocatable: { cpu: '2' } } },
      ],
    });
    const big = c.get('no', 'big');
    expect((big.status as { allocatable: Record<string, string> }).allocatable).toMatchObject({ cpu: '16', memory: '64Gi', pods: '250' });
    expect(big.metadata.labels).toMatchObject({ disk: 'ssd', 'kubernetes.io/hostname': 'big' });
    expect(c.get('nodes', 'raw').metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects bad options with a typed error', () => {
    expect(() => createCluster({ nodes: -1 })).toThrow(BadRequestError);
    expect(() => createCluster({ zones: 'abc' as never })).toThrow(/zones/);
    expect(() => createCluster({ nodes: [{ name: 'Bad_Name' }] })).toThrow(InvalidError);
    expect(() => createCluster({ nodes: [{ name: 'n', cpu: 'lots' }] })).toThrow(/status\.capacity|status\.allocatable/);
  });
});

describe('determinism', () => {
  const run = (seed: number) => {
    const c = createCluster({ seed, nodes: 3, zones: 3 });
    c.apply([deployment('web'), deployment('api', 3)]);
    c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'job-' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    c.advance('1m');
    c.apply(deployment('web', 5, 'nginx:1.28'));
    c.delete('deploy', 'api');
    return c;
  };

  it('gives the same trace hash for the same seed and inputs', () => {
    const a = run(7);
    const b = run(7);
    expect(a.traceHash()).toBe(b.traceHash());
    expect(a.trace()).toEqual(b.trace());
    expect(a.get('pods').map((p) => p.metadata.name)).toEqual(b.get('pods').map((p) => p.metadata.name));
  });

  it('gives a different uid sequence (and trace hash) for a different seed', () => {
    const a = run(7);
    const b = run(8);
    const uids = (c: Cluster) => c.get('nodes').map((n) => n.metadata.uid);
    expect(uids(a)).not.toEqual(uids(b));
    expect(a.traceHash()).not.toBe(b.traceHash());
  });
});

describe('apply, create, replace, delete', () => {
  it('creates, then reports unchanged, then configured', () => {
    const c = createCluster();
    expect(c.apply(deployment('web')).map((r) => r.action)).toEqual(['created']);
    const rv = c.get('deploy', 'web').metadata.resourceVersion;
    expect(c.apply(deployment('web')).map((r) => r.action)).toEqual(['unchanged']);
    expect(c.get('deploy', 'web').metadata.resourceVersion).toBe(rv);
    expect(c.apply(deployment('web', 4)).map((r) => r.action)).toEqual(['configured']);
    expect((c.get('deploy', 'web').spec as { replicas: number }).replicas).toBe(4);
  });

  it('fills upstream defaults', () => {
    const c = createCluster();
    c.apply(deployment('web'));
    const d = c.get('deployments.apps', 'web');
    expect(d.spec).toMatchObject({
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(d.metadata.generation).toBe(1);
    expect(d.metadata.creationTimestamp).toBe('2025-01-01T00:00:00Z');
  });

  it('removes on re-apply a field that was dropped from the manifest', () => {
    const c = createCluster();
    c.apply({ ...deployment('web'), spec: { ...deployment('web').spec, paused: true } });
    expect((c.get('deploy', 'web').spec as { paused?: boolean }).paused).toBe(true);
    c.apply(deployment('web'));
    expect((c.get('deploy', 'web').spec as { paused?: boolean }).paused).toBeUndefined();
  });

  it('bumps generation on spec changes only', () => {
    const c = createCluster();
    c.apply(deployment('web'));
    c.apply({ ...deployment('web'), metadata: { name: 'web', labels: { app: 'web', tier: 'front' } } });
    expect(c.get('deploy', 'web').metadata.generation).toBe(1);
    c.apply(deployment('web', 3));
    expect(c.get('deploy', 'web').metadata.generation).toBe(2);
  });

  it('rejects a stale resourceVersion with Conflict (optimistic concurrency)', () => {
    const c = createCluster();
    c.apply(deployment('web'));
    const stale = JSON.parse(JSON.stringify(c.get('deploy', 'web')));
    c.apply(deployment('web', 3));
    const before = snapshot(c);
    stale.spec.replicas = 9;
    const err = (() => {
      try {
        c.replace(stale);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toBe(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(snapshot(c)).toEqual(before);
  });

  it('keeps status on a plain update and writes only status through updateStatus', () => {
    const c = createCluster({ controllers: false });
    c.apply(deployment('web'));
    const d = JSON.parse(JSON.stringify(c.get('deploy', 'web')));
    c.updateStatus({ ...d, status: { replicas: 2 }, spec: { ...d.spec, replicas: 7 } });
    const after = c.get('deploy', 'web');
    expect(after.status).toEqual({ replicas: 2 });
    expect((after.spec as { replicas: number }).replicas).toBe(2);
    const { resourceVersion: _rv, ...meta } = after.metadata;
    c.replace({ ...after, metadata: meta, status: { replicas: 99 } });
    expect(c.get('deploy', 'web').status).toEqual({ replicas: 2 });
  });

  it('names generated objects from the seeded stream, with upstream alphabet', () => {
    const c = createCluster({ seed: 3 });
    const [p] = c.create({ ...pod('x'), metadata: { generateName: 'web-' } });
    expect(p!.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('rejects duplicates and objects in missing namespaces', () => {
    const c = createCluster();
    c.create(pod('a'));
    expect(() => c.create(pod('a'))).toThrow(AlreadyExistsError);
    expect(() => c.create(pod('a'))).toThrow('pods "a" already exists');
    expect(() => c.create({ ...pod('b'), metadata: { name: 'b', namespace: 'nope' } })).toThrow('namespaces "nope" not found');
  });

  it('deletes an unscheduled pod at once and a scheduled one gracefully', () => {
    // No kubelet: it would finish the graceful deletion of a pod that never started at once.
    const c = createCluster({ scheduler: false, controllers: false });
    c.create(pod('loose'));
    expect(c.delete('po', 'loose').removed).toBe(true);
    expect(c.find('pod', 'loose')).toBeUndefined();
    c.create(pod('bound', { nodeName: 'node-1', terminationGracePeriodSeconds: 45 }));
    const r = c.delete('pods', 'bound');
    expect(r.removed).toBe(false);
    expect(r.object.metadata.deletionTimestamp).toBe('2025-01-01T00:00:45Z');
    expect(r.object.metadata.deletionGracePeriodSeconds).toBe(45);
    expect(c.delete('pods', 'bound', { gracePeriodSeconds: 0 }).removed).toBe(true);
    expect(() => c.delete('pods', 'bound')).toThrow(NotFoundError);
  });

  it('keeps an object with finalizers until they are removed', () => {
    const c = createCluster();
    c.create({ ...pod('f'), metadata: { name: 'f', finalizers: ['example.com/hold'] } });
    c.delete('pod', 'f');
    const held = c.get('pod', 'f');
    expect(held.metadata.deletionTimestamp).toBeDefined();
    const { resourceVersion: _rv, ...meta } = held.metadata;
    c.replace({ ...held, metadata: { ...meta, finalizers: [] } });
    expect(c.find('pod', 'f')).toBeUndefined();
  });

  it('adds the garbage collector finalizers for Orphan and Foreground propagation', () => {
    const c = createCluster();
    c.apply([deployment('a'), deployment('b')]);
    expect(c.delete('deploy', 'a', { propagationPolicy: 'Orphan' }).object.metadata.finalizers).toEqual(['orphan']);
    expect(c.delete('deploy', 'b', { propagationPolicy: 'Foreground' }).object.metadata.finalizers).toEqual(['foregroundDeletion']);
  });

  it('reads lists by namespace, across namespaces and by label selector', () => {
    const c = createCluster();
    c.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }, deployment('web'), deployment('api'), { ...deployment('db'), metadata: { name: 'db', namespace: 'team', labels: { app: 'db' } } }]);
    expect(c.get('deploy').map((d) => d.metadata.name)).toEqual(['api', 'web']);
    expect(c.get('deploy', undefined, { namespace: 'team' }).map((d) => d.metadata.name)).toEqual(['db']);
    expect(c.get('deploy', undefined, { allNamespaces: true }).map((d) => d.metadata.name)).toEqual(['api', 'web', 'db']);
    expect(c.get('deploy', undefined, { allNamespaces: true, selector: 'app in (db,web)' }).map((d) => d.metadata.name)).toEqual(['web', 'db']);
    expect(() => c.get('deploy', undefined, { selector: 'app in (' })).toThrow(BadRequestError);
    expect(() => c.get('widgets')).toThrow('the server doesn\'t have a resource type "widgets"');
  });
});

describe('bad input changes nothing', () => {
  const cases: [string, unknown, RegExp | (new (...a: never[]) => Error)][] = [
    ['invalid quantity', { ...pod('q'), spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '1.2.3' } } }] } }, InvalidError],
    ['invalid name', pod('Not_A_Name'), /metadata\.name: Invalid value: "Not_A_Name"/],
    ['invalid label', { ...pod('l'), metadata: { name: 'l', labels: { 'bad key!': 'v' } } }, InvalidError],
    ['selector mismatch', { ...deployment('web'), spec: { ...deployment('web').spec, selector: { matchLabels: { app: 'other' } } } }, /`selector` does not match template `labels`/],
    ['negative replicas', deployment('web', -1), /spec\.replicas: Invalid value: -1/],
    ['unknown kind', { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } }, /no matches for kind "Widget"/],
    ['wrong apiVersion', { ...deployment('web'), apiVersion: 'apps/v1beta1' }, /no matches for kind "Deployment" in version "apps\/v1beta1"/],
    ['bad YAML', 'apiVersion: v1\nkind: Pod\nmetadata: [unclosed', /error parsing YAML/],
    ['a scalar document', 'just a string', /must be an object/],
    ['a __proto__ key', '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","__proto__":{"polluted":true}},"spec":{"containers":[{"name":"c","image":"x"}]}}', /__proto__|not allowed/],
    ['a 10 MB document', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  annotations:\n    a: "${'x'.repeat(10 * 1024 * 1024)}"\n`, RequestEntityTooLargeError],
    ['wrong types', { ...deployment('web'), spec: { ...deployment('web').spec, replicas: 'three' } }, /cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32/],
    ['an unknown field', { ...deployment('web'), spec: { ...deployment('web').spec, replicaz: 3 } }, /strict decoding error: unknown field "spec\.replicaz"/],
  ];

  it.each(cases)('%s', (_why, input, expected) => {
    const c = createCluster();
    c.apply(deployment('keep'));
    const before = snapshot(c);
    expect(() => c.apply(input as object)).toThrow(expected as never);
    expect(snapshot(c)).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('applies a multi-document manifest all or nothing, naming the failing document', () => {
    const c = createCluster();
    const before = snapshot(c);
    const yaml = `apiVersion: v1
kind: Namespace
metadata: { name: ok }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: -2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: c, image: nginx }] }
`;
    expect(() => c.apply(yaml)).toThrow(/document 1 \(line 5\).*Deployment\.apps "web" is invalid/);
    expect(snapshot(c)).toEqual(before);
    expect(c.find('ns', 'ok')).toBeUndefined();
  });

  it('does not let stored objects be mutated from outside', () => {
    const c = createCluster();
    c.apply(deployment('web'));
    const d = c.get('deploy', 'web') as { spec: { replicas: number } };
    expect(() => {
      d.spec.replicas = 100;
    }).toThrow(TypeError);
    expect((c.get('deploy', 'web').spec as { replicas: number }).replicas).toBe(2);
  });
});

describe('virtual time and reconcilers', () => {
  /** A toy controller: mirrors a Deployment's spec.replicas into status, 2 s after it changes. */
  function mirror(log: string[]): Reconciler {
    return {
      name: 'mirror',
      watches: { Deployment: 'self' },
      reconcile(state, key, ctx) {
        const [ns, name] = key.split('/');
        const d = getObject(state, 'Deployment', ns, name!);
        if (!d) return { actions: [] };
        const want = (d.spec as { replicas: number }).replicas;
        const have = (d.status as { replicas?: number } | undefined)?.replicas;
        if (want === have) return { actions: [] };
        const waitedSince = Number(d.metadata.annotations?.['mirror/seen'] ?? -1);
        log.push(`${ctx.nowMs} ${key} want=${want} have=${have}`);
        if (waitedSince < 0 || ctx.nowMs - waitedSince < 2000) {
          if (waitedSince < 0) {
            return {
              actions: [{ verb: 'update', object: { ...d, metadata: { ...d.metadata, annotations: { ...d.metadata.annotations, 'mirror/seen': String(ctx.nowMs) } } } }],
              requeueAfterMs: 2000,
            };
          }
          return { actions: [], requeueAfterMs: 2000 - (ctx.nowMs - waitedSince) };
        }
        return {
          actions: [
            { verb: 'updateStatus', object: { ...d, status: { replicas: want } } },
            { verb: 'event', event: { involvedObject: { kind: 'Deployment', namespace: ns, name: name!, uid: d.metadata.uid }, type: 'Normal', reason: 'Mirrored', message: `replicas ${want}`, source: 'mirror' } },
          ],
        };
      },
    };
  }

  it('runs reconcilers on changes and requeues after virtual time', () => {
    const log: string[] = [];
    const c = createCluster({ controllers: false, reconcilers: [mirror(log)] });
    const events: string[] = [];
    c.on('event', (e) => events.push(`${(e as { reason?: string }).reason}`));
    c.apply(deployment('web', 3));
    expect(c.get('deploy', 'web').status).toEqual({});
    c.advance('1999ms');
    expect(c.get('deploy', 'web').status).toEqual({});
    c.advance(1);
    expect(c.get('deploy', 'web').status).toEqual({ replicas: 3 });
    expect(events).toEqual(['Mirrored']);
    expect(c.now).toBe(2000);
    expect(c.get('events').map((e) => (e as { reason?: string }).reason)).toEqual(['Mirrored']);
  });

  it('settles when no work is left, and reports a timeout otherwise', () => {
    const c = createCluster({ controllers: false, reconcilers: [mirror([])] });
    c.apply(deployment('web', 3));
    expect(c.settle({ timeout: '1s' })).toBe(false);
    expect(c.now).toBe(1000);
    expect(c.settle()).toBe(true);
    expect(c.now).toBe(2000);
    expect(c.get('deploy', 'web').status).toEqual({ replicas: 3 });
  });

  it('runUntil stops as soon as the predicate holds', () => {
    const c = createCluster({ controllers: false, reconcilers: [mirror([])] });
    c.apply(deployment('web', 3));
    const done = c.runUntil((s) => (getObject(s, 'Deployment', 'default', 'web')?.status as { replicas?: number } | undefined)?.replicas === 3, { timeout: '1m' });
    expect(done).toBe(true);
    expect(c.now).toBe(2000);
  });

  it('retries a failed action with backoff and records the failure in the trace', () => {
    let calls = 0;
    const flaky: Reconciler = {
      name: 'flaky',
      watches: { Namespace: (change) => (change.object?.metadata.name === 'default' ? ['default'] : []) },
      reconcile() {
        calls++;
        // Invalid the first three times, then valid.
        const name = calls <= 3 ? 'Bad_Name' : 'made-by-flaky';
        return { actions: [{ verb: 'create', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }] };
      },
    };
    const c = createCluster({ reconcilers: [flaky] });
    expect(c.trace().filter((e) => e.op === 'error')).toHaveLength(1);
    c.advance('4ms');
    expect(calls).toBe(1);
    c.advance('1ms'); // 5 ms
    expect(calls).toBe(2);
    c.advance('10ms'); // +10 ms
    expect(calls).toBe(3);
    c.advance('20ms'); // +20 ms
    expect(calls).toBe(4);
    expect(c.find('ns', 'made-by-flaky')).toBeDefined();
  });

  it("writes a reconciler's status update carrying the stored spec, and still rejects a non-JSON status", () => {
    const statuses: unknown[] = [{ replicas: Number.NaN }, { replicas: 5 }];
    const poster: Reconciler = {
      name: 'poster',
      watches: { Deployment: 'self' },
      reconcile(state, key) {
        const [ns, name] = key.split('/');
        const d = getObject(state, 'Deployment', ns, name!);
        const status = statuses.shift();
        if (!d || status === undefined) return { actions: [] };
        // The usual shape: the stored object (frozen spec and metadata) with a new status.
        return { actions: [{ verb: 'updateStatus', object: { ...d, status } }], requeueAfterMs: 1000 };
      },
    };
    const c = createCluster({ controllers: false, reconcilers: [poster] });
    c.apply(deployment('web', 3));
    const errors = c.trace().filter((e) => e.op === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ controller: 'poster', message: expect.stringContaining('status.replicas') });
    c.advance('1s');
    const after = c.get('deploy', 'web');
    expect(after.status).toEqual({ replicas: 5 });
    expect((after.spec as { replicas: number }).replicas).toBe(3);
  });

  it('turns a throwing reconciler into an InternalError naming it', () => {
    const boom: Reconciler = { name: 'boom', watches: { Namespace: 'self' }, reconcile: () => { throw new Error('kaput'); } };
    expect(() => createCluster({ reconcilers: [boom] })).toThrow('reconciler boom threw on default: kaput');
  });

  it('emits watch events for every write', () => {
    const c = createCluster({ nodes: 0, controllers: false });
    const seen: string[] = [];
    c.on('watch', (e: WatchEvent) => seen.push(`${e.type} ${e.kind} ${e.object.metadata.name}`));
    c.apply(deployment('web'));
    c.apply(deployment('web', 3));
    c.delete('deploy', 'web');
    expect(seen).toEqual(['ADDED Deployment web', 'MODIFIED Deployment web', 'DELETED Deployment web']);
  });

  it('rejects time going backwards and bad durations', () => {
    const c = createCluster();
    expect(() => c.advance(-1)).toThrow(BadRequestError);
    expect(() => c.advance('soon')).toThrow('time: invalid duration "soon"');
    c.advance('1h30m');
    expect(c.now).toBe(5_400_000);
    expect(c.nowTimestamp).toBe('2025-01-01T01:30:00Z');
  });
});

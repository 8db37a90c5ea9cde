/**
 * The label index's selector counters (index/selector-counts.ts) are kept incrementally as the
 * scheduler cache places, assumes, confirms, forgets, relabels and deletes pods, and as nodes
 * are relabelled, removed and re-added. After every step each counter must equal a count from
 * scratch over the cache's nodes (countPodsMatchSelector: same namespace, not terminating,
 * selected): per node, per node name, and summed per zone label value. Counters are asked for
 * at random points, so some start empty and follow every change, others start mid-run.
 *
 * A planted bug (counters that ignore deletionTimestamp) must make the property fail: the
 * generated runs do reach the states that tell a wrong counter from a right one.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Node, Pod } from '../../src/model/types.js';
import { parseSelector, type Selector } from '../../src/model/labels/selector.js';
import { SchedulerCache } from '../../src/scheduler/cache.js';
import { nodeLabels } from '../../src/scheduler/framework.js';
import { countPodsMatchSelector } from '../../src/scheduler/plugins/pod-topology-spread/common.js';
import { SelectorCounter } from '../../src/scheduler/index/selector-counts.js';

const NAMESPACES = ['ns1', 'ns2'];
const SELECTORS = ['app=a', 'app in (a,b)', 'app=a,tier=web', 'tier=web', 'app=b,tier!=web', 'app in (b,b,c)'];
const ZONE = 'topology.kubernetes.io/zone';
const NODES = 5;

const opArb = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('bind' as const), pod: fc.nat(11), node: fc.nat(NODES - 1) }), weight: 4 },
  fc.record({ op: fc.constant('assume' as const), pod: fc.nat(11), node: fc.nat(NODES - 1) }),
  fc.record({ op: fc.constant('confirm' as const), pod: fc.nat(11) }),
  fc.record({ op: fc.constant('forget' as const), pod: fc.nat(11) }),
  fc.record({ op: fc.constant('delete' as const), pod: fc.nat(11) }),
  { arbitrary: fc.record({ op: fc.constant('terminate' as const), pod: fc.nat(11) }), weight: 2 },
  fc.record({ op: fc.constant('succeed' as const), pod: fc.nat(11) }),
  fc.record({ op: fc.constant('relabelPod' as const), pod: fc.nat(11), app: fc.constantFrom('a', 'b', 'c'), web: fc.boolean() }),
  {
    arbitrary: fc.record({ op: fc.constant('relabelNode' as const), node: fc.nat(NODES - 1), zone: fc.option(fc.constantFrom('z1', 'z2', 'z3'), { nil: undefined }) }),
    weight: 2,
  },
  fc.record({ op: fc.constant('removeNode' as const), node: fc.nat(NODES - 1) }),
  fc.record({ op: fc.constant('addNode' as const), node: fc.nat(NODES - 1) }),
  { arbitrary: fc.record({ op: fc.constant('watch' as const), sel: fc.nat(SELECTORS.length - 1), ns: fc.constantFrom(...NAMESPACES) }), weight: 3 },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

const podsArb = fc.array(
  fc.record({ app: fc.constantFrom('a', 'b', 'c'), web: fc.boolean(), ns: fc.constantFrom(...NAMESPACES) }),
  { minLength: 12, maxLength: 12 },
);

function makeNode(i: number, zone: string | undefined): Node {
  const labels: Record<string, string> = { 'kubernetes.io/hostname': `n${i}` };
  if (zone !== undefined) labels[ZONE] = zone;
  return Object.freeze({ apiVersion: 'v1', kind: 'Node', metadata: { name: `n${i}`, labels }, spec: {}, status: { allocatable: { cpu: '8', memory: '16Gi', pods: '110' } } }) as Node;
}

interface PodIn {
  app: string;
  web: boolean;
  ns: string;
}

function makePod(i: number, p: PodIn, extra: { nodeName?: string; terminating?: boolean; phase?: string } = {}): Pod {
  const labels: Record<string, string> = { app: p.app };
  if (p.web) labels.tier = 'web';
  const metadata: Record<string, unknown> = { name: `p${i}`, namespace: p.ns, uid: `uid-${i}`, labels };
  if (extra.terminating) metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  const spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'img' }] };
  if (extra.nodeName !== undefined) spec.nodeName = extra.nodeName;
  const status = extra.phase !== undefined ? { phase: extra.phase } : {};
  return Object.freeze({ apiVersion: 'v1', kind: 'Pod', metadata, spec, status }) as unknown as Pod;
}

/** Applies ops to a cache; after each, every counter asked for so far against a fresh count. */
function run(podsIn: PodIn[], ops: Op[]): void {
  const cache = new SchedulerCache();
  const zones: (string | undefined)[] = ['z1', 'z2', 'z3', 'z1', undefined];
  for (let i = 0; i < NODES; i++) cache.setNode(makeNode(i, zones[i]));
  /** The store's view of each pod (what updatePod's oldPod is), and assumed ones. */
  const stored: (Pod | undefined)[] = podsIn.map(() => undefined);
  const assumed: (Pod | undefined)[] = podsIn.map(() => undefined);
  const watched: { ns: string; selector: Selector; counter: SelectorCounter }[] = [];
  const write = (i: number, next: Pod | undefined) => {
    cache.updatePod(stored[i], next);
    stored[i] = next;
    assumed[i] = undefined;
  };
  for (const o of ops) {
    switch (o.op) {
      case 'bind':
        write(o.pod, makePod(o.pod, podsIn[o.pod]!, { nodeName: `n${o.node}` }));
        break;
      case 'assume': {
        if (stored[o.pod]?.spec?.nodeName !== undefined || assumed[o.pod] !== undefined) break;
        const p = stored[o.pod] ?? makePod(o.pod, podsIn[o.pod]!);
        if (stored[o.pod] === undefined) write(o.pod, p);
        cache.assume(p, `n${o.node}`);
        assumed[o.pod] = p;
        break;
      }
      case 'confirm': {
        const p = assumed[o.pod];
        if (p === undefined) break;
        write(o.pod, makePod(o.pod, podsIn[o.pod]!, { nodeName: cache.nodeOf(`${p.metadata!.namespace}/${p.metadata!.name}`) ?? 'n0' }));
        break;
      }
      case 'forget':
        if (assumed[o.pod] !== undefined) cache.forget(assumed[o.pod]!);
        assumed[o.pod] = undefined;
        break;
      case 'delete':
        if (stored[o.pod] !== undefined) write(o.pod, undefined);
        break;
      case 'terminate':
      case 'succeed': {
        const p = stored[o.pod];
        if (p === undefined) break;
        const nodeName = p.spec?.nodeName;
        const extra = o.op === 'terminate' ? { nodeName, terminating: true } : { nodeName, phase: 'Succeeded' };
        write(o.pod, makePod(o.pod, podsIn[o.pod]!, nodeName === undefined ? { ...extra, nodeName: undefined } : extra));
        break;
      }
      case 'relabelPod': {
        podsIn[o.pod] = { ...podsIn[o.pod]!, app: o.app, web: o.web };
        const p = stored[o.pod];
        if (p !== undefined && assumed[o.pod] === undefined) write(o.pod, makePod(o.pod, podsIn[o.pod]!, { nodeName: p.spec?.nodeName }));
        break;
      }
      case 'relabelNode':
        if (cache.get(`n${o.node}`) !== undefined) cache.setNode(makeNode(o.node, o.zone));
        break;
      case 'removeNode':
        cache.removeNode(`n${o.node}`);
        break;
      case 'addNode':
        if (cache.get(`n${o.node}`) === undefined) cache.setNode(makeNode(o.node, zones[o.node]));
        break;
      case 'watch': {
        const selector = parseSelector(SELECTORS[o.sel]!);
        const counter = cache.podLabelIndex.counter(o.ns, selector)!;
        counter.totalsBy(ZONE);
        watched.push({ ns: o.ns, selector, counter });
        break;
      }
    }
    for (const w of watched) check(cache, w.ns, w.selector, w.counter);
  }
}

/** The counter against countPodsMatchSelector over every node of the cache. */
function check(cache: SchedulerCache, ns: string, selector: Selector, counter: SelectorCounter): void {
  const byNode = new Map<string, number>();
  const byZone = new Map<string, number>();
  for (const ni of cache.nodes) {
    const n = countPodsMatchSelector(ni.pods, selector, ns);
    if (n === 0) continue;
    byNode.set(ni.name, n);
    const zone = nodeLabels(ni)?.[ZONE] ?? '';
    byZone.set(zone, (byZone.get(zone) ?? 0) + n);
  }
  const sorted = (m: ReadonlyMap<string, number>) => [...m].sort((x, y) => (x[0] < y[0] ? -1 : 1));
  expect(sorted(counter.byName)).toEqual(sorted(byNode));
  expect(sorted(new Map([...counter.counts].map(([ni, n]) => [ni.name, n])))).toEqual(sorted(byNode));
  expect(sorted(counter.totalsBy(ZONE))).toEqual(sorted(byZone));
}

const property = fc.property(podsArb, fc.array(opArb, { maxLength: 60 }), (pods, ops) => run(pods, ops));

describe('selector counters of the pod label index', () => {
  it('equal a count from scratch after every cache change', () => {
    fc.assert(property, { numRuns: 300, seed: 4 });
  });

  it('a counter that ignores deletionTimestamp is caught (planted bug)', () => {
    const right = SelectorCounter.prototype.counts1;
    SelectorCounter.prototype.counts1 = function (this: SelectorCounter, pi) {
      const md = pi.pod.metadata;
      return (md?.namespace ?? '') === this.ns && this.selector.matches(md?.labels);
    };
    try {
      expect(fc.check(property, { numRuns: 300, seed: 4 }).failed).toBe(true);
    } finally {
      SelectorCounter.prototype.counts1 = right;
    }
  });

  it('are not asked for selectors without an = or in requirement', () => {
    const cache = new SchedulerCache();
    expect(cache.podLabelIndex.counter('ns1', parseSelector('app,tier!=web'))).toBeUndefined();
    expect(cache.podLabelIndex.counterCount).toBe(0);
  });
});

/**
 * Which ResourceView (fast-view.ts) a pod reads: views are kept per node table, term list and
 * pod resource shape (its requests and non-zero requests, and the Fit step's figures), least
 * recently used dropped first past MAX_VIEWS. Pods of one ReplicaSet share a shape and come
 * one after another, so the last view is remembered with the frozen spec it was asked for.
 */
import { ResourceView, type AllocTerm } from './fast-view.js';
import type { FilterSteps } from './fast-plan.js';
import type { NodeTable } from './node-table.js';
import { podInfoFor } from './node-info.js';
import type { Pod } from '../model/types.js';

/** The views kept per table and plan (a workload's pod shapes; more are rebuilt on demand). */
const MAX_VIEWS = 64;

/** The key of a pod's resource shape: what fitsRow and score read of the pod. */
function shapeKey(pod: Pod, fit: FilterSteps['fit']): string {
  const info = podInfoFor(pod);
  const r = info.requests;
  const nz = info.nonZeroRequests;
  const f = fit === null ? 'x' : `${fit.cpu},${fit.mem},${fit.eph},${fit.empty ? 1 : 0}`;
  return `${f}|${r.milliCpu},${r.memory}|${nz.milliCpu},${nz.memory}`;
}

/**
 * The views of one table and term list by shape key, least recently used first, and the one
 * returned last with the frozen spec and fit it was asked for: pods of one ReplicaSet come
 * one after another and share their spec object, so the next pod usually finds its view
 * there, without building its shape key (the view is already the most recently used).
 */
interface ViewCache {
  readonly byShape: Map<string, ResourceView>;
  lastSpec: object | undefined;
  lastFit: FilterSteps['fit'];
  last: ResourceView | undefined;
}

const views = new WeakMap<NodeTable, WeakMap<readonly AllocTerm[], ViewCache>>();

function sameFit(a: FilterSteps['fit'], b: FilterSteps['fit']): boolean {
  if (a === null || b === null) return a === b;
  return a.cpu === b.cpu && a.mem === b.mem && a.eph === b.eph && a.empty === b.empty;
}

/**
 * The view of `pod`'s shape for these terms on this table, synced; with `lazy`, only for reads
 * through blockOffset / currentRows (see the header).
 */
export function viewFor(t: NodeTable, terms: readonly AllocTerm[], fit: FilterSteps['fit'], pod: Pod, lazy = false): ResourceView {
  let byTerms = views.get(t);
  if (byTerms === undefined) views.set(t, (byTerms = new WeakMap()));
  let cache = byTerms.get(terms);
  if (cache === undefined) byTerms.set(terms, (cache = { byShape: new Map(), lastSpec: undefined, lastFit: null, last: undefined }));
  const spec = pod.spec;
  let v: ResourceView | undefined;
  // The shape is read from the spec alone (podInfoFor's requests), so a frozen spec seen last
  // with an equal fit has the last view's shape.
  if (spec != null && spec === cache.lastSpec && sameFit(fit, cache.lastFit)) v = cache.last!;
  else {
    const byShape = cache.byShape;
    const key = shapeKey(pod, fit);
    v = byShape.get(key);
    if (v !== undefined) byShape.delete(key);
    else {
      v = new ResourceView(terms, fit, pod);
      if (byShape.size >= MAX_VIEWS) byShape.delete(byShape.keys().next().value!);
    }
    byShape.set(key, v); // most recently used last
    cache.lastSpec = spec != null && Object.isFrozen(spec) ? spec : undefined;
    cache.lastFit = fit;
    cache.last = v;
  }
  if (lazy) v.syncLayout(t);
  else v.sync(t);
  return v;
}

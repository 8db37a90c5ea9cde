/**
 * `kubectl apply` on the server side of kubesim: create the object, or update it with a
 * three-way merge between the last-applied configuration (kept in the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation, as kubectl does), what the
 * user applies now, and the live object — so fields removed from the manifest are removed,
 * and fields set by the server or other writers are kept.
 */
import { BadRequestError } from '../model/errors.js';
import { copyJson, type JsonValue } from '../model/json.js';
import { kindInfo } from '../model/kinds.js';
import { applyMergePatch, threeWayMergePatch } from '../model/merge-patch.js';
import type { StoreBatch } from '../model/store.js';
import type { KubeObject, StoredObject } from '../model/types.js';
import { createObject, resolveKind, updateObject, type WriteContext } from '../model/writes.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyResult {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly action: ApplyAction;
  readonly object: StoredObject;
}

/** kubectl's one-line summary: `deployment.apps/web created`. */
export function formatApplyResult(r: ApplyResult): string {
  const info = kindInfo(r.kind);
  const resource = info.group === '' ? info.singular : `${info.singular}.${info.group}`;
  return `${resource}/${r.name} ${r.action}`;
}

function withLastApplied(desired: KubeObject): KubeObject {
  const obj = copyJson(desired);
  const meta = (obj.metadata = { ...(obj.metadata ?? {}) });
  const annotations = { ...(meta.annotations ?? {}) };
  delete annotations[LAST_APPLIED_ANNOTATION];
  meta.annotations = annotations;
  // kubectl records the configuration without the annotation itself.
  const recorded = copyJson(obj);
  if (Object.keys(annotations).length === 0) delete recorded.metadata!.annotations;
  annotations[LAST_APPLIED_ANNOTATION] = JSON.stringify(recorded);
  return obj;
}

export function applyObject(batch: StoreBatch, desired: KubeObject, ctx: WriteContext): ApplyResult {
  const info = resolveKind(desired);
  const meta = desired.metadata;
  const name = meta && typeof meta.name === 'string' ? meta.name : '';
  if (name === '') {
    throw new BadRequestError(`error when retrieving current configuration of ${info.kind}: resource name may not be empty`);
  }
  const namespace = info.namespaced ? (meta?.namespace ?? 'default') : undefined;
  const live = batch.get(info.kind, namespace, name);
  const next = withLastApplied(desired);
  if (!live) {
    const object = createObject(batch, next, ctx);
    return { kind: info.kind, namespace, name, action: 'created', object };
  }
  const lastText = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  let lastApplied: JsonValue | undefined;
  if (lastText !== undefined) {
    try {
      lastApplied = JSON.parse(lastText) as JsonValue;
    } catch {
      lastApplied = undefined; // a hand-edited annotation: fall back to a two-way merge
    }
  }
  const patch = threeWayMergePatch(lastApplied, next as JsonValue, live as unknown as JsonValue);
  const merged = applyMergePatch(copyJson(live) as unknown as JsonValue, patch) as KubeObject;
  const object = updateObject(batch, merged, ctx);
  return { kind: info.kind, namespace, name, action: object === live ? 'unchanged' : 'configured', object };
}

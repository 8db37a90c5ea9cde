/**
 * The verbs that change workloads: `scale`, `set image`, `patch` and the `rollout` family.
 * The server-side work is the target's (Cluster.scale, setImage, rollout.*, patch); this module
 * parses kubectl's arguments and prints kubectl's lines. `rollout status` waits, as kubectl does
 * (its default --watch=true), by advancing virtual time until the rollout finishes, fails, or
 * --timeout passes.
 *
 * @see kubernetes/kubectl pkg/cmd/scale/scale.go, pkg/cmd/set/set_image.go, pkg/cmd/patch/patch.go,
 *      pkg/cmd/rollout/*.go
 */
import { NotFoundError } from '../../model/errors.js';
import { groupResource, type KindInfo } from '../../model/kinds.js';
import { patchObject, type PatchType } from '../../model/patch.js';
import type { KubeObject } from '../../model/types.js';
import { flagBool, type ParsedArgs } from '../args.js';
import { KubectlError, clientError, fromServerError, usageError } from '../errors.js';
import { TABLE_TABWRITER, tabwrite } from '../tabwriter.js';
import type { KubectlTarget } from '../target.js';
import { call, intFlag, need, resourceName, typeAndName } from './common.js';
import { jsonEqual } from '../../model/json.js';

export function runScale(target: KubectlTarget, args: ParsedArgs, namespace: string): string {
  const { info, name } = typeAndName(args.positional.slice(1), 'scale');
  const replicas = intFlag(args, 'replicas', 'scale');
  if (replicas === undefined || replicas < 0) throw clientError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  call(() => need(target, 'scale', 'scale')(`${info.plural}/${name}`, replicas, { namespace }));
  return `${resourceName(info)}/${name} scaled\n`;
}

/** kubectl set image TYPE/NAME CONTAINER=IMAGE ... */
export function runSet(target: KubectlTarget, args: ParsedArgs, namespace: string): string {
  if (args.positional[1] !== 'image') throw usageError(`unknown command "${args.positional[1] ?? ''}" for "kubectl set" (kubesim supports: image)`, 'set');
  const { info, name, rest } = typeAndName(args.positional.slice(2), 'set image');
  const pairs = rest.map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0) throw usageError(`invalid image argument: ${p}, expected CONTAINER=IMAGE`, 'set image');
    return { container: p.slice(0, eq), image: p.slice(eq + 1) };
  });
  if (pairs.length === 0) throw usageError('at least one image update is required', 'set image');
  const setImage = need(target, 'setImage', 'set image');
  for (const { container, image } of pairs) call(() => setImage(`${info.plural}/${name}`, container, image, { namespace }));
  return `${resourceName(info)}/${name} image updated\n`;
}

/** kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]. */
export function runPatch(target: KubectlTarget, args: ParsedArgs, namespace: string): string {
  const { info, name } = typeAndName(args.positional.slice(1), 'patch');
  const patch = args.flags.get('patch');
  if (patch === undefined) throw usageError('must specify -p to patch', 'patch');
  const type = (args.flags.get('type') ?? 'strategic') as PatchType;
  if (!['strategic', 'merge', 'json'].includes(type)) throw clientError(`--type must be one of [json merge strategic], not "${type}"`);
  const before = target.find(info.plural, name, { namespace });
  if (!before) throw fromServerError(new NotFoundError(groupResource(info), name));
  let after;
  if (target.patch) {
    after = call(() => target.patch!(info.kind, name, patch, { type, namespace }));
  } else {
    // The Cluster has no patch() yet: patch client-side and write the result with replace.
    const next = call(() => patchObject(before, patch, type)) as KubeObject;
    if (next.metadata) delete (next.metadata as { resourceVersion?: string }).resourceVersion;
    after = call(() => need(target, 'replace', 'patch')(next))[0]!;
  }
  const unchanged = jsonEqual(before, after);
  return `${resourceName(info)}/${name} patched${unchanged ? ' (no change)' : ''}\n`;
}

function historyTable(info: KindInfo, name: string, revisions: readonly { revision: number; changeCause?: string }[]): string {
  const rows = ['REVISION\tCHANGE-CAUSE', ...[...revisions].sort((a, b) => a.revision - b.revision).map((r) => `${r.revision}\t${r.changeCause ?? '<none>'}`)];
  return `${resourceName(info)}/${name} \n${tabwrite(`${rows.join('\n')}\n`, { ...TABLE_TABWRITER, minwidth: 0, padding: 2 })}\n`;
}

function rolloutStatus(target: KubectlTarget, args: ParsedArgs, ref: string, namespace: string): string {
  const rollout = need(target, 'rollout', 'rollout status');
  const watch = args.flags.get('watch') !== 'false';
  const lines: string[] = [];
  const note = (m: string): void => {
    if (lines[lines.length - 1] !== m) lines.push(m);
  };
  let status = call(() => rollout.status(ref, { namespace }));
  note(status.message);
  if (watch && !status.done && status.error === undefined && target.runUntil) {
    const timeout = args.flags.get('timeout') ?? '10m';
    target.runUntil(
      () => {
        status = rollout.status(ref, { namespace });
        note(status.message);
        return status.done || status.error !== undefined;
      },
      { timeout: timeout === '0s' || timeout === '0' ? '10m' : timeout },
    );
    if (!status.done && status.error === undefined) {
      throw new KubectlError('BadRequest', 'error: timed out waiting for the condition', `${lines.join('\n')}\n`);
    }
  }
  if (status.error !== undefined) throw new KubectlError('BadRequest', `error: ${status.error}`, `${lines.slice(0, -1).join('\n')}${lines.length > 1 ? '\n' : ''}`);
  return `${lines.join('\n')}\n`;
}

export function runRollout(target: KubectlTarget, args: ParsedArgs, namespace: string): string {
  const sub = args.positional[1];
  const { info, name } = typeAndName(args.positional.slice(2), `rollout ${sub ?? ''}`.trim());
  const ref = `${info.plural}/${name}`;
  const rollout = need(target, 'rollout', `rollout ${sub}`);
  const id = `${resourceName(info)}/${name}`;
  switch (sub) {
    case 'status':
      return rolloutStatus(target, args, ref, namespace);
    case 'history': {
      const revisions = call(() => rollout.history(ref, { namespace }));
      const want = intFlag(args, 'revision', 'rollout history');
      if (want !== undefined && want > 0) {
        const r = revisions.find((x) => x.revision === want);
        if (!r) throw clientError(`unable to find the specified revision`);
        return `${id} with revision #${want}\n${JSON.stringify((r as { template?: unknown }).template ?? {}, null, 2)}\n`;
      }
      return historyTable(info, name, revisions);
    }
    case 'undo': {
      const toRevision = intFlag(args, 'to-revision', 'rollout undo') ?? 0;
      const r = call(() => rollout.undo(ref, { namespace, toRevision }));
      return r.skipped ? `${id} skipped rollback (current template already matches revision ${r.revision})\n` : `${id} rolled back\n`;
    }
    case 'pause':
      call(() => rollout.pause(ref, { namespace }));
      return `${id} paused\n`;
    case 'resume':
      call(() => rollout.resume(ref, { namespace }));
      return `${id} resumed\n`;
    case 'restart':
      call(() => rollout.restart(ref, { namespace }));
      return `${id} restarted\n`;
    default:
      throw usageError(`unknown command "${sub ?? ''}" for "kubectl rollout" (history, pause, restart, resume, status, undo)`, 'rollout');
  }
}

export { flagBool };

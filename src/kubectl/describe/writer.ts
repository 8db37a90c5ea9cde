/**
 * describe's PrefixWriter over one tabwriter (minwidth 0, padding 2): `write(level, text)`
 * indents by two spaces per level; `flush()` lays out everything so far as its own table, as
 * DescribeEvents does before the Events table. Plus the multi-line helpers every describer
 * uses: labels, annotations, taints, tolerations, and the Events table itself.
 *
 * @see kubernetes/kubectl pkg/describe/describe.go (PrefixWriter, printLabelsMultiline,
 *   printAnnotationsMultiline, printTaintsMultiline, printTolerationsMultiline, DescribeEvents)
 */
import { compareGoStrings } from '../../model/labels/selector.js';
import { age, sortedKeys, str, timeMs, type PrintContext } from '../format.js';
import type { Loose } from '../printers/types.js';
import { DESCRIBE_TABWRITER, tabwrite } from '../tabwriter.js';

export class DescribeWriter {
  private done = '';
  private pending = '';

  write(level: number, text: string): void {
    this.pending += '  '.repeat(level) + text;
  }

  flush(): void {
    this.done += tabwrite(this.pending, DESCRIBE_TABWRITER);
    this.pending = '';
  }

  toString(): string {
    this.flush();
    return this.done;
  }
}

/** printLabelsMultilineWithIndent: `Title:<inner>k=v` then continuation lines. */
export function writeLabels(
  w: DescribeWriter,
  title: string,
  labels: Readonly<Record<string, string>> | undefined | null,
  initialIndent = '',
  innerIndent = '\t',
): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const keys = sortedKeys(labels);
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, `${initialIndent}${innerIndent}`);
    w.write(0, `${k}=${labels![k]}\n`);
  });
}

const SKIP_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_ANNOTATION_LEN = 140;

/** printAnnotationsMultilineWithIndent: `key: value`, long or multi-line values on their own lines. */
export function writeAnnotations(
  w: DescribeWriter,
  title: string,
  annotations: Readonly<Record<string, string>> | undefined | null,
  initialIndent = '',
  innerIndent = '\t',
): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const keys = sortedKeys(annotations).filter((k) => !SKIP_ANNOTATIONS.has(k));
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  const indent = `${initialIndent}${innerIndent}`;
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, indent);
    const value = annotations![k]!.replace(/\n$/, '');
    if (value.length + k.length + 2 > MAX_ANNOTATION_LEN || value.includes('\n')) {
      w.write(0, `${k}:\n`);
      for (const s of value.split('\n')) {
        const short = s.length > MAX_ANNOTATION_LEN - 2 ? `${s.slice(0, MAX_ANNOTATION_LEN - 2)}...` : s;
        w.write(0, `${indent}  ${short}\n`);
      }
    } else {
      w.write(0, `${k}: ${value}\n`);
    }
  });
}

/** Taint.ToString: `key=value:effect` or `key:effect`. */
export function taintString(t: Loose): string {
  return t.value ? `${t.key}=${t.value}:${t.effect}` : `${t.key}:${t.effect}`;
}

export function writeTaints(w: DescribeWriter, title: string, taints: Loose[] | undefined): void {
  w.write(0, `${title}:\t`);
  const list = [...(taints ?? [])];
  if (list.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  list.sort((a, b) => compareGoStrings(`${a.effect},${a.key}`, `${b.effect},${b.key}`));
  list.forEach((t, i) => {
    if (i !== 0) w.write(0, '\t');
    w.write(0, `${taintString(t)}\n`);
  });
}

export function writeTolerations(w: DescribeWriter, title: string, tolerations: Loose[] | undefined, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const list = [...(tolerations ?? [])];
  if (list.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  list.sort((a, b) => compareGoStrings(str(a.key), str(b.key)));
  list.forEach((t, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    let s = str(t.key);
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    if (typeof t.tolerationSeconds === 'number') s += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${s}\n`);
  });
}

/** The events about an object, oldest last-seen first (event.SortableEvents, stable). */
export function eventsFor(events: readonly Loose[], obj: Loose): Loose[] {
  const uid = obj.metadata?.uid;
  return events
    .filter((e) => {
      const io = e.involvedObject ?? {};
      return io.kind === obj.kind && io.name === obj.metadata?.name && (io.uid === undefined || io.uid === '' || io.uid === uid);
    })
    .map((e, i) => ({ e, i, t: timeMs(e.lastTimestamp) ?? Number.NEGATIVE_INFINITY }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
}

export function writeEvents(w: DescribeWriter, events: readonly Loose[], ctx: PrintContext): void {
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.flush();
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  for (const e of events) {
    const first = e.eventTime ? age(e.eventTime, ctx) : age(e.firstTimestamp, ctx);
    let interval = first;
    if (e.series) interval = `${age(e.series.lastObservedTime, ctx)} (x${e.series.count} over ${first})`;
    else if ((e.count ?? 0) > 1) interval = `${age(e.lastTimestamp, ctx)} (x${e.count} over ${first})`;
    const source = str(e.source?.component) || str(e.reportingComponent);
    w.write(1, `${str(e.type)}\t${str(e.reason)}\t${interval}\t${source}\t${str(e.message).trim()}\n`);
  }
}

/** printController: `Kind/name` of the controller owner, or ''. */
export function controlledBy(obj: Loose): string {
  const ref = ((obj.metadata?.ownerReferences ?? []) as Loose[]).find((r) => r.controller === true);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

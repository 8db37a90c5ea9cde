/**
 * `kubectl get events | namespaces | poddisruptionbudgets | priorityclasses | leases`.
 *
 * Event: LAST SEEN TYPE REASON OBJECT MESSAGE (+ SUBOBJECT SOURCE FIRST SEEN COUNT NAME
 * interleaved where upstream puts them); OBJECT is `kind/name` in lower case.
 *
 * @see kubernetes/kubernetes pkg/printers/internalversion/printers.go (printEvent,
 *   printNamespace, printPodDisruptionBudget, printPriorityClass, printLease)
 */
import { age, num, str, type PrintContext } from '../format.js';
import { cols, type Loose, type Printer } from './types.js';

/** translateMicroTimestampSince over eventTime, else the Timestamp field. */
function eventFirstSeen(e: Loose, ctx: PrintContext): string {
  if (e.firstTimestamp) return age(e.firstTimestamp, ctx);
  return age(e.eventTime, ctx);
}

/** formatEventSource: component (or reportingController), `, host` when known. */
export function eventSource(e: Loose): string {
  const component = str(e.source?.component) || str(e.reportingComponent);
  const host = str(e.source?.host) || str(e.reportingInstance);
  return host === '' ? component : `${component}, ${host}`;
}

export const eventPrinter: Printer = {
  columns: cols('Last Seen', 'Type', 'Reason', 'Object', '+Subobject', '+Source', 'Message', '+First Seen', '+Count', '+Name'),
  row(obj, ctx) {
    const e = obj as Loose;
    const first = eventFirstSeen(e, ctx);
    let last = e.lastTimestamp ? age(e.lastTimestamp, ctx) : first;
    let count = num(e.count);
    if (e.series) {
      last = age(e.series.lastObservedTime, ctx);
      count = num(e.series.count);
    } else if (count === 0) {
      count = 1;
    }
    const kind = str(e.involvedObject?.kind).toLowerCase();
    const name = str(e.involvedObject?.name);
    return [
      last,
      str(e.type),
      str(e.reason),
      name === '' ? kind : `${kind}/${name}`,
      str(e.involvedObject?.fieldPath),
      eventSource(e),
      str(e.message).trim(),
      first,
      count,
      obj.metadata.name,
    ];
  },
};

export const namespacePrinter: Printer = {
  columns: cols('Name', 'Status', 'Age'),
  row(obj, ctx) {
    return [obj.metadata.name, str((obj as Loose).status?.phase), age(obj.metadata.creationTimestamp, ctx)];
  },
};

export const podDisruptionBudgetPrinter: Printer = {
  columns: cols('Name', 'Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age'),
  row(obj, ctx) {
    const p = obj as Loose;
    const show = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));
    return [
      obj.metadata.name,
      show(p.spec?.minAvailable),
      show(p.spec?.maxUnavailable),
      num(p.status?.disruptionsAllowed),
      age(obj.metadata.creationTimestamp, ctx),
    ];
  },
};

export const priorityClassPrinter: Printer = {
  columns: cols('Name', 'Value', 'Global-Default', 'Age', 'PreemptionPolicy'),
  row(obj, ctx) {
    const pc = obj as Loose;
    return [
      obj.metadata.name,
      num(pc.value),
      pc.globalDefault === true ? 'true' : 'false',
      age(obj.metadata.creationTimestamp, ctx),
      str(pc.preemptionPolicy),
    ];
  },
};

export const leasePrinter: Printer = {
  columns: cols('Name', 'Holder', 'Age'),
  row(obj, ctx) {
    return [obj.metadata.name, str((obj as Loose).spec?.holderIdentity), age(obj.metadata.creationTimestamp, ctx)];
  },
};

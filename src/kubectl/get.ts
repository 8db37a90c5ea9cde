/**
 * `kubectl get`: resolves the resource arguments (`pods`, `pods a b`, `deploy,rs`, `pod/a`,
 * `all`), reads the objects (namespace, `-A`, `-l`, `--field-selector`, `--sort-by`) and prints
 * them as tables (one per kind, a blank line between, `kind.group/name` names when several
 * kinds were asked for), names, JSON, YAML, JSONPath or custom columns. Missing names are
 * reported after everything that was found, as kubectl does.
 *
 * @see kubernetes/kubectl pkg/cmd/get/get.go, pkg/cmd/get/customcolumn.go
 */
import { KubesimError, NotFoundError } from '../model/errors.js';
import { groupResource, resolveResource, type KindInfo } from '../model/kinds.js';
import { compareGoStrings } from '../model/labels/selector.js';
import { parseRFC3339 } from '../model/time.js';
import type { StoredObject } from '../model/types.js';
import { flagBool, type ParsedArgs } from './args.js';
import { KubectlError, clientError, fromServerError, noResourcesFound } from './errors.js';
import type { PrintContext } from './format.js';
import { jsonPath, jsonPathValues } from './jsonpath.js';
import { printerFor } from './printers/index.js';
import { renderTable, type TableOptions } from './table.js';
import { TABLE_TABWRITER, tabwrite } from './tabwriter.js';
import type { KubectlTarget } from './target.js';
import { asList, toJson, toYaml } from './yaml-json.js';

/** The `all` category in discovery order (core, then apps); kinds kubesim lacks are left out. */
const ALL_CATEGORY = ['pods', 'replicationcontrollers', 'services', 'deployments', 'replicasets'];

interface Request {
  readonly info: KindInfo;
  /** Names asked for; undefined lists the kind. */
  readonly names: string[] | undefined;
}

const NO_TYPE =
  'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n' +
  'error: Required resource not specified.\n' +
  'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\n' +
  "See 'kubectl get -h' for help and examples";

/** Parses resource arguments into requests, in the order kubectl visits them. */
export function parseResourceArgs(args: readonly string[], verb: string): { requests: Request[]; multipleTypes: boolean } {
  if (args.length === 0) {
    throw new KubectlError('BadRequest', verb === 'get' ? NO_TYPE : `error: You must specify the type of resource to ${verb}. Use "kubectl api-resources" for a complete list of supported resources.`);
  }
  const resolve = (word: string): KindInfo => {
    try {
      return resolveResource(word);
    } catch (e) {
      if (e instanceof KubesimError) throw fromServerError(e);
      throw e;
    }
  };
  if (args.some((a) => a.includes('/'))) {
    const requests: Request[] = [];
    for (const a of args) {
      const slash = a.indexOf('/');
      if (slash < 0) throw clientError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl ${verb} resource/<resource_name>' instead of 'kubectl ${verb} resource resource/<resource_name>'`);
      const info = resolve(a.slice(0, slash));
      const last = requests[requests.length - 1];
      if (last && last.info === info) last.names!.push(a.slice(slash + 1));
      else requests.push({ info, names: [a.slice(slash + 1)] });
    }
    return { requests, multipleTypes: new Set(requests.map((r) => r.info.kind)).size > 1 };
  }
  const types = args[0]!.split(',').filter((t) => t !== '');
  const names = args.length > 1 ? args.slice(1) : undefined;
  const words = types.flatMap((t) => (t === 'all' ? ALL_CATEGORY : [t]));
  const requests: Request[] = [];
  for (const w of words) {
    const info = resolve(w);
    if (!requests.some((r) => r.info === info)) requests.push({ info, names: names ? [...names] : undefined });
  }
  return { requests, multipleTypes: types.length > 1 || types[0] === 'all' };
}

/** `a=b,c!=d,e==f` applied to dotted paths of the object, compared as strings. */
function fieldSelectorFilter(sel: string | undefined): (o: StoredObject) => boolean {
  if (sel === undefined || sel.trim() === '') return () => true;
  const reqs = sel.split(',').map((part) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw clientError(`invalid selector: '${sel}'; can't understand '${part}'`);
    return { path: m[1]!.split('.'), not: m[2] === '!=', value: m[3]! };
  });
  return (o) =>
    reqs.every((r) => {
      let v: unknown = o;
      for (const p of r.path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      const s = v === undefined || v === null ? '' : String(v);
      return r.not ? s !== r.value : s === r.value;
    });
}

function compareSortValues(a: unknown, b: unknown): number {
  if (a === undefined) return b === undefined ? 0 : -1;
  if (b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    // Timestamps sort as times; other strings byte-wise.
    if (/^\d{4}-\d\d-\d\dT/.test(a) && /^\d{4}-\d\d-\d\dT/.test(b)) {
      try {
        return parseRFC3339(a) - parseRFC3339(b);
      } catch {
        /* fall through to string order */
      }
    }
    return compareGoStrings(a, b);
  }
  return compareGoStrings(JSON.stringify(a), JSON.stringify(b));
}

function sortBy(objs: StoredObject[], expr: string | undefined): StoredObject[] {
  if (expr === undefined || expr === '') return objs;
  const keyed = objs.map((o) => ({ o, k: jsonPathValues(expr, o)[0] }));
  return keyed.sort((x, y) => compareSortValues(x.k, y.k)).map((x) => x.o);
}

function kindPrefix(info: KindInfo): string {
  return info.group === '' ? `${info.kind.toLowerCase()}/` : `${info.kind.toLowerCase()}.${info.group}/`;
}

/** custom-columns=HEADER:.path,...: values joined by ',', `<none>` when missing. */
function customColumns(spec: string, objs: readonly StoredObject[], noHeaders: boolean): string {
  const columns = spec.split(',').map((c) => {
    const i = c.indexOf(':');
    if (i < 0) throw clientError(`unexpected custom-columns spec: ${c}, expected <header>:<json-path-expr>`);
    return { header: c.slice(0, i), expr: c.slice(i + 1) };
  });
  const lines: string[][] = noHeaders ? [] : [columns.map((c) => c.header)];
  for (const o of objs) {
    lines.push(
      columns.map((c) => {
        const vals = jsonPathValues(c.expr, o);
        if (vals.length === 0) return '<none>';
        return vals.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join(',');
      }),
    );
  }
  return tabwrite(`${lines.map((l) => l.join('\t')).join('\n')}\n`, TABLE_TABWRITER);
}

/** Runs `kubectl get ARGS`. */
export function runGet(target: KubectlTarget, args: ParsedArgs, namespace: string): string {
  const allNamespaces = flagBool(args, 'all-namespaces');
  const { requests, multipleTypes } = parseResourceArgs(args.positional.slice(1), 'get');
  const output = args.flags.get('output') ?? '';
  const selector = args.flags.get('selector');
  const fieldFilter = fieldSelectorFilter(args.flags.get('field-selector'));
  const nowEpochMs = parseRFC3339(target.nowTimestamp);
  const errors: string[] = [];
  const groups: { info: KindInfo; objs: StoredObject[] }[] = [];
  for (const req of requests) {
    const ns = req.info.namespaced ? namespace : undefined;
    let objs: StoredObject[];
    if (req.names === undefined) {
      try {
        objs = target.get(req.info.plural, undefined, { namespace: ns, allNamespaces, selector });
      } catch (e) {
        if (e instanceof KubesimError) throw fromServerError(e);
        throw e;
      }
    } else {
      objs = [];
      for (const name of req.names) {
        const o = target.find(req.info.plural, name, { namespace: ns });
        if (o) objs.push(o);
        else errors.push(fromServerError(new NotFoundError(groupResource(req.info), name)).message);
      }
    }
    groups.push({ info: req.info, objs: sortBy(objs.filter(fieldFilter), args.flags.get('sort-by')) });
  }
  const singleItem = requests.length === 1 && requests[0]!.names?.length === 1;
  const ctx: PrintContext = { nowEpochMs, wide: output === 'wide' };
  const text = render(groups, output, { args, ctx, singleItem, multipleTypes, allNamespaces, namespace });
  if (errors.length > 0) throw new KubectlError('NotFound', errors.join('\n'), text);
  return text;
}

interface RenderOptions {
  readonly args: ParsedArgs;
  readonly ctx: PrintContext;
  readonly singleItem: boolean;
  readonly multipleTypes: boolean;
  readonly allNamespaces: boolean;
  readonly namespace: string;
}

const FORMATS =
  'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';

function render(groups: { info: KindInfo; objs: StoredObject[] }[], output: string, o: RenderOptions): string {
  const all = groups.flatMap((g) => g.objs);
  const structured = (): unknown => (o.singleItem && all.length === 1 ? all[0] : asList(all));
  if (output === 'json') return toJson(structured());
  if (output === 'yaml') return toYaml(structured());
  if (output.startsWith('jsonpath=')) return jsonPath(output.slice('jsonpath='.length), structured());
  const noHeaders = flagBool(o.args, 'no-headers');
  if (output.startsWith('custom-columns=')) return all.length === 0 ? '' : customColumns(output.slice(15), all, noHeaders);
  if (output === 'name') {
    return all.length === 0 ? '' : groups.flatMap((g) => g.objs.map((obj) => `${kindPrefix(g.info)}${obj.metadata.name}\n`)).join('');
  }
  if (output !== '' && output !== 'wide') {
    throw clientError(`unable to match a printer suitable for the output format "${output}", allowed formats are: ${FORMATS}`);
  }
  if (all.length === 0) {
    const clusterScoped = groups.every((g) => !g.info.namespaced);
    return `${noResourcesFound(o.allNamespaces || clusterScoped ? undefined : o.namespace)}\n`;
  }
  const showKind = o.multipleTypes || flagBool(o.args, 'show-kind');
  const labelColumns = (o.args.flags.get('label-columns') ?? '').split(',').filter((l) => l !== '');
  const tables: string[] = [];
  for (const g of groups) {
    const printer = printerFor(g.info.kind)!;
    const opts: TableOptions = {
      wide: o.ctx.wide,
      noHeaders,
      withNamespace: o.allNamespaces && g.info.namespaced,
      kindPrefix: showKind ? kindPrefix(g.info) : undefined,
      showLabels: flagBool(o.args, 'show-labels'),
      labelColumns,
    };
    const rows = g.objs.map((obj) => ({
      cells: printer.row(obj, o.ctx),
      namespace: obj.metadata.namespace,
      labels: obj.metadata.labels,
    }));
    const t = renderTable(printer.columns, rows, opts);
    if (t !== '') tables.push(t);
  }
  return tables.join(noHeaders ? '' : '\n');
}

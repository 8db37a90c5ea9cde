/**
 * kubectl's JSONPath (`-o jsonpath=...`, `--sort-by`): a template of literal text and `{...}`
 * actions. Actions are paths (`.items[*].metadata.name`, `..image`, `['a.b']`, `[0]`, `[-1]`,
 * `[1:3]`, `[*]`, filters `[?(@.type=="Ready")]`), string literals (`{"\n"}`), and
 * `{range EXPR}...{end}` loops whose body paths start at each item. Missing keys print nothing
 * (kubectl allows missing keys); several results of one action are joined by a space; maps
 * and lists print as compact JSON, strings raw, numbers and booleans as Go prints them.
 *
 * @see kubernetes/client-go util/jsonpath/{parser.go,jsonpath.go}
 * @see kubernetes/cli-runtime pkg/printers/jsonpath.go
 */
import { KubectlError } from './errors.js';
import { toCompactJson } from './yaml-json.js';

type Segment =
  | { readonly t: 'root' }
  | { readonly t: 'current' }
  | { readonly t: 'field'; readonly name: string }
  | { readonly t: 'recursive'; readonly name: string | undefined }
  | { readonly t: 'wildcard' }
  | { readonly t: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number; readonly index: boolean }
  | { readonly t: 'filter'; readonly left: Segment[]; readonly op?: string; readonly right?: Segment[] | string | number };

type Node =
  | { readonly t: 'text'; readonly text: string }
  | { readonly t: 'path'; readonly path: Segment[] }
  | { readonly t: 'range'; readonly path: Segment[]; readonly body: Node[] };

function fail(template: string, detail: string): never {
  throw new KubectlError('BadRequest', `error: error parsing jsonpath ${template}, ${detail}`);
}

/** Finds the `}` closing an action, skipping quoted strings and brackets. */
function closeBrace(s: string, from: number, template: string): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      const q = c;
      for (i++; i < s.length && s[i] !== q; i++) if (s[i] === '\\') i++;
    } else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') depth--;
    else if (c === '}' && depth <= 0) return i;
  }
  return fail(template, 'unclosed action');
}

function unquote(lit: string): string {
  const body = lit.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
}

function parseSegments(expr: string, template: string): Segment[] {
  const segs: Segment[] = [];
  let i = 0;
  const readName = (): string => {
    let name = '';
    while (i < expr.length && expr[i] !== '.' && expr[i] !== '[') {
      if (expr[i] === '\\' && i + 1 < expr.length) i++;
      name += expr[i++];
    }
    return name;
  };
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '$') {
      segs.push({ t: 'root' });
      i++;
    } else if (c === '@') {
      segs.push({ t: 'current' });
      i++;
    } else if (c === '.' && expr[i + 1] === '.') {
      i += 2;
      if (expr[i] === '[' || expr[i] === '*') {
        segs.push({ t: 'recursive', name: undefined });
        if (expr[i] === '*') i++;
      } else {
        segs.push({ t: 'recursive', name: readName() });
      }
    } else if (c === '.') {
      i++;
      if (expr[i] === '*') {
        segs.push({ t: 'wildcard' });
        i++;
      } else {
        const name = readName();
        if (name !== '') segs.push({ t: 'field', name });
      }
    } else if (c === '[') {
      const end = closeBracket(expr, i, template);
      segs.push(parseBracket(expr.slice(i + 1, end).trim(), template));
      i = end + 1;
    } else if (c === ' ') {
      i++;
    } else {
      segs.push({ t: 'field', name: readName() });
    }
  }
  return segs;
}

function closeBracket(s: string, from: number, template: string): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"' || c === "'") {
      const q = c;
      for (i++; i < s.length && s[i] !== q; i++) if (s[i] === '\\') i++;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return fail(template, 'unterminated array');
}

function parseBracket(inner: string, template: string): Segment {
  if (inner === '*') return { t: 'wildcard' };
  if (inner.startsWith("'") || inner.startsWith('"')) return { t: 'field', name: unquote(inner) };
  if (inner.startsWith('?(') && inner.endsWith(')')) return parseFilter(inner.slice(2, -1).trim(), template);
  const m = /^(-?\d*)(?::(-?\d*))?(?::(-?\d*))?$/.exec(inner);
  if (!m) return fail(template, `invalid array index ${inner}`);
  const n = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : Number(s));
  if (inner.includes(':')) return { t: 'slice', start: n(m[1]), end: n(m[2]), step: n(m[3]), index: false };
  return { t: 'slice', start: n(m[1]), index: true };
}

function parseFilter(body: string, template: string): Segment {
  const m = /^(.*?)\s*(==|!=|<=|>=|<|>)\s*(.*)$/.exec(body);
  if (!m) return { t: 'filter', left: parseSegments(body, template) };
  const rhs = m[3]!.trim();
  let right: Segment[] | string | number;
  if (rhs.startsWith('"') || rhs.startsWith("'")) right = unquote(rhs);
  else if (/^-?\d+(\.\d+)?$/.test(rhs)) right = Number(rhs);
  else right = parseSegments(rhs, template);
  return { t: 'filter', left: parseSegments(m[1]!.trim(), template), op: m[2]!, right };
}

/** Parses a template into nodes; `{range}` bodies nest until their `{end}`. */
export function parseJsonPath(template: string): Node[] {
  const stack: { nodes: Node[]; path?: Segment[] }[] = [{ nodes: [] }];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    const top = stack[stack.length - 1]!;
    if (open < 0) {
      top.nodes.push({ t: 'text', text: template.slice(i) });
      break;
    }
    if (open > i) top.nodes.push({ t: 'text', text: template.slice(i, open) });
    const close = closeBrace(template, open + 1, template);
    const action = template.slice(open + 1, close).trim();
    i = close + 1;
    if (action.startsWith('range ')) {
      stack.push({ nodes: [], path: parseSegments(action.slice(6).trim(), template) });
    } else if (action === 'end') {
      const done = stack.pop()!;
      if (stack.length === 0 || done.path === undefined) fail(template, 'not in range, nothing to end');
      stack[stack.length - 1]!.nodes.push({ t: 'range', path: done.path, body: done.nodes });
    } else if (action.startsWith('"') || action.startsWith("'")) {
      top.nodes.push({ t: 'text', text: unquote(action) });
    } else {
      top.nodes.push({ t: 'path', path: parseSegments(action, template) });
    }
  }
  if (stack.length !== 1) fail(template, 'unclosed range');
  return stack[0]!.nodes;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isObject(v)) return Object.keys(v).sort().map((k) => v[k]);
  return [];
}

function recursive(v: unknown, name: string | undefined, out: unknown[]): void {
  if (isObject(v) && name !== undefined && name in v) out.push(v[name]);
  if (name === undefined) out.push(v);
  for (const c of children(v)) recursive(c, name, out);
}

function compare(a: unknown, op: string, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return op === '==' ? a === b : op === '!=' ? a !== b : op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  }
  const x = String(a);
  const y = String(b);
  return op === '==' ? x === y : op === '!=' ? x !== y : op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
}

function evalPath(path: readonly Segment[], root: unknown, current: unknown): unknown[] {
  let values: unknown[] = [current];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const v of values) {
      switch (seg.t) {
        case 'root':
          next.push(root);
          break;
        case 'current':
          next.push(v);
          break;
        case 'field':
          if (isObject(v) && Object.prototype.hasOwnProperty.call(v, seg.name) && v[seg.name] !== undefined) next.push(v[seg.name]);
          break;
        case 'recursive':
          recursive(v, seg.name, next);
          break;
        case 'wildcard':
          next.push(...children(v));
          break;
        case 'slice': {
          if (!Array.isArray(v)) break;
          const len = v.length;
          const norm = (x: number): number => (x < 0 ? Math.max(0, len + x) : Math.min(x, len));
          if (seg.index) {
            const idx = seg.start! < 0 ? len + seg.start! : seg.start!;
            if (idx >= 0 && idx < len) next.push(v[idx]);
            break;
          }
          const step = seg.step ?? 1;
          for (let k = norm(seg.start ?? 0); k < norm(seg.end ?? len); k += Math.max(1, step)) next.push(v[k]);
          break;
        }
        case 'filter':
          for (const item of children(v)) {
            const left = evalPath(seg.left, root, item);
            if (seg.op === undefined) {
              if (left.length > 0) next.push(item);
              continue;
            }
            const right = typeof seg.right === 'object' ? evalPath(seg.right, root, item) : [seg.right];
            if (left.length > 0 && right.length > 0 && compare(left[0], seg.op, right[0])) next.push(item);
          }
          break;
      }
    }
    values = next;
  }
  return values;
}

/** One value as PrintResults writes it. */
function text(v: unknown): string {
  if (typeof v === 'object' && v !== null) return toCompactJson(v);
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

function execute(nodes: readonly Node[], root: unknown, current: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.text;
    else if (n.t === 'path') out += evalPath(n.path, root, current).map(text).join(' ');
    else for (const item of evalPath(n.path, root, current)) out += execute(n.body, root, item);
  }
  return out;
}

/** Runs a JSONPath template against an object (as `-o jsonpath=` does). */
export function jsonPath(template: string, obj: unknown): string {
  return execute(parseJsonPath(template), obj, obj);
}

/** The values a single path expression selects (for --sort-by); `{}` around it is optional. */
export function jsonPathValues(expr: string, obj: unknown): unknown[] {
  const trimmed = expr.trim();
  const inner = trimmed.startsWith('{') && trimmed.endsWith('}') ? trimmed.slice(1, -1) : trimmed;
  const relaxed = inner.startsWith('.') || inner.startsWith('$') || inner.startsWith('@') ? inner : `.${inner}`;
  return evalPath(parseSegments(relaxed, expr), obj, obj);
}

/**
 * `-o json` and `-o yaml` as kubectl prints them. kubectl prints unstructured objects (Go maps),
 * so both formats list keys sorted in byte order at every level, not in the object's order.
 * JSON is encoding/json's MarshalIndent with four spaces, escaping <, >, & and U+2028/U+2029
 * as Go does; YAML is sigs.k8s.io/yaml (go-yaml v2): two-space indent, sequences not indented
 * under their key, YAML 1.1 quoting (so "123", "yes", "y" and timestamps are quoted).
 * Several objects print as a `kind: List` wrapper, as `kubectl get` does for lists.
 *
 * @see kubernetes/cli-runtime pkg/printers/json.go, yaml.go; golang/go src/encoding/json/encode.go
 */
import { Document, isScalar, parse, visit } from 'yaml';
import { compareGoStrings } from '../model/labels/selector.js';

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** A string as encoding/json writes it (HTML-safe). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const esc = ESCAPES[ch];
    if (esc !== undefined) out += esc;
    else if (ch < ' ') out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function encode(v: unknown, indent: string, step: string): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const inner = indent + step;
  const nl = step === '' ? '' : '\n';
  const sep = step === '' ? ':' : ': ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${nl}${v.map((x) => inner + encode(x, inner, step)).join(`,${nl}`)}${nl}${indent}]`;
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort(compareGoStrings);
  if (keys.length === 0) return '{}';
  return `{${nl}${keys.map((k) => `${inner}${goJsonString(k)}${sep}${encode(obj[k], inner, step)}`).join(`,${nl}`)}${nl}${indent}}`;
}

/** json.MarshalIndent(v, "", "    ") plus the newline kubectl adds. */
export function toJson(v: unknown): string {
  return `${encode(v, '', '    ')}\n`;
}

/** json.Marshal(v): compact, sorted keys (what JSONPath prints for maps and lists). */
export function toCompactJson(v: unknown): string {
  return encode(v, '', '');
}

/**
 * go-yaml v2's choice of quotes: a string that would read back as another type ("123", "yes",
 * a timestamp) is double-quoted; one that merely cannot be plain ("a: b", "*") single-quoted.
 */
function quoteStyle(s: string): 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | undefined {
  if (s.includes('\n')) return undefined; // a literal block, as both libraries print it
  if (/[\u0000-\u001f\u007f]/.test(s)) return 'QUOTE_DOUBLE';
  let back: unknown;
  try {
    back = parse(`k: ${s}`, { version: '1.1' })?.k;
  } catch {
    return 'QUOTE_SINGLE';
  }
  if (back === s) return undefined;
  // Scalars of another type read back need double quotes; flow collections and other syntax
  // ("[a]", "a: b") only stop the string from being plain.
  const otherScalar =
    typeof back === 'number' || typeof back === 'boolean' || back instanceof Date || (back === null && (s === '' || /^(~|null|Null|NULL)$/.test(s)));
  return otherScalar ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE';
}

/** sigs.k8s.io/yaml's rendering of the object. */
export function toYaml(v: unknown): string {
  const doc = new Document(v, { version: '1.1', sortMapEntries: (a, b) => compareGoStrings(String(a.key), String(b.key)) });
  visit(doc, {
    Scalar(_key, node) {
      if (isScalar(node) && typeof node.value === 'string') {
        const style = quoteStyle(node.value);
        if (style !== undefined) node.type = style;
      }
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0 });
}

/** The List wrapper `kubectl get -o json|yaml` prints around a list of objects. */
export function asList(items: readonly unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', items: [...items], kind: 'List', metadata: { resourceVersion: '' } };
}

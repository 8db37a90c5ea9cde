/**
 * Decoding of manifests (untrusted input): multi-document YAML or JSON text, a single object,
 * or an array, with `List` kinds expanded. The result is plain JSON data owned by kubesim.
 * YAML is read with the core schema only (no custom tags, nothing executed), alias expansion
 * bounded, and the request size capped like the API server's (3 MiB).
 */
import { parseAllDocuments } from 'yaml';
import { BadRequestError, KubesimError, RequestEntityTooLargeError } from './errors.js';
import { cloneJson } from './json.js';
import type { KubeObject } from './types.js';

/** The API server's default request body limit (--max-request-bytes is 3 MiB for writes). */
export const MAX_MANIFEST_BYTES = 3 * 1024 * 1024;

/** Where one object came from, for error messages: document index (0-based) and line. */
export interface ManifestSource {
  readonly document: number;
  readonly line?: number;
}

export interface DecodedObject {
  readonly object: KubeObject;
  readonly source: ManifestSource;
}

function describe(src: ManifestSource): string {
  return src.line === undefined ? `document ${src.document}` : `document ${src.document} (line ${src.line})`;
}

/** Re-throws an error about one object with its place in the manifest prepended. */
export function withSource<T>(src: ManifestSource, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KubesimError) e.message = `error in ${describe(src)}: ${e.message}`;
    throw e;
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function expandLists(value: unknown, src: ManifestSource, out: DecodedObject[]): void {
  if (value === null || value === undefined) return; // an empty YAML document
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new BadRequestError(`error in ${describe(src)}: a manifest must be an object with apiVersion and kind`);
  }
  const obj = value as KubeObject;
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(obj.items))) {
    if (!Array.isArray(obj.items)) throw new BadRequestError(`error in ${describe(src)}: List has no items array`);
    for (const item of obj.items) expandLists(item, src, out);
    return;
  }
  out.push({ object: obj, source: src });
}

/** Decodes YAML/JSON text (several `---` documents allowed). */
export function decodeManifestText(text: string): DecodedObject[] {
  if (text.length > MAX_MANIFEST_BYTES) throw new RequestEntityTooLargeError(MAX_MANIFEST_BYTES);
  const docs = parseAllDocuments(text, { schema: 'core', uniqueKeys: true, prettyErrors: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: DecodedObject[] = [];
  list.forEach((doc, index) => {
    const line = doc.contents?.range ? lineOf(text, doc.contents.range[0]) : undefined;
    const src: ManifestSource = line === undefined ? { document: index } : { document: index, line };
    const err = doc.errors[0];
    if (err) {
      const at = err.linePos?.[0];
      const where = at ? `document ${index} (line ${at.line}, column ${at.col})` : `document ${index}`;
      throw new BadRequestError(`error parsing YAML in ${where}: ${err.message.split('\n')[0]}`);
    }
    let js: unknown;
    try {
      js = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new BadRequestError(`error parsing YAML in ${describe(src)}: ${(e as Error).message}`);
    }
    expandLists(cloneJson(js, `${describe(src)}`), src, out);
  });
  return out;
}

/** Decodes what `apply`/`create` accept: text, one object, or an array of objects. */
export function decodeManifests(input: string | object | readonly object[]): DecodedObject[] {
  if (typeof input === 'string') return decodeManifestText(input);
  const items = Array.isArray(input) ? input : [input];
  const out: DecodedObject[] = [];
  items.forEach((item, index) => {
    const src = { document: index };
    // The document is named only if the object is bad: this runs once per object created.
    expandLists(cloneJson(item, () => describe(src)), src, out);
  });
  return out;
}

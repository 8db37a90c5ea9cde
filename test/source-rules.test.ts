/**
 * Determinism is the product: nothing under src/ reads the wall clock or Math.random (the
 * simulation's time is virtual and its randomness seeded, src/clock). Comments may mention them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');
const FORBIDDEN = /\bDate\.now\s*\(|\bnew\s+Date\s*\(|\bperformance\.now\s*\(|\bMath\.random\s*\(|\bprocess\.hrtime\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** The code of a line, without a trailing // comment or a block-comment line. */
function code(line: string): string {
  const t = line.trim();
  if (t.startsWith('*') || t.startsWith('/*') || t.startsWith('//')) return '';
  const i = line.indexOf('//');
  return i >= 0 ? line.slice(0, i) : line;
}

describe('src/ reads no wall clock and no Math.random', () => {
  it('has no call to Date.now, new Date(), performance.now, process.hrtime or Math.random', () => {
    const hits: string[] = [];
    for (const file of sourceFiles(SRC)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (FORBIDDEN.test(code(line))) hits.push(`${file.slice(SRC.length + 1)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(hits).toEqual([]);
  });
});

/**
 * What every benchmark driver shares: `--key=value` arguments, the V8 flags of measured child
 * processes, the median of repeated runs, and the Markdown table printed after the JSON lines.
 */

/** `--only=a,b --runs=3` → Map { only → 'a,b', runs → '3' } (a bare `--flag` maps to undefined). */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)): Map<string, string> {
  return new Map(argv.map((a) => a.replace(/^--/, '').split('=', 2) as [string, string]));
}

/**
 * The young generation of a measured process: `--semi-space=<MiB>` (default 64; 0 = Node's own
 * default, 16 MiB). A simulator keeps most of what it allocates (every stored object version,
 * Event and index entry), so with Node's default semi-spaces it scavenges every few MB and
 * copies the same survivors again and again; 64 MiB semi-spaces let short-lived garbage die
 * first. A user running a large simulation passes the same flag to node
 * (`node --max-semi-space-size=64`, or NODE_OPTIONS); bench/README.md has both figures.
 */
export function semiSpaceFlags(args: ReadonlyMap<string, string>): { semiSpaceMiB: number; flags: string[] } {
  const semiSpaceMiB = Number(args.get('semi-space') ?? 64);
  if (!Number.isInteger(semiSpaceMiB) || semiSpaceMiB < 0) throw new Error(`--semi-space must be a whole number of MiB, got ${args.get('semi-space')}`);
  return { semiSpaceMiB, flags: semiSpaceMiB > 0 ? [`--max-semi-space-size=${semiSpaceMiB}`] : [] };
}

/** The lower median (the middle run of an odd count); NaN for no runs. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.trunc((s.length - 1) / 2)]!;
}

/** A Markdown table of `rows`, one column per `header` key, right-aligned. */
export function markdownTable(rows: readonly Record<string, unknown>[], header: readonly string[]): string {
  const widths = header.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h] ?? '').length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
  return [fmt([...header]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => fmt(header.map((h) => String(r[h] ?? ''))))].join('\n');
}

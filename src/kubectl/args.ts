/**
 * The command line: splits a kubectl command string into words as a POSIX shell would (quotes
 * and backslashes), then parses kubectl's flags the way pflag does (`-n NS`, `-nNS`,
 * `--namespace NS`, `--namespace=NS`, `-A`, `--no-headers=false`, flags before or after the
 * verb). Error texts are cobra's and pflag's, so a bad flag reads as it would in a terminal.
 *
 * @see spf13/pflag flag.go (parseLongArg, parseSingleShortArg), spf13/cobra command.go
 */
import { KubectlError } from './errors.js';

/**
 * Splits like sh: whitespace separates words; '...' is literal; in "..." a backslash escapes
 * only $ ` " \ (else it stays, so `"{\"\n\"}"` keeps its `\n` for JSONPath); outside quotes a
 * backslash escapes any character.
 */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new KubectlError('BadRequest', 'error: unterminated quote in command line');
      word += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        const c = line[j]!;
        if (c === '\\' && j + 1 < line.length && '$`"\\'.includes(line[j + 1]!)) {
          word += line[++j]!;
        } else {
          word += c;
        }
      }
      if (j >= line.length) throw new KubectlError('BadRequest', 'error: unterminated quote in command line');
      i = j;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i]!;
      inWord = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

type FlagType = 'bool' | 'string' | 'strings';

interface FlagSpec {
  readonly long: string;
  readonly short?: string;
  readonly type: FlagType;
}

/** The flags kubesim's kubectl understands, across the verbs it serves. */
const FLAGS: readonly FlagSpec[] = [
  { long: 'namespace', short: 'n', type: 'string' },
  { long: 'all-namespaces', short: 'A', type: 'bool' },
  { long: 'selector', short: 'l', type: 'string' },
  { long: 'field-selector', type: 'string' },
  { long: 'output', short: 'o', type: 'string' },
  { long: 'show-labels', type: 'bool' },
  { long: 'show-kind', type: 'bool' },
  { long: 'sort-by', type: 'string' },
  { long: 'no-headers', type: 'bool' },
  { long: 'label-columns', short: 'L', type: 'strings' },
  { long: 'show-events', type: 'bool' },
  { long: 'client', type: 'bool' },
  { long: 'namespaced', type: 'bool' },
  { long: 'api-group', type: 'string' },
  // Write verbs.
  { long: 'filename', short: 'f', type: 'strings' },
  { long: 'image', type: 'string' },
  { long: 'replicas', type: 'string' },
  { long: 'port', type: 'string' },
  { long: 'target-port', type: 'string' },
  { long: 'protocol', type: 'string' },
  { long: 'type', type: 'string' },
  { long: 'name', type: 'string' },
  { long: 'labels', type: 'string' },
  { long: 'restart', type: 'string' },
  { long: 'env', type: 'strings' },
  { long: 'grace-period', type: 'string' },
  { long: 'cascade', type: 'string' },
  { long: 'now', type: 'bool' },
  { long: 'force', type: 'bool' },
  { long: 'all', type: 'bool' },
  { long: 'overwrite', type: 'bool' },
  { long: 'timeout', type: 'string' },
  { long: 'to-revision', type: 'string' },
  { long: 'revision', type: 'string' },
  { long: 'watch', short: 'w', type: 'bool' },
  { long: 'patch', short: 'p', type: 'string' },
  { long: 'ignore-daemonsets', type: 'bool' },
  { long: 'delete-emptydir-data', type: 'bool' },
  { long: 'disable-eviction', type: 'bool' },
  { long: 'containers', type: 'bool' },
  { long: 'record', type: 'bool' },
  { long: 'validate', type: 'string' },
];

const BY_LONG = new Map(FLAGS.map((f) => [f.long, f]));
const BY_SHORT = new Map(FLAGS.filter((f) => f.short !== undefined).map((f) => [f.short!, f]));

export interface ParsedArgs {
  /** Positional words: the verb first, then its arguments. */
  readonly positional: string[];
  /** Flag values by long name; booleans as 'true'/'false', repeated string lists joined. */
  readonly flags: Map<string, string>;
  /** Which long flags were given explicitly (to tell `--namespaced=false` from absent). */
  readonly given: Set<string>;
}

function flagError(message: string, verb: string | undefined): KubectlError {
  const help = verb === undefined ? "See 'kubectl --help' for usage." : `See 'kubectl ${verb} --help' for usage.`;
  return new KubectlError('BadRequest', `Error: ${message}\n${help}`);
}

function parseBool(value: string, name: string, verb: string | undefined): string {
  // strconv.ParseBool's accepted spellings.
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return 'true';
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return 'false';
  throw flagError(`invalid argument "${value}" for "${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`, verb);
}

/** Parses words into positional arguments and flags; `--` ends flag parsing. */
export function parseArgs(words: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  const given = new Set<string>();
  const verb = (): string | undefined => positional[0];
  const set = (spec: FlagSpec, value: string, display: string): void => {
    given.add(spec.long);
    if (spec.type === 'bool') flags.set(spec.long, parseBool(value, display, verb()));
    else if (spec.type === 'strings' && flags.has(spec.long)) flags.set(spec.long, `${flags.get(spec.long)},${value}`);
    else flags.set(spec.long, value);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      positional.push(...words.slice(i + 1));
      break;
    }
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      const spec = BY_LONG.get(name);
      if (!spec) throw flagError(`unknown flag: --${name}`, verb());
      if (eq >= 0) set(spec, w.slice(eq + 1), `--${name}`);
      else if (spec.type === 'bool') set(spec, 'true', `--${name}`);
      else if (i + 1 < words.length) set(spec, words[++i]!, `--${name}`);
      else throw flagError(`flag needs an argument: --${name}`, verb());
      continue;
    }
    if (w.startsWith('-') && w.length > 1) {
      // A cluster of shorthands: -An ns, -oyaml, -o=yaml.
      for (let j = 1; j < w.length; j++) {
        const c = w[j]!;
        const spec = BY_SHORT.get(c);
        if (!spec) throw flagError(`unknown shorthand flag: '${c}' in ${w}`, verb());
        if (spec.type === 'bool') {
          if (w[j + 1] === '=') {
            set(spec, w.slice(j + 2), `-${c}`);
            break;
          }
          set(spec, 'true', `-${c}`);
          continue;
        }
        const rest = w.slice(j + 1);
        if (rest !== '') set(spec, rest.startsWith('=') ? rest.slice(1) : rest, `-${c}`);
        else if (i + 1 < words.length) set(spec, words[++i]!, `-${c}`);
        else throw flagError(`flag needs an argument: '${c}' in -${c}`, verb());
        break;
      }
      continue;
    }
    positional.push(w);
  }
  return { positional, flags, given };
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === 'true';
}

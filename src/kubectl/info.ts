/**
 * The informational verbs: `version`, `cluster-info` and `api-resources`.
 *
 * `cluster-info` prints plain text: real kubectl colours the service names and URLs with ANSI
 * escapes, which a string API would only make harder to read.
 *
 * @see kubernetes/kubectl pkg/cmd/version/version.go, pkg/cmd/clusterinfo/clusterinfo.go,
 *   pkg/cmd/apiresources/apiresources.go
 */
import { KINDS, type KindInfo } from '../model/kinds.js';
import { compareGoStrings } from '../model/labels/selector.js';
import { flagBool, type ParsedArgs } from './args.js';
import { clientError } from './errors.js';
import { TABLE_TABWRITER, tabwrite } from './tabwriter.js';
import { toJson, toYaml } from './yaml-json.js';

export const CLIENT_VERSION = 'v1.32.0';
export const SERVER_VERSION = 'v1.32.0';
export const KUSTOMIZE_VERSION = 'v5.5.0';
export const API_SERVER_URL = 'https://127.0.0.1:6443';

function versionInfo(v: string): Record<string, string> {
  return {
    buildDate: '2024-12-11T18:04:20Z',
    compiler: 'gc',
    gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53',
    gitTreeState: 'clean',
    gitVersion: v,
    goVersion: 'go1.23.3',
    major: '1',
    minor: '32',
    platform: 'linux/amd64',
  };
}

export function runVersion(args: ParsedArgs): string {
  const client = flagBool(args, 'client');
  const output = args.flags.get('output') ?? '';
  if (output === 'json' || output === 'yaml') {
    const obj: Record<string, unknown> = { clientVersion: versionInfo(CLIENT_VERSION), kustomizeVersion: KUSTOMIZE_VERSION };
    if (!client) obj.serverVersion = versionInfo(SERVER_VERSION);
    return output === 'json' ? toJson(obj) : toYaml(obj);
  }
  if (output !== '') throw clientError(`--output must be 'yaml' or 'json'`);
  const lines = [`Client Version: ${CLIENT_VERSION}`, `Kustomize Version: ${KUSTOMIZE_VERSION}`];
  if (!client) lines.push(`Server Version: ${SERVER_VERSION}`);
  return `${lines.join('\n')}\n`;
}

export function runClusterInfo(): string {
  return (
    `Kubernetes control plane is running at ${API_SERVER_URL}\n` +
    `CoreDNS is running at ${API_SERVER_URL}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n` +
    `\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`
  );
}

/** Groups in the order discovery lists them (core first, then by group name). */
function byDiscoveryOrder(a: KindInfo, b: KindInfo): number {
  if (a.group !== b.group) {
    if (a.group === '') return -1;
    if (b.group === '') return 1;
    return compareGoStrings(a.group, b.group);
  }
  return compareGoStrings(a.plural, b.plural);
}

export function runApiResources(args: ParsedArgs): string {
  let kinds = [...KINDS].sort(byDiscoveryOrder);
  if (args.given.has('namespaced')) {
    const want = flagBool(args, 'namespaced');
    kinds = kinds.filter((k) => k.namespaced === want);
  }
  const group = args.flags.get('api-group');
  if (group !== undefined) kinds = kinds.filter((k) => k.group === group);
  const output = args.flags.get('output') ?? '';
  if (output === 'name') return kinds.map((k) => (k.group === '' ? `${k.plural}\n` : `${k.plural}.${k.group}\n`)).join('');
  const wide = output === 'wide';
  if (output !== '' && !wide) throw clientError(`--output ${output} is not available`);
  const noHeaders = flagBool(args, 'no-headers');
  const lines: string[] = [];
  if (!noHeaders) lines.push(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS', 'CATEGORIES'] : [])].join('\t'));
  for (const k of kinds) {
    const cells = [k.plural, k.shortNames.join(','), k.apiVersion, String(k.namespaced), k.kind];
    if (wide) {
      const verbs = k.kind === 'Event' ? '[create delete deletecollection get list patch update watch]' : '[create delete deletecollection get list patch update watch]';
      const all = ['Pod', 'ReplicationController', 'Service', 'Deployment', 'ReplicaSet'].includes(k.kind) ? 'all' : '';
      cells.push(verbs, all);
    }
    lines.push(cells.join('\t'));
  }
  return tabwrite(`${lines.join('\n')}\n`, TABLE_TABWRITER);
}

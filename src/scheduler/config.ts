/**
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): parsing, validation and the
 * v1.32 defaults, down to one resolved plugin list per extension point per profile.
 *
 * Defaults (getDefaultPlugins, multiPoint): SchedulingGates, PrioritySort, NodeUnschedulable,
 * NodeName, TaintToleration (weight 3), NodeAffinity (2), NodePorts, NodeResourcesFit (1),
 * PodTopologySpread (2), InterPodAffinity (2), DefaultPreemption,
 * NodeResourcesBalancedAllocation (1), ImageLocality (1), DefaultBinder. The volume plugins
 * (VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone) are accepted in a
 * configuration but kubesim models no volumes, so they never reject or score a node.
 *
 * @see kubernetes/kubernetes pkg/scheduler/apis/config/v1/default_plugins.go, defaults.go
 * @see kubernetes/kubernetes pkg/scheduler/framework/runtime/framework.go expandMultiPointPlugins
 */
import { parse as parseYaml } from 'yaml';
import { BadRequestError } from '../model/errors.js';
import { cloneJson } from '../model/json.js';

export const EXTENSION_POINTS = [
  'preEnqueue',
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

export interface PluginRef {
  readonly name: string;
  readonly weight?: number;
}

export interface PluginSet {
  readonly enabled?: readonly PluginRef[];
  readonly disabled?: readonly PluginRef[];
}

export type PluginsConfig = Partial<Record<ExtensionPoint | 'multiPoint', PluginSet>>;

export interface ProfileConfig {
  readonly schedulerName?: string;
  readonly percentageOfNodesToScore?: number;
  readonly plugins?: PluginsConfig;
  readonly pluginConfig?: readonly { readonly name: string; readonly args?: Record<string, unknown> }[];
}

export interface KubeSchedulerConfiguration {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly percentageOfNodesToScore?: number;
  readonly podInitialBackoffSeconds?: number;
  readonly podMaxBackoffSeconds?: number;
  readonly profiles?: readonly ProfileConfig[];
}

/** One profile after defaulting: plugin names per extension point, score weights, args. */
export interface ResolvedProfile {
  readonly schedulerName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly plugins: Readonly<Record<ExtensionPoint, readonly string[]>>;
  readonly weights: Readonly<Record<string, number>>;
  readonly args: Readonly<Record<string, Record<string, unknown>>>;
}

export interface ResolvedConfiguration {
  readonly percentageOfNodesToScore: number;
  readonly podInitialBackoffMs: number;
  readonly podMaxBackoffMs: number;
  readonly profiles: readonly ResolvedProfile[];
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** The v1.32 multiPoint defaults, in order, with score weights. */
export const DEFAULT_MULTI_POINT: readonly PluginRef[] = [
  { name: 'SchedulingGates' },
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeRestrictions' },
  { name: 'NodeVolumeLimits' },
  { name: 'VolumeBinding' },
  { name: 'VolumeZone' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

/** Which extension points each known plugin implements (what multiPoint expands to). */
export type PluginPoints = Readonly<Record<string, readonly ExtensionPoint[]>>;

function fail(path: string, msg: string): never {
  throw new BadRequestError(`KubeSchedulerConfiguration: ${path}: ${msg}`);
}

function checkPercentage(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100) fail(path, `Invalid value: ${JSON.stringify(v)}: not in valid range [0-100]`);
  return v;
}

function refs(v: unknown, path: string): PluginRef[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(path, 'must be a list of {name, weight}');
  return v.map((r, i) => {
    if (r === null || typeof r !== 'object' || typeof (r as PluginRef).name !== 'string') fail(`${path}[${i}].name`, 'Required value');
    const w = (r as PluginRef).weight;
    if (w !== undefined && (typeof w !== 'number' || !Number.isInteger(w) || w < 0)) {
      fail(`${path}[${i}].weight`, `Invalid value: ${JSON.stringify(w)}: must be a non-negative integer`);
    }
    return { name: (r as PluginRef).name, ...(w === undefined ? {} : { weight: w }) };
  });
}

/** Applies a PluginSet to an ordered list: disabled removes ('*' all), enabled replaces in place or appends. */
function mergeSet(base: readonly PluginRef[], set: PluginSet | undefined, path: string): PluginRef[] {
  const disabled = refs(set?.disabled, `${path}.disabled`).map((r) => r.name);
  let out = disabled.includes('*') ? [] : base.filter((r) => !disabled.includes(r.name));
  for (const r of refs(set?.enabled, `${path}.enabled`)) {
    const i = out.findIndex((o) => o.name === r.name);
    if (i >= 0) out = [...out.slice(0, i), r, ...out.slice(i + 1)];
    else out.push(r);
  }
  return out;
}

/**
 * expandMultiPointPlugins' order for one extension point: plugins enabled specifically there
 * that multiPoint also enables (in their specific order), then the other multiPoint plugins,
 * then plugins enabled only at this point.
 */
function expandPoint(
  point: ExtensionPoint,
  multi: readonly PluginRef[],
  specific: PluginSet | undefined,
  points: PluginPoints,
  path: string,
): PluginRef[] {
  const disabled = refs(specific?.disabled, `${path}.disabled`).map((r) => r.name);
  const enabled = refs(specific?.enabled, `${path}.enabled`);
  const fromMulti = disabled.includes('*') ? [] : multi.filter((r) => (points[r.name] ?? []).includes(point) && !disabled.includes(r.name));
  const overrides = enabled.filter((e) => fromMulti.some((m) => m.name === e.name));
  const rest = fromMulti.filter((m) => !overrides.some((o) => o.name === m.name));
  const only = enabled.filter((e) => !fromMulti.some((m) => m.name === e.name));
  return [...overrides, ...rest, ...only];
}

function resolveProfile(p: ProfileConfig, index: number, points: PluginPoints): ResolvedProfile {
  const path = `profiles[${index}]`;
  if (p === null || typeof p !== 'object') fail(path, 'must be an object');
  const plugins = p.plugins ?? {};
  const multi = mergeSet(DEFAULT_MULTI_POINT, plugins.multiPoint, `${path}.plugins.multiPoint`);
  const resolved = {} as Record<ExtensionPoint, string[]>;
  const weights: Record<string, number> = {};
  for (const point of EXTENSION_POINTS) {
    const list = expandPoint(point, multi, plugins[point], points, `${path}.plugins.${point}`);
    for (const r of list) {
      if (!Object.hasOwn(points, r.name)) fail(`${path}.plugins.${point}`, `plugin "${r.name}" does not exist`);
      if (!points[r.name]!.includes(point)) fail(`${path}.plugins.${point}`, `plugin "${r.name}" does not extend ${point} plugin`);
    }
    resolved[point] = list.map((r) => r.name);
    if (point === 'score') {
      for (const r of list) {
        const multiWeight = multi.find((m) => m.name === r.name)?.weight;
        weights[r.name] = r.weight || multiWeight || 1;
      }
    }
  }
  if (resolved.queueSort.length !== 1) fail(`${path}.plugins.queueSort`, 'exactly one queue sort plugin must be enabled');
  if (resolved.bind.length === 0) fail(`${path}.plugins.bind`, 'at least one bind plugin is needed');
  const args: Record<string, Record<string, unknown>> = {};
  (p.pluginConfig ?? []).forEach((pc, i) => {
    if (pc === null || typeof pc !== 'object' || typeof pc.name !== 'string') fail(`${path}.pluginConfig[${i}].name`, 'Required value');
    if (Object.hasOwn(args, pc.name)) fail(`${path}.pluginConfig[${i}]`, `Duplicate value: "${pc.name}"`);
    const a = pc.args ?? {};
    if (a === null || typeof a !== 'object' || Array.isArray(a)) fail(`${path}.pluginConfig[${i}].args`, 'must be an object');
    args[pc.name] = a as Record<string, unknown>;
  });
  return {
    schedulerName: p.schedulerName ?? DEFAULT_SCHEDULER_NAME,
    percentageOfNodesToScore: checkPercentage(p.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`),
    plugins: resolved,
    weights,
    args,
  };
}

function checkBackoff(v: unknown, path: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(path, `Invalid value: ${JSON.stringify(v)}: must be greater than 0`);
  return v;
}

/** Parses YAML/JSON text or an object; `points` says what each registered plugin extends. */
export function resolveConfiguration(
  input: string | KubeSchedulerConfiguration | undefined,
  points: PluginPoints,
): ResolvedConfiguration {
  let cfg: KubeSchedulerConfiguration;
  if (input === undefined) cfg = {};
  else if (typeof input === 'string') {
    try {
      cfg = (parseYaml(input, { schema: 'core' }) ?? {}) as KubeSchedulerConfiguration;
    } catch (e) {
      throw new BadRequestError(`KubeSchedulerConfiguration: ${(e as Error).message.split('\n')[0]}`);
    }
  } else cfg = input;
  cfg = cloneJson(cfg, 'KubeSchedulerConfiguration') as KubeSchedulerConfiguration;
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) fail('<root>', 'must be an object');
  if (cfg.apiVersion !== undefined && cfg.apiVersion !== 'kubescheduler.config.k8s.io/v1') {
    fail('apiVersion', `no kind "KubeSchedulerConfiguration" is registered for version "${cfg.apiVersion}"`);
  }
  if (cfg.kind !== undefined && cfg.kind !== 'KubeSchedulerConfiguration') fail('kind', `Unsupported value: "${cfg.kind}"`);
  const profilesIn = cfg.profiles === undefined || cfg.profiles.length === 0 ? [{}] : cfg.profiles;
  if (!Array.isArray(profilesIn)) fail('profiles', 'must be a list');
  const profiles = profilesIn.map((p, i) => resolveProfile(p, i, points));
  const names = new Set<string>();
  profiles.forEach((p, i) => {
    if (names.has(p.schedulerName)) fail(`profiles[${i}].schedulerName`, `Duplicate value: "${p.schedulerName}"`);
    names.add(p.schedulerName);
  });
  const initial = checkBackoff(cfg.podInitialBackoffSeconds, 'podInitialBackoffSeconds', 1);
  const max = checkBackoff(cfg.podMaxBackoffSeconds, 'podMaxBackoffSeconds', 10);
  if (max < initial) fail('podMaxBackoffSeconds', `Invalid value: ${max}: must be greater than or equal to PodInitialBackoffSeconds`);
  return {
    percentageOfNodesToScore: checkPercentage(cfg.percentageOfNodesToScore, 'percentageOfNodesToScore') ?? 0,
    podInitialBackoffMs: initial * 1000,
    podMaxBackoffMs: max * 1000,
    profiles,
  };
}

/**
 * A scheduling profile at run time: the plugin instances of each extension point, in order,
 * built from a resolved KubeSchedulerConfiguration profile and the plugin registry.
 */
import { BadRequestError } from '../model/errors.js';
import type { ExtensionPoint, PluginPoints, ResolvedProfile } from './config.js';
import type {
  BindPlugin,
  FilterPlugin,
  PermitPlugin,
  Plugin,
  PostFilterPlugin,
  PreBindPlugin,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreScorePlugin,
  QueueSortPlugin,
  ReservePlugin,
  ScorePlugin,
} from './framework.js';

/** What a plugin factory may read: cluster-level lookups the scheduler provides. */
export interface PluginHandle {
  readonly listers: import('./listers.js').SchedulerListers;
  /** The scheduler's random stream for this plugin (a fork named after it). */
  readonly rng: import('../model/reconcile.js').RandomSource;
  /** The profile the plugin belongs to; only callable once the profile is built. */
  profile(): Profile;
  /** Pods nominated to a node (the scheduler's nominator), when the scheduler keeps one. */
  readonly nominatedPodsForNode?: (nodeName: string) => readonly import('../model/types.js').Pod[];
}

export interface PluginFactory {
  /** The extension points the plugin implements (what multiPoint expands to). */
  readonly points: readonly ExtensionPoint[];
  create(args: Record<string, unknown>, handle: PluginHandle): Plugin;
}

export type PluginRegistry = Readonly<Record<string, PluginFactory>>;

export interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

export interface Profile {
  readonly schedulerName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly preEnqueue: readonly PreEnqueuePlugin[];
  readonly queueSort: QueueSortPlugin | undefined;
  readonly preFilter: readonly PreFilterPlugin[];
  readonly filter: readonly FilterPlugin[];
  readonly postFilter: readonly PostFilterPlugin[];
  readonly preScore: readonly PreScorePlugin[];
  readonly score: readonly WeightedScorePlugin[];
  readonly reserve: readonly ReservePlugin[];
  readonly permit: readonly PermitPlugin[];
  readonly preBind: readonly PreBindPlugin[];
  readonly bind: readonly BindPlugin[];
}

export function pluginPoints(registry: PluginRegistry): PluginPoints {
  const out: Record<string, readonly ExtensionPoint[]> = {};
  for (const name of Object.keys(registry)) out[name] = registry[name]!.points;
  return out;
}

/** What the scheduler offers every plugin; buildProfile adds the per-plugin parts. */
export interface SchedulerServices {
  readonly listers: import('./listers.js').SchedulerListers;
  rngFor(pluginName: string): import('../model/reconcile.js').RandomSource;
  readonly nominatedPodsForNode?: (nodeName: string) => readonly import('../model/types.js').Pod[];
}

export function buildProfile(resolved: ResolvedProfile, registry: PluginRegistry, services: SchedulerServices): Profile {
  const instances = new Map<string, Plugin>();
  let built: Profile | undefined;
  const profile = (): Profile => {
    if (!built) throw new BadRequestError(`scheduler profile "${resolved.schedulerName}" is still being built`);
    return built;
  };
  const instance = (name: string): Plugin => {
    let p = instances.get(name);
    if (!p) {
      const factory = registry[name];
      if (!factory) throw new BadRequestError(`KubeSchedulerConfiguration: plugin "${name}" does not exist`);
      const handle: PluginHandle = {
        listers: services.listers,
        rng: services.rngFor(name),
        profile,
        ...(services.nominatedPodsForNode ? { nominatedPodsForNode: services.nominatedPodsForNode } : {}),
      };
      p = factory.create(resolved.args[name] ?? {}, handle);
      instances.set(name, p);
    }
    return p;
  };
  const at = <T>(point: ExtensionPoint): T[] => resolved.plugins[point].map((n) => instance(n) as T);
  built = {
    schedulerName: resolved.schedulerName,
    percentageOfNodesToScore: resolved.percentageOfNodesToScore,
    preEnqueue: at<PreEnqueuePlugin>('preEnqueue'),
    queueSort: at<QueueSortPlugin>('queueSort')[0],
    preFilter: at<PreFilterPlugin>('preFilter'),
    filter: at<FilterPlugin>('filter'),
    postFilter: at<PostFilterPlugin>('postFilter'),
    preScore: at<PreScorePlugin>('preScore'),
    score: resolved.plugins.score.map((n) => ({ plugin: instance(n) as ScorePlugin, weight: resolved.weights[n] ?? 1 })),
    reserve: at<ReservePlugin>('reserve'),
    permit: at<PermitPlugin>('permit'),
    preBind: at<PreBindPlugin>('preBind'),
    bind: at<BindPlugin>('bind'),
  };
  return built;
}

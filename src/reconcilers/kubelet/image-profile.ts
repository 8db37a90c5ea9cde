/**
 * Image behaviour profiles: how long an image takes to pull and start, when its app becomes
 * ready, whether it crashes or runs to completion, how long it takes to exit on SIGTERM. The
 * simulated kubelet reads these instead of running containers.
 *
 * Images without a profile get realistic defaults drawn from a random stream named after the
 * image (`${seed}/image/${image}`), so the same image always gets the same profile whatever
 * order pods arrive in, and adding an image never shifts another's draws.
 */
import { parseDuration, type Duration } from '../../clock/duration.js';
import { Rng } from '../../clock/rng.js';
import { BadRequestError } from '../../model/errors.js';

export interface ImageProfile {
  /** Time to pull the image when it is not on the node. Default: 1–5 s, drawn per image. */
  readonly pullTime?: Duration;
  /** From image available to container started. Default: 0.5–2 s, drawn per image. */
  readonly startupTime?: Duration;
  /** From container start until the app answers its readiness probe. Default 0. */
  readonly readinessDelay?: Duration;
  /** The container exits this long after it starts, with `exitCode` (default 1). */
  readonly crashAfter?: Duration;
  /** Exit code of a crash or a completion. */
  readonly exitCode?: number;
  /** Run to completion: exit this long after start, with `exitCode` (default 0). */
  readonly completeAfter?: Duration;
  /** How long the container takes to exit on SIGTERM (capped by the grace period). Default 0.1–1 s. */
  readonly terminationTime?: Duration;
  /** Image size reported in node.status.images and the Pulled event. Default 5–300 MB. */
  readonly sizeBytes?: number;
}

/** A profile with every duration in milliseconds and every default filled in. */
export interface ResolvedImageProfile {
  readonly pullTimeMs: number;
  readonly startupTimeMs: number;
  readonly readinessDelayMs: number;
  /** When the container exits after starting, if ever, and with which code. */
  readonly exit: { readonly afterMs: number; readonly exitCode: number } | undefined;
  readonly terminationTimeMs: number;
  readonly sizeBytes: number;
}

const MB = 1_000_000;

function ms(d: Duration | undefined, image: string, field: string): number | undefined {
  if (d === undefined) return undefined;
  const v = parseDuration(d);
  if (v < 0) throw new BadRequestError(`kubelet: images["${image}"].${field}: must not be negative, got ${String(d)}`);
  return v;
}

/** Checks a profile eagerly so a bad duration fails at cluster creation, not mid-run. */
const PROFILE_FIELDS = new Set(['pullTime', 'startupTime', 'readinessDelay', 'crashAfter', 'exitCode', 'completeAfter', 'terminationTime', 'sizeBytes']);

export function validateImageProfile(image: string, p: Partial<ImageProfile>): void {
  if (p === null || typeof p !== 'object' || Array.isArray(p)) {
    throw new BadRequestError(`kubelet: images["${image}"]: must be an object, got ${p === null ? 'null' : Array.isArray(p) ? 'an array' : typeof p}`);
  }
  // A misspelt field would otherwise be ignored silently and the image get its defaults.
  for (const key of Object.keys(p)) {
    if (!PROFILE_FIELDS.has(key)) {
      throw new BadRequestError(`kubelet: images["${image}"]: unknown field "${key}" (known: ${[...PROFILE_FIELDS].join(', ')})`);
    }
  }
  for (const f of ['pullTime', 'startupTime', 'readinessDelay', 'crashAfter', 'completeAfter', 'terminationTime'] as const) {
    ms(p[f], image, f);
  }
  if (p.exitCode !== undefined && (!Number.isInteger(p.exitCode) || p.exitCode < 0 || p.exitCode > 255)) {
    throw new BadRequestError(`kubelet: images["${image}"].exitCode: must be an integer in [0, 255], got ${String(p.exitCode)}`);
  }
  if (p.sizeBytes !== undefined && (!Number.isSafeInteger(p.sizeBytes) || p.sizeBytes < 0)) {
    throw new BadRequestError(`kubelet: images["${image}"].sizeBytes: must be a non-negative integer, got ${String(p.sizeBytes)}`);
  }
}

/** `nginx:1.27` and `nginx@sha256:…` → `nginx`, so a profile for a repository covers its tags. */
export function imageRepository(image: string): string {
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const colon = named.indexOf(':', named.lastIndexOf('/') + 1);
  return colon >= 0 ? named.slice(0, colon) : named;
}

/**
 * The profile for `image`: the entry for the exact image, else for its repository, over
 * `defaults`, over the drawn defaults. The draws are always made in the same order, so an
 * override of one field never changes another's value.
 */
export function resolveImageProfile(
  image: string,
  profiles: Readonly<Record<string, ImageProfile>>,
  seed: string,
  defaults: Partial<ImageProfile> = {},
): ResolvedImageProfile {
  const rng = Rng.root(seed).fork('image').fork(image);
  const drawn = {
    pullTimeMs: rng.intBetween(1000, 5000),
    startupTimeMs: rng.intBetween(500, 2000),
    terminationTimeMs: rng.intBetween(100, 1000),
    sizeBytes: rng.intBetween(5 * MB, 300 * MB),
  };
  const own = Object.hasOwn(profiles, image)
    ? profiles[image]!
    : Object.hasOwn(profiles, imageRepository(image))
      ? profiles[imageRepository(image)]!
      : {};
  const p: Partial<ImageProfile> = { ...defaults, ...own };
  const crash = ms(p.crashAfter, image, 'crashAfter');
  const complete = ms(p.completeAfter, image, 'completeAfter');
  let exit: ResolvedImageProfile['exit'];
  if (crash !== undefined && (complete === undefined || crash <= complete)) exit = { afterMs: crash, exitCode: p.exitCode ?? 1 };
  else if (complete !== undefined) exit = { afterMs: complete, exitCode: p.exitCode ?? 0 };
  return {
    pullTimeMs: ms(p.pullTime, image, 'pullTime') ?? drawn.pullTimeMs,
    startupTimeMs: ms(p.startupTime, image, 'startupTime') ?? drawn.startupTimeMs,
    readinessDelayMs: ms(p.readinessDelay, image, 'readinessDelay') ?? 0,
    exit,
    terminationTimeMs: ms(p.terminationTime, image, 'terminationTime') ?? drawn.terminationTimeMs,
    sizeBytes: p.sizeBytes ?? drawn.sizeBytes,
  };
}

const HEX = '0123456789abcdef';

/** 64 hex digits from a stream: container ids and image digests. */
export function hex64(rng: Rng): string {
  let out = '';
  for (let i = 0; i < 8; i++) {
    const u = rng.int(0x1_0000_0000);
    for (let shift = 28; shift >= 0; shift -= 4) out += HEX[(u >>> shift) & 0xf];
  }
  return out;
}

/**
 * The imageID a container status reports: the fully qualified repository and a digest that
 * is stable per image. `nginx:1.27` → `docker.io/library/nginx@sha256:…`.
 */
const imageIDs = new Map<string, string>();
const IMAGE_IDS_MAX = 1024;

/** imageID, cached: a pure function of (image, seed) that every container start asks for. */
export function imageID(image: string, seed: string): string {
  const key = `${seed}\n${image}`;
  let id = imageIDs.get(key);
  if (id === undefined) {
    id = computeImageID(image, seed);
    if (imageIDs.size >= IMAGE_IDS_MAX) imageIDs.clear();
    imageIDs.set(key, id);
  }
  return id;
}

function computeImageID(image: string, seed: string): string {
  let repo = imageRepository(image);
  const first = repo.split('/')[0]!;
  const hasRegistry = repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) repo = repo.includes('/') ? `docker.io/${repo}` : `docker.io/library/${repo}`;
  return `${repo}@sha256:${hex64(Rng.root(seed).fork('digest').fork(image))}`;
}

/**
 * `kubesim demo`: the README's main job in a few seconds. The voting app (vote, redis, worker,
 * db, result; manifests in examples/voting-app) on a 3-zone cluster with 3 control-plane
 * nodes: it comes up, gets a rolling update, a bad rollout that `rollout undo` takes back, and
 * a zone outage and recovery — narrated as a timeline with kubectl's own tables. Everything is
 * virtual time, so the same seed prints the same text, trace hash included.
 */
import { readFileSync } from 'node:fs';
import { formatDuration } from '../clock/duration.js';
import { KubesimError } from '../model/errors.js';
import { createCluster, type Cluster } from '../sim/cluster.js';
import { runKubectl } from '../kubectl/index.js';

export const VOTING_APP_FILES = ['vote.yaml', 'redis.yaml', 'worker.yaml', 'db.yaml', 'result.yaml'] as const;

/** The voting app's manifests, shipped under examples/voting-app (resolved from this module). */
export function votingAppFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of VOTING_APP_FILES) out[`voting-app/${f}`] = readFileSync(new URL(`../../examples/voting-app/${f}`, import.meta.url), 'utf8');
  return out;
}

interface FaultsLike {
  failZone(zone: string): void;
  recoverZone(zone: string): void;
}

class Narrator {
  readonly lines: string[] = [];
  constructor(private readonly cluster: Cluster) {}
  say(text: string): void {
    this.lines.push('', `[t=${formatDuration(this.cluster.now).padEnd(7)}] ${text}`);
  }
  kubectl(cmd: string, files?: Record<string, string>): void {
    this.lines.push(`$ kubectl ${cmd}`);
    try {
      this.lines.push(runKubectl(this.cluster, cmd, files ? { files } : {}).replace(/\n+$/, ''));
    } catch (e) {
      if (!(e instanceof KubesimError)) throw e;
      const stdout = (e as { stdout?: string }).stdout ?? '';
      this.lines.push(`${stdout}${e.message}`.replace(/\n+$/, ''));
    }
  }
  advance(d: string): void {
    this.cluster.advance(d);
  }
}

export function runDemo(seed: string | number = 1): string {
  const cluster = createCluster({
    seed,
    zones: 3,
    nodes: 6,
    controlPlane: { masters: 3 },
    // v3 of the vote app crashes two seconds after it starts.
    images: { 'dockersamples/examplevotingapp_vote:v3': { crashAfter: '2s', exitCode: 1 } },
  });
  const n = new Narrator(cluster);
  const files = votingAppFiles();
  n.lines.push(`kubesim demo — seed ${cluster.seed}, virtual time; the same seed prints the same run.`);

  n.say('A cluster: 3 control-plane nodes (etcd + API server) and 6 workers over zones a, b, c.');
  n.kubectl('get nodes -L topology.kubernetes.io/zone');

  n.say('Deploy the voting app: vote, redis, worker, db and result.');
  n.kubectl(`apply ${VOTING_APP_FILES.map((f) => `-f voting-app/${f}`).join(' ')}`, files);
  n.advance('1m');
  n.say('A minute later, pulled, started and ready:');
  n.kubectl('get deployments');
  n.kubectl('get pods -o wide -l app=vote');
  n.say('Apply is idempotent, and an invalid change is rejected and changes nothing.');
  n.kubectl('apply -f voting-app/vote.yaml', files);
  n.kubectl(`patch deployment vote -p '{"spec":{"replicas":-1}}'`);

  n.say('A rolling update of vote to v2 (maxSurge 25%, maxUnavailable 25%).');
  n.kubectl('set image deployment/vote vote=dockersamples/examplevotingapp_vote:v2');
  n.kubectl('rollout status deployment/vote');
  n.kubectl('get rs -l app=vote');

  n.say('A bad rollout: v3 crashes two seconds after it starts.');
  n.kubectl('set image deployment/vote vote=dockersamples/examplevotingapp_vote:v3');
  n.advance('90s');
  n.say('90 seconds later the new pods are crash-looping; the old ones still serve.');
  n.kubectl('get pods -l app=vote');
  n.kubectl('rollout status deployment/vote --watch=false');
  n.kubectl('rollout history deployment/vote');
  n.say('Roll back to the previous revision.');
  n.kubectl('rollout undo deployment/vote');
  n.kubectl('rollout status deployment/vote');

  const faults = (cluster as unknown as { faults?: FaultsLike }).faults;
  if (faults && typeof faults.failZone === 'function') {
    n.say('zone-a goes dark: its nodes (a master among them) stop answering.');
    faults.failZone('zone-a');
    n.advance('1m');
    n.kubectl('get nodes -L topology.kubernetes.io/zone');
    n.advance('5m');
    n.say('Six minutes into the outage: the node lifecycle controller has marked zone-a NotReady, its pods not ready, and evicted them once their 300 s toleration ran out.');
    n.kubectl('get deployments');
    n.kubectl('get pods -o wide -l app=vote');
    const r = cluster.network.request({ to: 'vote.default.svc.cluster.local:80' });
    n.lines.push(`request vote.default.svc.cluster.local:80 -> ${r.ok ? `ok, served by ${r.endpoint.pod ?? r.endpoint.ip}` : `${r.reason}: ${r.message}`}`);
    n.say('zone-a is back.');
    faults.recoverZone('zone-a');
    n.advance('2m');
    n.kubectl('get nodes -L topology.kubernetes.io/zone');
  } else {
    n.say('(zone outage skipped: fault injection is not available in this kubesim build)');
  }

  n.say('Where the requests for CPU and memory sit now:');
  n.kubectl('top nodes');
  n.lines.push('', `trace: ${cluster.trace().length} steps, hash ${cluster.traceHash().slice(0, 16)}`);
  return n.lines.join('\n');
}

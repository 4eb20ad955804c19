import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import type { Registry } from 'prom-client';
import type { ClusterPeerOutcome } from '../catalog/pulse';
import { CLUSTER_PEER_OUTCOMES, pulseClusterPeerRequests } from '../catalog/pulse';
import type { PulseCore } from '../core';
import type { MetricsSource } from '../endpoints/metrics-endpoint';
import type { HealthRegistry } from '../health/index';
import { onSignal } from '../logs/signals';
import { renderFamilies } from './render';
import {
  defaultClusterDirectory,
  listPeers,
  openClusterDirectory,
  readSnapshot,
  RetiredLedger,
  retireDeparted,
  SnapshotWriter,
  socketPath,
} from './directory';
import type { MissingWorker, WorkerHealth } from './health';
import { clusterHealthHandler } from './health';
import { mergeWorkers } from './merge';
import type { PeerRequest } from './peers';
import { askPeer, PeerError, servePeers } from './peers';
import type { FamilyState, WorkerState } from './state';
import { promClientCountsNow, promClientFamilies, pulseFamilies } from './state';

// Several processes per host (node:cluster, PM2 cluster mode). Whichever worker a scrape lands
// on asks its peers for their state over unix sockets in a private folder and answers for all.
// No code runs in the primary: under PM2 the primary is PM2's daemon.

export type { ClusterOptions } from './options';

/**
 * The worker's stable number: PM2's NODE_APP_INSTANCE (0…N-1, kept across restarts), else
 * node:cluster's worker id (a restarted worker gets a new one), else the pid.
 */
export function workerNumber(): string {
  const instance = process.env.NODE_APP_INSTANCE;
  if (
    instance !== undefined &&
    instance !== '' &&
    instance.length <= 6 &&
    [...instance].every((c) => c >= '0' && c <= '9')
  )
    return instance;
  return String(cluster.worker?.id ?? process.pid);
}

interface ClusterWiring {
  promRegistry: Registry;
  metricsEndpoint: { useSource(source: MetricsSource): void };
  health: HealthRegistry;
}

/** Starts the cluster signal when enabled (by default in a cluster worker); otherwise does nothing. */
export function createClusterSignal(core: PulseCore, wiring: ClusterWiring): void {
  const options = core.options.cluster;
  if (!(options.enabled ?? cluster.isWorker)) return;
  const dir = options.directory ?? defaultClusterDirectory(core.options.serviceName);
  try {
    openClusterDirectory(dir);
  } catch (err) {
    // Serving this worker alone beats sharing a folder someone else controls.
    core.internalError('cluster', err);
    process.emitWarning(`Pulse: cluster aggregation is off: ${(err as Error).message}`, { code: 'PULSE_CLUSTER' });
    return;
  }

  const worker = workerNumber();
  const key = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const peerRequests = core.metrics.counter(pulseClusterPeerRequests);
  peerRequests.seed(CLUSTER_PEER_OUTCOMES.map((o) => [o]));
  const count = (outcome: ClusterPeerOutcome): void => peerRequests.inc([outcome]);
  const writer = new SnapshotWriter(dir, key);
  const ledger = new RetiredLedger(
    dir,
    (parts) => mergeWorkers(parts.map((families) => ({ worker: '', families }))).families,
  );
  let lastPromFamilies: FamilyState[] = [];
  let closed = false;
  let retiredState: WorkerState | undefined;

  async function ownState(): Promise<WorkerState> {
    await core.metrics.collect();
    // Pulse's metrics sit in the prom-client registry too (as adapters): counted once, from Pulse's own.
    lastPromFamilies = await promClientFamilies(wiring.promRegistry, new Set(core.metrics.names()));
    return { worker, key, families: [...pulseFamilies(core.metrics), ...lastPromFamilies] };
  }

  /** Our state, on disk before anyone sees it: what a scrape showed stays counted if we die. */
  async function shownState(): Promise<WorkerState> {
    // Once retired, the retired totals are all anyone may see: more would go back at our exit.
    if (retiredState !== undefined) return retiredState;
    const state = await ownState();
    if (!closed) await writer.write(state);
    return state;
  }

  const ownHealth = (verbose: boolean): WorkerHealth => ({
    worker,
    pid: process.pid,
    report: wiring.health.report({ verbose }),
  });

  async function askAll(request: PeerRequest): Promise<{ key: string; body?: string; outcome: ClusterPeerOutcome }[]> {
    const { sockets, orphans } = await listPeers(dir);
    for (const orphan of orphans) {
      count('exited');
      await retireDeparted(dir, orphan);
    }
    const keys = sockets.filter((k) => k !== key);
    return Promise.all(
      keys.map((peer) =>
        askPeer(socketPath(dir, peer), request, options.timeout).then(
          (body) => ({ key: peer, body, outcome: 'answered' as const }),
          (err: unknown) => ({ key: peer, outcome: err instanceof PeerError ? err.outcome : ('failed' as const) }),
        ),
      ),
    );
  }

  const source: MetricsSource = async (format) => {
    const own = await shownState();
    const peers: WorkerState[] = [];
    for (const answer of await askAll('m')) {
      let state: WorkerState | undefined;
      let outcome = answer.outcome;
      if (answer.body !== undefined) {
        try {
          state = JSON.parse(answer.body) as WorkerState;
          if (!Array.isArray(state?.families)) throw new Error('no families');
        } catch {
          state = undefined;
          outcome = 'failed';
        }
      }
      count(outcome);
      if (outcome === 'exited') await retireDeparted(dir, answer.key);
      // A late or failed peer: the state it last showed stands in, so no sum goes back.
      else if (state === undefined) state = await readSnapshot(dir, answer.key);
      if (state !== undefined) peers.push({ ...state, key: answer.key });
    }
    peers.sort((a, b) => Number(a.worker) - Number(b.worker));
    const included = new Set([key, ...peers.map((p) => p.key)]);
    const retired = await ledger.read(included);
    const merged = mergeWorkers([own, ...peers, ...retired.map((families) => ({ worker: '', families }))]);
    if (merged.mismatched > 0)
      core.internalError('cluster', new Error(`${merged.mismatched} series with other buckets`));
    return renderFamilies(merged.families, format);
  };
  wiring.metricsEndpoint.useSource(source);

  if (core.options.health.enabled)
    core.addEndpoint(
      core.options.health.path,
      clusterHealthHandler(core.options.health, {
        own: ownHealth,
        async peers(verbose) {
          const answered: WorkerHealth[] = [];
          const missing: MissingWorker[] = [];
          for (const answer of await askAll(verbose ? 'v' : 'h')) {
            let health: WorkerHealth | undefined;
            try {
              health = answer.body === undefined ? undefined : (JSON.parse(answer.body) as WorkerHealth);
            } catch {
              health = undefined;
            }
            const outcome =
              health?.report === undefined ? (answer.outcome === 'answered' ? 'failed' : answer.outcome) : 'answered';
            count(outcome);
            if (outcome === 'exited') await retireDeparted(dir, answer.key);
            else if (health?.report !== undefined) answered.push(health);
            else missing.push({ key: answer.key, outcome });
          }
          return { answered, missing };
        },
      }),
    );

  let server: Server | undefined;
  servePeers(socketPath(dir, key), async (request) => {
    if (request === 'm') return JSON.stringify(await shownState());
    return JSON.stringify(ownHealth(request === 'v'));
  }).then(
    (s) => {
      if (closed) s.close();
      else server = s;
    },
    (err: unknown) => core.internalError('cluster', err),
  );

  /** Leaves the cluster once: final counts to `retired/`, socket closed. */
  const retire = (): void => {
    if (closed) return;
    closed = true;
    try {
      // Synchronous (this may run in 'exit'): counters and histograms as they are now; an app
      // metric that cannot be read synchronously (a collect callback) as last shown.
      const app = promClientCountsNow(wiring.promRegistry, new Set(core.metrics.names()));
      const shownOnly = lastPromFamilies.filter((f) => app.unread.has(f.name));
      retiredState = { worker, key, families: [...pulseFamilies(core.metrics), ...app.families, ...shownOnly] };
      writer.retireSync(retiredState);
    } catch (err) {
      core.internalError('cluster', err);
    }
    server?.close();
  };
  process.once('exit', retire);
  // On a signal only Pulse listens to, Pulse re-raises it and the process dies without 'exit'.
  const removeSignalHandlers = (['SIGTERM', 'SIGINT'] as const).map((signal) =>
    onSignal(signal, async () => {
      if (process.listenerCount(signal) === 1) retire();
    }),
  );
  core.onShutdown(() => {
    for (const remove of removeSignalHandlers) remove();
    process.removeListener('exit', retire);
    retire();
  });
}

import { bool, num, object, str } from '../config/schema';

// Options of the cluster signal: `createPulse({ cluster: { … } })`. Validated at createPulse().

export interface ClusterOptions {
  /**
   * Answer each scrape and `/health` for every worker of this host (node:cluster, PM2 cluster
   * mode). Default: on in a cluster worker (`cluster.isWorker`), off elsewhere.
   */
  enabled?: boolean;
  /** How long a scrape waits for each peer worker (ms); one that is later is counted and its last state stands in. Default 2000. */
  timeout?: number;
  /**
   * The private folder (mode 0700, this user's) where workers find each other's unix sockets. Default: one
   * per cluster under the OS temp folder, named from the user, the primary's pid and the service.
   */
  directory?: string;
}

export const clusterOptionsSchema = object({
  enabled: bool(),
  timeout: num({ min: 10, max: 60_000, integer: true, unit: 'ms' }),
  directory: str({
    pattern: /^\/.{0,79}$/,
    accepts: 'an absolute path of at most 80 characters (unix socket paths are short)',
  }),
});

export interface ResolvedClusterOptions {
  /** Undefined: decided when Pulse starts (on in a cluster worker). */
  enabled: boolean | undefined;
  timeout: number;
  directory: string | undefined;
}

export function resolveClusterOptions(input: ClusterOptions | undefined): ResolvedClusterOptions {
  return {
    enabled: input?.enabled,
    timeout: input?.timeout ?? 2000,
    directory: input?.directory,
  };
}

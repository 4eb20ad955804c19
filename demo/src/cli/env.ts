// Environment variables of the demo's commands (documented in demo/README.md).

/** A TCP port from the environment, or the default; a clear error for anything else. */
export function portFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`${name}: expected a TCP port, got ${JSON.stringify(raw)}`);
  return port;
}

/** A ratio (0–1) from the environment, or the default. */
export function ratioFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value >= 0 && value <= 1))
    throw new Error(`${name}: expected a number from 0 to 1, got ${JSON.stringify(raw)}`);
  return value;
}

export function optional(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Stops everything once on SIGINT/SIGTERM (a second signal exits at once). The process then
 * ends by itself because nothing is left open — no process.exit() hiding a leaked handle; if
 * something still holds it after 10 s, it exits 1 and says so.
 */
export function onShutdownSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130);
    stopping = true;
    console.error(`${signal}: shutting down`);
    stop().then(
      () => {
        process.exitCode = 0;
        setTimeout(() => {
          console.error('shutdown: handles still open after 10 s, exiting anyway');
          process.exit(1);
        }, 10_000).unref();
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

/** Prints the error without a stack for configuration mistakes, and exits 1. */
export function fail(err: unknown): never {
  console.error(err instanceof Error ? `error: ${err.message}` : err);
  process.exit(1);
}

#!/usr/bin/env node
// `npm test`'s prerequisite check (run by `pretest`): the suite runs real Prometheus, promtool,
// Alertmanager and the blackbox exporter, and talks to PostgreSQL, MariaDB and Redis. When any is
// missing, stop at once with the commands that bring it up, instead of hundreds of failures.
// PULSE_SKIP_PREREQS=1 skips the check (the tests that need what is missing will then fail).
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The binaries the tests start (Debian's packages install them in /usr/bin). */
export const BINARIES = [
  { bin: 'prometheus', pkg: 'prometheus' },
  { bin: 'promtool', pkg: 'prometheus' },
  { bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' },
  { bin: 'amtool', pkg: 'prometheus-alertmanager' },
  { bin: 'prometheus-blackbox-exporter', pkg: 'prometheus-blackbox-exporter' },
  // The second PromQL engine every shipped query is compared on (docs/scaling.md).
  { bin: 'victoria-metrics', pkg: 'victoria-metrics' },
  { bin: 'vmalert', pkg: 'victoria-metrics' },
];

/** The servers the database and health tests talk to, with db `test`. */
export const SERVICES = [
  { name: 'PostgreSQL', host: '127.0.0.1', port: 5432, pkg: 'postgresql' },
  { name: 'MariaDB', host: '127.0.0.1', port: 3306, pkg: 'mariadb-server' },
  { name: 'Redis', host: '127.0.0.1', port: 6379, pkg: 'redis-server' },
];

export const SKIP_VAR = 'PULSE_SKIP_PREREQS';
const CONNECT_TIMEOUT_MS = 1500;

/** Binaries not found as executable files in any directory of `pathEnv`. */
export function missingBinaries(pathEnv, binaries = BINARIES) {
  const dirs = (pathEnv ?? '').split(path.delimiter).filter(Boolean);
  return binaries.filter(
    ({ bin }) =>
      !dirs.some((dir) => {
        try {
          const file = path.join(dir, bin);
          fs.accessSync(file, fs.constants.X_OK);
          return fs.statSync(file).isFile();
        } catch {
          return false;
        }
      }),
  );
}

function reachable({ host, port }, timeoutMs) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Services nothing answers on (all probed at once, so the check takes one timeout at most). */
export async function unreachableServices(services = SERVICES, timeoutMs = CONNECT_TIMEOUT_MS) {
  const ok = await Promise.all(services.map((s) => reachable(s, timeoutMs)));
  return services.filter((_, i) => !ok[i]);
}

/** What to print when something is missing: each missing item, then the commands that fix it. */
export function instructions(bins, services) {
  const lines = ['npm test: prerequisites missing, no test was run.', ''];
  for (const b of bins) lines.push(`  missing binary: ${b.bin} (Debian package ${b.pkg})`);
  for (const s of services) lines.push(`  not reachable:  ${s.name} on ${s.host}:${s.port} (Debian package ${s.pkg})`);
  lines.push(
    '',
    'On Debian/Ubuntu, as root, this installs and starts everything the tests need, then runs the',
    'suite as CI does:',
    '',
    '  bash .ci/run',
  );
  const pkgs = [...new Set(bins.map((b) => b.pkg))];
  if (pkgs.length > 0) {
    lines.push(
      '',
      'Or install just the missing binaries:',
      '',
      `  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`,
    );
  }
  if (services.length > 0) {
    lines.push(
      '',
      'Or start the missing servers yourself, listening on those ports with a database named `test`',
      '(PostgreSQL: user postgres, trust auth over TCP; MariaDB: root without password); .ci/run',
      'shows how (setup_postgres, setup_mariadb, setup_redis). Redis alone, e.g.:',
      '',
      '  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
    );
  }
  lines.push('', `To run the tests anyway (those needing what is missing will fail): ${SKIP_VAR}=1 npm test`);
  return lines.join('\n');
}

/** The check: exit code 0 when everything is there (or skipped), 1 after printing what is missing. */
export async function run({ env = process.env, binaries = BINARIES, services = SERVICES, out = console } = {}) {
  if (env[SKIP_VAR] === '1') {
    out.log(`npm test: prerequisite check skipped (${SKIP_VAR}=1)`);
    return 0;
  }
  const [bins, down] = [missingBinaries(env.PATH, binaries), await unreachableServices(services)];
  if (bins.length === 0 && down.length === 0) return 0;
  out.error(instructions(bins, down));
  return 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.exitCode = await run();
}

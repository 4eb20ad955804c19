import type { LoopWatch } from './loop-watch';
import type { BuiltInChecks } from './options';
import type { HealthCheck } from './types';
import { diskCheck } from './checks/disk';
import { eventLoopCheck } from './checks/event-loop';
import { httpCheck } from './checks/http';
import { memoryCheck } from './checks/memory';
import { mysqlCheck } from './checks/mysql';
import { postgresCheck } from './checks/postgres';
import { redisCheck } from './checks/redis';

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const asOptions = <T extends object>(value: boolean | T | undefined): T | undefined =>
  value === true ? ({} as T) : value === false || value === undefined ? undefined : value;

/** The checks `health.checks` switches on; several of a kind are named `postgres`, `postgres-2`… */
export function builtInChecks(options: BuiltInChecks, watch: () => LoopWatch): HealthCheck[] {
  const checks: HealthCheck[] = [];
  const named = <T extends { name?: string }>(
    kind: string,
    items: T[],
    make: (name: string, o: T, i: number) => HealthCheck,
  ): void => {
    items.forEach((o, i) => checks.push(make(o.name ?? (i === 0 ? kind : `${kind}-${i + 1}`), o, i)));
  };
  named('postgres', list(options.postgres), (name, o) => postgresCheck(name, o));
  named('mysql', list(options.mysql), (name, o, i) =>
    mysqlCheck(name, o, Array.isArray(options.mysql) ? `health.checks.mysql[${i}]` : 'health.checks.mysql'),
  );
  named('redis', list(options.redis), (name, o) => redisCheck(name, o));
  named('http', list(options.http), (name, o) => httpCheck(name, o));
  const disk = asOptions(options.disk);
  if (disk !== undefined) checks.push(diskCheck(disk.name ?? 'disk', disk));
  const memory = asOptions(options.memory);
  if (memory !== undefined) checks.push(memoryCheck(memory.name ?? 'memory', memory));
  const loop = asOptions(options.eventLoop);
  if (loop !== undefined) checks.push(eventLoopCheck(loop.name ?? 'event_loop', loop, watch()));
  return checks;
}

// The compose stack as the tests read it: services, their mounts and the addresses the configs
// point at.
import fs from 'node:fs';
import path from 'node:path';
import { readYaml, ROOT } from './repo';

export interface ComposeService {
  /** Compose profiles that start it; none = the default stack. */
  profiles?: string[];
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  expose?: string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export const COMPOSE_FILE = 'docker-compose.yml';
export const readCompose = (): ComposeFile => readYaml<ComposeFile>(COMPOSE_FILE);

export interface Mount {
  service: string;
  /** Repo-relative source of a bind mount, or the volume name. */
  source: string;
  target: string;
  bind: boolean;
}

export function mountsOf(compose: ComposeFile): Mount[] {
  return Object.entries(compose.services).flatMap(([service, s]) =>
    (s.volumes ?? []).map((v) => {
      const [source, target] = v.split(':') as [string, string];
      const bind = source.startsWith('.') || source.startsWith('/');
      return { service, source: bind ? path.posix.normalize(source) : source, target, bind };
    }),
  );
}

/** Where a container path comes from in the repository, following the service's bind mounts (longest target wins). */
export function repoPathFor(compose: ComposeFile, service: string, containerPath: string): string | undefined {
  const mounts = mountsOf(compose)
    .filter((m) => m.service === service && m.bind)
    .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length);
  const m = mounts[0];
  return m ? path.posix.join(m.source, containerPath.slice(m.target.length)) : undefined;
}

export interface Address {
  /** Where the address was found. */
  from: string;
  host: string;
  port: number;
}

/** host:port of a URL or a bare `host:port`. */
export function parseAddress(from: string, value: string): Address {
  const url = new URL(value.includes('://') ? value : `tcp://${value}`);
  const defaults: Record<string, number> = { 'http:': 80, 'https:': 443, 'postgres:': 5432 };
  const port = url.port ? Number(url.port) : defaults[url.protocol];
  if (port === undefined) throw new Error(`${from}: no port in ${value}`);
  return { from, host: url.hostname, port };
}

interface ScrapeConfig {
  job_name: string;
  static_configs?: Array<{ targets: string[] }>;
  file_sd_configs?: Array<{ files: string[] }>;
  relabel_configs?: Array<{ target_label?: string; replacement?: string; source_labels?: string[] }>;
}

/**
 * Every address Prometheus scrapes or probes: static targets, file_sd targets (the generated probe
 * list) and a relabelled `__address__` (the blackbox exporter). `configRel` is repo-relative; the
 * file_sd globs resolve against its folder, as Prometheus resolves them.
 */
export function prometheusAddresses(configRel: string): Address[] {
  const config = readYaml<{ scrape_configs: ScrapeConfig[] }>(configRel);
  const dir = path.posix.dirname(configRel);
  const out: Address[] = [];
  for (const job of config.scrape_configs) {
    const rewritten = job.relabel_configs?.find(
      (r) => r.target_label === '__address__' && !r.source_labels,
    )?.replacement;
    if (rewritten) out.push(parseAddress(`${configRel} job ${job.job_name} (__address__)`, rewritten));
    for (const sc of job.static_configs ?? []) {
      for (const t of sc.targets) if (!rewritten) out.push(parseAddress(`${configRel} job ${job.job_name}`, t));
    }
    for (const sd of job.file_sd_configs ?? []) {
      for (const pattern of sd.files) {
        const files = globFiles(path.posix.join(dir, pattern));
        if (files.length === 0) throw new Error(`${configRel} job ${job.job_name}: no file matches ${pattern}`);
        for (const f of files) {
          for (const group of readYaml<Array<{ targets: string[] }>>(f)) {
            for (const t of group.targets) out.push(parseAddress(`${f} (job ${job.job_name}) ${t}`, t));
          }
        }
      }
    }
  }
  return out;
}

/** Minimal glob: `*` in the file name only (what Prometheus's file_sd globs here use). */
export function globFiles(rel: string): string[] {
  const dir = path.posix.dirname(rel);
  const re = new RegExp(
    `^${path.posix
      .basename(rel)
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')}$`,
  );
  if (!fs.existsSync(path.join(ROOT, dir))) return [];
  return fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => re.test(f))
    .map((f) => path.posix.join(dir, f))
    .sort();
}

/** The ports a compose service listens on inside the network (its `expose` list). */
export function exposedPorts(s: ComposeService | undefined): number[] {
  return (s?.expose ?? []).map(Number);
}

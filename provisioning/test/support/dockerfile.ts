// What a Dockerfile's final stage puts where: the paths COPY/ADD write and WORKDIR creates, with
// ARG/ENV values substituted. Enough of the Dockerfile syntax for the repository's images (line
// continuations, comments, JSON and shell forms, --from/--chown flags); anything it cannot
// resolve (an unknown variable) is an error, never a silent guess.
import path from 'node:path';

/** Environment and working directory a base image starts with (only the images this repository builds FROM). */
export const BASE_IMAGES: Record<string, { env: Record<string, string>; workdir: string }> = {
  // grafana/grafana's Dockerfile (packaging/docker/Dockerfile): ENV GF_PATHS_*, WORKDIR $GF_PATHS_HOME.
  'grafana/grafana': {
    env: {
      GF_PATHS_CONFIG: '/etc/grafana/grafana.ini',
      GF_PATHS_DATA: '/var/lib/grafana',
      GF_PATHS_HOME: '/usr/share/grafana',
      GF_PATHS_LOGS: '/var/log/grafana',
      GF_PATHS_PLUGINS: '/var/lib/grafana/plugins',
      GF_PATHS_PROVISIONING: '/etc/grafana/provisioning',
    },
    workdir: '/usr/share/grafana',
  },
  node: { env: {}, workdir: '/' },
};

export interface Stage {
  /** The FROM image, variables substituted. */
  image: string;
  name?: string;
  /** Environment at the end of the stage: the base image's, then the stage's ENV lines. */
  env: Record<string, string>;
  workdir: string;
  /** Absolute paths COPY/ADD write and WORKDIR creates in this stage, in order. */
  writes: Array<{ instruction: string; path: string }>;
}

/** Logical lines: comments dropped, `\` continuations joined. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (current === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    out.push((current + line).trim());
    current = '';
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

/** `$VAR`, `${VAR}` and `${VAR:-default}` from `vars`; an unknown variable throws. */
export function expand(value: string, vars: Record<string, string>, where: string): string {
  return value.replace(
    /\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g,
    (_m, braced?: string, fallback?: string, bare?: string) => {
      const name = (braced ?? bare)!;
      const v = vars[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new Error(`${where}: $${name} is not set (no ARG default, ENV or base-image value)`);
    },
  );
}

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.endsWith(s[0]) ? s.slice(1, -1) : s;
}

/** `KEY=value KEY2="v 2"` or the legacy `KEY value`. */
function keyValues(args: string): Array<[string, string]> {
  if (!/^\w+=/.test(args)) {
    const [key, ...rest] = args.split(/\s+/);
    return [[key!, unquote(rest.join(' '))]];
  }
  const pairs: Array<[string, string]> = [];
  for (const m of args.matchAll(/(\w+)=("[^"]*"|'[^']*'|\S*)/g)) pairs.push([m[1]!, unquote(m[2]!)]);
  return pairs;
}

/** Source/destination arguments of COPY/ADD, flags (`--from=…`, `--chown=…`) removed. */
function copyArgs(args: string): string[] {
  if (args.startsWith('[')) return JSON.parse(args) as string[];
  return args.split(/\s+/).filter((a) => !a.startsWith('--'));
}

/** Every stage of the Dockerfile; `buildArgs` override ARG defaults as `--build-arg` would. */
export function parseDockerfile(text: string, file: string, buildArgs: Record<string, string> = {}): Stage[] {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  logicalLines(text).forEach((line, i) => {
    const where = `${file} instruction ${i + 1}`;
    const [, keyword = '', rest = ''] = /^(\w+)\s*(.*)$/.exec(line) ?? [];
    const instruction = keyword.toUpperCase();
    if (instruction === 'ARG') {
      for (const [k, v] of keyValues(rest)) {
        const value = buildArgs[k] ?? v;
        if (stage) stage.env[k] = expand(value, stage.env, where);
        else globalArgs[k] = value;
      }
      return;
    }
    if (instruction === 'FROM') {
      const [image, as, name] = rest.split(/\s+/);
      const resolved = expand(image!, globalArgs, where);
      const previous = stages.find((s) => s.name === resolved);
      const base = previous ?? BASE_IMAGES[resolved.split(':')[0]!];
      if (!base) throw new Error(`${where}: no known environment for base image ${resolved} (add it to BASE_IMAGES)`);
      stage = {
        image: resolved,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        env: { ...base.env },
        workdir: base.workdir,
        writes: [],
      };
      stages.push(stage);
      return;
    }
    if (!stage) throw new Error(`${where}: ${instruction} before FROM`);
    if (instruction === 'ENV') {
      for (const [k, v] of keyValues(rest)) stage.env[k] = expand(v, stage.env, where);
    } else if (instruction === 'WORKDIR') {
      stage.workdir = path.posix.resolve(stage.workdir, expand(rest, stage.env, where));
      stage.writes.push({ instruction: 'WORKDIR', path: stage.workdir });
    } else if (instruction === 'COPY' || instruction === 'ADD') {
      const args = copyArgs(rest);
      const dest = expand(args[args.length - 1]!, stage.env, where);
      stage.writes.push({ instruction, path: path.posix.resolve(stage.workdir, dest) });
    }
  });
  return stages;
}

/** The stage an image is made of: the last one. */
export function finalStage(text: string, file: string, buildArgs: Record<string, string> = {}): Stage {
  const stages = parseDockerfile(text, file, buildArgs);
  if (stages.length === 0) throw new Error(`${file}: no FROM`);
  return stages[stages.length - 1]!;
}

/** True when `p` is `dir` or inside it (path segments, not string prefixes: /var/lib/grafana-x is not in /var/lib/grafana). */
export function isUnder(p: string, dir: string): boolean {
  const rel = path.posix.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.posix.isAbsolute(rel));
}

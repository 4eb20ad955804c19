// The two variable expansions a provisioning value goes through before Grafana uses it, as the
// tests must reproduce them: docker compose interpolates docker-compose.yml with the host's
// environment (the Compose specification, "Interpolation"), then Grafana expands `$VAR` in some
// fields of its provisioning files with its own environment (Go's os.ExpandEnv, `$$` for `$`).
// Both scan left to right once, without regular expressions over the value.

export type Env = Readonly<Record<string, string | undefined>>;

const isNameStart = (c: string | undefined) => c !== undefined && /[A-Za-z_]/.test(c);
const isNameChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);

/** Index of the `}` closing the `${` whose body starts at `from` (nested `${…}` skipped), or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * docker compose's interpolation of one value: `$$` is a `$`; `$VAR` and `${VAR}` (empty when
 * unset); `${VAR:-default}` / `${VAR-default}` (unset or empty / unset); `${VAR:+alt}` / `${VAR+alt}`
 * (set and non-empty / set); `${VAR:?message}` / `${VAR?message}` fail. Defaults may nest.
 */
export function composeInterpolate(value: string, env: Env): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '{') {
      const end = closingBrace(value, i + 2);
      if (end < 0) throw new Error(`compose: unterminated \${ in ${JSON.stringify(value)}`);
      out += composeBraced(value.slice(i + 2, end), env, value);
      i = end;
    } else if (isNameStart(next)) {
      let j = i + 1;
      while (isNameChar(value[j])) j++;
      out += env[value.slice(i + 1, j)] ?? '';
      i = j - 1;
    } else {
      throw new Error(`compose: invalid interpolation format in ${JSON.stringify(value)} (a lone $ is written $$)`);
    }
  }
  return out;
}

function composeBraced(body: string, env: Env, whole: string): string {
  let j = 0;
  while (isNameChar(body[j])) j++;
  const name = body.slice(0, j);
  if (!isNameStart(name[0])) throw new Error(`compose: invalid variable name in ${JSON.stringify(whole)}`);
  const value = env[name];
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  const rest = body.slice(j);
  if (rest === '') return value ?? '';
  const colon = rest.startsWith(':');
  const op = rest[colon ? 1 : 0];
  const arg = () => composeInterpolate(rest.slice(colon ? 2 : 1), env);
  const present = colon ? nonEmpty : set;
  switch (op) {
    case '-':
      return present ? value! : arg();
    case '+':
      return present ? arg() : '';
    case '?':
      if (!present) throw new Error(`compose: required variable ${name} is missing a value: ${arg()}`);
      return value!;
    default:
      throw new Error(`compose: invalid interpolation format in ${JSON.stringify(whole)}`);
  }
}

/** A compose service's `environment` as its process sees it, for a host environment. */
export function serviceEnvironment(
  service: { environment?: Record<string, string> } | undefined,
  host: Env = {},
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service?.environment ?? {}).map(([k, v]) => [k, composeInterpolate(String(v), host)]),
  );
}

/** Go's os.Expand over `text` (shell-style `$NAME`, `${NAME}`, `$1`…; bad `${` syntax eaten, as Go does). */
function goExpandEnv(text: string, env: Env): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '$' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const s = text.slice(i + 1);
    let name = '';
    let width = 0;
    if (s[0] === '{') {
      if (s.length > 2 && /[*#$@!?\-0-9]/.test(s[1]!) && s[2] === '}') [name, width] = [s[1]!, 3];
      else {
        const close = s.indexOf('}');
        if (close === 1)
          width = 2; // `${}`: eaten
        else if (close < 0)
          width = 1; // `${` unterminated: eaten
        else [name, width] = [s.slice(1, close), close + 1];
      }
    } else if (/[*#$@!?\-0-9]/.test(s[0]!)) [name, width] = [s[0]!, 1];
    else {
      while (isNameChar(s[width])) width++;
      name = s.slice(0, width);
    }
    if (name === '' && width === 0) out += '$';
    else if (name !== '') out += env[name] ?? '';
    i += width;
  }
  return out;
}

/**
 * Grafana's expansion of one provisioning value (pkg/services/provisioning/values): split on `$$`
 * (a literal `$`), each part through `$__env{NAME}` and then os.ExpandEnv. `$__file{}` and
 * `$__vault{}` read outside the environment: refused here.
 */
export function grafanaExpand(value: string, env: Env = {}): string {
  return value
    .split('$$')
    .map((part) => {
      if (/\$__(file|vault)\{/.test(part))
        throw new Error(`grafanaExpand: $__file/$__vault in ${JSON.stringify(value)}`);
      return goExpandEnv(
        part.replace(/\$__env\{(\w*)\}/g, (_m, n: string) => env[n] ?? ''),
        env,
      );
    })
    .join('$');
}

/** Every string in a parsed YAML value expanded (Grafana's JSONValue / StringMapValue). */
export function grafanaExpandAll<T>(value: T, env: Env): T {
  if (typeof value === 'string') return grafanaExpand(value, env) as T;
  if (Array.isArray(value)) return value.map((v) => grafanaExpandAll(v, env)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, grafanaExpandAll(v, env)])) as T;
  }
  return value;
}

type Doc = Record<string, unknown>;
type Rule = Record<string, unknown> & { data?: unknown; annotations?: unknown };

/**
 * An alerting provisioning file (apiVersion 1) as Grafana loads it
 * (pkg/services/provisioning/alerting/*_types.go): contact point settings, notification policies
 * and the rule groups' fields are expanded; message templates, rule queries and expressions
 * (`data[].model`, read from `Raw`) and rule annotations are kept as written.
 */
export function grafanaLoadsAlerting<T extends object>(file: T, env: Env): T {
  const doc = file as Doc;
  const out: Doc = { ...doc };
  if (Array.isArray(doc.contactPoints)) out.contactPoints = grafanaExpandAll(doc.contactPoints, env);
  if (Array.isArray(doc.policies)) out.policies = grafanaExpandAll(doc.policies, env);
  if (Array.isArray(doc.groups)) {
    out.groups = (doc.groups as Array<Doc & { rules?: Rule[] }>).map((g) => {
      const { rules, ...group } = g;
      return {
        ...grafanaExpandAll(group, env),
        rules: (rules ?? []).map((r) => {
          const { data, annotations, ...rest } = r;
          const expanded = grafanaExpandAll(rest, env);
          const queries = (Array.isArray(data) ? data : []) as Doc[];
          // refId, datasourceUid… are expanded; the model is not.
          const keptData = queries.map(({ model, ...q }) => ({ ...grafanaExpandAll(q, env), model }));
          return { ...expanded, data: keptData, ...(annotations ? { annotations } : {}) };
        }),
      };
    });
  }
  return out as T;
}

// Paths and readers shared by the provisioning tests.
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = path.resolve(__dirname, '../../..');
export const PROVISIONING = path.join(ROOT, 'provisioning');
// JSON Schemas copied into the repository (vendor/schemas/*/SOURCE.md names each one's origin and version).
export const VENDORED_SCHEMAS = path.join(ROOT, 'vendor/schemas');

export function readText(rel: string): string {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8');
}

/** Parses a YAML file (merge keys on, as Compose reads them); throws with the file name on any error or warning. */
export function readYaml<T = unknown>(rel: string): T {
  const docs = parseAllDocuments(readText(rel), { merge: true });
  if (docs.length !== 1) throw new Error(`${rel}: expected one YAML document, found ${docs.length}`);
  const [doc] = docs;
  const problems = [...doc!.errors, ...doc!.warnings].map((e) => e.message);
  if (problems.length > 0) throw new Error(`${rel}: ${problems.join('; ')}`);
  return doc!.toJS({ maxAliasCount: 100 }) as T;
}

export function parseYaml<T = unknown>(text: string): T {
  return parse(text, { merge: true }) as T;
}

/** Every file under `dir` (relative to the repo root) whose name matches `pattern`, as repo-relative paths. */
export function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(child);
      } else if (pattern.test(entry.name)) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

// JSON Schema validators from vendor/schemas (each folder's SOURCE.md gives the ajv options it needs).
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import path from 'node:path';
import { VENDORED_SCHEMAS } from './repo';

const DASHBOARD_DIR = path.join(VENDORED_SCHEMAS, 'grafana-dashboard');

let dashboardAjv: Ajv | undefined;
function dashboardSchemas(): Ajv {
  if (dashboardAjv) return dashboardAjv;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const name of fs.readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.jsonschema.json'))) {
    const json = JSON.parse(fs.readFileSync(path.join(DASHBOARD_DIR, name), 'utf8')) as object;
    ajv.addSchema(json, name, undefined, name !== 'common.jsonschema.json');
  }
  return (dashboardAjv = ajv);
}

/** A validator for `file#/definitions/Name`, or for a file's root schema; undefined when the schema set has no such kind. */
export function dashboardValidator(ref: string): ValidateFunction | undefined {
  // Without the schemas every check would pass vacuously, so their absence is an error, not a skip.
  if (!fs.existsSync(DASHBOARD_DIR)) throw new Error(`Grafana dashboard schemas not found at ${DASHBOARD_DIR}`);
  const [file] = ref.split('#');
  if (!fs.existsSync(path.join(DASHBOARD_DIR, file!))) return undefined;
  return dashboardSchemas().getSchema(ref);
}

export function composeValidator(): ValidateFunction {
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  addFormats(ajv);
  const schema = JSON.parse(
    fs.readFileSync(path.join(VENDORED_SCHEMAS, 'compose/compose-spec.json'), 'utf8'),
  ) as object;
  return ajv.compile(schema);
}

export function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
    .join('\n');
}

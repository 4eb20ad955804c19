import { DB_OTHER_OPERATION } from '../catalog/db';

// `error_type` of a failed operation. OpenTelemetry asks for the status code the database or the
// driver returned, else the exception's name: PostgreSQL's SQLSTATE (`23505`, `42601`), MySQL's
// code (`ER_DUP_ENTRY`), Node's system error (`ECONNREFUSED`), or `Error`. All bounded sets.

const MAX_LENGTH = 64;

function isLabelSafe(s: string): boolean {
  if (s.length === 0 || s.length > MAX_LENGTH) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
    if (!ok) return false;
  }
  return true;
}

export function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; name?: unknown };
    if (typeof e.code === 'string' && isLabelSafe(e.code)) return e.code;
    if (typeof e.code === 'number' && Number.isInteger(e.code)) return String(e.code);
    if (typeof e.name === 'string' && isLabelSafe(e.name)) return e.name;
  }
  return DB_OTHER_OPERATION;
}

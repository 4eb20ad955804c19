import { HTTP_OTHER_METHOD } from '../catalog/http';

// OTel's known methods; anything else folds into `_OTHER` so scanners cannot mint label values.
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

/** Every value `normaliseMethod` returns, indexed: series caches key on the index, not the string. */
export const METHOD_INDEX: ReadonlyMap<string, number> = new Map(
  [...KNOWN_METHODS, HTTP_OTHER_METHOD].map((method, index) => [method, index]),
);

export function normaliseMethod(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : HTTP_OTHER_METHOD;
}

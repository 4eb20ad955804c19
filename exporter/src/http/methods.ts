import { HTTP_OTHER_METHOD } from '../catalog/http';

// OTel's known methods; anything else folds into `_OTHER` so scanners cannot mint label values.
const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']);

export function normaliseMethod(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : HTTP_OTHER_METHOD;
}

import type { Response } from 'express';

// Request validation that answers 422 with the offending field named, like a real API would.

export class ValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'ValidationError';
  }
}

/** Sends `422 { error, field }`. */
export function sendValidationError(res: Response, err: ValidationError): void {
  res.status(422).json({ error: err.message, field: err.field });
}

/** A positive integer route/body parameter, or a ValidationError naming it. */
export function positiveInt(value: unknown, field: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 2_147_483_647) {
    throw new ValidationError(field, 'expected a positive integer');
  }
  return n;
}

/** A string of `min`–`max` characters after trimming. */
export function text(value: unknown, field: string, min: number, max: number): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'expected a string');
  const trimmed = value.trim();
  if (trimmed.length < min || trimmed.length > max) {
    throw new ValidationError(field, `expected ${min}–${max} characters, got ${trimmed.length}`);
  }
  return trimmed;
}

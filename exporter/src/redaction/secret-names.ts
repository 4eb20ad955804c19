// Names whose values are never shown: headers, query parameters, JSON fields, `name=value` pairs
// in free text. Tested against one name at a time (at most 64 characters), never against a
// whole text, so a user-supplied pattern cannot make a scan slow.

export const DEFAULT_SECRET_NAME =
  /pass(word|wd|phrase)?|pwd|secret|token|api[-_]?key|access[-_]?key|auth|session|cookie|credential|signature|private|jwt|otp|ssn|cvv|cvc|card[-_.]?(number|no)|iban|connection[-_]?string|dsn|^(sig|key|pw)$/i;

/** Longest name tested; longer words are not names. */
export const MAX_NAME_LENGTH = 64;

export function isSecretName(name: string, secretName: RegExp): boolean {
  return name.length <= MAX_NAME_LENGTH && secretName.test(name);
}

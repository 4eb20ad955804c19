import { DEFAULT_SECRET_NAME, isSecretName } from './secret-names';

// Secrets masked by their shape or by the name they follow, in any free text Pulse ships
// (error messages and stacks, log lines, event messages, health output). Hand-written scanners,
// no regular expression over the text: each pass visits every character a bounded number of
// times, so the cost is linear in the length whatever the text holds. Callers cut the text first.

export const REDACTED = '[REDACTED]';

const QUOTE = 34; // "
const APOS = 39; // '
const BACKSLASH = 92;
const COLON = 58;
const EQUALS = 61;
const SLASH = 47;

/** Character classes by code unit (ASCII only; everything else is in no class). */
function classTable(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Names, tokens and JWTs: `db.password`, `X-Amz-Signature`, `eyJ….….…`. */
const WORD = classTable(ALNUM + '_.-');
const WORD_CHAR = classTable(ALNUM + '_');
/** An Authorization credential (RFC 7235 token68). */
const CREDENTIAL = classTable(ALNUM + '._~+/=-');
/** Where an unquoted value ends. */
const VALUE_END = classTable(' \t\r\n\f\v&,;"\'})]<>`');
/** Where a URL's authority (and so its `user:password@`) ends. */
const AUTHORITY_END = classTable(' \t\r\n\f\v/?#"\'<>\\`)]}');

const is = (table: Uint8Array, c: number): boolean => c < 128 && table[c] === 1;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** Masks every secret Pulse recognises in `text`; linear in its length. */
export function maskSecrets(text: string, secretName: RegExp = DEFAULT_SECRET_NAME): string {
  return maskCardNumbers(maskWords(maskUrlCredentials(maskPrivateKeys(text)), secretName));
}

/** `-----BEGIN … PRIVATE KEY-----` up to its END line (or the end of the text, when cut). */
function maskPrivateKeys(text: string): string {
  let out = '';
  let last = 0;
  let from = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN ', from);
    if (begin === -1) break;
    const labelEnd = text.indexOf('-----', begin + 11);
    if (labelEnd === -1) break;
    from = labelEnd + 5;
    if (labelEnd - begin > 64 || !text.slice(begin + 11, labelEnd).endsWith('PRIVATE KEY')) continue;
    const end = text.indexOf('-----END ', from);
    const close = end === -1 ? -1 : text.indexOf('-----', end + 9);
    const stop = close === -1 ? text.length : close + 5;
    out += text.slice(last, begin) + REDACTED;
    last = from = stop;
  }
  return out + text.slice(last);
}

/** `scheme://user:password@host` → `scheme://[REDACTED]@host` (a lone user part can be a token too). */
function maskUrlCredentials(text: string): string {
  let out = '';
  let last = 0;
  let from = 0;
  for (;;) {
    const scheme = text.indexOf('://', from);
    if (scheme === -1) break;
    const start = scheme + 3;
    let k = start;
    let at = -1;
    for (; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (is(AUTHORITY_END, c)) break;
      if (c === 64) at = k; // the last '@': passwords may hold an unescaped one
    }
    if (at > start) {
      out += text.slice(last, start) + REDACTED;
      last = at;
    }
    from = k;
  }
  return out + text.slice(last);
}

interface Replacement {
  start: number;
  end: number;
  text: string;
}

/** Words: secret-named pairs, Authorization credentials, tokens with a known shape. */
function maskWords(text: string, secretName: RegExp): string {
  const n = text.length;
  let out = '';
  let last = 0;
  let i = 0;
  while (i < n) {
    if (!is(WORD, text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && is(WORD, text.charCodeAt(j))) j++;
    const r = secretPair(text, i, j, secretName) ?? schemeCredential(text, i, j);
    if (r !== undefined) {
      out += text.slice(last, r.start) + r.text;
      last = i = r.end;
      continue;
    }
    const masked = j - i >= 15 ? maskTokenWord(text.slice(i, j)) : undefined;
    if (masked !== undefined) {
      out += text.slice(last, i) + masked;
      last = j;
    }
    i = j;
  }
  return out + text.slice(last);
}

function skipBlanks(text: string, k: number): number {
  while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  return k;
}

/** The value after a secret name: `k=v`, `k: v`, `"k":"v"`, `k='v'`, `\"k\":\"v\"` (JSON in JSON). */
function secretPair(text: string, i: number, j: number, secretName: RegExp): Replacement | undefined {
  if (!isSecretName(text.slice(i, j), secretName)) return undefined;
  let k = j;
  let quotedName = false;
  const before = text.charCodeAt(i - 1);
  if ((before === QUOTE || before === APOS) && text.charCodeAt(k) === before) {
    k++;
    quotedName = before === QUOTE;
  } else if (before === QUOTE && text.charCodeAt(k) === BACKSLASH && text.charCodeAt(k + 1) === QUOTE) k += 2;
  k = skipBlanks(text, k);
  const sep = text.charCodeAt(k);
  if (sep !== COLON && sep !== EQUALS) return undefined;
  if (sep === COLON && text.charCodeAt(k + 1) === SLASH && text.charCodeAt(k + 2) === SLASH) return undefined; // a URL
  k = skipBlanks(text, k + 1);
  if (text.startsWith(REDACTED, k)) return alreadyMasked(k); // a stack masked again after its header
  const c = text.charCodeAt(k);
  if (c === QUOTE || c === APOS) {
    const close = closingQuote(text, k + 1, c);
    // Unterminated (the text was cut): the rest is the secret.
    return close === -1 ? { start: k, end: text.length, text: REDACTED } : { start: k + 1, end: close, text: REDACTED };
  }
  if (c === BACKSLASH && text.charCodeAt(k + 1) === QUOTE) {
    const close = text.indexOf('\\"', k + 2);
    return close === -1 ? { start: k, end: text.length, text: REDACTED } : { start: k + 2, end: close, text: REDACTED };
  }
  let wordEnd = k;
  while (wordEnd < text.length && is(WORD, text.charCodeAt(wordEnd))) wordEnd++;
  const credential = schemeCredential(text, k, wordEnd); // `Authorization: Bearer …`
  if (credential !== undefined) return credential;
  let e = k;
  while (e < text.length && !is(VALUE_END, text.charCodeAt(e))) e++;
  if (e === k) return undefined;
  // `"password":123` stays valid JSON.
  return { start: k, end: e, text: quotedName && sep === COLON ? `"${REDACTED}"` : REDACTED };
}

/** Masked text masked again stays as it was (`[REDACTED]`, not `[REDACTED]]` or a masked scheme). */
const alreadyMasked = (start: number): Replacement => ({ start, end: start + REDACTED.length, text: REDACTED });

function closingQuote(text: string, from: number, quote: number): number {
  for (let k = from; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === quote) return k;
    if (c === BACKSLASH) k++;
  }
  return -1;
}

const AUTH_SCHEMES = new Set(['bearer', 'basic', 'digest', 'token', 'negotiate', 'apikey']);

/** `Bearer <credential>` in any letter case: the credential (6+ characters) is masked. */
function schemeCredential(text: string, i: number, j: number): Replacement | undefined {
  if (j - i > 9 || !AUTH_SCHEMES.has(text.slice(i, j).toLowerCase())) return undefined;
  const start = skipBlanks(text, j);
  if (start === j) return undefined;
  if (text.startsWith(REDACTED, start)) return alreadyMasked(start);
  let e = start;
  while (e < text.length && is(CREDENTIAL, text.charCodeAt(e))) e++;
  return e - start >= 6 ? { start, end: e, text: REDACTED } : undefined;
}

/** A word that is (or whose dot-separated parts are) a token: JWT, vendor-prefixed key, long opaque string. */
function maskTokenWord(word: string): string | undefined {
  if (word.startsWith('eyJ') && word.indexOf('.', word.indexOf('.') + 1) !== -1) return REDACTED;
  const parts = word.split('.');
  let changed = false;
  for (let p = 0; p < parts.length; p++) {
    if (isKnownToken(parts[p]!) || isOpaque(parts[p]!)) {
      parts[p] = REDACTED;
      changed = true;
    }
  }
  return changed ? parts.join('.') : undefined;
}

/** Prefix and shortest length of tokens vendors issue (GitHub, Stripe, Slack, Google, npm). */
const TOKEN_PREFIXES: [string, number][] = [
  ['ghp_', 20],
  ['gho_', 20],
  ['ghu_', 20],
  ['ghs_', 20],
  ['ghr_', 20],
  ['github_pat_', 31],
  ['sk_live_', 18],
  ['sk_test_', 18],
  ['rk_live_', 18],
  ['rk_test_', 18],
  ['whsec_', 24],
  ['xoxb-', 15],
  ['xoxa-', 15],
  ['xoxp-', 15],
  ['xoxo-', 15],
  ['xoxs-', 15],
  ['xoxr-', 15],
  ['AIza', 34],
  ['npm_', 34],
];

function isKnownToken(part: string): boolean {
  for (const [prefix, min] of TOKEN_PREFIXES) if (part.length >= min && part.startsWith(prefix)) return true;
  // AWS access key ids: AKIA (long-term) or ASIA (temporary) and 16 upper-case letters or digits.
  if (part.length >= 20 && (part.startsWith('AKIA') || part.startsWith('ASIA'))) {
    for (let k = 4; k < 20; k++) {
      const c = part.charCodeAt(k);
      if (!(isDigit(c) || (c >= 65 && c <= 90))) return false;
    }
    return true;
  }
  return false;
}

/** 32+ characters mixing letters and digits (API keys, session ids, hashes); UUIDs are ids and stay. */
function isOpaque(part: string): boolean {
  if (part.length < 32 || isUuid(part)) return false;
  let letter = false;
  let digit = false;
  for (let k = 0; k < part.length && !(letter && digit); k++) {
    const c = part.charCodeAt(k);
    if (isDigit(c)) digit = true;
    else if ((c | 32) >= 97 && (c | 32) <= 122) letter = true;
  }
  return letter && digit;
}

function isUuid(part: string): boolean {
  if (part.length !== 36) return false;
  for (let k = 0; k < 36; k++) {
    const c = part.charCodeAt(k);
    const dash = k === 8 || k === 13 || k === 18 || k === 23;
    if (dash ? c !== 45 : !(isDigit(c) || ((c | 32) >= 97 && (c | 32) <= 102))) return false;
  }
  return true;
}

/**
 * 13–19 digits (single spaces or dashes between) starting 2–6, as card numbers do, that pass the
 * Luhn check. Each run of digits is read once; the Luhn sum of any window of it comes from prefix
 * sums in constant time, so `4 4 4 4 …` costs no more than any other text.
 */
function maskCardNumbers(text: string): string {
  let out = '';
  let last = 0;
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!isDigit(text.charCodeAt(i))) continue;
    positions.length = 0;
    let k = i;
    for (;;) {
      positions.push(k++);
      const c = text.charCodeAt(k);
      if (isDigit(c)) continue;
      if ((c === 32 || c === 45) && isDigit(text.charCodeAt(k + 1))) {
        k++;
        continue;
      }
      break;
    }
    if (positions.length >= 13) {
      for (const [from, to] of cardNumbersIn(text, positions)) {
        out += text.slice(last, from) + REDACTED;
        last = to;
      }
    }
    i = k;
  }
  return out + text.slice(last);
}

/** [start, end) of each card number in one run of digits (`positions` of its digits, in order). */
function cardNumbersIn(text: string, positions: number[]): [number, number][] {
  const count = positions.length;
  // luhnSums[p][j]: Luhn sum of the first j digits when digits of index parity p are the undoubled ones.
  const luhnSums = [new Int32Array(count + 1), new Int32Array(count + 1)] as const;
  for (let j = 0; j < count; j++) {
    const d = text.charCodeAt(positions[j]!) - 48;
    const dbl = d * 2 > 9 ? d * 2 - 9 : d * 2;
    const even = (j & 1) === 0;
    luhnSums[0][j + 1] = luhnSums[0][j]! + (even ? d : dbl);
    luhnSums[1][j + 1] = luhnSums[1][j]! + (even ? dbl : d);
  }
  const found: [number, number][] = [];
  let a = 0;
  while (a <= count - 13) {
    const first = text.charCodeAt(positions[a]!);
    const startsWord =
      a === 0 ? !is(WORD_CHAR, text.charCodeAt(positions[0]! - 1)) : positions[a - 1]! + 1 < positions[a]!;
    let match = -1;
    if (startsWord && first >= 50 && first <= 54) {
      for (let b = Math.min(count, a + 19); b >= a + 13 && match === -1; b--) {
        const endsWord =
          b === count ? !is(WORD_CHAR, text.charCodeAt(positions[b - 1]! + 1)) : positions[b - 1]! + 1 < positions[b]!;
        // The last digit (index b-1) is not doubled; every other one going left is.
        const sums = (b - 1) & 1 ? luhnSums[1] : luhnSums[0];
        const sum = sums[b]! - sums[a]!;
        if (endsWord && sum % 10 === 0) match = b;
      }
    }
    if (match === -1) a++;
    else {
      found.push([positions[a]!, positions[match - 1]! + 1]);
      a = match;
    }
  }
  return found;
}

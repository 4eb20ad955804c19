import type { SqlDialect } from './normalise-sql';

// The lexical pieces of the SQL normaliser: character classes, and where each kind of token that
// starts at position i ends (strings, quoted names, numbers, comments, dollar quotes, table
// names). Pure functions of (sql, i, len): each looks at every character of its token once, and
// none searches past `len`, so the scanner that strings them together stays linear.

/** Table names longer than this are cut (they become a label value). */
const MAX_COLLECTION_LENGTH = 128;

export const enum Ch {
  Tab = 9,
  Cr = 13,
  Space = 32,
  Hash = 35,
  Dollar = 36,
  Quote = 39,
  DoubleQuote = 34,
  LParen = 40,
  RParen = 41,
  Star = 42,
  Plus = 43,
  Comma = 44,
  Minus = 45,
  Dot = 46,
  Slash = 47,
  Zero = 48,
  Nine = 57,
  Colon = 58,
  Semicolon = 59,
  Question = 63,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  Underscore = 95,
  Backtick = 96,
}

export const isDigit = (c: number): boolean => c >= Ch.Zero && c <= Ch.Nine;
export const isLetter = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
export const isIdentStart = (c: number): boolean => isLetter(c) || c === Ch.Underscore || c >= 128;
export const isIdentChar = (c: number): boolean => isIdentStart(c) || isDigit(c) || c === Ch.Dollar;
export const isSpace = (c: number): boolean => c === Ch.Space || (c >= Ch.Tab && c <= Ch.Cr);

/** Case-insensitive comparison of sql[start, end) with an upper-case ASCII word, without allocating. */
export function wordIs(sql: string, start: number, end: number, upper: string): boolean {
  if (end - start !== upper.length) return false;
  for (let k = 0; k < upper.length; k++) {
    let c = sql.charCodeAt(start + k);
    if (c >= 97 && c <= 122) c -= 32;
    if (c !== upper.charCodeAt(k)) return false;
  }
  return true;
}

export function wordIn(sql: string, start: number, end: number, words: readonly string[]): boolean {
  for (const w of words) if (wordIs(sql, start, end, w)) return true;
  return false;
}

export interface TableName {
  /** '' if there is no name at i. */
  readonly name: string;
  /** Where it ends in the statement. */
  readonly end: number;
}

/** Reads `name`, `"quoted name"`, `` `name` `` and `schema.name` at i, unquoted and cut to 128 chars. */
export function readTableName(sql: string, i: number, len: number, dialect: SqlDialect): TableName {
  let name = '';
  let end = i;
  for (;;) {
    const c = sql.charCodeAt(i);
    const quote = c === Ch.Backtick || (c === Ch.DoubleQuote && dialect === 'postgresql') ? c : 0;
    let part = '';
    if (quote !== 0) {
      let j = i + 1;
      while (j < len) {
        const d = sql.charCodeAt(j);
        if (d === quote) {
          if (sql.charCodeAt(j + 1) === quote && j + 1 < len) {
            j += 2;
            continue;
          }
          break;
        }
        j++;
      }
      part = sql.slice(i + 1, Math.min(j, i + 1 + MAX_COLLECTION_LENGTH));
      i = j + 1;
    } else if (isIdentStart(c)) {
      let j = i + 1;
      while (j < len && isIdentChar(sql.charCodeAt(j))) j++;
      part = sql.slice(i, Math.min(j, i + MAX_COLLECTION_LENGTH));
      i = j;
    } else {
      return { name, end };
    }
    end = i;
    name = name === '' ? part : name + '.' + part;
    if (name.length >= MAX_COLLECTION_LENGTH) return { name: name.slice(0, MAX_COLLECTION_LENGTH), end };
    if (i >= len || sql.charCodeAt(i) !== Ch.Dot) return { name, end };
    i++;
  }
}

/** End of a quoted string starting at i; doubled quotes and, when enabled, backslashes escape. */
export function skipString(sql: string, i: number, len: number, quote: number, backslash: boolean): number {
  let j = i + 1;
  while (j < len) {
    const c = sql.charCodeAt(j);
    if (c === Ch.Backslash && backslash) {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (j + 1 < len && sql.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return len; // unterminated: everything left is the literal
}

/** End of a quoted name (`"…"`, `` `…` ``) starting at i; a doubled quote escapes. */
export function skipQuoted(sql: string, i: number, len: number, quote: number): number {
  let j = i + 1;
  while (j < len) {
    if (sql.charCodeAt(j) === quote) {
      if (j + 1 < len && sql.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      j++;
      break;
    }
    j++;
  }
  return j > len ? len : j;
}

/** 42, 4.2, .5, 1e-3, 0x1F, 1_000: one number token. */
export function skipNumber(sql: string, i: number, len: number): number {
  let j = i;
  while (j < len) {
    const c = sql.charCodeAt(j);
    if (isIdentChar(c) || c === Ch.Dot) {
      j++;
      continue;
    }
    // Exponent sign: 1e-3, 2E+10.
    if (
      (c === Ch.Minus || c === Ch.Plus) &&
      (sql.charCodeAt(j - 1) | 32) === 101 &&
      j + 1 < len &&
      isDigit(sql.charCodeAt(j + 1))
    ) {
      j += 2;
      continue;
    }
    break;
  }
  return j;
}

export function skipLine(sql: string, i: number, len: number): number {
  const nl = sql.indexOf('\n', i);
  return nl === -1 ? len : nl + 1;
}

/** Block comments; PostgreSQL nests them, MySQL does not. */
export function skipBlockComment(sql: string, i: number, len: number, nested: boolean): number {
  let level = 1;
  let j = i + 2;
  while (j < len) {
    const c = sql.charCodeAt(j);
    if (c === Ch.Star && j + 1 < len && sql.charCodeAt(j + 1) === Ch.Slash) {
      j += 2;
      if (--level === 0) return j;
      continue;
    }
    if (nested && c === Ch.Slash && j + 1 < len && sql.charCodeAt(j + 1) === Ch.Star) {
      j += 2;
      level++;
      continue;
    }
    j++;
  }
  return len;
}

/** PostgreSQL dollar quoting ($$…$$, $tag$…$tag$); returns i when this is not one. */
export function skipDollarQuoted(sql: string, i: number, len: number): number {
  let j = i + 1;
  if (j < len && isDigit(sql.charCodeAt(j))) return i;
  while (j < len && isIdentChar(sql.charCodeAt(j)) && sql.charCodeAt(j) !== Ch.Dollar) j++;
  if (j >= len || sql.charCodeAt(j) !== Ch.Dollar) return i;
  const tag = sql.slice(i, j + 1);
  const close = sql.indexOf(tag, j + 1);
  return close === -1 ? len : close + tag.length;
}

import { DB_OTHER_OPERATION } from '../catalog/db';
import type { CollectionRule } from './sql-keywords';
import { COLLECTION_RULES, MAIN_OPERATIONS, OPERATIONS } from './sql-keywords';
import {
  Ch,
  isDigit,
  isIdentChar,
  isIdentStart,
  isSpace,
  readTableName,
  skipBlockComment,
  skipDollarQuoted,
  skipLine,
  skipNumber,
  skipQuoted,
  skipString,
  wordIn,
  wordIs,
} from './sql-lexemes';

// Folds a SQL statement to its pattern: literals, numbers and placeholders become `?`, lists of
// them in `IN (…)` become `IN (?)`, repeated `VALUES` rows collapse to one, comments go and
// whitespace shrinks to single spaces. It also yields the operation (first keyword) and the main
// table, the two labels the metrics carry.
//
// One left-to-right pass over the characters, no regular expressions: every character is looked
// at a bounded number of times, so the cost is linear in the input whatever it contains (no
// catastrophic backtracking on hostile input). The output goes into a reused code-unit buffer,
// so collapsing a list is a length reset instead of a string copy.

export type SqlDialect = 'postgresql' | 'mysql';

export interface NormalisedSql {
  /** The pattern: the statement with every value replaced by `?`. Never contains a literal. */
  readonly text: string;
  /** Upper-case first keyword (`SELECT`, `INSERT`…; for `WITH`, the main statement's), `_OTHER`, or '' for an empty statement. */
  readonly operation: string;
  /** The main table (`users`, `public.users`), unquoted; '' when there is none or it is a subquery. */
  readonly collection: string;
}

/** Only this much of a statement is read (a multi-megabyte bulk insert costs what its first 8 KB cost). */
export const MAX_NORMALISED_INPUT = 8192;
/** Nesting deeper than this is not tracked for list collapsing (still linear, just less folding). */
const MAX_GROUP_DEPTH = 256;

// Scanner state. Normalising is synchronous and never re-entered, so one module-level state and
// one output buffer serve every call without allocating.
const out = new Uint16Array(MAX_NORMALISED_INPUT + 8);
/** The same memory as bytes: decoding it as UTF-16 is the cheapest way back to a string. */
const outBytes = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
let n = 0; // output length
let sql = '';
let len = 0;
let dialect: SqlDialect = 'postgresql';
let depth = 0; // bracket depth in the input
// Tracked bracket groups, per nesting level: where the open bracket sits in `out`, whether the
// group holds only placeholders so far, whether it is a list (after IN, or an ARRAY[…]), and the
// span of the last placeholder-only group closed at that level (to collapse repeated VALUES rows).
let groups = 0;
const groupOpen = new Int32Array(MAX_GROUP_DEPTH);
const groupSimple = new Uint8Array(MAX_GROUP_DEPTH);
const groupIsList = new Uint8Array(MAX_GROUP_DEPTH);
const siblingStart = new Int32Array(MAX_GROUP_DEPTH + 1);
const siblingEnd = new Int32Array(MAX_GROUP_DEPTH + 1);
// Operation and main-table detection.
let operation = '';
let operationResolved = false;
let statementDepth = 0;
let rule: CollectionRule | undefined;
let wantName = false;
let collection = '';
let collectionDone = true;

/** The pattern, operation and main table of `input`. Never throws; linear in min(length, MAX_NORMALISED_INPUT). */
export function normaliseSql(input: string, sqlDialect: SqlDialect): NormalisedSql {
  sql = typeof input === 'string' ? input : String(input);
  const truncated = sql.length > MAX_NORMALISED_INPUT;
  // A slice, so that searches (indexOf) stay within the part that is read.
  if (truncated) sql = sql.slice(0, MAX_NORMALISED_INPUT);
  len = sql.length;
  dialect = sqlDialect;
  n = 0;
  depth = 0;
  groups = 0;
  siblingEnd[0] = -1;
  operation = '';
  operationResolved = false;
  statementDepth = 0;
  rule = undefined;
  wantName = false;
  collection = '';
  collectionDone = true;
  try {
    scan();
    // Cut mid-statement: drop the group the cut fell into (half a VALUES row, say), so that
    // statements cut at different places still share one pattern.
    if (truncated && groups > 0) n = groupOpen[0]!;
    // Trailing spaces and semicolons (and, after a cut, commas) carry no meaning.
    while (n > 0 && (out[n - 1] === Ch.Space || out[n - 1] === Ch.Semicolon || (truncated && out[n - 1] === Ch.Comma)))
      n--;
    let text = bufferToString(n);
    if (truncated) text += ' …';
    return { text, operation, collection };
  } finally {
    sql = ''; // do not keep the caller's (possibly large) string alive
  }
}

function scan(): void {
  const mysql = dialect === 'mysql';
  let i = 0;
  while (i < len) {
    const c = sql.charCodeAt(i);

    if (isSpace(c)) {
      i++;
      while (i < len && isSpace(sql.charCodeAt(i))) i++;
      space();
      continue;
    }

    if (isIdentStart(c)) {
      const start = i;
      i++;
      while (i < len && isIdentChar(sql.charCodeAt(i))) i++;
      // String prefixes (E'…', N'…', X'…', B'…') belong to the literal that follows.
      if (i - start === 1 && i < len && sql.charCodeAt(i) === Ch.Quote) {
        const p = c | 32;
        if (p === 101 || p === 110 || p === 120 || p === 98) {
          i = skipString(sql, i, len, Ch.Quote, mysql || p === 101);
          out[n++] = Ch.Question;
          continue;
        }
      }
      if (!collectionDone || !operationResolved) onWord(start, i);
      markNotSimple();
      for (let k = start; k < i; k++) out[n++] = sql.charCodeAt(k);
      continue;
    }

    if (isDigit(c) || (c === Ch.Dot && i + 1 < len && isDigit(sql.charCodeAt(i + 1)))) {
      i = skipNumber(sql, i, len);
      out[n++] = Ch.Question;
      continue;
    }

    switch (c) {
      case Ch.Quote:
        i = skipString(sql, i, len, Ch.Quote, mysql);
        out[n++] = Ch.Question;
        continue;
      case Ch.DoubleQuote:
        if (mysql) {
          // MySQL's default sql_mode reads "…" as a string, not a name.
          i = skipString(sql, i, len, Ch.DoubleQuote, true);
          out[n++] = Ch.Question;
          continue;
        }
        onQuotedName(i);
        markNotSimple();
        i = copyVerbatim(i, skipQuoted(sql, i, len, Ch.DoubleQuote));
        continue;
      case Ch.Backtick:
        onQuotedName(i);
        markNotSimple();
        i = copyVerbatim(i, skipQuoted(sql, i, len, Ch.Backtick));
        continue;
      case Ch.Minus:
        if (i + 1 < len && sql.charCodeAt(i + 1) === Ch.Minus) {
          i = skipLine(sql, i, len);
          space();
          continue;
        }
        break;
      case Ch.Hash:
        if (mysql) {
          i = skipLine(sql, i, len);
          space();
          continue;
        }
        break;
      case Ch.Slash:
        if (i + 1 < len && sql.charCodeAt(i + 1) === Ch.Star) {
          i = skipBlockComment(sql, i, len, !mysql);
          space();
          continue;
        }
        break;
      case Ch.Dollar:
        if (!mysql) {
          if (i + 1 < len && isDigit(sql.charCodeAt(i + 1))) {
            i += 2;
            while (i < len && isDigit(sql.charCodeAt(i))) i++;
            out[n++] = Ch.Question; // $1 → ?
            continue;
          }
          const end = skipDollarQuoted(sql, i, len);
          if (end !== i) {
            i = end;
            out[n++] = Ch.Question;
            continue;
          }
        }
        break;
      case Ch.Colon:
        // mysql2's named placeholders (`:id`); PostgreSQL's `::type` casts are left alone.
        if (
          mysql &&
          i + 1 < len &&
          isIdentStart(sql.charCodeAt(i + 1)) &&
          (i === 0 || sql.charCodeAt(i - 1) !== Ch.Colon)
        ) {
          i += 2;
          while (i < len && isIdentChar(sql.charCodeAt(i))) i++;
          out[n++] = Ch.Question;
          continue;
        }
        break;
      case Ch.LParen:
      case Ch.LBracket:
        openGroup(c);
        i++;
        continue;
      case Ch.RParen:
      case Ch.RBracket:
        if (depth > 0) depth--;
        if (n > 0 && out[n - 1] === Ch.Space) n--;
        out[n++] = c;
        if (groups > 0 && groups - 1 === depth) closeGroup();
        i++;
        continue;
      case Ch.Comma:
      case Ch.Question:
        out[n++] = c;
        i++;
        continue;
    }
    // Anything else (operators, signs, dots, semicolons) is copied as it is; only signs keep a
    // group a pure placeholder list (`IN (-?, ?)`).
    if (c !== Ch.Minus && c !== Ch.Plus) markNotSimple();
    out[n++] = c;
    i++;
  }
}

function space(): void {
  if (n > 0 && out[n - 1] !== Ch.Space && out[n - 1] !== Ch.LParen && out[n - 1] !== Ch.LBracket) out[n++] = Ch.Space;
}

function markNotSimple(): void {
  if (groups > 0) groupSimple[groups - 1] = 0;
}

function startCollectionRule(op: string): void {
  operation = op;
  operationResolved = true;
  rule = COLLECTION_RULES[op];
  collectionDone = rule === undefined;
  wantName = rule !== undefined && rule.after === undefined;
}

/** A word (identifier or keyword) at sql[start, end): drives operation and table detection. */
function onWord(start: number, end: number): void {
  if (!operationResolved) {
    if (operation === '') {
      const word = sql.slice(start, end).toUpperCase();
      statementDepth = depth;
      if (word === 'WITH') operation = 'WITH';
      else startCollectionRule(OPERATIONS.has(word) ? word : DB_OTHER_OPERATION);
    } else if (depth === statementDepth) {
      // After WITH …: the first main keyword at the statement's own depth is the real operation.
      for (const op of MAIN_OPERATIONS) {
        if (wordIs(sql, start, end, op)) {
          startCollectionRule(op);
          break;
        }
      }
    }
    return;
  }
  if (collectionDone || depth !== statementDepth) return;
  if (wantName) {
    if (!wordIn(sql, start, end, rule!.skip)) takeTableName(start);
  } else if (wordIs(sql, start, end, rule!.after!)) {
    wantName = true;
  }
}

function onQuotedName(i: number): void {
  if (!collectionDone && wantName && depth === statementDepth) takeTableName(i);
}

function takeTableName(i: number): void {
  const table = readTableName(sql, i, len, dialect);
  collection = table.name;
  collectionDone = true;
  // FROM generate_series(1, 10): a set-returning function, not a table.
  if (rule!.after === 'FROM') {
    let k = table.end;
    while (k < len && isSpace(sql.charCodeAt(k))) k++;
    if (k < len && sql.charCodeAt(k) === Ch.LParen) collection = '';
  }
}

function openGroup(c: number): void {
  // FROM (subquery): no single main table.
  if (!collectionDone && wantName && depth === statementDepth) collectionDone = true;
  markNotSimple();
  const isList = c === Ch.LBracket || endsWithIn();
  depth++;
  out[n++] = c;
  if (groups < MAX_GROUP_DEPTH && groups === depth - 1) {
    groupOpen[groups] = n - 1;
    groupSimple[groups] = 1;
    groupIsList[groups] = isList ? 1 : 0;
    groups++;
    siblingEnd[groups] = -1;
  }
}

function endsWithIn(): boolean {
  let k = n;
  if (k > 0 && out[k - 1] === Ch.Space) k--;
  if (k < 2 || (out[k - 2]! | 32) !== 105 || (out[k - 1]! | 32) !== 110) return false; // "in"
  return k === 2 || !isIdentChar(out[k - 3]!);
}

function closeGroup(): void {
  groups--;
  const open = groupOpen[groups]!;
  if (groupSimple[groups] !== 1 || n - open <= 2) {
    siblingEnd[groups] = -1;
    return;
  }
  if (groupIsList[groups] === 1) {
    // IN (?, ?, ?) → IN (?): the list length is data, not a different statement.
    const close = out[n - 1]!;
    n = open + 1;
    out[n++] = Ch.Question;
    out[n++] = close;
    return;
  }
  // VALUES (?, ?), (?, ?) → VALUES (?, ?): drop a group identical to the one right before it.
  const prevEnd = siblingEnd[groups]!;
  if (prevEnd >= 0 && prevEnd < open) {
    const prevStart = siblingStart[groups]!;
    let k = prevEnd;
    if (out[k] === Ch.Comma) k++;
    if (out[k] === Ch.Space) k++;
    const length = n - open;
    if (k === open && prevEnd - prevStart === length && sameSpan(prevStart, open, length)) {
      n = prevEnd;
      return;
    }
  }
  siblingStart[groups] = open;
  siblingEnd[groups] = n;
}

function sameSpan(a: number, b: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (out[a + k] !== out[b + k]) return false;
  return true;
}

/** Copies sql[from, to) to the output as it is. */
function copyVerbatim(from: number, to: number): number {
  for (let k = from; k < to; k++) out[n++] = sql.charCodeAt(k);
  return to;
}

function bufferToString(length: number): string {
  return outBytes.toString('utf16le', 0, length * 2);
}

/**
 * Fuzzing the SQL normaliser: it runs on every distinct statement an application sends, and an
 * attacker controls part of some of them (inlined values). Random and adversarial input must
 * never throw, must not leak literal content into the pattern, and must cost linear time — no
 * input may trigger super-linear work (the failure mode of regex-based normalisers).
 */
import type { SqlDialect } from './normalise-sql';
import { MAX_NORMALISED_INPUT, normaliseSql } from './normalise-sql';

/** Deterministic PRNG (mulberry32), so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIALECTS: SqlDialect[] = ['postgresql', 'mysql'];
// Weighted towards the characters the scanner treats specially.
const ALPHABET = `'"\`$-/*#()[],?:;\\ \n\t.+eExX019aZ_é𝒳INSELCTFROMWHEREVALUES`;
const TOKENS = [
  "'",
  '"',
  '`',
  '$$',
  '$a$',
  '--',
  '/*',
  '*/',
  '#',
  '(',
  ')',
  'IN (',
  'VALUES (',
  '?',
  '$1',
  ':n',
  '::',
  '\\',
  "E'",
  '1e-',
  '.5',
  'SELECT',
  'FROM',
  'WITH',
  ' ',
];

function randomInput(rand: () => number, length: number): string {
  let s = '';
  while (s.length < length) {
    if (rand() < 0.5) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
    else s += TOKENS[Math.floor(rand() * TOKENS.length)];
  }
  return s;
}

describe('normaliseSql fuzzing', () => {
  it('never throws on random input and always returns a bounded pattern', () => {
    const rand = prng(0xc0ffee);
    for (let i = 0; i < 4000; i++) {
      const input = randomInput(rand, Math.floor(rand() * 400));
      for (const dialect of DIALECTS) {
        const result = normaliseSql(input, dialect);
        expect(typeof result.text).toBe('string');
        expect(result.text.length).toBeLessThanOrEqual(input.length + 2);
        expect(result.collection.length).toBeLessThanOrEqual(128);
        expect(typeof result.operation).toBe('string');
      }
    }
  });

  it('survives non-string and odd input', () => {
    for (const value of [undefined, null, 42, {}, '\u0000\uffff\ud800', '\ud83d'] as unknown[]) {
      expect(() => normaliseSql(value as string, 'postgresql')).not.toThrow();
    }
  });

  it('never lets the content of a literal into the pattern', () => {
    const rand = prng(42);
    const secretChars = 'abcXYZ0123\'"\\$-*/#();,? \n';
    for (let i = 0; i < 3000; i++) {
      const dialect = DIALECTS[i % 2]!;
      let secret = 'S3CR3T';
      for (let k = Math.floor(rand() * 20); k > 0; k--) secret += secretChars[Math.floor(rand() * secretChars.length)];
      // Escaped the way a driver inlines values (mysql2 format(), pg escapeLiteral).
      const literal =
        dialect === 'mysql'
          ? `'${secret.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
          : `'${secret.replace(/'/g, "''")}'`;
      const templates = [
        `SELECT * FROM t WHERE a = ${literal}`,
        `INSERT INTO t (a, b) VALUES (${literal}, 1), (${literal}, 2)`,
        `UPDATE t SET a = ${literal} WHERE id IN (${literal}, ${literal})`,
        `SELECT ${literal} AS x -- ${rand()}\n FROM t`,
        `/* ${rand()} */ DELETE FROM t WHERE a = ${literal}`,
      ];
      for (const sql of templates) {
        expect(normaliseSql(sql, dialect).text).not.toContain('S3CR3T');
      }
    }
  });

  /** Median-free timing: the fastest of several runs, each of `reps` calls. */
  function fastestMs(input: string, dialect: SqlDialect, reps: number): number {
    let best = Infinity;
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      for (let r = 0; r < reps; r++) normaliseSql(input, dialect);
      best = Math.min(best, (performance.now() - start) / reps);
    }
    return best;
  }

  // Inputs known to make naive scanners or regexes go quadratic or exponential.
  const ADVERSARIAL: [string, (n: number) => string][] = [
    ['open parentheses', (n) => '('.repeat(n)],
    ['nested IN lists', (n) => 'SELECT 1 WHERE a IN ('.repeat(Math.floor(n / 20)) + '1'],
    ['many IN lists', (n) => 'a IN (1, 2) '.repeat(Math.floor(n / 12))],
    ['many VALUES rows', (n) => 'INSERT INTO t VALUES ' + '(1, 2), '.repeat(Math.floor(n / 8))],
    ['quotes', (n) => "'".repeat(n)],
    ['escaped quotes', (n) => "'" + "\\'".repeat(Math.floor(n / 2))],
    ['backslashes', (n) => "'" + '\\'.repeat(n)],
    ['dollar signs', (n) => '$'.repeat(n)],
    ['unclosed dollar tags', (n) => '$a$ '.repeat(Math.floor(n / 4))],
    ['comment openers', (n) => '/*'.repeat(Math.floor(n / 2))],
    ['dashes', (n) => '-'.repeat(n)],
    ['digits and exponents', (n) => '1e-'.repeat(Math.floor(n / 3))],
    ['identifiers', (n) => 'a'.repeat(n)],
    ['spaces', (n) => ' '.repeat(n)],
    ['colons', (n) => ':a'.repeat(Math.floor(n / 2))],
    ['random', (n) => randomInput(prng(n), n)],
  ];

  it.each(ADVERSARIAL)('costs linear time on %s', (_name, make) => {
    for (const dialect of DIALECTS) {
      const small = make(512);
      const large = make(8 * 512);
      fastestMs(large, dialect, 5); // warm up the JIT on this shape
      const tSmall = fastestMs(small, dialect, 80);
      const tLarge = fastestMs(large, dialect, 10);
      // 8× the input: linear is ~8×, quadratic would be ~64×. Allow generous noise on a shared
      // machine, plus a floor for inputs so fast that timer resolution dominates.
      expect(tLarge).toBeLessThan(Math.max(tSmall * 24, 0.05));
      // Absolute bound: a full 4 KB of hostile input stays well under a millisecond or two.
      expect(tLarge).toBeLessThan(5);
    }
  });

  it('costs the same for a 10 MB statement as for its first 8 KB (input beyond that is not read)', () => {
    const huge = 'SELECT ' + "'x', ".repeat(2_000_000) + '1';
    const head = huge.slice(0, MAX_NORMALISED_INPUT);
    fastestMs(head, 'postgresql', 5);
    const tHead = fastestMs(head, 'postgresql', 20);
    const tHuge = fastestMs(huge, 'postgresql', 20);
    expect(tHuge).toBeLessThan(Math.max(tHead * 4, 0.5));
  });
});

import { KEPT_TEXT, secretsCorpus } from '../../test/redaction/secrets-corpus';
import { leastLoopBlockMs } from '../../test/support/loop-block';
import { REDACTED, redactQuery, redactText, redactValue } from './redact';

const corpus = secretsCorpus();

describe('every secret of the corpus is masked', () => {
  test.each(corpus.map((e) => [e.name, e] as const))('%s', (_name, entry) => {
    const out = redactText(entry.text, 8192).value;
    for (const secret of entry.secrets) expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  test('inside structured data too: by field name and by shape', () => {
    const data = Object.fromEntries(corpus.map((e, i) => [`field${i}`, e.text]));
    const out = JSON.stringify(redactValue({ ...data, password: 'hunter2-x', card: { number: '1' } }).value);
    for (const entry of corpus) for (const secret of entry.secrets) expect(out).not.toContain(secret);
    expect(out).not.toContain('hunter2-x');
    expect(out).toContain('"card":{"number":"[REDACTED]"}');
  });
});

// Error stacks are masked again after their header line was (a message V8 spread over several
// lines reaches the frames): masking masked text must leave it as it was, `[REDACTED]` included.
test.each(corpus.map((e) => [e.name, e] as const))('masking twice changes nothing: %s', (_name, entry) => {
  const once = redactText(entry.text, 8192).value;
  expect(redactText(once, 8192).value).toBe(once);
});

test.each(KEPT_TEXT)('keeps what is useful: %s', (text) => {
  expect(redactText(text, 8192).value).toBe(text);
});

test('JSON stays JSON', () => {
  const json = JSON.stringify({ password: 123, nested: { token: 'abc def' }, note: 'x' });
  expect(JSON.parse(redactText(json, 8192).value)).toEqual({
    password: REDACTED,
    nested: { token: REDACTED },
    note: 'x',
  });
});

test('cuts before masking, and says so', () => {
  const r = redactText('password=' + 'x'.repeat(5000), 100);
  expect(r).toEqual({ value: `password=${REDACTED}…`, truncated: true });
});

test('query strings: values of secret names always go, others only when kept', () => {
  expect(redactQuery('sig=abc%2B&page=2&X-Amz-Signature=f00', true)).toBe(
    `sig=${REDACTED}&page=2&X-Amz-Signature=${REDACTED}`,
  );
  expect(redactQuery('page=2', false)).toBe(`page=${REDACTED}`);
});

// 16 KB uncut, twice what any sink keeps: quadratic masking (the old `a-a-a-…` case) blocks for
// hundreds of ms here. A warm-up on the first KB first: compiling the scanner is a one-off cost,
// not one a client can make grow.
describe('linear time on hostile text (16 KB, uncut, event-loop block measured)', () => {
  const size = 16 * 1024;
  const fill = (unit: string): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  test.each([
    ['a-a-a-…', fill('a-')],
    ['a1-a1-…', fill('a1-')],
    ['"password":"…', fill('"password":"')],
    ['password=password=…', fill('password=')],
    ['password = (spaces)', 'password' + ' '.repeat(size)],
    ['://://…', fill('://')],
    ['x://a@a@a@…', 'x://' + fill('a@')],
    ['-----BEGIN …', fill('-----BEGIN RSA PRIVATE KEY-----')],
    ['Bearer Bearer …', fill('Bearer ')],
    ['4 4 4 4 …', fill('4 ')],
    ['4242-4242-…', fill('4242-')],
    ['eyJ.eyJ.…', fill('eyJ.')],
    ['\\"token\\":\\"…', fill('\\"token\\":\\"')],
    ['AKIA AKIA…', fill('AKIAAKIA')],
    ['a.a.a.…', fill('a.')],
  ])('%s', async (_name, text) => {
    let out = '';
    redactText(text.slice(0, 1024), size);
    const blockedMs = await leastLoopBlockMs(() => {
      out = redactText(text, size).value;
    }, 20);
    expect(out.length).toBeGreaterThan(0);
    expect(blockedMs).toBeLessThanOrEqual(20);
  });
});

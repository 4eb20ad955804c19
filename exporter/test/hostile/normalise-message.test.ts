/**
 * Error messages are masked for fingerprints by hand-written linear scanners
 * (src/errors/normalise-message.ts). They replaced a chain of RegExps that backtracked on the
 * text apps and drivers put in messages (pg and mysql2 echo the value a client sent). Two
 * promises: the fingerprints stay exactly what they were, proven against those RegExps kept here
 * as the oracle; and a hostile message costs the event loop no more than an ordinary one.
 */
import { normaliseMessage } from '../../src/errors/fingerprint';
import { longestLoopBlockMs, leastLoopBlockMs } from '../support/loop-block';

// ---- The oracle: the RegExp implementation normaliseMessage had before the scanners. Kept only
// ---- here, to prove the scanners mask exactly as it did. Never use it on input: it backtracks.
const ORACLE_MASK = '<*>';
const ORACLE_BACKTRACKING_MASKS: [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, ORACLE_MASK],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, ORACLE_MASK],
  [/\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, ORACLE_MASK],
  [/(^|[^\w])"(?:[^"\\]|\\.)*"/g, `$1${ORACLE_MASK}`],
  [/(^|[^\w])'(?:[^'\\]|\\.)*'/g, `$1${ORACLE_MASK}`],
  [/`[^`]*`/g, ORACLE_MASK],
  [/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, ORACLE_MASK],
  [/\b0x[0-9a-f]+\b/gi, ORACLE_MASK],
  [/\b(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{8,}\b/g, ORACLE_MASK],
  [/\d+(\.\d+)?/g, ORACLE_MASK],
];
function oracleRegexNormaliseMessage(message: string): string {
  let out = message.length > 1000 ? message.slice(0, 1000) : message;
  for (const [pattern, replacement] of ORACLE_BACKTRACKING_MASKS) out = out.replace(pattern, replacement);
  return out.replace(/\s+/g, ' ').trim();
}
// ---- end of the oracle.

/** Messages as apps, Node and drivers write them. */
const REALISTIC = [
  'User 42 not found',
  'User 65a1f0c2e4b0d3a9f1e2c3b4 not found',
  'Order a3f9c2e1-5b7d-4c1e-9f2a-0b1c2d3e4f50 expired',
  'Order A3F9C2E1-5B7D-4C1E-9F2A-0B1C2D3E4F50 expired (retry 3 of 5)',
  'order_a3f9c2e1-5b7d-4c1e-9f2a-0b1c2d3e4f50 is locked',
  'user-a3f9c2e1-5b7d-4c1e-9f2a-0b1c2d3e4f50 is locked',
  'duplicate key value violates unique constraint "users_email_key"',
  'Key (email)=(bob@example.com) already exists.',
  'invalid input syntax for type integer: "12abc"',
  'invalid input syntax for type uuid: "not-a-uuid"',
  'value too long for type character varying(255)',
  'relation "public.orders" does not exist',
  'column "totl" of relation "orders" does not exist',
  'null value in column "customer_id" of relation "orders" violates not-null constraint',
  'insert or update on table "order_items" violates foreign key constraint "order_items_order_id_fkey"',
  'canceling statement due to statement timeout',
  'deadlock detected',
  "Duplicate entry 'bob@example.com' for key 'users.email'",
  "Incorrect integer value: 'abc' for column 'qty' at row 1",
  "Table 'shop.orderz' doesn't exist",
  "Unknown column 'totl' in 'field list'",
  "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near 'FROM orders WHERE' at line 1",
  "Access denied for user 'app'@'10.0.3.7' (using password: YES)",
  'connect ECONNREFUSED 10.0.3.7:5432',
  'connect ECONNREFUSED 127.0.0.1:6379',
  'connect ETIMEDOUT 192.168.1.20:443',
  'getaddrinfo ENOTFOUND payments.internal.example.com',
  'read ECONNRESET',
  'socket hang up',
  'Client network socket disconnected before secure TLS connection was established',
  'self-signed certificate in certificate chain',
  'Request failed with status code 503',
  'timeout of 5000ms exceeded',
  'fetch failed',
  'The operation was aborted due to timeout',
  "Cannot read properties of undefined (reading 'total')",
  'Cannot read properties of null (reading "id")',
  'x.map is not a function',
  'Assignment to constant variable.',
  'Unexpected token < in JSON at position 0',
  'Unexpected token \'o\', "not json" is not valid JSON',
  'Maximum call stack size exceeded',
  "ENOENT: no such file or directory, open '/srv/app/uploads/7f3a9b2c.png'",
  "EACCES: permission denied, open '/var/log/app/2024-05-01.log'",
  'jwt malformed',
  'invalid token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'jwt expired at 2024-05-01T10:00:00.000Z',
  'Pointer 0x7ffd5e8c1a20 freed twice',
  'Address 0XDEADBEEF is not mapped',
  'Invalid email: bob.smith+orders@mail.example.co.uk',
  'Invalid email: bob@localhost',
  'Payment pi_3NzQx2LkdIwHu7ix0vS8yYq3 declined: card_declined',
  'Stripe customer cus_NffrFeUfNV2Hib not found',
  'ObjectId 507f1f77bcf86cd799439011 is not valid',
  'sha 9fceb02d0ae598e95dc970b74767f19372d61af8 not in repository',
  'version 1.2.3 is not supported (need >= 2.0)',
  'Price 19.99 exceeds limit 10.5',
  'Expected `name` to be a string, got `undefined`',
  'template `Hello ${name}` failed',
  'Validation failed: "email" must be a valid email, "age" must be >= 18',
  "Can't set headers after they are sent to the client",
  'Rate limit of 100 requests per 60s exceeded for 203.0.113.9',
  'Lock wait timeout exceeded; try restarting transaction',
  "ER_DUP_ENTRY: Duplicate entry '42-7' for key 'PRIMARY'",
  'Route GET /users/:id/orders/abc123def456 failed',
  'multi\nline\r\nmessage\twith   spaces  ',
  '  leading and trailing  ',
  '',
  'Café crème à 3,50 € — invalide',
  'emoji 😀 in "quoted 😀" text',
  'path C:\\Users\\bob\\app\\index.js:12:5 missing',
  'unterminated \'quote and "another',
  'escaped "a \\" quote" ok',
  'Error at row 1: ' + 'x'.repeat(1200),
  'Long value: ' + '0123456789abcdef'.repeat(100),
];

/** Deterministic PRNG (mulberry32), so a failing input reproduces. */
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

// The characters and fragments each mask turns on: word boundaries, quotes and escapes, line
// terminators (RegExp `.` stops at them), the placeholder's own characters, ids, dots and colons.
const TRICKY_CHARS = [...'aeyJxXfFg_-.+@:"\'`\\\n\r \t<*>019é', '\u2028', '\u00a0'];
const TRICKY_FRAGMENTS = [
  'eyJ',
  '0x',
  '0X1f',
  '1.2.3.4',
  '255.10.0.1:8080',
  'a@b.co',
  'x.y+z@m-n.example',
  'a3f9c2e1-5b7d-4c1e-9f2a-0b1c2d3e4f50',
  'a3f9c2e1-',
  'abcdefgh',
  'abc-def-1',
  '12345678',
  '3.14',
  '\\"',
  "\\'",
  '<*>',
];

function trickyMessage(rand: () => number, length: number): string {
  let s = '';
  while (s.length < length) {
    s +=
      rand() < 0.7
        ? TRICKY_CHARS[Math.floor(rand() * TRICKY_CHARS.length)]
        : TRICKY_FRAGMENTS[Math.floor(rand() * TRICKY_FRAGMENTS.length)];
  }
  return s;
}

describe('normaliseMessage masks exactly as the RegExps it replaced', () => {
  it.each(REALISTIC.map((m) => [JSON.stringify(m).slice(0, 80), m]))('%s', (_name, message) => {
    expect(normaliseMessage(message)).toBe(oracleRegexNormaliseMessage(message));
  });

  it('on 5000 random messages built from the characters each mask turns on', () => {
    const rand = prng(0x5eed);
    let masked = 0;
    for (let i = 0; i < 5000; i++) {
      const message = trickyMessage(rand, Math.floor(rand() * (i % 50 === 0 ? 1100 : 80)));
      const expected = oracleRegexNormaliseMessage(message);
      if (normaliseMessage(message) !== expected) {
        // One readable failure naming the input, rather than 5000 expectations.
        expect({ message, actual: normaliseMessage(message) }).toEqual({ message, actual: expected });
      }
      if (expected.includes('<*>') && !message.includes('<*>')) masked++;
    }
    // The alphabet really exercises the masks: most messages had something masked.
    expect(masked).toBeGreaterThan(2500);
  });
});

/** Text shaped against each RegExp the scanners replaced, 1 MB long. */
const MB = 1 << 20;
const HOSTILE_SHAPES: [string, string][] = [
  ['id-like run without a digit (lookahead per start)', 'a-'.repeat(MB / 2)],
  ['email local part without an @ domain', 'a.'.repeat(MB / 2)],
  ['email with a domain that never ends on a word', 'a.a@' + 'b.-'.repeat(MB / 3)],
  ['unterminated double quotes', ' "'.repeat(MB / 2)],
  ['unterminated single quotes with escapes', " '\\".repeat(MB / 3)],
  ['eyJ starts that never become a JWT', ' eyJ-'.repeat(MB / 5)],
  ['dotted digits that are never an IPv4', '1.1.1.'.repeat(MB / 6)],
  ['hex starts', '0x0-'.repeat(MB / 4)],
  ['a pg error echoing the value', 'invalid input syntax for type integer: "' + 'a-'.repeat(MB / 2)],
];

describe('a hostile message costs the event loop what an ordinary one does', () => {
  it.each(HOSTILE_SHAPES)(
    '%s: a second of the error budget (200 messages of 1 MB) blocks ≤ 20 ms',
    async (_n, text) => {
      const second = () => {
        for (let i = 0; i < 200; i++) normaliseMessage(text);
      };
      second(); // compile the scanners: a one-off cost no client can make grow
      expect(await leastLoopBlockMs(second, 20)).toBeLessThanOrEqual(20);
    },
  );

  it('the whole message is never read: 64 MB costs what 1 MB does', async () => {
    const huge = 'a-'.repeat(32 * MB);
    normaliseMessage(huge);
    expect(await longestLoopBlockMs(() => normaliseMessage(huge))).toBeLessThanOrEqual(20);
  });
});

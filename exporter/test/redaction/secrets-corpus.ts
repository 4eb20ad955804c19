/**
 * The secrets corpus: every kind of secret Pulse promises to keep out of what it ships, written
 * the way it shows up in real text (driver errors, headers, URLs, JSON, config dumps). Values are
 * random per run, so a test can only pass by masking them, never by matching a fixed string.
 * Every sink's test sends each entry through that sink and asserts none of `secrets` comes out.
 */
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';

export interface CorpusEntry {
  name: string;
  /** The text as an application, a driver or a client would produce it. */
  text: string;
  /** Substrings that must never appear in anything Pulse ships. */
  secrets: string[];
}

const ALPHANUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const UPPER = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const pick = (alphabet: string, n: number): string =>
  [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');
const pw = (): string => `Pw${pick(ALPHANUM, 14)}`;

function jwt(): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify({ sub: `user-${pick(UPPER, 6)}`, scope: 'admin' }));
  return `${head}.${body}.${createHmac('sha256', randomBytes(32)).update(`${head}.${body}`).digest('base64url')}`;
}

/** A card number with a valid Luhn check digit. */
function cardNumber(prefix: string, length: number): string {
  const digits = prefix + pick('0123456789', length - prefix.length - 1);
  for (let check = 0; check < 10; check++) {
    const candidate = digits + check;
    let sum = 0;
    for (let k = candidate.length - 1, dbl = false; k >= 0; k--, dbl = !dbl) {
      let d = candidate.charCodeAt(k) - 48;
      if (dbl && (d *= 2) > 9) d -= 9;
      sum += d;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error('unreachable');
}
const grouped = (digits: string, sep: string): string => digits.match(/.{1,4}/g)!.join(sep);

export function secretsCorpus(): CorpusEntry[] {
  const s = Array.from({ length: 16 }, pw);
  const bearer = pick(ALPHANUM, 40);
  const basic = Buffer.from(`alice:${s[10]}`).toString('base64');
  const token = jwt();
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
  const pemBody = pem.split('\n')[1]!;
  const akia = `AKIA${pick(UPPER, 16)}`;
  const awsSecret = randomBytes(30).toString('base64');
  const amzSignature = randomBytes(32).toString('hex');
  const sasSig = encodeURIComponent(randomBytes(32).toString('base64'));
  const googleKey = `AIza${pick(ALPHANUM + '_-', 35)}`;
  const ghp = `ghp_${pick(ALPHANUM, 36)}`;
  const githubPat = `github_pat_${pick(ALPHANUM, 22)}_${pick(ALPHANUM, 59)}`;
  const stripe = `sk_live_${pick(ALPHANUM, 24)}`;
  const visa = cardNumber('4', 16);
  const mastercard = cardNumber('55', 16);
  const amex = cardNumber('37', 15);
  return [
    { name: 'postgres URL', text: `connect to postgres://app:${s[0]}@db.internal:5432/shop failed`, secrets: [s[0]!] },
    { name: 'mysql URL', text: `mysql://root:${s[1]}@10.0.3.7:3306/test`, secrets: [s[1]!] },
    { name: 'redis URL, password only', text: `redis://:${s[2]}@cache.internal:6379/0 refused`, secrets: [s[2]!] },
    { name: 'https URL', text: `GET https://deploy:${s[3]}@git.example.com/org/repo.git`, secrets: [s[3]!] },
    {
      name: 'Referer carrying credentials',
      text: `Referer: https://admin:${s[4]}@intranet.example.com/settings?tab=keys`,
      secrets: [s[4]!],
    },
    { name: 'password=value', text: `login failed: password=${s[5]} for alice`, secrets: [s[5]!] },
    { name: 'pwd: value', text: `pwd: ${s[6]}`, secrets: [s[6]!] },
    { name: 'JSON "client_secret"', text: `{"client_id":"web","client_secret":"${s[7]}"}`, secrets: [s[7]!] },
    { name: "quoted token='…'", text: `token='${s[8]}' rejected`, secrets: [s[8]!] },
    { name: 'api_key in a URL query', text: `GET /v1/items?api_key=${s[9]}&page=2`, secrets: [s[9]!] },
    {
      name: 'libpq keyword string',
      text: `host=db user=app password=${s[11]} dbname=shop`,
      secrets: [s[11]!],
    },
    { name: 'JSON inside JSON', text: JSON.stringify(JSON.stringify({ password: s[12] })), secrets: [s[12]!] },
    { name: 'SECRET = "…" with spaces', text: `API_SECRET = "${s[13]}"`, secrets: [s[13]!] },
    { name: 'lower-case bearer credential', text: `authorization: bearer ${bearer}`, secrets: [bearer] },
    { name: 'Basic credential', text: `Authorization: Basic ${basic}`, secrets: [basic] },
    { name: 'JWT', text: `invalid signature on ${token}`, secrets: [token, token.split('.')[2]!] },
    { name: 'PEM private key', text: `key=${pem}`, secrets: [pemBody] },
    { name: 'PEM key with escaped newlines', text: JSON.stringify({ cert: pem }), secrets: [pemBody] },
    { name: 'AWS access key id', text: `The AWS Access Key Id ${akia} does not exist`, secrets: [akia] },
    { name: 'AWS secret access key', text: `aws_secret_access_key=${awsSecret}`, secrets: [awsSecret] },
    {
      name: 'S3 signed URL',
      text:
        `https://bucket.s3.amazonaws.com/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256` +
        `&X-Amz-Credential=${akia}%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=${amzSignature}`,
      secrets: [amzSignature, akia],
    },
    {
      name: 'Azure SAS sig',
      text: `https://acct.blob.core.windows.net/c/b.txt?sv=2022-11-02&sp=r&sig=${sasSig}`,
      secrets: [sasSig],
    },
    {
      name: 'Google key=AIza…',
      text: `https://maps.googleapis.com/maps/api/geocode/json?key=${googleKey}`,
      secrets: [googleKey],
    },
    { name: 'Google key alone', text: `quota exceeded for ${googleKey}`, secrets: [googleKey] },
    { name: 'GitHub ghp_ token', text: `push with ${ghp} denied`, secrets: [ghp] },
    { name: 'GitHub fine-grained token', text: `token ${githubPat} expired`, secrets: [githubPat] },
    { name: 'Stripe live key', text: `No such customer (request made with ${stripe})`, secrets: [stripe] },
    { name: 'card number', text: `charge declined for ${visa}`, secrets: [visa] },
    {
      name: 'card number with spaces',
      text: `card ${grouped(mastercard, ' ')} expired`,
      secrets: [grouped(mastercard, ' ')],
    },
    { name: 'card number with dashes', text: `pan=${grouped(visa, '-')}`, secrets: [grouped(visa, '-')] },
    { name: 'Amex number', text: `amex ${amex} on file`, secrets: [amex] },
  ];
}

/** Text that looks a little like a secret and must survive redaction: it is what makes events useful. */
export const KEPT_TEXT = [
  'connect ECONNREFUSED 10.0.3.7:5432',
  'getaddrinfo ENOTFOUND db.internal',
  'postgres://db.internal:5432/shop',
  'GET /api/users/42 took 1.204 s',
  'order 9b2f6c1e-4a7d-4f0e-8c3b-2d5e6f7a8b9c not found',
  'duplicate key value violates unique constraint "users_email_key"',
  'timeout after 1700000000000 ms',
  'Bearer',
  'the password is too short',
];

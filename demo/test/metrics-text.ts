import http from 'node:http';

// Reading /metrics in tests: fetch (without a pooled socket) and parse sample lines (the parser is
// the exporter's test helper, shared).
export { findSamples as find, parseSamples, type Sample } from '../../exporter/test/support/app';

export function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

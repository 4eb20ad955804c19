/**
 * A real Prometheus scraping a real node:cluster app (2 workers, one shared port, so each scrape
 * lands on whichever worker node:cluster picks): sum(http_server_request_duration_seconds_count)
 * equals the requests sent, and a worker killed and replaced mid-run never shows Prometheus a
 * counter reset (resets() is 0, the summed series never goes down).
 */
import { sendRequests } from '../support/http-load';
import type { PrometheusHandle } from '../support/prometheus';
import { startPrometheus } from '../support/prometheus';
import type { ClusterApp } from './support';
import { startClusterApp } from './support';

const JOB = 'pulse-cluster';
const COUNT = 'http_server_request_duration_seconds_count';

describe('node:cluster on real Prometheus', () => {
  let app: ClusterApp;
  let prom: PrometheusHandle;

  beforeAll(async () => {
    app = await startClusterApp({ workers: 2 });
    prom = await startPrometheus({ targets: [{ job: JOB, address: `127.0.0.1:${app.port}` }] });
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await app?.stop();
  });

  const send = async (n: number): Promise<void> => {
    const result = await sendRequests({
      baseUrl: app.baseUrl,
      requests: Array.from({ length: n }, (_, i) => ({ method: 'GET', path: `/orders/${i}` })),
      concurrency: 8,
    });
    expect(result.errors).toBe(0);
  };

  /** The newest sample Prometheus scraped, once it is newer than `after` (unix seconds). */
  async function totalAfter(after: number): Promise<number> {
    for (let i = 0; i < 60; i++) {
      const [sample] = await prom.query(`max(timestamp(${COUNT}{job="${JOB}"}))`);
      if (sample !== undefined && sample.value > after) {
        const [total] = await prom.query(`sum(${COUNT}{job="${JOB}"})`);
        return total!.value;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('Prometheus scraped nothing new');
  }

  it('sees exactly the requests sent, through a worker killed and replaced', async () => {
    const start = Date.now() / 1000;
    await send(1000);
    await prom.waitForScrapes(JOB, 3);
    expect(await totalAfter(Date.now() / 1000)).toBe(1000);

    // Killed after a scrape saw all its requests (what no scrape saw, a SIGKILL takes with it).
    app.command('sigkill 1');
    await app.waitForLines('FORKED', 3);
    await send(1000);
    expect(await totalAfter(Date.now() / 1000 + 0.5)).toBe(2000);

    const window = `${Math.ceil(Date.now() / 1000 - start) + 5}s`;
    const [resets] = await prom.query(`resets(sum(${COUNT}{job="${JOB}"})[${window}:1s])`);
    expect(resets!.value).toBe(0);
    const [resetsPerSeries] = await prom.query(`sum(resets(${COUNT}{job="${JOB}"}[${window}]))`);
    expect(resetsPerSeries!.value).toBe(0);
    const [scrapes] = await prom.query(`count_over_time(up{job="${JOB}"}[${window}])`);
    expect(scrapes!.value).toBeGreaterThanOrEqual(4);
  }, 90_000);
});

// Real uptime probes for the probes dashboard: the blackbox exporter harness (shipped module
// config, a self-signed HTTPS endpoint for certificate expiry) scraped by a private Prometheus.
import { startBlackbox, SELF_SIGNED_MODULE, type Blackbox } from '../../../exporter/test/support/blackbox';
import { startPrometheus, type PrometheusHandle } from '../../../exporter/test/support/prometheus';

export interface Probes {
  prom: PrometheusHandle;
  /** Every probed URL (the `instance` values), the HTTPS one last. */
  urls: string[];
  stop(): Promise<void>;
}

/** Probes `urls` with the `http_2xx` module (and a local HTTPS endpoint with the self-signed variant). */
export async function startProbes(urls: string[], options: { remoteWriteUrls?: string[] } = {}): Promise<Probes> {
  let blackbox: Blackbox | undefined;
  let prom: PrometheusHandle | undefined;
  const stop = async (): Promise<void> => {
    await prom?.stop();
    await blackbox?.stop();
  };
  try {
    blackbox = await startBlackbox();
    const { probe, tlsUrl } = blackbox;
    prom = await startPrometheus({
      targets: [...urls.map((u) => probe(u)), probe(tlsUrl, SELF_SIGNED_MODULE)],
      remoteWriteUrls: options.remoteWriteUrls,
    });
    await prom.waitForScrapes('blackbox', 3);
    return { prom, urls: [...urls, tlsUrl], stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

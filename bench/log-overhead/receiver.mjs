// The Loki-compatible test receiver (exporter/test/support/loki-receiver.ts) as a process of its
// own, so decoding pushes does not compete with the load generator's thread. It decodes and
// validates every push but keeps only counts: a growing store (and its GC) would slow the load
// generator on the same core and so the "on" runs. Run with --import tsx.
import { startLokiReceiver } from '../../exporter/test/support/loki-receiver.ts';

const loki = await startLokiReceiver({ keepEntries: false });
process.on('message', (m) => {
  if (m?.cmd === 'count') {
    const counts = loki.countsByKind();
    const entries = Object.values(counts).reduce((a, b) => a + b, 0);
    process.send({ type: 'count', id: m.id, entries, errors: counts.error ?? 0, pushes: loki.requests.length });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', url: loki.url });

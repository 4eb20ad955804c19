// The Loki-compatible test receiver (exporter/test/support/loki-receiver.ts) as a process of its
// own, so decoding pushes does not compete with the load generator's thread. Run with --import tsx.
import { startLokiReceiver } from '../../exporter/test/support/loki-receiver.ts';

const loki = await startLokiReceiver();
process.on('message', (m) => {
  if (m?.cmd === 'count') {
    let errors = 0;
    for (const e of loki.entries()) if (e.labels.event_kind === 'error') errors++;
    process.send({ type: 'count', id: m.id, entries: loki.entries().length, errors, pushes: loki.requests.length });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', url: loki.url });

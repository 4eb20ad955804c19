import { uncompress } from 'snappyjs';
import { gunzipSync } from 'node:zlib';
import { jsonPushBody, nanosString, protobufPushBody, renderLabels } from './push-body';
import type { PushStream } from './push-body';

// A minimal protobuf wire reader, written from the encoding spec and independent of protobufjs:
// it checks that the encoder put each field under Loki's field number and wire type.
type Field = { no: number; wire: number; value: bigint | Uint8Array };
function readFields(buf: Uint8Array): Field[] {
  const fields: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[i++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >> 3;
    const wire = key & 7;
    if (wire === 0) fields.push({ no, wire, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      fields.push({ no, wire, value: buf.subarray(i, i + len) });
      i += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return fields;
}
const text = (v: Field['value']): string => Buffer.from(v as Uint8Array).toString('utf8');

const stream: PushStream = {
  labels: renderLabels({ service_name: 'api', env: 'prod', level: 'error', event_kind: 'error' }),
  labelMap: { service_name: 'api', env: 'prod', level: 'error', event_kind: 'error' },
  entries: [
    {
      timeMs: 1_700_000_000_123,
      subNs: 7,
      line: '{"msg":"boom"}',
      metadata: ['trace_id', 'abc', 'fingerprint', 'f00'],
    },
    { timeMs: 1_700_000_000_124, subNs: 0, line: 'plain', metadata: [] },
  ],
};

describe('Loki push bodies', () => {
  it('encodes logproto.PushRequest with Loki field numbers, snappy block-compressed', () => {
    const raw = uncompress(protobufPushBody([stream]));
    const request = readFields(raw);
    expect(request.map((f) => [f.no, f.wire])).toEqual([[1, 2]]); // repeated StreamAdapter streams = 1
    const adapter = readFields(request[0]!.value as Uint8Array);
    expect(adapter.map((f) => f.no)).toEqual([1, 2, 2]); // labels = 1, entries = 2 (twice)
    expect(text(adapter[0]!.value)).toBe('{env="prod", event_kind="error", level="error", service_name="api"}');

    const entry = readFields(adapter[1]!.value as Uint8Array);
    expect(entry.map((f) => [f.no, f.wire])).toEqual([
      [1, 2], // Timestamp timestamp = 1
      [2, 2], // string line = 2
      [3, 2], // repeated LabelPairAdapter structuredMetadata = 3
      [3, 2],
    ]);
    const ts = readFields(entry[0]!.value as Uint8Array);
    expect(ts).toEqual([
      { no: 1, wire: 0, value: 1_700_000_000n }, // seconds
      { no: 2, wire: 0, value: 123_000_007n }, // nanos
    ]);
    expect(text(entry[1]!.value)).toBe('{"msg":"boom"}');
    const pair = readFields(entry[2]!.value as Uint8Array);
    expect([text(pair[0]!.value), text(pair[1]!.value)]).toEqual(['trace_id', 'abc']);
    // The entry without metadata carries no field 3.
    expect(readFields(adapter[2]!.value as Uint8Array).map((f) => f.no)).toEqual([1, 2]);
  });

  it('encodes gzipped JSON with string nanosecond timestamps and metadata as the optional third element', () => {
    const body = JSON.parse(gunzipSync(jsonPushBody([stream])).toString()) as {
      streams: { stream: object; values: unknown[][] }[];
    };
    expect(body.streams[0]!.stream).toEqual(stream.labelMap);
    expect(body.streams[0]!.values).toEqual([
      ['1700000000123000007', '{"msg":"boom"}', { trace_id: 'abc', fingerprint: 'f00' }],
      ['1700000000124000000', 'plain'],
    ]);
  });

  it('renders label values with LogQL escaping, names sorted', () => {
    expect(renderLabels({ b: 'say "hi"\\n', a: 'x\ny' })).toBe('{a="x\\ny", b="say \\"hi\\"\\\\n"}');
    expect(nanosString(5, 42)).toBe('5000042');
  });
});

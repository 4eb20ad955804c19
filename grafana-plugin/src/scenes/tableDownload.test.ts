import { FieldType, toDataFrame } from '@grafana/data';
import { csvCell, downloadName, framesToJson, framesToTable, toCsv, toJson } from './tableDownload';

describe('CSV cells', () => {
  it('quotes commas, quotes, newlines and edge spaces (RFC 4180), and nothing else', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('text a spreadsheet would run as a formula gets an apostrophe; numbers stay numbers', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(0.25)).toBe('0.25');
  });
});

describe('tables', () => {
  const table = {
    columns: ['Route', 'Count', 'Note'],
    rows: [
      ['/users/:id', 3, 'a, b'],
      ['=cmd', 0, null],
    ],
  };

  it('CSV: the header, then one line per row, CRLF', () => {
    expect(toCsv(table)).toBe('Route,Count,Note\r\n/users/:id,3,"a, b"\r\n\'=cmd,0,\r\n');
  });

  it('JSON: the rows as objects keyed by column', () => {
    expect(JSON.parse(toJson(table))).toEqual([
      { Route: '/users/:id', Count: 3, Note: 'a, b' },
      { Route: '=cmd', Count: 0, Note: null },
    ]);
  });

  it('refuses a row that does not fit the header', () => {
    expect(() => toCsv({ columns: ['a'], rows: [['x', 'y']] })).toThrow(/2 cells, the header 1/);
  });

  it('names files after the panel and the time', () => {
    expect(downloadName('Top routes, by traffic!', 'csv', new Date('2026-11-20T10:00:00Z'))).toBe(
      'top-routes-by-traffic-2026-11-20T10-00-00.csv'
    );
  });
});

describe('panel data', () => {
  const series = (job: string, values: number[]) =>
    toDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [1000, 2000].slice(0, values.length) },
        { name: 'Value', type: FieldType.number, values, labels: { job }, config: { displayNameFromDS: job } },
      ],
    });

  it('several time series are joined on time, one column each, named as the panel names them', () => {
    const t = framesToTable([series('demo', [1, 2]), series('payments', [3])]);
    expect(t.columns).toEqual(['Time', 'demo', 'payments']);
    expect(t.rows).toEqual([
      ['1970-01-01T00:00:01.000Z', 1, 3],
      ['1970-01-01T00:00:02.000Z', 2, null],
    ]);
  });

  it('JSON is Grafana data frame JSON (schema and values)', () => {
    const [frame] = JSON.parse(framesToJson([series('demo', [1])]));
    expect(frame.schema.fields.map((f: { name: string }) => f.name)).toEqual(['Time', 'Value']);
    expect(frame.data.values).toEqual([[1000], [1]]);
  });
});

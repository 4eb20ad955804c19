import { parseFrames, trimStack } from './stack';

const root = '/srv/app';
const stack = [
  'TypeError: boom',
  '    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
  '    at loadOrder (/srv/app/src/orders.js:12:11)',
  '    at next (/srv/app/node_modules/express/lib/router/route.js:149:13)',
  '    at async Promise.all (index 0)',
  '    at processTicksAndRejections (node:internal/process/task_queues:95:5)',
  '    at async /srv/app/src/routes/orders.js:7:9',
  '    at file:///srv/app/src/server.mjs:40:3',
  '    at /srv/other/lib.js:1:1',
].join('\n');

describe('stack trimming', () => {
  it('parses V8 frames, telling application frames from node_modules, Node internals and other directories', () => {
    const { frames } = parseFrames(stack, root);
    expect(frames.map((f) => [f.async ? `async ${f.fn}` : f.fn, f.file, f.origin])).toEqual([
      ['Layer.handle [as handle_request]', '/srv/app/node_modules/express/lib/router/layer.js', 'library'],
      ['loadOrder', 'src/orders.js', 'app'],
      ['next', '/srv/app/node_modules/express/lib/router/route.js', 'library'],
      ['async Promise.all', '', 'native'],
      ['processTicksAndRejections', 'node:internal/process/task_queues', 'node'],
      ['async ', 'src/routes/orders.js', 'app'],
      ['', 'src/server.mjs', 'app'],
      ['', '/srv/other/lib.js', 'library'],
    ]);
  });

  it('puts application frames first, then the rest, within the frame budget, printed as V8 does', () => {
    const info = trimStack('TypeError: boom', stack, root, 6);
    expect(info.text.split('\n')).toEqual([
      'TypeError: boom',
      '    at loadOrder (src/orders.js:12:11)',
      '    at async src/routes/orders.js:7:9',
      '    at src/server.mjs:40:3',
      '    --- library and Node.js frames ---',
      '    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
      '    at next (/srv/app/node_modules/express/lib/router/route.js:149:13)',
      '    at async Promise.all (index 0)',
      '    … 2 more frames',
    ]);
    expect(info.topAppFrame).toMatchObject({ fn: 'loadOrder', file: 'src/orders.js', line: 12 });
    expect(info.truncated).toBe(true);
  });

  it('finds the application frame of an `async` handler that awaited a failing library call', () => {
    const awaited = [
      "Error: ENOENT: no such file or directory, open '/data/report.csv'",
      '    at async open (node:internal/fs/promises:639:25)',
      '    at async Object.readFile (node:internal/fs/promises:1242:14)',
      '    at async /srv/app/src/routes/reports.js:9:17',
    ].join('\n');
    const info = trimStack('Error: ENOENT', awaited, root, 10);
    expect(info.topAppFrame).toMatchObject({ fn: '', async: true, file: 'src/routes/reports.js', line: 9 });
    expect(info.throwSite).toBe(info.topAppFrame);
  });

  it('takes the top library frame as the throw site when no application frame is on the stack', () => {
    const driver = [
      'error: relation "nope" does not exist',
      '    at Parser.parseErrorMessage (/srv/app/node_modules/pg-protocol/dist/parser.js:285:98)',
      '    at Socket.emit (node:events:517:28)',
    ].join('\n');
    const info = trimStack('error: relation', driver, root, 10);
    expect(info.topAppFrame).toBeUndefined();
    expect(info.throwSite).toMatchObject({
      fn: 'Parser.parseErrorMessage',
      portableFile: 'pg-protocol/dist/parser.js',
    });
  });

  it('never reads frames out of the message: lines of a multi-line message that look like frames are skipped', () => {
    const message = 'bad input\n    at evil (/srv/app/src/forged.js:1:1)\npassword=hunter2';
    const forged = `Error: ${message}\n    at handler (/srv/app/src/real.js:5:3)`;
    const info = trimStack('Error: bad input', forged, root, 10, message);
    expect(info.text).toBe('Error: bad input\n    at handler (src/real.js:5:3)');
    expect(info.throwSite).toMatchObject({ fn: 'handler', file: 'src/real.js' });
  });

  it('keeps the header alone when there is no stack', () => {
    expect(trimStack('Error: x', undefined, root, 10)).toEqual({
      text: 'Error: x',
      topAppFrame: undefined,
      throwSite: undefined,
      truncated: false,
    });
  });
});

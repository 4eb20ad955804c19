import { appRootPrefix, originOf, portableFile } from './frame-origin';
import { fileUrlToPath, parseFrameLine, stackLines } from './v8-frame';

type Row = [string, Partial<ReturnType<typeof parseFrameLine>>];

// Every shape V8 (and Node's --enable-source-maps) prints, as printed.
const shapes: Row[] = [
  [
    '    at loadUser (/srv/app/src/users.js:12:11)',
    { fn: 'loadUser', file: '/srv/app/src/users.js', line: 12, column: 11 },
  ],
  ['    at /srv/app/src/routes/orders.js:7:9', { fn: '', file: '/srv/app/src/routes/orders.js', line: 7, column: 9 }],
  ['    at async loadUser (/srv/app/src/users.js:3:5)', { fn: 'loadUser', async: true, file: '/srv/app/src/users.js' }],
  [
    '    at async /srv/app/src/routes/orders.js:7:9',
    { fn: '', async: true, file: '/srv/app/src/routes/orders.js', line: 7 },
  ],
  ['    at new Order (/srv/app/src/order.js:4:11)', { fn: 'Order', construct: true, file: '/srv/app/src/order.js' }],
  ['    at new <anonymous> (/srv/app/src/order.js:4:11)', { fn: '<anonymous>', construct: true }],
  ['    at <anonymous>', { fn: '', file: '', location: '<anonymous>', line: undefined }],
  ['    at Array.map (<anonymous>)', { fn: 'Array.map', file: '', location: '<anonymous>' }],
  ['    at JSON.parse (native)', { fn: 'JSON.parse', file: '', location: 'native' }],
  ['    at async Promise.all (index 0)', { fn: 'Promise.all', async: true, file: '', location: 'index 0' }],
  ['    at Promise.allSettled (index 12)', { fn: 'Promise.allSettled', file: '' }],
  [
    '    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
    { fn: 'Layer.handle [as handle_request]', file: '/srv/app/node_modules/express/lib/router/layer.js', line: 95 },
  ],
  [
    '    at processTicksAndRejections (node:internal/process/task_queues:95:5)',
    { fn: 'processTicksAndRejections', file: 'node:internal/process/task_queues', line: 95, column: 5 },
  ],
  ['    at node:internal/main/run_main_module:28:49', { fn: '', file: 'node:internal/main/run_main_module', line: 28 }],
  ['    at file:///srv/app/src/server.mjs:40:3', { fn: '', file: '/srv/app/src/server.mjs', line: 40, column: 3 }],
  [
    '    at async file:///srv/my%20app/src/routes/users.mjs?update=1712#x:9:15',
    { fn: '', async: true, file: '/srv/my app/src/routes/users.mjs', line: 9, column: 15 },
  ],
  [
    '    at eval (eval at handler (/srv/app/src/admin.js:10:12), <anonymous>:1:7)',
    { fn: 'eval', eval: true, file: '/srv/app/src/admin.js', line: 10, column: 12 },
  ],
  [
    '    at eval (eval at <anonymous> (eval at <anonymous> (file:///srv/app/src/a.mjs:10:12)), <anonymous>:1:7)',
    { fn: 'eval', eval: true, file: '/srv/app/src/a.mjs', line: 10, column: 12 },
  ],
  ['    at eval (eval at run (unknown source), <anonymous>:1:1)', { fn: 'eval', eval: true, file: '' }],
  [
    '    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:164:12)',
    { fn: 'Function.executeUserEntryPoint [as runMain]', file: 'node:internal/modules/run_main' },
  ],
  ['    at Object.<anonymous> (/srv/app/index.js:1:7)', { fn: 'Object.<anonymous>', file: '/srv/app/index.js' }],
  [
    '    at handler (C:\\srv\\app\\src\\users.js:12:11)',
    { fn: 'handler', file: 'C:\\srv\\app\\src\\users.js', line: 12 },
  ],
  ['    at async C:\\srv\\app\\src\\users.js:12:11', { async: true, file: 'C:\\srv\\app\\src\\users.js', column: 11 }],
  ['    at file:///C:/srv/app/src/a.mjs:2:3', { file: 'C:\\srv\\app\\src\\a.mjs', line: 2 }],
  ['    at run (\\\\fileserver\\apps\\api\\a.js:2:3)', { fn: 'run', file: '\\\\fileserver\\apps\\api\\a.js' }],
  // A path with ` (` in it: the function comes first, so its first ` (` ends the name.
  ['    at load (/Users/me/My App (copy)/src/a.js:3:4)', { fn: 'load', file: '/Users/me/My App (copy)/src/a.js' }],
  ['    at /Users/me/My App (copy)/src/a.js:3:4', { fn: '', file: '/Users/me/My App (copy)/src/a.js', line: 3 }],
  // --enable-source-maps prints the original source: a path, or a bundler's URL.
  ['    at getUser (/srv/app/src/users.ts:21:13)', { fn: 'getUser', file: '/srv/app/src/users.ts', line: 21 }],
  ['    at getUser (webpack://api/./src/users.ts:21:13)', { fn: 'getUser', file: 'webpack://api/./src/users.ts' }],
  ['    at handler (/srv/app/src/users.js:12:11)\r', { fn: 'handler', file: '/srv/app/src/users.js', column: 11 }],
  [
    '    at handler (/srv/app/src/users.js:12)',
    { fn: 'handler', file: '/srv/app/src/users.js', line: 12, column: undefined },
  ],
];

describe('parseFrameLine', () => {
  it.each(shapes)('%s', (line, expected) => {
    expect(parseFrameLine(line)).toMatchObject(expected!);
  });

  it.each([
    ['a message line', 'Error: boom'],
    ['a bare `at`', '    at'],
    ['a message quoting a frame', 'TypeError: at x (y:1:2) is not a function'],
    ['text with `at` inside', '  something at (a:1:2)'],
    ['an empty line', ''],
    ['a 3000-character line', `    at f (/srv/app/${'a'.repeat(3000)}.js:1:2)`],
  ])('is undefined for a line that is not a frame: %s', (_name, line) => {
    expect(parseFrameLine(line)).toBeUndefined();
  });
});

describe('frame origin', () => {
  const root = appRootPrefix('/srv/app');
  const winRoot = appRootPrefix('C:\\srv\\app');
  it.each([
    ['/srv/app/src/users.js', root, 'app', 'src/users.js'],
    ['/srv/app/node_modules/express/lib/router/layer.js', root, 'library', 'express/lib/router/layer.js'],
    ['/srv/app/node_modules/a/node_modules/pg/lib/client.js', root, 'library', 'pg/lib/client.js'],
    ['/srv/application/x.js', root, 'library', 'x.js'],
    ['/srv/other/lib.js', root, 'library', 'lib.js'],
    ['node:internal/process/task_queues', root, 'node', 'node:internal/process/task_queues'],
    ['internal/process/task_queues.js', root, 'node', 'internal/process/task_queues.js'],
    ['', root, 'native', ''],
    ['webpack://api/./src/users.ts', root, 'app', 'src/users.ts'],
    ['webpack://api/./node_modules/lodash/get.js', root, 'library', 'lodash/get.js'],
    ['webpack://api/webpack/bootstrap', root, 'library', 'webpack/bootstrap'],
    ['C:\\srv\\app\\src\\users.js', winRoot, 'app', 'src/users.js'],
    ['c:\\srv\\app\\src\\users.js', winRoot, 'app', 'src/users.js'],
    ['C:\\srv\\app\\node_modules\\express\\index.js', winRoot, 'library', 'express/index.js'],
  ])('%s under %s is %s (%s)', (file, rootPrefix, origin, portable) => {
    expect(originOf(file, rootPrefix)).toBe(origin);
    expect(portableFile(file, rootPrefix)).toBe(portable);
  });
});

describe('fileUrlToPath', () => {
  it.each([
    ['file:///srv/app/a.mjs', '/srv/app/a.mjs'],
    ['file:///srv/app/a%20b.mjs?v=3', '/srv/app/a b.mjs'],
    ['file:///srv/app/%E4%BD%A0.mjs', '/srv/app/你.mjs'],
    ['file:///srv/app/%ZZ.mjs', '/srv/app/%ZZ.mjs'],
    ['file:///C:/app/a.mjs', 'C:\\app\\a.mjs'],
    ['file://server/share/a.mjs', '\\\\server\\share\\a.mjs'],
  ])('%s → %s', (url, path) => {
    expect(fileUrlToPath(url)).toBe(path);
  });
});

describe('stackLines', () => {
  it('reads at most the given lines and characters, and says it cut', () => {
    const stack = Array.from({ length: 50 }, (_, i) => `    at f${i} (/a.js:${i}:1)`).join('\n');
    expect(stackLines(stack, 0, 10, 1e6)).toMatchObject({ cut: true });
    expect(stackLines(stack, 0, 10, 1e6).lines).toHaveLength(10);
    const all = stackLines(stack, 0, 100, 1e6);
    expect(all).toMatchObject({ cut: false });
    expect(all.lines).toHaveLength(50);
    const window = stackLines(stack, 0, 100, 100);
    expect(window.cut).toBe(true);
    expect(window.lines.length).toBeLessThan(6);
  });
});

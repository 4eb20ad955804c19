import { parseFrames, trimStack } from './stack';

const root = '/srv/app';
const stack = [
  'TypeError: boom',
  '    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
  '    at loadOrder (/srv/app/src/orders.js:12:11)',
  '    at next (/srv/app/node_modules/express/lib/router/route.js:149:13)',
  '    at async Promise.all (index 0)',
  '    at processTicksAndRejections (node:internal/process/task_queues:95:5)',
  '    at file:///srv/app/src/server.mjs:40:3',
  '    at /srv/other/lib.js:1:1',
].join('\n');

describe('stack trimming', () => {
  it('parses V8 frames, telling application frames from node_modules, Node internals and other directories', () => {
    const frames = parseFrames(stack, root);
    expect(frames.map((f) => [f.fn, f.file, f.app])).toEqual([
      ['Layer.handle [as handle_request]', '/srv/app/node_modules/express/lib/router/layer.js', false],
      ['loadOrder', 'src/orders.js', true],
      ['next', '/srv/app/node_modules/express/lib/router/route.js', false],
      ['processTicksAndRejections', 'node:internal/process/task_queues', false],
      ['<anonymous>', 'src/server.mjs', true],
      ['<anonymous>', '/srv/other/lib.js', false],
    ]);
  });

  it('puts application frames first, then the rest, within the frame budget', () => {
    const info = trimStack('TypeError: boom', stack, root, 4);
    expect(info.text.split('\n')).toEqual([
      'TypeError: boom',
      '    at loadOrder (src/orders.js:12:11)',
      '    at src/server.mjs:40:3',
      '    --- library and Node.js frames ---',
      '    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)',
      '    at next (/srv/app/node_modules/express/lib/router/route.js:149:13)',
      '    … 2 more frames',
    ]);
    expect(info.topAppFrame).toMatchObject({ fn: 'loadOrder', file: 'src/orders.js', line: 12 });
    expect(info.truncated).toBe(true);
  });

  it('keeps the header alone when there is no stack', () => {
    expect(trimStack('Error: x', undefined, root, 10)).toEqual({
      text: 'Error: x',
      topAppFrame: undefined,
      truncated: false,
    });
  });
});

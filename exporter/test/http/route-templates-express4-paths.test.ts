// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore -- path-to-regexp 0.1.x (Express 4's) ships no types
import pathToRegexp from 'path-to-regexp';
import { express4PathOf } from '../../src/express/express4-mount-path';
import { templateOf } from '../../src/express/route-templates';

// Express 4 layers registered before Pulse patched Express keep only the expression compiled by
// path-to-regexp 0.1.x: the template read back must be the one registration would have recorded.

type Compile = (path: unknown, keys: { name: string | number }[], options: object) => RegExp;
const compile = pathToRegexp as unknown as Compile;

const PATHS: unknown[] = [
  '/api',
  '/api/',
  '/api/:version',
  '/:tenant/:region',
  '/files/:name.:ext',
  '/users/:id?',
  '/docs/:path*',
  '/orders/:id(\\d+)',
  '/user/:id/edit',
  '/a-:b',
  '/v1.2/items',
  '*',
  '/assets/*',
  ['/a', '/b/:c'],
];

describe('Express 4 paths read back from their compiled expressions', () => {
  it.each(PATHS.flatMap((path) => [true, false].map((end) => [JSON.stringify(path), end, path] as const)))(
    '%s (end: %s)',
    (_name, end, path) => {
      const keys: { name: string | number }[] = [];
      const regexp = compile(path, keys, { end, strict: false, sensitive: false });
      expect(express4PathOf(regexp, keys)).toBe(templateOf(path));
    },
  );

  it('gives up on expressions a developer wrote, which are labelled by their source instead', () => {
    for (const regexp of [/^\/v\d+/i, /^\/(a|b)\/?(?=\/|$)/i, /.*fly$/]) {
      const keys: { name: string | number }[] = [];
      expect(express4PathOf(compile(regexp, keys, { end: false }), keys)).toBeUndefined();
    }
  });
});

import { isCatchAllPath } from './catch-all';

describe('isCatchAllPath', () => {
  it.each(['*', '/*', '(.*)', '/(.*)', '*path', '/*path', '{*path}', '/{*splat}', '*$rest_1'])(
    '%s is a catch-all',
    (p) => {
      expect(isCatchAllPath(p)).toBe(true);
    },
  );

  it.each(['', '/', '/api/*', '/*/x', '*path/x', '{*path', '*pa-th', '/:id', '/files/{*path}', '{*}', '/**'])(
    '%s is not',
    (p) => {
      expect(isCatchAllPath(p)).toBe(false);
    },
  );
});

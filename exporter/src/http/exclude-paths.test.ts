import { compileExcludedPaths } from './exclude-paths';
import { normaliseMethod } from './methods';

describe('excluded paths', () => {
  const excluded = compileExcludedPaths(['/metrics', '/health/*', '/internal/**', '/a.b'])!;
  it.each([
    ['/metrics', true],
    ['/metrics?x=1', true],
    ['/metrics/', true],
    ['/metricsx', false],
    ['/health/live', true],
    ['/health/live/deep', false],
    ['/internal/a/b/c', true],
    ['/aXb', false], // dots are literal
    ['/a.b', true],
    ['/api', false],
  ])('%s excluded: %s', (url, expected) => {
    expect(excluded(url)).toBe(expected);
  });
  it('is undefined when nothing is excluded', () => {
    expect(compileExcludedPaths([])).toBeUndefined();
  });

  // Every glob shape, against what the RegExp-compiled globs answered before (semantics kept).
  it.each([
    ['/assets/*.*.*.js', '/assets/app.1f2e.min.js', true],
    ['/assets/*.*.*.js', '/assets/app.js', false],
    ['/assets/*.*.*.js', '/assets/a/b.c.d.js', false],
    ['/files/*-*-*-*.txt', '/files/a-b-c-d.txt', true],
    ['/files/*-*-*-*.txt', '/files/a-b-c.txt', false],
    ['/**/**/**/x', '/a/b/c/x', true],
    ['/**/**/**/x', '/a//b/x', true],
    ['/**/**/**/x', '/a/x', false],
    ['/internal/**', '/internal/', true],
    ['/internal/**', '/internal', false],
    ['/**', '/', true],
    ['*', '/x', false],
    ['/*', '/', true],
    ['/*/', '/x/', true],
    ['/*/', '/x', false],
    ['/v1/*/items', '/v1/42/items/', true],
    ['/v1/*/items', '/v1//items', true],
    ['/v1/*/items', '/v1/a/b/items', false],
    ['/a+b(c)$', '/a+b(c)$', true],
    ['/a+b(c)$', '/aab(c)', false],
    ['/x/**/y/*', '/x/y/z', false], // `**` matches text between the two "/", not the slashes
    ['/x/**/y/*', '/x//y/z', true],
    ['/x/**/y/*', '/x/1/2/y/z', true],
    ['/x/**/y/*', '/x/1/2/y/z/w', false],
    ['/**.map', '/static/js/app.js.map?v=1', true],
    ['/**.map', '/static/js/app.js', false],
  ])('%s on %s: %s', (glob, url, expected) => {
    expect(compileExcludedPaths([glob])!(url)).toBe(expected);
  });

  it('answers as the RegExp-compiled globs did on thousands of short paths', () => {
    const globs = ['/a/*', '/**/b', '/*-*', '/a/**/c*', '/*.*.x', '/**/**'];
    const oldMatcher = (glob: string): RegExp => {
      let src = '';
      for (let i = 0; i < glob.length; i++) {
        if (glob[i] === '*') src += glob[i + 1] === '*' ? (i++, '.*') : '[^/]*';
        else src += /[.+?^${}()|[\]\\]/.test(glob[i]!) ? '\\' + glob[i] : glob[i];
      }
      return new RegExp('^(?:' + src + ')/?$');
    };
    const alphabet = ['/', 'a', 'b', 'c', '-', '.', 'x'];
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const disagreements: string[] = [];
    for (const glob of globs) {
      const mine = compileExcludedPaths([glob])!;
      const theirs = oldMatcher(glob);
      for (let k = 0; k < 3000; k++) {
        const path = '/' + Array.from({ length: random(9) }, () => alphabet[random(alphabet.length)]).join('');
        if (mine(path) !== theirs.test(path)) disagreements.push(`${glob} ${path}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('answers as the RegExp-compiled globs did for globs longer than one 32-position word, and non-ASCII ones', () => {
    const toRegExp = (glob: string): RegExp =>
      new RegExp(
        '^(?:' +
          glob
            .split('**')
            .map((part) =>
              part
                .split('*')
                .map((t) => t.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
                .join('[^/]*'),
            )
            .join('.*') +
          ')/?$',
      );
    const globs = [
      '/a/' + 'b/'.repeat(20) + '*', // 43 positions: the accepting one in the second word
      '/**/' + 'x*'.repeat(20) + '/**/é', // stars straddling the word boundary
      '/' + 'ab'.repeat(31) + '*/c', // a star at position 63
      '/ü/*/ß**',
    ];
    const alphabet = ['/', 'a', 'b', 'x', 'c', 'é', 'ü', 'ß'];
    let seed = 11;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const disagreements: string[] = [];
    for (const glob of globs) {
      const mine = compileExcludedPaths([glob])!;
      const theirs = toRegExp(glob);
      // Random paths, and random edits of paths the glob matches (so matches are tried, not only misses).
      const near = glob.replace(/\*+/g, () => alphabet.slice(1, 1 + random(3)).join(''));
      for (let k = 0; k < 3000; k++) {
        const path =
          k % 2 === 0
            ? '/' + Array.from({ length: random(70) }, () => alphabet[random(alphabet.length)]).join('')
            : near.slice(0, random(near.length + 1)) +
              (random(2) === 0 ? '/' : '') +
              near.slice(random(near.length + 1));
        if (mine(path) !== theirs.test(path)) disagreements.push(`${glob} ${path}`);
      }
      expect({ glob, near: mine(near) }).toEqual({ glob, near: theirs.test(near) });
    }
    expect(disagreements).toEqual([]);
  });
});

describe('method normalisation', () => {
  it('keeps known methods and folds the rest into _OTHER', () => {
    expect(normaliseMethod('GET')).toBe('GET');
    expect(normaliseMethod('PATCH')).toBe('PATCH');
    expect(normaliseMethod('PROPFIND')).toBe('_OTHER');
    expect(normaliseMethod('get')).toBe('_OTHER');
    expect(normaliseMethod(undefined)).toBe('_OTHER');
  });
});

// Excluded paths are globs compiled once into one RegExp: `*` matches within a path segment,
// `**` across segments. Matching runs on the path only, never on the query string.

function globToRegExpSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += '.*';
        i++;
      } else {
        out += '[^/]*';
      }
    } else {
      out += /[.+?^${}()|[\]\\]/.test(c) ? '\\' + c : c;
    }
  }
  return out;
}

/** A predicate for "is this URL excluded", or undefined when nothing is. */
export function compileExcludedPaths(globs: readonly string[]): ((url: string) => boolean) | undefined {
  if (globs.length === 0) return undefined;
  const re = new RegExp('^(?:' + globs.map(globToRegExpSource).join('|') + ')/?$');
  return (url) => {
    const q = url.indexOf('?');
    return re.test(q === -1 ? url : url.slice(0, q));
  };
}

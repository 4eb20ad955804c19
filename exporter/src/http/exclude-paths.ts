// Excluded paths are globs: `*` matches within a path segment, `**` across segments, a trailing
// `/` in the path is ignored, and matching runs on the path only, never on the query string.
// Globs are matched by simulating their automaton (one set of live pattern positions per path
// character), never by a RegExp: a path of n characters costs O(n × glob length) whatever it
// holds, so a client cannot stall the app with a crafted path.

const STAR = -1; // `*`: any characters but `/`
const GLOBSTAR = -2; // `**`: any characters

/** A glob as a list of steps: a character code, STAR or GLOBSTAR. */
function compileGlob(glob: string): Int32Array {
  const steps: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] !== '*') steps.push(glob.charCodeAt(i));
    else if (glob[i + 1] === '*') {
      steps.push(GLOBSTAR);
      i++;
    } else steps.push(STAR);
  }
  return Int32Array.from(steps);
}

/** Whether `steps` match `path[0, end)`: the automaton run over the path, one pass. */
function matches(steps: Int32Array, path: string, end: number): boolean {
  const m = steps.length;
  // live[s] === generation: position s is live after `generation` characters.
  const live = new Int32Array(m + 1).fill(-1);
  let current: number[] = [];
  let next: number[] = [];
  const add = (list: number[], s: number, generation: number): void => {
    // A star may match nothing: the position after it is live too.
    while (live[s] !== generation) {
      live[s] = generation;
      list.push(s);
      if (s === m || steps[s]! >= 0) return;
      s++;
    }
  };
  add(current, 0, 0);
  for (let i = 0; i < end && current.length > 0; i++) {
    const c = path.charCodeAt(i);
    next.length = 0;
    for (const s of current) {
      if (s === m) continue;
      const step = steps[s]!;
      if (step === c) add(next, s + 1, i + 1);
      else if (step === GLOBSTAR || (step === STAR && c !== 47)) add(next, s, i + 1);
    }
    [current, next] = [next, current];
  }
  return live[m] === end;
}

/** A predicate for "is this URL excluded", or undefined when nothing is. */
export function compileExcludedPaths(globs: readonly string[]): ((url: string) => boolean) | undefined {
  if (globs.length === 0) return undefined;
  // The literal head of each glob is compared first: most paths are ruled out by it at once.
  const compiled = globs.map((glob) => ({ head: glob.split('*', 1)[0]!, steps: compileGlob(glob) }));
  return (url) => {
    const q = url.indexOf('?');
    const end = q === -1 ? url.length : q;
    const trailingSlash = end > 0 && url.charCodeAt(end - 1) === 47;
    for (const { head, steps } of compiled) {
      if (!url.startsWith(head)) continue;
      if (matches(steps, url, end) || (trailingSlash && matches(steps, url, end - 1))) return true;
    }
    return false;
  };
}

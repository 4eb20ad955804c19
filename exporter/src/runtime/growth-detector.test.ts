import { GrowthDetector } from './growth-detector';

/** Feeds `values[i]` as the samples of slice i (several samples per slice, the floor is the min). */
function feed(detector: GrowthDetector, floors: number[], sliceMs = 100): void {
  let t = 0;
  for (const floor of floors) {
    // a saw-tooth above the floor, as a heap between collections looks
    for (const above of [0.3, 0, 0.5, 0.1]) {
      detector.add(floor * (1 + above), t);
      t += sliceMs / 4;
    }
  }
  detector.add(floors.at(-1)!, t); // closes the last slice
}

describe('GrowthDetector', () => {
  test('sustained growth in every slice beyond the threshold is suspected', () => {
    const d = new GrowthDetector(4, 100, 0.1);
    feed(d, [100, 104, 109, 115]);
    expect(d.suspected).toBe(true);
    expect(d.growth).toBeCloseTo(0.15);
  });

  test('a window that is not full yet says nothing', () => {
    const d = new GrowthDetector(4, 100, 0.1);
    feed(d, [100, 150, 200]);
    expect(d.suspected).toBe(false);
    expect(d.growth).toBe(0);
  });

  test('one step (a cache warming up) followed by a plateau is not a leak', () => {
    const d = new GrowthDetector(4, 100, 0.1);
    feed(d, [100, 200, 200, 200]);
    expect(d.suspected).toBe(false);
    expect(d.growth).toBe(1);
  });

  test('growth below the threshold is not a leak', () => {
    const d = new GrowthDetector(4, 100, 0.1);
    feed(d, [100, 101, 102, 103]);
    expect(d.suspected).toBe(false);
  });

  test('the absolute minimum filters small counts', () => {
    const d = new GrowthDetector(3, 100, 0.1, 50);
    feed(d, [10, 12, 14]);
    expect(d.suspected).toBe(false);
    const e = new GrowthDetector(3, 100, 0.1, 50);
    feed(e, [100, 130, 160]);
    expect(e.suspected).toBe(true);
  });

  test('the window slides: a leak that stops clears', () => {
    const d = new GrowthDetector(3, 100, 0.1);
    feed(d, [100, 120, 140, 140, 140, 140]);
    expect(d.suspected).toBe(false);
  });
});

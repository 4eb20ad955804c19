/**
 * The leak heuristic, in the spirit of goroutine-leak detection: a resource is suspect when its
 * floor (the smallest value seen in a slice of time) rises from every slice to the next across a
 * whole window, and by more than a threshold. Using floors rather than samples ignores the
 * saw-tooth of a healthy heap between collections; requiring every slice to rise ignores one-off
 * steps such as a cache warming up. Pure (time is passed in), so it is tested without waiting.
 */
export class GrowthDetector {
  private readonly floors: number[] = [];
  private sliceStart: number | undefined;
  private sliceMin = Infinity;
  private suspectedNow = false;
  private growthNow = 0;

  constructor(
    private readonly slices: number,
    private readonly sliceMs: number,
    /** Minimum relative growth over the window (0.1 = +10 %). */
    private readonly minGrowth: number,
    /** Minimum absolute growth over the window, for resources counted in small numbers. */
    private readonly minIncrease = 0,
  ) {}

  /** Adds one sample taken at `nowMs`. */
  add(value: number, nowMs: number): void {
    if (this.sliceStart === undefined) this.sliceStart = nowMs;
    if (nowMs - this.sliceStart >= this.sliceMs) {
      if (this.sliceMin !== Infinity) this.pushFloor(this.sliceMin);
      this.sliceStart = nowMs;
      this.sliceMin = Infinity;
    }
    if (value < this.sliceMin) this.sliceMin = value;
  }

  /** True while every slice of the last full window has a higher floor than the one before. */
  get suspected(): boolean {
    return this.suspectedNow;
  }

  /** Growth of the floor over the last full window (0.25 = +25 %); 0 until the window is full. */
  get growth(): number {
    return this.growthNow;
  }

  private pushFloor(floor: number): void {
    this.floors.push(floor);
    if (this.floors.length > this.slices) this.floors.shift();
    if (this.floors.length < this.slices) return;
    const first = this.floors[0]!;
    const last = this.floors[this.floors.length - 1]!;
    this.growthNow = first > 0 ? (last - first) / first : 0;
    let rising = true;
    for (let i = 1; i < this.floors.length && rising; i++) rising = this.floors[i]! > this.floors[i - 1]!;
    this.suspectedNow = rising && this.growthNow >= this.minGrowth && last - first >= this.minIncrease;
  }
}

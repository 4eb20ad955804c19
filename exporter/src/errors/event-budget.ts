// At most `perSecond` events per one-second window: a burst of 10 000 identical errors a second
// costs the counter 10 000 increments but Loki only `perSecond` lines. One comparison per event.

export class EventBudget {
  private windowStart = 0;
  private used = 0;

  constructor(private readonly perSecond: number) {}

  take(now = performance.now()): boolean {
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used >= this.perSecond) return false;
    this.used++;
    return true;
  }
}

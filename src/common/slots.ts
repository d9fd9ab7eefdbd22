/**
 * At most `size` tasks at once; the others start, in arrival order, as running ones finish. A start
 * is always deferred to the next turn of the event loop, so work arriving meanwhile can join it.
 */
export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /** Calls `start` once a slot is free; the task it begins must be passed to `release`. */
  acquire(start: () => void): void {
    if (this.running < this.size) {
      this.running++;
      setImmediate(start);
    } else {
      this.waiting.push(start);
    }
  }

  /** Waits for `task`, then hands its slot to the next waiting start. */
  async release<T>(task: Promise<T>): Promise<T> {
    try {
      return await task;
    } finally {
      const next = this.waiting.shift();
      if (next) setImmediate(next);
      else this.running--;
    }
  }
}

/**
 * Paces a stream of updates from a job to the UI: at most one delivery per `intervalMs`, what arrives
 * in between merged into the next one (the latest progress, or all metric points in order), so a run
 * at hundreds of steps per second costs the server's event loop a few deliveries a second, not one
 * database write and one event per connected window per step. `flush` delivers what waits at once.
 */
export class Pacer<T> {
  private waiting: T | undefined;
  private lastSent = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly deliver: (value: T) => void,
    private readonly merge: (waiting: T, next: T) => T,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  push(value: T): void {
    this.waiting = this.waiting === undefined ? value : this.merge(this.waiting, value);
    const due = this.lastSent + this.intervalMs - this.now();
    if (due <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), due);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.waiting === undefined) return;
    const value = this.waiting;
    this.waiting = undefined;
    this.lastSent = this.now();
    this.deliver(value);
  }
}

/** Keeps only the newest value (progress: where the run is now). */
export const latest = <T>(_waiting: T, next: T): T => next;

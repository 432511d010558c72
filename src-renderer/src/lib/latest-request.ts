/** What to do with a request's outcome; each runs only while no newer request has begun. */
export interface LatestHandlers<T> {
  /** The answer (awaited, so a follow-up request can finish first). */
  ok(value: T): void | Promise<void>;
  failed(error: unknown): void;
  /** After `ok` or `failed`: typically clears a "loading" flag. */
  settled?(): void;
}

/**
 * "Latest request wins": a screen asks again before the last answer came (another filter, another
 * selection), and only the newest request's answer may land. Plain bookkeeping, no state of its own
 * worth rendering.
 */
export class LatestRequest {
  #latest = 0;

  /** Starts a request: the returned check is true until another begins or `drop` is called. */
  begin(): () => boolean {
    const id = ++this.#latest;
    return () => id === this.#latest;
  }

  /** Drops the request in flight: its answer will be ignored (another library, a cleared selection). */
  drop(): void {
    this.#latest++;
  }

  /**
   * Runs `call` as the newest request and hands its outcome to `handlers` unless a newer request
   * began (or `drop` was called) meanwhile. `call` gets the check, for events it listens to meanwhile.
   */
  async run<T>(call: (isLatest: () => boolean) => Promise<T>, handlers: LatestHandlers<T>): Promise<void> {
    const isLatest = this.begin();
    try {
      const value = await call(isLatest);
      if (isLatest()) await handlers.ok(value);
    } catch (error) {
      if (isLatest()) handlers.failed(error);
    } finally {
      if (isLatest()) handlers.settled?.();
    }
  }
}

/** At most `max` pieces of work at once, first come first served; a waiter can leave by aborting. */
import { abortError, throwIfAborted } from '../util/abort.ts';

export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly max: number;

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a limit must be a whole number ≥ 1, got ${max}`);
    this.max = max;
  }

  /** Runs `work` once a slot is free; an abort while queued rejects without running it. */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.enter(signal);
    try {
      return await work();
    } finally {
      this.leave();
    }
  }

  private enter(signal: AbortSignal | undefined): Promise<void> {
    throwIfAborted(signal, 'waiting for a decode slot');
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.active++;
        resolve();
      };
      const onAbort = (): void => {
        this.queue.splice(this.queue.indexOf(start), 1);
        reject(abortError('waiting for a decode slot'));
      };
      this.queue.push(start);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private leave(): void {
    this.active--;
    this.queue.shift()?.();
  }
}

import { describe, expect, it } from 'vitest';
import { isAbortError } from '../util/abort.ts';
import { Limiter } from './limiter.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('Limiter', () => {
  it('runs at most `max` at once, in arrival order', async () => {
    const limiter = new Limiter(2);
    let active = 0;
    let peak = 0;
    const started: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((item) =>
        limiter.run(async () => {
          started.push(item);
          active++;
          peak = Math.max(peak, active);
          await tick();
          active--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it('lets a queued waiter leave by aborting, and frees the slot after a failure', async () => {
    const limiter = new Limiter(1);
    const controller = new AbortController();
    let release = (): void => undefined;
    const first = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = limiter.run(async () => 'never', controller.signal);
    controller.abort();
    expect(isAbortError(await queued.catch((error: unknown) => error))).toBe(true);
    release();
    await first;
    await expect(limiter.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'ran')).resolves.toBe('ran');
  });
});

import { describe, expect, it } from 'vitest';
import { forEachBounded } from './pool.ts';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('forEachBounded', () => {
  it('visits every item once with at most `concurrency` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick();
      seen.push(item);
      inFlight--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('takes no new items after the signal aborts', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    await forEachBounded(
      [1, 2, 3, 4, 5, 6],
      2,
      async (item) => {
        started.push(item);
        if (item === 2) controller.abort();
        await tick();
      },
      controller.signal,
    );
    expect(started).toEqual([1, 2]);
  });

  it('stops taking items after a failure, lets started ones finish, then throws the first error', async () => {
    const finished: number[] = [];
    const run = forEachBounded([1, 2, 3, 4, 5, 6], 2, async (item) => {
      if (item === 1) throw new Error('boom');
      await tick();
      finished.push(item);
    });
    await expect(run).rejects.toThrow('boom');
    expect(finished).toEqual([2]);
  });

  it('handles an empty list', async () => {
    await expect(forEachBounded([], 4, async () => {})).resolves.toBeUndefined();
  });
});

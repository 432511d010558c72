import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.ts';
import { JobSlot } from './job-slot.ts';

/** A job that runs until it is released or cancelled, resolving with how it ended. */
function controllableJob() {
  let release: (value: string) => void = () => undefined;
  const work = (signal: AbortSignal) =>
    new Promise<string>((resolve) => {
      release = resolve;
      signal.addEventListener('abort', () => resolve('cancelled'));
    });
  return { work, release: (value: string) => release(value) };
}

describe('JobSlot', () => {
  it('refuses a second job with BUSY and its reason while one runs', () => {
    const slot = new JobSlot<string>((id) => `job ${id} runs`);
    slot.start(1, controllableJob().work, () => undefined);
    expect(slot.isBusy).toBe(true);
    expect(slot.holds(1)).toBe(true);
    expect(() => slot.start(2, controllableJob().work, () => undefined)).toThrow(new ApiError('BUSY', 'job 1 runs'));
  });

  it('is free again before `finished` hears the result, so a listener can start the next job', async () => {
    const slot = new JobSlot<string>(() => 'busy');
    const job = controllableJob();
    const heard: { result: string; busy: boolean }[] = [];
    slot.start(1, job.work, (result) => heard.push({ result, busy: slot.isBusy }));
    const waiting = slot.wait(1);
    job.release('done');
    await expect(waiting).resolves.toBe('done');
    expect(heard).toEqual([{ result: 'done', busy: false }]);
    expect(slot.wait(1)).toBeNull();
  });

  it('cancels only the job it holds, and close() cancels and waits', async () => {
    const slot = new JobSlot<string>(() => 'busy');
    const finished: string[] = [];
    slot.start(7, controllableJob().work, (result) => finished.push(result));
    slot.cancel(8);
    expect(slot.isBusy).toBe(true);
    await slot.close();
    expect(finished).toEqual(['cancelled']);
    expect(slot.isBusy).toBe(false);
  });

  it('frees itself when the job fails', async () => {
    const slot = new JobSlot<string>(() => 'busy');
    slot.start(1, async () => Promise.reject(new Error('broken')), () => undefined);
    await expect(slot.wait(1)).rejects.toThrow('broken');
    expect(slot.isBusy).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { LatestRequest } from './latest-request.ts';

/** A promise resolved or rejected from outside, to order answers by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Records which handlers ran, in order. */
function recorder() {
  const log: string[] = [];
  return {
    log,
    handlers: {
      ok: (value: string) => void log.push(`ok ${value}`),
      failed: (error: unknown) => void log.push(`failed ${(error as Error).message}`),
      settled: () => void log.push('settled'),
    },
  };
}

describe('LatestRequest', () => {
  it('keeps a check true until another request begins', () => {
    const latest = new LatestRequest();
    const first = latest.begin();
    expect(first()).toBe(true);
    const second = latest.begin();
    expect(first()).toBe(false);
    expect(second()).toBe(true);
  });

  it('drop makes the request in flight stale', () => {
    const latest = new LatestRequest();
    const check = latest.begin();
    latest.drop();
    expect(check()).toBe(false);
  });

  it('hands the answer and then settles', async () => {
    const { log, handlers } = recorder();
    await new LatestRequest().run(() => Promise.resolve('a'), handlers);
    expect(log).toEqual(['ok a', 'settled']);
  });

  it('hands a failure and then settles', async () => {
    const { log, handlers } = recorder();
    await new LatestRequest().run(() => Promise.reject(new Error('no')), handlers);
    expect(log).toEqual(['failed no', 'settled']);
  });

  it('drops the answer of a request superseded while in flight, even when it lands last', async () => {
    const latest = new LatestRequest();
    const { log, handlers } = recorder();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const first = latest.run(() => slow.promise, handlers);
    const second = latest.run(() => fast.promise, handlers);
    fast.resolve('new');
    await second;
    slow.resolve('old');
    await first;
    expect(log).toEqual(['ok new', 'settled']);
  });

  it('drops the failure of a superseded request', async () => {
    const latest = new LatestRequest();
    const { log, handlers } = recorder();
    const slow = deferred<string>();
    const first = latest.run(() => slow.promise, handlers);
    latest.drop();
    slow.reject(new Error('late'));
    await first;
    expect(log).toEqual([]);
  });

  it('passes the check to the call, for events that arrive meanwhile', async () => {
    const latest = new LatestRequest();
    const seen: boolean[] = [];
    const answer = deferred<string>();
    const running = latest.run(
      async (isLatest) => {
        seen.push(isLatest());
        const value = await answer.promise;
        seen.push(isLatest());
        return value;
      },
      { ok: () => undefined, failed: () => undefined },
    );
    latest.begin();
    answer.resolve('x');
    await running;
    expect(seen).toEqual([true, false]);
  });

  it('waits for an async ok before settling, and reports what it throws', async () => {
    const { log, handlers } = recorder();
    await new LatestRequest().run(() => Promise.resolve('a'), {
      ...handlers,
      ok: async (value) => {
        await Promise.resolve();
        log.push(`ok ${value}`);
        throw new Error('apply');
      },
    });
    expect(log).toEqual(['ok a', 'failed apply', 'settled']);
  });
});

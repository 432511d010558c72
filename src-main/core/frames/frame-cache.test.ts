import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAbortError } from '../util/abort.ts';
import { FrameCache, type Produce } from './frame-cache.ts';

let root: string;
let folderCount = 0;
const freshFolder = () => path.join(root, `cache-${folderCount++}`);

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'pretext-frame-cache-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A production that writes `bytes` bytes and counts how often it ran. */
function counting(bytes = 100): Produce & { runs: number } {
  const produce = Object.assign(
    async (tempPath: string) => {
      produce.runs++;
      await writeFile(tempPath, Buffer.alloc(bytes, 7));
    },
    { runs: 0 },
  );
  return produce;
}

/** A production that writes part of its output, then waits until it is aborted. */
function hanging(started: () => void): Produce {
  return async (tempPath, signal) => {
    await writeFile(tempPath, 'half');
    started();
    await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('stopped'))));
  };
}

const names = async (folder: string) => (await readdir(folder)).sort();

describe('FrameCache', () => {
  it('produces on a miss and only reads on a hit', async () => {
    const cache = new FrameCache(freshFolder(), { maxBytes: 1000 });
    const produce = counting();
    const first = await cache.acquire('a', produce);
    first.release();
    const second = await cache.acquire('a', produce);
    second.release();
    expect(produce.runs).toBe(1);
    expect([first.fresh, second.fresh]).toEqual([true, false]);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 100, hits: 1, misses: 1, openEntries: 0 });
  });

  it('finds the entries of an earlier process and keeps their last-use order', async () => {
    const folder = freshFolder();
    const before = new FrameCache(folder, { maxBytes: 1000 });
    for (const key of ['old', 'new']) (await before.acquire(key, counting())).release();
    await before.flush();
    // mtime carries the order; make it unambiguous whatever the file system's resolution.
    const { utimes } = await import('node:fs/promises');
    await utimes(path.join(folder, 'old.frames'), new Date(1e12), new Date(1e12));
    const after = new FrameCache(folder, { maxBytes: 150 });
    const produce = counting();
    (await after.acquire('new', produce)).release();
    await after.flush();
    expect(produce.runs).toBe(0);
    expect(await names(folder)).toEqual(['new.frames']);
  });

  it('evicts the least recently used entries first, never an open one', async () => {
    const folder = freshFolder();
    const cache = new FrameCache(folder, { maxBytes: 250 });
    const open = async (key: string) => cache.acquire(key, counting());
    (await open('a')).release();
    const b = await open('b');
    (await open('a')).release(); // a is now more recent than b, but b is still open
    (await open('c')).release(); // 300 bytes: a is the oldest unread entry
    await cache.flush();
    expect(await names(folder)).toEqual(['b.frames', 'c.frames']);
    b.release();
    (await open('d')).release(); // b is now the oldest unread entry
    await cache.flush();
    expect(await names(folder)).toEqual(['c.frames', 'd.frames']);
    expect(cache.stats()).toMatchObject({ entries: 2, bytes: 200, evictions: 2 });
  });

  it('keeps an entry bigger than the cap while it is open, and drops it on release', async () => {
    const folder = freshFolder();
    const cache = new FrameCache(folder, { maxBytes: 50 });
    const lease = await cache.acquire('big', counting(100));
    expect(await names(folder)).toEqual(['big.frames']);
    lease.release();
    lease.release(); // idempotent
    await cache.flush();
    expect(await names(folder)).toEqual([]);
  });

  it('shares one production between concurrent requests and bounds productions', async () => {
    const cache = new FrameCache(freshFolder(), { maxBytes: 10_000, decodeConcurrency: 1 });
    let active = 0;
    let peak = 0;
    const runs: string[] = [];
    const produce = (key: string): Produce => async (tempPath) => {
      runs.push(key);
      peak = Math.max(peak, ++active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await writeFile(tempPath, key);
      active--;
    };
    const leases = await Promise.all(['x', 'x', 'y', 'x', 'y'].map((key) => cache.acquire(key, produce(key))));
    leases.forEach((lease) => lease.release());
    expect(runs.sort()).toEqual(['x', 'y']);
    expect(peak).toBe(1);
    expect(cache.stats()).toMatchObject({ misses: 2, joined: 3 });
  });

  it('keeps producing while one waiter remains, and aborts when the last one leaves', async () => {
    const folder = freshFolder();
    const cache = new FrameCache(folder, { maxBytes: 10_000 });
    const leaving = new AbortController();
    let started = (): void => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = cache.acquire('k', hanging(started), { signal: leaving.signal });
    const staying = new AbortController();
    const second = cache.acquire('k', counting(), { signal: staying.signal });
    await running;
    leaving.abort();
    expect(isAbortError(await first.catch((error: unknown) => error))).toBe(true);
    expect(cache.stats().misses).toBe(1);
    staying.abort();
    expect(isAbortError(await second.catch((error: unknown) => error))).toBe(true);
    // No entry and no temp file: the next request produces afresh.
    await cache.flush();
    expect(await names(folder)).toEqual([]);
    const produce = counting();
    (await cache.acquire('k', produce)).release();
    expect(produce.runs).toBe(1);
  });

  it('passes a failed production to every waiter and caches nothing', async () => {
    const folder = freshFolder();
    const cache = new FrameCache(folder, { maxBytes: 10_000 });
    const failing: Produce = async (tempPath) => {
      await writeFile(tempPath, 'partial');
      throw new Error('decode failed');
    };
    const results = await Promise.allSettled([cache.acquire('bad', failing), cache.acquire('bad', failing)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await names(folder)).toEqual([]);
    expect(cache.stats().entries).toBe(0);
  });

  it('invalidate removes a damaged entry so the next request produces it again', async () => {
    const folder = freshFolder();
    const cache = new FrameCache(folder, { maxBytes: 10_000 });
    const produce = counting();
    const lease = await cache.acquire('d', produce);
    lease.invalidate();
    lease.release();
    (await cache.acquire('d', produce)).release();
    expect(produce.runs).toBe(2);
    expect((await stat(path.join(folder, 'd.frames'))).size).toBe(100);
  });

  it('refuses keys that are not plain file names', async () => {
    const cache = new FrameCache(freshFolder(), { maxBytes: 1 });
    await expect(cache.acquire('../escape', counting())).rejects.toThrow(RangeError);
  });
});

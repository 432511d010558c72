/**
 * Decoded frame grids on disk, one file per key, with a total size cap. Suggested folder:
 * `${libraryFile}.cache/frames`.
 *
 * - Complete or absent: an entry is produced into a temporary sibling and renamed into place
 *   (media/atomic.ts), so a killed or cancelled decode never leaves a file that looks finished.
 * - Least recently used first: when the entries exceed `maxBytes`, the ones used longest ago are
 *   deleted, never one that is open for reading. An entry bigger than the whole cap lives while it
 *   is open and goes when released. Last use is kept in memory and, for the next process, in the
 *   file's mtime.
 * - One decode per entry: concurrent requests for the same key wait for the same production, and at
 *   most `decodeConcurrency` productions run at once. A waiter that aborts leaves; when the last one
 *   has left, the production is aborted (ffmpeg killed, temp file removed).
 */
import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomically } from '../media/atomic.ts';
import { abortError, throwIfAborted } from '../util/abort.ts';
import { Limiter } from './limiter.ts';

export interface FrameCacheOptions {
  /** Total bytes of entries to keep. */
  maxBytes: number;
  /** Productions (ffmpeg decodes) at once; default 2. */
  decodeConcurrency?: number;
}

export interface CacheStats {
  entries: number;
  bytes: number;
  /** Entries with at least one reader. */
  openEntries: number;
  hits: number;
  /** Productions started. */
  misses: number;
  /** Requests that waited for a production another request had started. */
  joined: number;
  evictions: number;
}

/** A claim on an entry: its file stays while the lease is held. */
export interface CacheLease {
  readonly path: string;
  /** True when this request's production made the entry. */
  readonly fresh: boolean;
  release(): void;
  /** Drops a damaged entry so that the next request produces it again. */
  invalidate(): void;
}

/** Writes the entry's complete content to `tempPath`; must stop when `signal` aborts. */
export type Produce = (tempPath: string, signal: AbortSignal) => Promise<void>;

interface Entry {
  key: string;
  bytes: number;
  /** In-process use order, exact. */
  lastUse: number;
  readers: number;
  /** When the file's mtime last recorded a use (Date.now()). */
  touchedAt: number;
}

interface Waiter {
  resolve(lease: CacheLease): void;
  reject(error: unknown): void;
}

interface Production {
  waiters: Set<Waiter>;
  controller: AbortController;
}

const ENTRY_SUFFIX = '.frames';
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** Temp files this old belong to a process that died; a live decode rewrites its file constantly. */
const STALE_TEMP_MS = 10 * 60_000;
const DEFAULT_DECODE_CONCURRENCY = 2;
/** The mtime only orders entries for the next process, so it need not follow every read. */
const TOUCH_INTERVAL_MS = 60_000;

export class FrameCache {
  readonly folder: string;
  private readonly maxBytes: number;
  private readonly decodeSlots: Limiter;
  private readonly entries = new Map<string, Entry>();
  private readonly productions = new Map<string, Production>();
  /** Deletions in flight, so a new production of the same key never races its old file's removal. */
  private readonly removals = new Map<string, Promise<void>>();
  /** Work nobody waits for (productions, deletions, last-use times), for `flush`. */
  private readonly chores = new Set<Promise<void>>();
  private readonly counters = { hits: 0, misses: 0, joined: 0, evictions: 0 };
  private totalBytes = 0;
  private clock = 0;
  private loaded: Promise<void> | null = null;

  constructor(folder: string, options: FrameCacheOptions) {
    if (!(options.maxBytes >= 0)) throw new RangeError(`maxBytes must be ≥ 0, got ${options.maxBytes}`);
    this.folder = folder;
    this.maxBytes = options.maxBytes;
    this.decodeSlots = new Limiter(options.decodeConcurrency ?? DEFAULT_DECODE_CONCURRENCY);
  }

  /** The entry for `key`, produced first when it is missing. Release the lease when done reading. */
  async acquire(key: string, produce: Produce, { signal }: { signal?: AbortSignal } = {}): Promise<CacheLease> {
    if (!KEY_PATTERN.test(key)) throw new RangeError(`a cache key must be 1–128 of [A-Za-z0-9_-], got "${key}"`);
    await this.load();
    throwIfAborted(signal, 'reading frames');
    const entry = this.entries.get(key);
    if (entry) {
      this.counters.hits++;
      return this.lease(entry, false);
    }
    let production = this.productions.get(key);
    if (production) this.counters.joined++;
    else production = this.startProduction(key, produce);
    return this.waitFor(key, production, signal);
  }

  /** Waits for the productions, deletions and last-use updates in flight (before shutdown, and in tests). */
  async flush(): Promise<void> {
    await Promise.all(this.chores);
  }

  stats(): CacheStats {
    const openEntries = [...this.entries.values()].filter((entry) => entry.readers > 0).length;
    return { entries: this.entries.size, bytes: this.totalBytes, openEntries, ...this.counters };
  }

  private entryPath(key: string): string {
    return path.join(this.folder, key + ENTRY_SUFFIX);
  }

  private load(): Promise<void> {
    this.loaded ??= this.scan().catch((error: unknown) => {
      this.loaded = null;
      throw error;
    });
    return this.loaded;
  }

  /** Indexes the entries a previous process left, oldest use first, and removes its dead temp files. */
  private async scan(): Promise<void> {
    await mkdir(this.folder, { recursive: true });
    const found: { key: string; bytes: number; mtimeMs: number }[] = [];
    for (const name of await readdir(this.folder)) {
      const stats = await stat(path.join(this.folder, name)).catch(() => null);
      if (!stats?.isFile()) continue;
      if (name.endsWith(ENTRY_SUFFIX)) {
        found.push({ key: name.slice(0, -ENTRY_SUFFIX.length), bytes: stats.size, mtimeMs: stats.mtimeMs });
      } else if (name.includes('.tmp-') && Date.now() - stats.mtimeMs > STALE_TEMP_MS) {
        await rm(path.join(this.folder, name), { force: true });
      }
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const { key, bytes, mtimeMs } of found) this.admit(key, bytes, mtimeMs);
    this.evict();
  }

  private startProduction(key: string, produce: Produce): Production {
    this.counters.misses++;
    const production: Production = { waiters: new Set(), controller: new AbortController() };
    this.productions.set(key, production);
    this.chore(this.produce(key, produce, production));
    return production;
  }

  private async produce(key: string, produce: Produce, production: Production): Promise<void> {
    const { signal } = production.controller;
    const target = this.entryPath(key);
    try {
      await this.decodeSlots.run(async () => {
        await this.removals.get(key);
        await writeAtomically(target, (tempPath) => produce(tempPath, signal));
      }, signal);
      const { size } = await stat(target);
      const entry = this.admit(key, size, Date.now());
      this.settle(key, production, (waiter) => waiter.resolve(this.lease(entry, true)));
      this.evict();
    } catch (error) {
      this.settle(key, production, (waiter) => waiter.reject(error));
    }
  }

  private settle(key: string, production: Production, each: (waiter: Waiter) => void): void {
    if (this.productions.get(key) === production) this.productions.delete(key);
    for (const waiter of production.waiters) each(waiter);
    production.waiters.clear();
  }

  private waitFor(key: string, production: Production, signal: AbortSignal | undefined): Promise<CacheLease> {
    return new Promise<CacheLease>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (lease) => {
          signal?.removeEventListener('abort', leave);
          resolve(lease);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', leave);
          reject(error);
        },
      };
      const leave = (): void => {
        production.waiters.delete(waiter);
        if (production.waiters.size === 0) {
          // Nobody wants it any more: stop it, and let a later request start afresh.
          if (this.productions.get(key) === production) this.productions.delete(key);
          production.controller.abort();
        }
        reject(abortError('reading frames'));
      };
      production.waiters.add(waiter);
      signal?.addEventListener('abort', leave, { once: true });
    });
  }

  /** Records an entry (or its new size, when a late production replaced the file). */
  private admit(key: string, bytes: number, touchedAt: number): Entry {
    const entry = this.entries.get(key) ?? { key, bytes: 0, lastUse: 0, readers: 0, touchedAt };
    this.totalBytes += bytes - entry.bytes;
    entry.bytes = bytes;
    entry.lastUse = ++this.clock;
    this.entries.set(key, entry);
    return entry;
  }

  private lease(entry: Entry, fresh: boolean): CacheLease {
    entry.readers++;
    entry.lastUse = ++this.clock;
    const entryPath = this.entryPath(entry.key);
    if (Date.now() - entry.touchedAt > TOUCH_INTERVAL_MS) {
      // Persists the use for the next process's LRU order; a failure only makes that order less exact.
      entry.touchedAt = Date.now();
      this.chore(utimes(entryPath, new Date(), new Date()));
    }
    let released = false;
    return {
      path: entryPath,
      fresh,
      release: () => {
        if (released) return;
        released = true;
        entry.readers--;
        this.evict();
      },
      invalidate: () => this.drop(entry),
    };
  }

  /** Deletes the least recently used unread entries until the total fits the cap. */
  private evict(): void {
    while (this.totalBytes > this.maxBytes) {
      let victim: Entry | undefined;
      for (const entry of this.entries.values()) {
        if (entry.readers === 0 && (!victim || entry.lastUse < victim.lastUse)) victim = entry;
      }
      if (!victim) return;
      this.drop(victim);
      this.counters.evictions++;
    }
  }

  private drop(entry: Entry): void {
    if (this.entries.get(entry.key) !== entry) return;
    this.entries.delete(entry.key);
    this.totalBytes -= entry.bytes;
    // Another process may hold it open on Windows; it will be found and evicted again later.
    const removal = this.chore(rm(this.entryPath(entry.key), { force: true })).finally(() => {
      if (this.removals.get(entry.key) === removal) this.removals.delete(entry.key);
    });
    this.removals.set(entry.key, removal);
  }

  /** Runs work in the background, ignoring its failure (productions report theirs to their waiters). */
  private chore(work: Promise<void>): Promise<void> {
    const tracked = work.catch(() => undefined).finally(() => this.chores.delete(tracked));
    this.chores.add(tracked);
    return tracked;
  }
}

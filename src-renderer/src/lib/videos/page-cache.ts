import { pagesFor } from './grid-layout.ts';

/**
 * Pages of a long list, fetched lazily and kept per "generation". `clear` starts a new question
 * (other filters); `invalidate` keeps the same question but marks the data out of date, keeping
 * the old pages as a fallback to show until fresh ones land. A response is stored only if it
 * belongs to the current generation. Plain (non-reactive) bookkeeping: the owner signals changes.
 */
export class PageCache<T> {
  readonly pageSize: number;
  #generation = 0;
  #pages = new Map<number, readonly T[]>();
  #stale = new Map<number, readonly T[]>();
  #inflight = new Set<number>();
  #failed = new Set<number>();

  constructor(pageSize: number) {
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
    this.pageSize = pageSize;
  }

  get generation(): number {
    return this.#generation;
  }

  /** Page indices held for the current generation, ascending. */
  get pages(): number[] {
    return [...this.#pages.keys()].sort((a, b) => a - b);
  }

  clear(): void {
    this.#generation++;
    this.#pages = new Map();
    this.#stale = new Map();
    this.#inflight = new Set();
    this.#failed = new Set();
  }

  invalidate(): void {
    this.#generation++;
    this.#stale = new Map([...this.#stale, ...this.#pages]);
    this.#pages = new Map();
    this.#inflight = new Set();
    this.#failed = new Set();
  }

  itemAt(index: number): T | undefined {
    if (index < 0) return undefined;
    const page = Math.floor(index / this.pageSize);
    const items = this.#pages.get(page) ?? this.#stale.get(page);
    return items?.[index - page * this.pageSize];
  }

  /**
   * The pages to fetch for items [start, end) of a list of `total` items (null: unknown yet, so
   * only the first page), skipping those held, in flight or failed in this generation.
   */
  wanted(start: number, end: number, total: number | null): number[] {
    let pages: number[];
    if (total === null) {
      pages = [0];
    } else if (total <= 0) {
      pages = [];
    } else {
      const lastPage = Math.ceil(total / this.pageSize) - 1;
      pages = pagesFor(start, end, this.pageSize).filter((page) => page <= lastPage);
    }
    return pages.filter(
      (page) => !this.#pages.has(page) && !this.#inflight.has(page) && !this.#failed.has(page),
    );
  }

  /** Marks a page in flight; returns the generation its answer must match. */
  begin(page: number): number {
    this.#inflight.add(page);
    return this.#generation;
  }

  /** Stores a fetched page; false (and nothing stored) when it answers an older generation. */
  store(page: number, generation: number, items: readonly T[]): boolean {
    if (generation !== this.#generation) return false;
    this.#inflight.delete(page);
    this.#pages.set(page, items);
    this.#stale.delete(page);
    return true;
  }

  /** Records a failed fetch so scrolling does not retry it until the next generation. */
  fail(page: number, generation: number): boolean {
    if (generation !== this.#generation) return false;
    this.#inflight.delete(page);
    this.#failed.add(page);
    return true;
  }
}

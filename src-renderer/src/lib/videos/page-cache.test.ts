import { describe, expect, it } from 'vitest';
import { PageCache } from './page-cache.ts';

describe('PageCache', () => {
  it('asks for the first page only while the total is unknown', () => {
    const cache = new PageCache<string>(10);
    expect(cache.wanted(0, 50, null)).toEqual([0]);
    expect(cache.wanted(0, 50, 25)).toEqual([0, 1, 2]);
    expect(cache.wanted(0, 50, 0)).toEqual([]);
  });

  it('skips pages held, in flight or failed', () => {
    const cache = new PageCache<string>(10);
    const g0 = cache.begin(0);
    expect(cache.wanted(0, 30, 30)).toEqual([1, 2]);
    cache.store(0, g0, ['a']);
    const g1 = cache.begin(1);
    cache.fail(1, g1);
    expect(cache.wanted(0, 30, 30)).toEqual([2]);
    expect(cache.itemAt(0)).toBe('a');
    expect(cache.itemAt(1)).toBeUndefined();
  });

  it('drops answers of an older generation', () => {
    const cache = new PageCache<string>(10);
    const old = cache.begin(0);
    cache.clear();
    expect(cache.store(0, old, ['stale'])).toBe(false);
    expect(cache.itemAt(0)).toBeUndefined();
    expect(cache.wanted(0, 10, null)).toEqual([0]);
  });

  it('keeps showing old pages after invalidate until fresh ones land', () => {
    const cache = new PageCache<string>(2);
    cache.store(0, cache.begin(0), ['a', 'b']);
    cache.invalidate();
    expect(cache.pages).toEqual([]);
    expect(cache.itemAt(1)).toBe('b');
    expect(cache.wanted(0, 2, 2)).toEqual([0]);
    cache.store(0, cache.begin(0), ['c', 'd']);
    expect(cache.itemAt(1)).toBe('d');
    cache.clear();
    expect(cache.itemAt(1)).toBeUndefined();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { latest, Pacer } from './pacer.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Pushes `count` values over `seconds`, evenly, as a fast training run would. */
function stream(pacer: Pacer<number[]>, count: number, seconds: number): void {
  for (let i = 0; i < count; i++) {
    pacer.push([i]);
    vi.advanceTimersByTime((seconds * 1000) / count);
  }
}

describe('Pacer', () => {
  it('delivers at most one update per interval from 500 updates a second, losing none and keeping their order', () => {
    const delivered: { at: number; values: number[] }[] = [];
    const pacer = new Pacer<number[]>((values) => delivered.push({ at: Date.now(), values }), (a, b) => [...a, ...b], 250);
    stream(pacer, 1000, 2);
    pacer.flush();
    // 2 s at one per 250 ms: 8 deliveries, plus the first at once and the final flush.
    expect(delivered.length).toBeLessThanOrEqual(10);
    expect(delivered.length).toBeGreaterThanOrEqual(8);
    const gaps = delivered.slice(1, -1).map((entry, index) => entry.at - (delivered[index] as { at: number }).at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(250);
    expect(delivered.flatMap((entry) => entry.values)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('passes the first update at once and a late one after the interval, without a flush', () => {
    const delivered: number[] = [];
    const pacer = new Pacer<number>((value) => delivered.push(value), latest, 250);
    pacer.push(1);
    expect(delivered).toEqual([1]);
    pacer.push(2);
    pacer.push(3);
    expect(delivered).toEqual([1]);
    vi.advanceTimersByTime(250);
    expect(delivered).toEqual([1, 3]);
    vi.advanceTimersByTime(1000);
    expect(delivered).toEqual([1, 3]);
    pacer.push(4);
    expect(delivered).toEqual([1, 3, 4]);
  });

  it('flushes what waits at once, and nothing when nothing waits', () => {
    const delivered: number[] = [];
    const pacer = new Pacer<number>((value) => delivered.push(value), latest, 250);
    pacer.push(1);
    pacer.push(2);
    pacer.flush();
    pacer.flush();
    vi.advanceTimersByTime(1000);
    expect(delivered).toEqual([1, 2]);
  });
});

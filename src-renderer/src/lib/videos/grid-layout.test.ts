import { describe, expect, it } from 'vitest';
import {
  cardPosition,
  gridLeft,
  columnsFor,
  gridWindow,
  pagesFor,
  scrollToReveal,
  type GridMetrics,
} from './grid-layout.ts';

const m: GridMetrics = { cardWidth: 100, cardHeight: 100, gap: 10, padding: 10, overscanRows: 1 };

describe('columnsFor', () => {
  it('fits as many fixed-width cards as the width allows, at least one', () => {
    expect(columnsFor(0, m)).toBe(1);
    expect(columnsFor(120, m)).toBe(1);
    expect(columnsFor(230, m)).toBe(2); // 10 + 100 + 10 + 100 + 10
    expect(columnsFor(229, m)).toBe(1);
    expect(columnsFor(1000, m)).toBe(9); // 9 × 100 + 8 × 10 + 2 × 10
  });
});

describe('gridWindow', () => {
  it('renders only the rows in view plus overscan', () => {
    // 2 columns, 10,000 items → 5,000 rows of stride 110.
    const w = gridWindow({ width: 230, height: 330, scrollTop: 110 * 100 + 10, total: 10_000 }, m);
    expect(w.columns).toBe(2);
    expect(w.rowCount).toBe(5000);
    expect(w.totalHeight).toBe(20 + 5000 * 110 - 10);
    // Rows 100..102 are in view; one row of overscan each side → rows 99..103.
    expect(w.start).toBe(99 * 2);
    expect(w.end).toBe(104 * 2);
    expect(w.end - w.start).toBeLessThan(20);
  });

  it('clamps at the ends of the list', () => {
    const top = gridWindow({ width: 230, height: 330, scrollTop: 0, total: 5 }, m);
    expect(top.start).toBe(0);
    expect(top.end).toBe(5);
    const bottom = gridWindow({ width: 230, height: 330, scrollTop: 1e9, total: 5 }, m);
    expect(bottom.end).toBe(5);
    expect(bottom.start).toBeLessThanOrEqual(bottom.end);
  });

  it('is empty for an empty list', () => {
    expect(gridWindow({ width: 500, height: 500, scrollTop: 0, total: 0 }, m)).toEqual({
      columns: 4,
      rowCount: 0,
      totalHeight: 0,
      start: 0,
      end: 0,
    });
  });
});

describe('cardPosition and scrollToReveal', () => {
  it('places cards on the grid', () => {
    expect(cardPosition(0, 3, m)).toEqual({ x: 10, y: 10 });
    expect(cardPosition(4, 3, m)).toEqual({ x: 120, y: 120 });
    expect(cardPosition(4, 3, m, 50)).toEqual({ x: 160, y: 120 });
  });
  it('centres the columns', () => {
    expect(gridLeft(230, 2, m)).toBe(10);
    expect(gridLeft(300, 2, m)).toBe(45);
    expect(gridLeft(50, 1, m)).toBe(10);
  });
  it('scrolls only when the card is out of view', () => {
    expect(scrollToReveal(0, 2, 300, 0, m)).toBeNull();
    expect(scrollToReveal(0, 2, 300, 500, m)).toBe(0);
    // Row 10 starts at y=1110 and ends at 1210; with padding it needs bottom 1220 in view.
    expect(scrollToReveal(20, 2, 300, 0, m)).toBe(1220 - 300);
  });
});

describe('pagesFor', () => {
  it('lists the pages covering a range', () => {
    expect(pagesFor(0, 0, 200)).toEqual([]);
    expect(pagesFor(0, 1, 200)).toEqual([0]);
    expect(pagesFor(150, 250, 200)).toEqual([0, 1]);
    expect(pagesFor(200, 400, 200)).toEqual([1]);
    expect(pagesFor(399, 601, 200)).toEqual([1, 2, 3]);
  });
});

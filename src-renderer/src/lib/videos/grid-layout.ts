/** Geometry of the virtualised grid: fixed-size cards, columns from the width, rows in view. */

export interface GridMetrics {
  cardWidth: number;
  cardHeight: number;
  gap: number;
  /** Padding inside the scroll container, on every side. */
  padding: number;
  /** Rows rendered above and below the viewport. */
  overscanRows: number;
}

export const CARD_METRICS: GridMetrics = {
  cardWidth: 208,
  cardHeight: 224,
  gap: 12,
  padding: 12,
  overscanRows: 3,
};

export function columnsFor(containerWidth: number, m: GridMetrics): number {
  const usable = containerWidth - 2 * m.padding;
  return Math.max(1, Math.floor((usable + m.gap) / (m.cardWidth + m.gap)));
}

export interface GridWindow {
  columns: number;
  rowCount: number;
  /** Height of the spacer that gives the scroll container its full extent. */
  totalHeight: number;
  /** First item index rendered (inclusive) and last (exclusive). */
  start: number;
  end: number;
}

export interface GridViewport {
  width: number;
  height: number;
  scrollTop: number;
  total: number;
}

export function gridWindow(view: GridViewport, m: GridMetrics): GridWindow {
  const columns = columnsFor(view.width, m);
  const total = Math.max(0, Math.floor(view.total));
  const rowCount = Math.ceil(total / columns);
  const rowStride = m.cardHeight + m.gap;
  const totalHeight = rowCount === 0 ? 0 : 2 * m.padding + rowCount * rowStride - m.gap;
  if (rowCount === 0) return { columns, rowCount, totalHeight, start: 0, end: 0 };
  const top = Math.max(0, view.scrollTop - m.padding);
  const firstRow = Math.max(0, Math.floor(top / rowStride) - m.overscanRows);
  const lastRow = Math.min(
    rowCount,
    Math.ceil((top + Math.max(0, view.height)) / rowStride) + m.overscanRows,
  );
  return {
    columns,
    rowCount,
    totalHeight,
    start: Math.min(total, firstRow * columns),
    end: Math.min(total, Math.max(firstRow, lastRow) * columns),
  };
}

/** Left edge of the first column: the columns are centred in the container. */
export function gridLeft(containerWidth: number, columns: number, m: GridMetrics): number {
  const used = columns * m.cardWidth + (columns - 1) * m.gap;
  return Math.max(m.padding, Math.floor((containerWidth - used) / 2));
}

/** Top-left corner of a card, relative to the spacer. */
export function cardPosition(
  index: number,
  columns: number,
  m: GridMetrics,
  left: number = m.padding,
): { x: number; y: number } {
  const row = Math.floor(index / columns);
  const col = index % columns;
  return {
    x: left + col * (m.cardWidth + m.gap),
    y: m.padding + row * (m.cardHeight + m.gap),
  };
}

/** The scrollTop that brings a row fully into view, or null when it already is. */
export function scrollToReveal(
  index: number,
  columns: number,
  viewportHeight: number,
  scrollTop: number,
  m: GridMetrics,
): number | null {
  const { y } = cardPosition(index, columns, m);
  if (y - m.padding < scrollTop) return Math.max(0, y - m.padding);
  const bottom = y + m.cardHeight + m.padding;
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return null;
}

/** Pages of `pageSize` items that cover [start, end). */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  if (end <= start) return [];
  const first = Math.floor(start / pageSize);
  const last = Math.floor((end - 1) / pageSize);
  const pages: number[] = [];
  for (let page = first; page <= last; page++) pages.push(page);
  return pages;
}

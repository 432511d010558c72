/**
 * Motion scores: the cheap stand-in for optical-flow magnitude that makes sampling motion-aware.
 * Everything works on downsampled grey frames (any size; 64×48 is plenty) and is pure maths: the
 * frame source computes the scores once per video, the samplers only read them.
 *
 * Convention: the score of frame i (i ≥ 1) is the mean absolute grey-level difference between frame i
 * and frame i−1, on the 0–255 scale. Frame 0 has no predecessor, so it copies frame 1's score: a plot
 * then shows no false still dip at the start. A single-frame video scores 0.
 */
import { clamp, cropAround, fitInside, type Crop, type Size } from './crops.ts';

/** Grey frames: one array per frame, or all frames back to back in one array. */
export type GreyFrames = readonly Uint8Array[] | Uint8Array;

export interface GridShape {
  rows: number;
  cols: number;
}

/** Per-frame motion of each cell of a coarse grid: values[(frame · rows + row) · cols + col]. */
export interface CellMotion extends GridShape {
  frameCount: number;
  values: Float32Array;
}

/** One coarse grid of motion, row-major: values[row · cols + col]. */
export interface MotionGrid extends GridShape {
  values: Float32Array;
}

/** Mean absolute difference of every frame to the previous one (see the module convention). */
export function frameDifferenceScores(frames: GreyFrames, size: Size): Float32Array {
  // A 1×1 grid is the whole frame, so the per-frame score is the one-cell case.
  return frameDifferenceCells(frames, size, { rows: 1, cols: 1 }).values;
}

/**
 * The same scores per cell of a rows×cols grid (cell boundaries at floor(x · cols / width)). The frame
 * source may compute this instead of the plain scores; OPN uses it to find where the motion is.
 */
export function frameDifferenceCells(frames: GreyFrames, size: Size, shape: GridShape): CellMotion {
  assertGridFits(shape, size);
  const views = frameViews(frames, size);
  const cellCount = shape.rows * shape.cols;
  const cellOfPixel = pixelCells(size, shape);
  const pixelsPerCell = new Float64Array(cellCount);
  for (const cell of cellOfPixel) pixelsPerCell[cell] = (pixelsPerCell[cell] as number) + 1;

  const values = new Float32Array(views.length * cellCount);
  for (let f = 1; f < views.length; f++) {
    const previous = views[f - 1] as Uint8Array;
    const sums = absoluteDifferenceSums(previous, views[f] as Uint8Array, cellOfPixel, cellCount);
    for (let cell = 0; cell < cellCount; cell++) {
      values[f * cellCount + cell] = (sums[cell] as number) / (pixelsPerCell[cell] as number);
    }
  }
  if (views.length > 1) values.copyWithin(0, cellCount, 2 * cellCount);
  return { ...shape, frameCount: views.length, values };
}

/** The mean cell grid over frames [start, endExclusive), e.g. the motion inside one tuple. */
export function gridOverFrames(cells: CellMotion, start: number, endExclusive: number): MotionGrid {
  assertRange(start, endExclusive - start, cells.frameCount);
  const cellCount = cells.rows * cells.cols;
  const values = new Float32Array(cellCount);
  for (let f = start; f < endExclusive; f++) {
    for (let cell = 0; cell < cellCount; cell++) {
      values[cell] = (values[cell] as number) + (cells.values[f * cellCount + cell] as number);
    }
  }
  const frameCount = endExclusive - start;
  return { rows: cells.rows, cols: cells.cols, values: values.map((sum) => sum / frameCount) };
}

/** Prefix sums of the scores (length n + 1), so that any window's motion costs O(1). */
export function cumulativeMotion(scores: Float32Array): Float64Array {
  const cumulative = new Float64Array(scores.length + 1);
  scores.forEach((score, i) => {
    cumulative[i + 1] = (cumulative[i] as number) + score;
  });
  return cumulative;
}

/** Mean score of frames [start, start + length), read from `cumulativeMotion(scores)`. */
export function windowMotion(cumulative: Float64Array, start: number, length: number): number {
  assertRange(start, length, cumulative.length - 1);
  return ((cumulative[start + length] as number) - (cumulative[start] as number)) / length;
}

export interface HighMotionOptions {
  /** Share of all windows to keep, the most moving first; ties at the cut are kept. Default 0.3. */
  topFraction?: number;
  /** Windows whose motion is at most this count as still and are dropped. Default 0. */
  stillLevel?: number;
}

/**
 * Starts of the windows of `windowLength` frames that move the most: the top `topFraction` of all
 * windows, minus still ones. A window's motion is the mean of the differences inside it (frames
 * start+1 … start+length−1), not the jump into its first frame. When nothing moves at all every start
 * is returned, so a still video still yields tuples. Empty when the video is shorter than the window.
 */
export function highMotionWindowStarts(
  scores: Float32Array,
  windowLength: number,
  { topFraction = 0.3, stillLevel = 0 }: HighMotionOptions = {},
): Int32Array {
  if (!(topFraction > 0 && topFraction <= 1)) {
    throw new RangeError(`topFraction must be in (0, 1], got ${topFraction}`);
  }
  const windowCount = scores.length - windowLength + 1;
  if (windowCount <= 0) return new Int32Array(0);
  const cumulative = cumulativeMotion(scores);
  const motions = Float64Array.from({ length: windowCount }, (_, start) =>
    motionInside(cumulative, start, windowLength),
  );
  if (!motions.some((motion) => motion > stillLevel)) return Int32Array.from(motions.keys());
  const threshold = kthLargest(motions, Math.max(1, Math.ceil(topFraction * windowCount)));
  const starts = [...motions.keys()].filter((start) => {
    const motion = motions[start] as number;
    return motion >= threshold && motion > stillLevel;
  });
  return Int32Array.from(starts);
}

/**
 * OPN's motion-aware patch: the crop of `patch` size centred on the block of grid cells (about the
 * patch's size) with the most motion, kept inside the frame. Equally busy blocks share the patch: it
 * is centred on their mean centre, so a grid without any motion gives the centre crop.
 */
export function motionAwarePatch(grid: MotionGrid, frame: Size, patch: Size): Crop {
  const size = fitInside(patch, frame);
  const cellWidth = frame.width / grid.cols;
  const cellHeight = frame.height / grid.rows;
  const blockCols = clamp(Math.round(size.width / cellWidth), 1, grid.cols);
  const blockRows = clamp(Math.round(size.height / cellHeight), 1, grid.rows);
  const blocks = busiestBlocks(grid, blockRows, blockCols);
  const meanOf = (pick: (block: BlockPosition) => number) =>
    blocks.reduce((sum, block) => sum + pick(block), 0) / blocks.length;
  const centreCol = meanOf((block) => block.col) + blockCols / 2;
  const centreRow = meanOf((block) => block.row) + blockRows / 2;
  return cropAround(centreCol * cellWidth, centreRow * cellHeight, size, frame);
}

interface BlockPosition {
  row: number;
  col: number;
}

/** Top-left cells of the blocks of blockRows × blockCols cells with the largest motion sum. */
function busiestBlocks(grid: MotionGrid, blockRows: number, blockCols: number): BlockPosition[] {
  const sums = summedArea(grid);
  const stride = grid.cols + 1;
  const at = (row: number, col: number) => sums[row * stride + col] as number;
  const blocks: (BlockPosition & { motion: number })[] = [];
  for (let row = 0; row + blockRows <= grid.rows; row++) {
    for (let col = 0; col + blockCols <= grid.cols; col++) {
      const [bottom, right] = [row + blockRows, col + blockCols];
      const motion = at(bottom, right) - at(row, right) - at(bottom, col) + at(row, col);
      blocks.push({ row, col, motion });
    }
  }
  const most = Math.max(...blocks.map((block) => block.motion));
  // Relative tolerance: equal blocks may differ by rounding in the summed-area table.
  const tolerance = 1e-9 * Math.max(1, Math.abs(most));
  return blocks.filter((block) => block.motion >= most - tolerance);
}

/** Summed-area table of a grid, (rows + 1) × (cols + 1), row-major. */
function summedArea(grid: MotionGrid): Float64Array {
  const stride = grid.cols + 1;
  const sums = new Float64Array((grid.rows + 1) * stride);
  for (let row = 0; row < grid.rows; row++) {
    for (let col = 0; col < grid.cols; col++) {
      sums[(row + 1) * stride + col + 1] =
        (grid.values[row * grid.cols + col] as number) +
        (sums[row * stride + col + 1] as number) +
        (sums[(row + 1) * stride + col] as number) -
        (sums[row * stride + col] as number);
    }
  }
  return sums;
}

/** Mean of the frame differences inside a window; a one-frame window reads its own score. */
function motionInside(cumulative: Float64Array, start: number, length: number): number {
  return length > 1
    ? windowMotion(cumulative, start + 1, length - 1)
    : windowMotion(cumulative, start, 1);
}

function kthLargest(values: Float64Array, k: number): number {
  return values.slice().sort().reverse()[k - 1] as number;
}

/** Sum of |current − previous| over the pixels of each cell. */
function absoluteDifferenceSums(
  previous: Uint8Array,
  current: Uint8Array,
  cellOfPixel: Int32Array,
  cellCount: number,
): Float64Array {
  const sums = new Float64Array(cellCount);
  for (let i = 0; i < current.length; i++) {
    const cell = cellOfPixel[i] as number;
    const difference = Math.abs((current[i] as number) - (previous[i] as number));
    sums[cell] = (sums[cell] as number) + difference;
  }
  return sums;
}

/** The grid cell of every pixel, row-major. */
function pixelCells(size: Size, shape: GridShape): Int32Array {
  const cells = new Int32Array(size.width * size.height);
  for (let y = 0; y < size.height; y++) {
    const rowBase = Math.floor((y * shape.rows) / size.height) * shape.cols;
    for (let x = 0; x < size.width; x++) {
      cells[y * size.width + x] = rowBase + Math.floor((x * shape.cols) / size.width);
    }
  }
  return cells;
}

/** One view per frame, without copying; checks that every frame has width × height pixels. */
function frameViews(frames: GreyFrames, size: Size): Uint8Array[] {
  const pixels = size.width * size.height;
  if (!(frames instanceof Uint8Array)) {
    const wrong = frames.findIndex((frame) => frame.length !== pixels);
    if (wrong >= 0) {
      throw new RangeError(`frame ${wrong} has ${frames[wrong]?.length} pixels, expected ${pixels}`);
    }
    return frames.slice();
  }
  if (frames.length % pixels !== 0) {
    throw new RangeError(`${frames.length} bytes are not whole ${size.width}×${size.height} frames`);
  }
  return Array.from({ length: frames.length / pixels }, (_, f) =>
    frames.subarray(f * pixels, (f + 1) * pixels),
  );
}

function assertGridFits(shape: GridShape, size: Size): void {
  const dimensions = [shape.rows, shape.cols, size.width, size.height];
  const valid = dimensions.every((n) => Number.isInteger(n) && n >= 1);
  if (!valid || shape.rows > size.height || shape.cols > size.width) {
    throw new RangeError(
      `a ${shape.rows}×${shape.cols} grid needs at least one pixel per cell, got ${size.width}×${size.height}`,
    );
  }
}

/** Frames [start, start + length) must be a non-empty part of 0..frameCount−1. */
function assertRange(start: number, length: number, frameCount: number): void {
  const valid = Number.isInteger(start) && Number.isInteger(length) && start >= 0 && length >= 1;
  if (!valid || start + length > frameCount) {
    throw new RangeError(`frames [${start}, ${start + length}) are not a non-empty part of 0..${frameCount - 1}`);
  }
}

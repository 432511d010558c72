/**
 * Where the clips of a video lie for evaluation (PAPERS.md, VCOP protocol). Pure; used by retrieval
 * extraction (core/retrieval) and by fine-tuning's test (core/training), so both see the same clips.
 */
import type { ClipSpan } from '../../shared/dto.ts';

export interface ClipWindow {
  /** Frame indices of the clip, in order (repeats at the end of short videos). */
  frames: number[];
  span: ClipSpan;
}

export function clipWindows(frameCount: number, count: number, length: number, fps: number): ClipWindow[] {
  if (!Number.isInteger(frameCount) || frameCount < 1) throw new RangeError('a video needs at least one frame for features');
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(length) || length < 1) {
    throw new RangeError('clip count and length must be positive whole numbers');
  }
  const lastStart = Math.max(0, frameCount - length);
  return Array.from({ length: count }, (_, index) => {
    // Centres evenly spaced over [length/2, frameCount − length/2]: starts evenly spaced over [0, lastStart].
    const start = count === 1 ? Math.floor(lastStart / 2) : Math.round((index * lastStart) / (count - 1));
    const frames = Array.from({ length }, (_, offset) => Math.min(start + offset, frameCount - 1));
    const end = Math.min(start + length, frameCount);
    return { frames, span: { index, startSeconds: start / fps, endSeconds: end / fps } };
  });
}

/** numpy.linspace(start, stop, count)[index], computed as numpy does (index · step + start, the last one exact). */
export function linspace(start: number, stop: number, count: number, index: number): number {
  if (count === 1) return start;
  return index === count - 1 ? stop : index * ((stop - start) / (count - 1)) + start;
}

/**
 * The reference's clips: centres at linspace(L/2, n − L/2, count), each starting at int(centre − L/2).
 * A video shorter than a clip starts at 0 and repeats its last frame (the reference would fail).
 */
export function referenceClipWindows(frameCount: number, count: number, length: number, fps: number): ClipWindow[] {
  return clipWindows(frameCount, count, length, fps).map((_, index) => {
    const start = Math.max(0, Math.trunc(linspace(length / 2, frameCount - length / 2, count, index) - length / 2));
    const frames = Array.from({ length }, (_, offset) => Math.min(start + offset, frameCount - 1));
    return { frames, span: { index, startSeconds: start / fps, endSeconds: Math.min(start + length, frameCount) / fps } };
  });
}

/** The reference's single frames: int(linspace(0, n − 1, count)). */
export function referenceFrameWindows(frameCount: number, count: number, fps: number): ClipWindow[] {
  return clipWindows(frameCount, count, 1, fps).map((_, index) => {
    const frame = Math.trunc(linspace(0, frameCount - 1, count, index));
    return { frames: [frame], span: { index, startSeconds: frame / fps, endSeconds: (frame + 1) / fps } };
  });
}


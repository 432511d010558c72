/** Display helpers of the Retrieve screen; every function accepts the nulls the DTOs carry. Pure. */
import type { ClipSpan, FeatureSetDto } from '@shared/dto.ts';
import { formatCount } from '../lib/format.ts';

const DASH = '—';

/** A cosine similarity with three decimals: "0.873", "-0.120". */
export function formatScore(score: number | null | undefined): string {
  return typeof score === 'number' && Number.isFinite(score) ? score.toFixed(3) : DASH;
}

/** Where a clip lies in its video: "2.00–2.64 s". */
export function formatClipSpan(clip: ClipSpan): string {
  return `${clip.startSeconds.toFixed(2)}–${clip.endSeconds.toFixed(2)} s`;
}

/** The moment a clip's still shows: its middle, in whole milliseconds (the frame route's unit). */
export function clipStillMs(clip: ClipSpan): number {
  return Math.round(((clip.startSeconds + clip.endSeconds) / 2) * 1000);
}

/** Extraction throughput: "0.85 clips/s", "12.5 clips/s", "240 clips/s". */
export function formatClipRate(clipsPerSecond: number | null | undefined): string {
  if (typeof clipsPerSecond !== 'number' || !Number.isFinite(clipsPerSecond) || clipsPerSecond < 0) return DASH;
  const digits = clipsPerSecond < 1 ? 2 : clipsPerSecond < 100 ? 1 : 0;
  return `${clipsPerSecond.toFixed(digits)} clips/s`;
}

/** A vector length: "512-d", or a dash before the encoder was built. */
export function formatFeatureSize(size: number | null): string {
  return size === null ? DASH : `${formatCount(size)}-d`;
}

/** What a set's clips are: "10 clips × 16 frames". */
export function formatClipLayout(set: Pick<FeatureSetDto, 'clipsPerVideo' | 'framesPerClip'>): string {
  return `${formatCount(set.clipsPerVideo)} clips × ${formatCount(set.framesPerClip)} frames`;
}

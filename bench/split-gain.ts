import { deviation, mean } from 'd3-array';

/**
 * A retrieval gain averaged over split seeds, and its standard error (sample deviation / √n): how far the
 * choice of test videos alone moves the gain. Null with one split, where there is nothing to measure it on.
 */
export function gainOverSplits(gains: readonly number[]): { gain: number; standardError: number | null } {
  const gain = mean(gains);
  if (gain === undefined) throw new Error('no split to average a gain over');
  const spread = deviation(gains);
  return { gain, standardError: spread === undefined ? null : spread / Math.sqrt(gains.length) };
}

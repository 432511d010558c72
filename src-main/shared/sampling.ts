/**
 * Videos are decoded at one fixed rate so that a gap of n frames means the same time in every video;
 * 25 fps is UCF101's rate, on which the papers' frame gaps were chosen. Zod-free, for the UI bundle.
 */
export const SAMPLING_FPS = 25;

/** Frames a video of `durationS` seconds has at the sampling rate (what task lengths are counted in). */
export function framesAtSamplingRate(durationS: number): number {
  return Math.floor(durationS * SAMPLING_FPS);
}

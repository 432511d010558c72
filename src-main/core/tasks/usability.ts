/** Which task presets a video is too short for: told in the library, never a reason to reject it. */
import type { TooShortFor } from '../../shared/dto.ts';
import { framesNeeded, PRESET_NAMES, SAMPLING_FPS, TASK_IDS, TASK_PRESETS } from '../../shared/tasks.ts';

/** Frames each task preset needs. */
const NEEDS: readonly TooShortFor[] = TASK_IDS.flatMap((task) =>
  PRESET_NAMES.map((preset) => {
    const config = TASK_PRESETS[task][preset];
    return { task, preset, framesNeeded: framesNeeded(config) };
  }),
);

/** The presets that cannot take one tuple from a video this long (frames are sampled at SAMPLING_FPS). */
export function tasksTooShortFor(durationS: number): TooShortFor[] {
  const frames = Math.max(1, Math.round(durationS * SAMPLING_FPS));
  return NEEDS.filter((need) => frames < need.framesNeeded);
}

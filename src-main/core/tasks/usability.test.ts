import { describe, expect, it } from 'vitest';
import { framesNeeded, PRESET_NAMES, SAMPLING_FPS, TASK_IDS, TASK_PRESETS } from '../../shared/tasks.ts';
import { createRng } from './rng.ts';
import { isSkipped, samplerFor } from './samplers/index.ts';
import { tasksTooShortFor } from './usability.ts';

describe('tasksTooShortFor', () => {
  it('names every task preset for a one-frame video and none for a ten-minute one', () => {
    const all = tasksTooShortFor(1 / SAMPLING_FPS);
    expect(all).toHaveLength(TASK_IDS.length * PRESET_NAMES.length);
    expect(all.every((item) => item.framesNeeded > 1)).toBe(true);
    expect(tasksTooShortFor(600)).toEqual([]);
  });

  it('agrees with the samplers: a preset is listed exactly when its sampler skips a video that long', () => {
    for (const task of TASK_IDS) {
      for (const preset of PRESET_NAMES) {
        const config = TASK_PRESETS[task][preset];
        const needed = framesNeeded(config);
        for (const frameCount of [needed - 1, needed]) {
          const listed = tasksTooShortFor(frameCount / SAMPLING_FPS).some((item) => item.task === task && item.preset === preset);
          const video = { id: 1, frameCount, fps: SAMPLING_FPS, width: 640, height: 480 };
          const scores = new Float32Array(frameCount).fill(1);
          const sampled = samplerFor(config).sample(video, scores, createRng(1), config as never);
          expect(listed, `${task} ${preset} with ${frameCount} frames`).toBe(isSkipped(sampled));
        }
      }
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { trainPreset } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import type { VideoFeatures } from '../db/features.ts';
import { memoryFrameSource } from '../frames/test-support.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { extractFeatures } from './extract.ts';
import { extractionPlan } from './feature-protocol.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const config = trainPreset('clip-order', 'c3d', 'tiny');

async function extract(passBudget: number | undefined, frameCounts: Map<number, number>, signal?: AbortSignal) {
  const model = buildTaskModel(config.task, { backbone: 'c3d', width: config.width, seed: 5 });
  const stored: VideoFeatures[] = [];
  const failed: [number, string][] = [];
  const finished = await extractFeatures({
    encoder: model.encoder,
    plan: extractionPlan(config, 'compact'),
    source: memoryFrameSource(frameCounts),
    videos: [...frameCounts.keys()].map((id) => ({ ref: { id, path: `/memory/${id}` }, contentHash: `h${id}` })),
    onVideo: (features) => stored.push(features),
    onFailure: (videoId, reason) => failed.push([videoId, reason]),
    ...(passBudget !== undefined ? { passBudget } : {}),
    ...(signal ? { signal } : {}),
  });
  model.dispose();
  return { finished, stored, failed };
}

describe('extractFeatures', () => {
  it('gives the same vectors whether clips go through the encoder together or one by one', async () => {
    const before = tf.memory().numTensors;
    const together = await extract(undefined, new Map([[1, 60], [2, 30]]));
    const oneByOne = await extract(1, new Map([[1, 60], [2, 30]]));
    expect(together.finished).toBe(true);
    expect(together.stored.map((video) => video.videoId)).toEqual([1, 2]);
    for (const [index, video] of together.stored.entries()) {
      const other = oneByOne.stored[index] as VideoFeatures;
      expect(video.clipVectors.length).toBe(10 * video.vector.length);
      [...video.clipVectors].forEach((value, i) => expect(value).toBeCloseTo(other.clipVectors[i] as number, 5));
      // The video vector is the mean of its clips.
      const size = video.vector.length;
      const mean = Array.from({ length: size }, (_, f) => Array.from({ length: 10 }, (_, c) => video.clipVectors[c * size + f] as number).reduce((a, b) => a + b) / 10);
      mean.forEach((value, f) => expect(video.vector[f]).toBeCloseTo(value, 5));
    }
    expect(together.stored[0]?.clips.at(-1)).toEqual({ index: 9, startSeconds: 56 / 25, endSeconds: 60 / 25 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports a video without frames and goes on; stops between videos when cancelled', async () => {
    const result = await extract(undefined, new Map([[1, 0], [2, 20]]));
    expect(result.failed).toEqual([[1, 'no frames: nothing could be decoded']]);
    expect(result.stored.map((video) => video.videoId)).toEqual([2]);
    await expect(extract(undefined, new Map([[1, 20]]), AbortSignal.abort())).resolves.toMatchObject({ finished: false, stored: [] });
  });
});

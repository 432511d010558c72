import { beforeAll, describe, expect, it } from 'vitest';
import { trainPreset } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import type { VideoFeatures } from '../db/features.ts';
import { memoryFrameSource } from '../frames/test-support.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { clipFeatures, inputSide } from './encode.ts';
import { extractFeatures, type FeatureNetwork } from './extract.ts';
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
    network: model,
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

  it('feeds an encoder trained on dynamic images the dynamic images of each clip: a still video is mid-grey whatever it shows', async () => {
    const o3n = trainPreset('odd-one-out', 'alexnet', 'tiny');
    const model = buildTaskModel(o3n.task, { backbone: 'alexnet', width: o3n.width, seed: 5 });
    const plan = extractionPlan(o3n, 'compact');
    const vectors = async (subsequence: typeof plan.subsequence) => {
      const stored: VideoFeatures[] = [];
      // One-frame videos: every clip repeats the frame, so the clips stand still; ids 1 and 2 show different frames.
      await extractFeatures({
        network: model,
        plan: { ...plan, subsequence },
        source: memoryFrameSource(new Map([[1, 1], [2, 1]])),
        videos: [1, 2].map((id) => ({ ref: { id, path: `/memory/${id}` }, contentHash: null })),
        onVideo: (features) => stored.push(features),
        onFailure: () => undefined,
      });
      return stored.map((video) => [...video.vector]);
    };
    const [still1, still2] = await vectors(plan.subsequence);
    const side = inputSide(model.encoder);
    const grey = tf.tidy(() => clipFeatures(model.encoder, tf.fill([1, 1, side, side, 3], 0.5) as tf.Tensor5D).arraySync()[0] as number[]);
    still1?.forEach((value, i) => {
      expect(value).toBeCloseTo(grey[i] as number, 4);
      expect(value).toBeCloseTo(still2?.[i] as number, 4);
    });
    // Frame by frame, the two videos' different content shows.
    const [frames1, frames2] = await vectors(null);
    expect(frames1?.some((value, i) => Math.abs(value - (frames2?.[i] as number)) > 1e-3)).toBe(true);
    model.dispose();
  });

  it("gives an S&L network's clips to its head as ordered tuples when the plan asks, and refuses a network without such a head", async () => {
    const sl = trainPreset('order-verification', 'alexnet', 'tiny');
    const model = buildTaskModel(sl.task, { backbone: 'alexnet', width: sl.width, seed: 5 });
    const plan = extractionPlan(sl, 'compact');
    const vector = async (network: FeatureNetwork, tuple: typeof plan.tuple) => {
      const stored: VideoFeatures[] = [];
      await extractFeatures({
        network,
        plan: { ...plan, tuple },
        source: memoryFrameSource(new Map([[1, 40]])),
        videos: [{ ref: { id: 1, path: '/memory/1' }, contentHash: null }],
        onVideo: (features) => stored.push(features),
        onFailure: () => undefined,
      });
      return [...(stored[0]?.vector ?? [])];
    };
    // The head's hidden layer (fc7's width), not the conv map's channels.
    expect(await vector(model, plan.tuple)).toHaveLength(model.encoder.featureSize);
    expect((await vector(model, null)).length).toBeLessThan(model.encoder.featureSize);
    await expect(vector({ encoder: model.encoder, relate: null }, plan.tuple)).rejects.toThrow(/compares ordered frames/);
    model.dispose();
  });
});

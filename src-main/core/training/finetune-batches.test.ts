import { describe, expect, it } from 'vitest';
import { TASK_PRESETS } from '../../shared/tasks.ts';
import type { BatchFiller, BatchItem, ItemBatch, PipelineVideo } from '../frames/pipeline.ts';
import { referenceClipWindows } from '../util/clip-windows.ts';
import { finetuneBatches, finetuneInput, finetuneTest, testWindows } from './finetune-batches.ts';

const input = finetuneInput(TASK_PRESETS['clip-order'].tiny, 3);

function video(id: number, frameCount: number): PipelineVideo {
  return { ref: { id, path: `/v/${id}.mp4`, contentHash: `h${id}` }, meta: { id, frameCount, width: 64, height: 48, fps: 25 }, motion: null, cells: null };
}

const VIDEOS = [video(1, 30), video(2, 50), video(3, 3)];
const LABELS = new Map([
  [1, 0],
  [2, 1],
  [3, 2],
]);
/** Fills nothing (zeros): these tests look at the items, not the pixels. */
const zeros: BatchFiller = async (job) => new Float32Array(job.length);

async function items(purpose: 'train' | 'validation', seed: string, epoch = 0, tupleCount = 6): Promise<BatchItem[]> {
  const pipeline = finetuneBatches({ labels: LABELS, input, fill: zeros })({ purpose, videos: VIDEOS, seed, epoch, tupleCount, batchSize: 4 });
  const all: BatchItem[] = [];
  for await (const batch of pipeline) all.push(...batch.tuples);
  return all;
}

describe('fine-tune batches', () => {
  it('train items: one clip of the parent’s length per video per pass, random crop inside the frame, seeded by epoch', async () => {
    expect(input).toEqual({ frames: 4, frameSize: { width: 64, height: 48 }, crop: 40, classCount: 3 });
    const first = await items('train', 's');
    expect(first.map((item) => item.videoId).slice(0, 3).sort()).toEqual([1, 2, 3]);
    for (const item of first) {
      expect(item.label).toBe(LABELS.get(item.videoId));
      const frames = item.elements[0]?.frames ?? [];
      expect(frames).toHaveLength(4);
      const count = VIDEOS.find((candidate) => candidate.meta.id === item.videoId)?.meta.frameCount as number;
      for (const view of frames) {
        expect(view.frame).toBeLessThan(count);
        expect(view.crop.x + view.crop.w).toBeLessThanOrEqual(64);
        expect(view.crop.y + view.crop.h).toBeLessThanOrEqual(48);
      }
      expect(item.outputSize).toEqual({ width: 40, height: 40 });
    }
    expect(await items('train', 's')).toEqual(first);
    expect(await items('train', 's', 1)).not.toEqual(first);
  });

  it('measurement items: each video’s centre clip, centre crop, not mirrored', async () => {
    const measured = await items('validation', 's', 0, 3);
    expect(measured.map((item) => item.videoId)).toEqual([1, 2, 3]);
    expect(measured[0]?.elements[0]?.frames.map((view) => view.frame)).toEqual([13, 14, 15, 16]);
    expect(measured[2]?.elements[0]?.frames.map((view) => view.frame)).toEqual([0, 1, 2, 2]);
    expect(measured.every((item) => item.elements[0]?.frames.every((view) => !view.flip && view.crop.x === 12 && view.crop.y === 4))).toBe(true);
  });

  it('tests with clips at linspace centres, softmax averaged; a tie is a miss; top-5 only with five classes', async () => {
    expect(testWindows(100, 10, input)).toEqual(referenceClipWindows(100, 10, 4, 25).map((window) => window.frames));
    expect(testWindows(100, 10, { ...input, frames: 1 }).map((frames) => frames[0])).toEqual([0, 11, 22, 33, 44, 55, 66, 77, 88, 99]);
    // Video 1 right on average (one clip wrong), video 2 wrong, video 3 a three-way tie.
    const answers: Record<number, number[][]> = {
      1: Array.from({ length: 10 }, (_, clip) => (clip === 0 ? [0.1, 0.8, 0.1] : [0.6, 0.3, 0.1])),
      2: Array.from({ length: 10 }, () => [0.7, 0.2, 0.1]),
      3: Array.from({ length: 10 }, () => [1 / 3, 1 / 3, 1 / 3]),
    };
    const probabilities = async (batch: ItemBatch) => Float32Array.from((answers[batch.tuples[0]?.videoId as number] ?? []).flat());
    const accuracy = await finetuneTest({ probabilities, videos: VIDEOS, labels: LABELS, input, clips: 10, fill: zeros });
    expect(accuracy).toEqual({ top1: 1 / 3, top5: null, videos: 3, clips: 10 });
  });

  it('scores top-5 with five classes or more', async () => {
    const five = { ...input, classCount: 6 };
    // The true class (0) ranks 3rd for video 1, 6th (last) for video 2.
    const answers: Record<number, number[]> = { 1: [0.2, 0.3, 0.25, 0.1, 0.1, 0.05], 2: [0.01, 0.3, 0.25, 0.2, 0.14, 0.1] };
    const probabilities = async (batch: ItemBatch) => Float32Array.from(batch.tuples.flatMap((item) => answers[item.videoId] ?? []));
    const labels = new Map([
      [1, 0],
      [2, 0],
    ]);
    const accuracy = await finetuneTest({ probabilities, videos: VIDEOS.slice(0, 2), labels, input: five, clips: 2, fill: zeros });
    expect(accuracy).toEqual({ top1: 0, top5: 0.5, videos: 2, clips: 2 });
  });
});

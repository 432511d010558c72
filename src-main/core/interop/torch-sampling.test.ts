/**
 * The bundle's Python samplers (torch-bundle/pretext_torch/sampling.py, rng.py) against ours: the
 * same seed, videos and motion give the same epoch of tuples, down to every frame index, crop, flip,
 * channel and label, for all four tasks; and it renders frame views to the same bytes. Needs a Python
 * with torch and numpy (skipped with the reason otherwise).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TASK_IDS, TASK_PRESETS, type TaskConfig } from '../../shared/tasks.ts';
import { renderView } from '../frames/augment.ts';
import { MOTION_GRID } from '../frames/motion-scores.ts';
import type { CellMotion } from '../tasks/motion.ts';
import { createRng } from '../tasks/rng.ts';
import { sampleEpoch } from '../tasks/samplers/dataset.ts';
import type { FrameView, Tuple, VideoMeta } from '../tasks/samplers/types.ts';
import { pythonWith } from './test-support.ts';

const BUNDLE = fileURLToPath(new URL('./torch-bundle/', import.meta.url));
const { python, why } = pythonWith(['torch', 'numpy']);
if (!python) console.warn(`Python sampler check skipped: ${why}`);

/** Reads {seed, ...} requests on stdin and prints what the bundle's code draws for each. */
const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from pretext_torch.rng import create_rng
from pretext_torch.sampling import sample_epoch
request = json.load(sys.stdin)
draws = [[rng.int(0, 1000) for _ in range(50)] for rng in (create_rng(request["seed"]).fork(label) for label in request["forks"])]
slots = [dict(video, motion=None if video["motion"] is None else np.array(video["motion"], dtype=np.float32),
              cells=None if video["cells"] is None else np.array(video["cells"], dtype=np.float32).reshape(video["frameCount"], *request["grid"]))
         for video in request["videos"]]
epochs = [sample_epoch(slots, case["config"], request["seed"], case["epoch"], case["count"], case["batchSize"]) for case in request["cases"]]
print(json.dumps({"draws": draws, "epochs": epochs}))
`;

/** Renders views of one RGB frame (stdin) as the bundle does, printing the bytes as lists. */
const RENDER_SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from pretext_torch.data import render_view
request = json.loads(sys.argv[2])
frame = np.frombuffer(sys.stdin.buffer.read(), dtype=np.uint8).reshape(request["height"], request["width"], 3)
views = [dict(view, crop=tuple(view["crop"])) for view in request["views"]]
print(json.dumps([render_view([frame], view, request["size"]).flatten().tolist() for view in views]))
`;

interface VideoInput extends VideoMeta {
  motion: number[] | null;
  cells: number[] | null;
}

/** Videos of assorted lengths (two too short for some tasks), motion with plateaus and ties, one still. */
function videos(): VideoInput[] {
  const rng = createRng('videos');
  const cellCount = MOTION_GRID.rows * MOTION_GRID.cols;
  return [14, 23, 40, 61, 90, 130, 33].map((frameCount, index) => {
    const still = index === 6;
    // Rounded to few levels, so windows tie and the top-fraction cut keeps ties, as real footage does.
    const level = () => (still ? 0 : Math.round(rng.next() * 4) * 2.5);
    const motion = index === 2 ? null : Float32Array.from({ length: frameCount }, level);
    const cells = index === 2 ? null : Float32Array.from({ length: frameCount * cellCount }, () => (still ? 0 : rng.next() * 30));
    return { id: 100 + index, frameCount, width: 64, height: 48, fps: 25, motion: motion && Array.from(motion), cells: cells && Array.from(cells) };
  });
}

interface Case {
  config: TaskConfig;
  epoch: number;
  count: number;
  batchSize: number;
}

const CASES: Case[] = [
  ...TASK_IDS.map((task) => ({ config: TASK_PRESETS[task].tiny, epoch: 0, count: 40, batchSize: 8 })),
  ...TASK_IDS.map((task) => ({ config: { ...TASK_PRESETS[task].tiny, frameSize: { width: 64, height: 48 } }, epoch: 3, count: 13, batchSize: 5 })),
  { config: { ...TASK_PRESETS['sequence-sorting'].tiny, flip: false, channelSplit: false, jitter: 0 }, epoch: 1, count: 24, batchSize: 6 },
  { config: { ...TASK_PRESETS['order-verification'].tiny, negativeRatio: 0.5 }, epoch: 2, count: 20, batchSize: 7 },
  { config: { ...TASK_PRESETS['odd-one-out'].tiny, subsequences: 6, framesPerSubsequence: 4, frameStride: 5 }, epoch: 0, count: 20, batchSize: 4 },
  { config: { ...TASK_PRESETS['clip-order'].tiny, mode: 'eval' }, epoch: 0, count: 12, batchSize: 4 },
];

/** Our tuple as the Python one is written. */
function plain(tuple: Tuple) {
  return {
    video: tuple.videoId,
    label: tuple.label,
    size: [tuple.outputSize.width, tuple.outputSize.height],
    elements: tuple.elements.map((element) =>
      element.frames.map(({ frame, crop, flip, channel }) => ({ frame, crop: [crop.x, crop.y, crop.w, crop.h], flip, channel })),
    ),
  };
}

describe.skipIf(!python)('the bundle samples and renders the app’s tuples', () => {
  it('draws the same random numbers and the same epochs of every task from the same seed', () => {
    const seed = 632;
    const forks = ['epoch:0', 'order', 7, 'batch:12', 'ünï'];
    const inputs = videos();
    const run = spawnSync(python as string, ['-c', SCRIPT, BUNDLE], {
      input: JSON.stringify({ seed, forks, videos: inputs, grid: [MOTION_GRID.rows, MOTION_GRID.cols], cases: CASES }),
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    const theirs = JSON.parse(run.stdout) as { draws: number[][]; epochs: unknown[][] };

    const ourDraws = forks.map((label) => {
      const rng = createRng(seed).fork(label);
      return Array.from({ length: 50 }, () => rng.int(0, 1000));
    });
    expect(theirs.draws).toEqual(ourDraws);
    const metas = inputs.map(({ motion: _, cells: __, ...meta }) => meta);
    const motionById = new Map(inputs.flatMap((video) => (video.motion ? [[video.id, Float32Array.from(video.motion)] as const] : [])));
    const cellsById = new Map<number, CellMotion>(
      inputs.flatMap((video) => (video.cells ? [[video.id, { ...MOTION_GRID, frameCount: video.frameCount, values: Float32Array.from(video.cells) }] as const] : [])),
    );
    CASES.forEach((testCase, index) => {
      const rng = createRng(seed).fork(`epoch:${testCase.epoch}`);
      const ours = sampleEpoch(metas, motionById, rng, testCase.config, testCase.count, { batchSize: testCase.batchSize, cellsById }).tuples;
      expect(ours.length, testCase.config.task).toBeGreaterThan(0);
      expect(theirs.epochs[index], `${testCase.config.task}, case ${index}`).toEqual(ours.map(plain));
    });
  }, 60_000);

  it('renders frame views to the app’s bytes: crops, bilinear resizes up and down, mirrors, channel splits', () => {
    const [width, height, size] = [64, 48, { width: 24, height: 24 }];
    const rng = createRng('render');
    const frame = Uint8Array.from({ length: width * height * 3 }, () => rng.int(0, 256));
    const views: FrameView[] = [
      { frame: 0, crop: { x: 5, y: 7, w: 24, h: 24 }, flip: false, channel: null },
      { frame: 0, crop: { x: 0, y: 0, w: 17, h: 13 }, flip: true, channel: null },
      { frame: 0, crop: { x: 20, y: 4, w: 40, h: 44 }, flip: false, channel: 2 },
      { frame: 0, crop: { x: 63, y: 47, w: 1, h: 1 }, flip: true, channel: 0 },
    ];
    const request = { width, height, size: [size.width, size.height], views: views.map((view) => ({ ...view, crop: [view.crop.x, view.crop.y, view.crop.w, view.crop.h] })) };
    const run = spawnSync(python as string, ['-c', RENDER_SCRIPT, BUNDLE, JSON.stringify(request)], { input: frame, encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(views.map((view) => Array.from(renderView(frame, { width, height }, view, size))));
  });
});

// Tests of the task registry (src-main/shared/tasks.ts, task-schemas.ts): its counts agree with what
// the samplers produce and the models take, the records agree with their schemas, the backbone rule
// (kept here: this folder owns the task layer).
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BACKBONES } from '../../shared/backbones.ts';
import { contract } from '../../shared/contract.ts';
import { ApiError } from '../../shared/errors.ts';
import { TASK_SCHEMAS, taskConfigSchema } from '../../shared/task-schemas.ts';
import {
  backboneMismatch,
  classCount,
  FIXED_OPTIONS,
  framesNeeded,
  listTasks,
  majorityShare,
  OPTION_CHOICES,
  OPTION_HINTS,
  PRESET_NAMES,
  TASK_IDS,
  TASK_PRESETS,
  TASKS,
  tupleShape,
  type TaskConfig,
} from '../../shared/tasks.ts';
import { trainConfigSchema, trainPreset } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { EVALUATION } from '../models/blocks.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { createRng } from './rng.ts';
import { sampleEpoch } from './samplers/dataset.ts';
import { isSkipped, samplerFor, type Tuple } from './samplers/index.ts';
import { seeds } from './test-support.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Every preset, and per task one edited config, so the counts are checked off the presets too. */
const CONFIGS: TaskConfig[] = [
  ...TASK_IDS.flatMap((task) => PRESET_NAMES.map((preset): TaskConfig => TASK_PRESETS[task][preset])),
  { ...TASK_PRESETS['order-verification'].tiny, minGap: 4, cropSize: 32 },
  { ...TASK_PRESETS['sequence-sorting'].tiny, minGap: 5, patchSize: 24 },
  { ...TASK_PRESETS['odd-one-out'].tiny, subsequences: 5, framesPerSubsequence: 4, frameStride: 3 },
  { ...TASK_PRESETS['clip-order'].tiny, clips: 4, clipLength: 3, interval: 1 },
];

const label = (config: TaskConfig) => `${config.task} ${JSON.stringify(config)}`;

/** A tuple's shape as the sampler made it: [elements, frames, height, width, 3]. */
function sampledShape(tuple: Tuple): number[] {
  const frames = new Set(tuple.elements.map((element) => element.frames.length));
  expect(frames.size, 'every element has as many frames').toBe(1);
  return [tuple.elements.length, [...frames][0] as number, tuple.outputSize.height, tuple.outputSize.width, 3];
}

function sampleOne(config: TaskConfig, frameCount: number, seed: number) {
  const { width, height } = config.frameSize;
  const video = { id: 1, frameCount, width, height, fps: 30 };
  const motion = Float32Array.from({ length: frameCount }, (_, i) => 1 + ((i * 7) % 5));
  return samplerFor(config).sample(video, motion, createRng(seed), config as never);
}

describe('task registry', () => {
  it('lists each task once, under its own id, with presets of that task', () => {
    expect(Object.keys(TASKS)).toEqual([...TASK_IDS]);
    for (const task of TASK_IDS) {
      expect(TASKS[task].id).toBe(task);
      for (const preset of PRESET_NAMES) expect(TASK_PRESETS[task][preset].task).toBe(task);
    }
  });

  it('presets validate against their own schema and the union, and no other task’s schema', () => {
    for (const config of CONFIGS) {
      expect(TASK_SCHEMAS[config.task].parse(config), label(config)).toEqual(config);
      expect(taskConfigSchema.parse(config)).toEqual(config);
      for (const other of TASK_IDS.filter((task) => task !== config.task)) {
        expect(TASK_SCHEMAS[other].safeParse(config).success).toBe(false);
      }
    }
  });

  it('classCount, tupleShape and framesNeeded agree with what the sampler produces', () => {
    for (const config of CONFIGS) {
      const needed = framesNeeded(config);
      for (const seed of seeds(20)) {
        const tuple = sampleOne(config, needed, seed);
        if (isSkipped(tuple)) throw new Error(`${label(config)}: ${needed} frames should host a tuple`);
        expect(tuple.classCount, label(config)).toBe(classCount(config));
        expect(tuple.label).toBeLessThan(classCount(config));
        expect(sampledShape(tuple), label(config)).toEqual([...tupleShape(config)]);
        const frames = tuple.elements.flatMap((element) => element.frames.map((view) => view.frame));
        expect(Math.max(...frames)).toBeLessThan(needed);
      }
      expect(sampleOne(config, needed - 1, 1)).toEqual({ skipped: true, reason: 'too-short', needed, have: needed - 1 });
    }
  });

  it('every label of a task is drawn: classCount is not just an upper bound', () => {
    for (const task of TASK_IDS) {
      const config = TASK_PRESETS[task].tiny;
      const labels = new Set(
        seeds(400).map((seed) => {
          const tuple = sampleOne(config, framesNeeded(config) + 40, seed);
          return isSkipped(tuple) ? -1 : tuple.label;
        }),
      );
      expect([...labels].sort((a, b) => a - b), task).toEqual(Array.from({ length: classCount(config) }, (_, i) => i));
    }
  });

  it('majorityShare is the most frequent label’s share in sampled batches', () => {
    for (const task of TASK_IDS) {
      const config = TASK_PRESETS[task].tiny;
      const { width, height } = config.frameSize;
      const videos = [1, 2, 3].map((id) => ({ id, frameCount: framesNeeded(config) + 30 * id, width, height, fps: 30 }));
      const { tuples } = sampleEpoch(videos, new Map(), createRng(task), config, 640, { batchSize: 16 });
      const counts = new Map<number, number>();
      for (const tuple of tuples) counts.set(tuple.label, (counts.get(tuple.label) ?? 0) + 1);
      const share = Math.max(...counts.values()) / tuples.length;
      // S&L's batches are exact; uniform labels land near 1 / classes.
      expect(share, task).toBeCloseTo(majorityShare(config), task === 'order-verification' ? 10 : 1);
    }
  });

  it('each task’s model takes the sampled tuple shape and predicts classCount classes, with every backbone that fits', () => {
    for (const config of CONFIGS.filter((c) => c.frameSize.width <= 64)) {
      const tuple = sampleOne(config, framesNeeded(config), 1);
      if (isSkipped(tuple)) throw new Error('expected a tuple');
      for (const backbone of TASKS[config.task].backbones) {
        const model = buildTaskModel(config, { backbone, width: 1 / 16, seed: 1 });
        try {
          expect(model.classCount, label(config)).toBe(classCount(config));
          expect([...model.tupleShape]).toEqual(sampledShape(tuple));
          const logits = tf.tidy(() => model.apply(tf.zeros([2, ...sampledShape(tuple)]), EVALUATION).shape);
          expect(logits).toEqual([2, tuple.classCount]);
        } finally {
          model.dispose();
        }
      }
    }
  }, 120_000);
});

describe('the backbone rule', () => {
  it('takes exactly the backbones a task lists, the first being the default', () => {
    for (const task of TASK_IDS) {
      const fits = BACKBONES.filter((backbone) => backboneMismatch(task, backbone) === null);
      expect(fits).toEqual([...TASKS[task].backbones]);
    }
    expect(TASKS['clip-order'].backbones).toEqual(['c3d', 'r3d', 'r2plus1d']);
    expect(TASKS['odd-one-out'].backbones).toEqual(['alexnet']);
  });

  it('says what would fit', () => {
    expect(backboneMismatch('clip-order', 'alexnet')).toBe('alexnet does not fit clip-order: use c3d, r3d or r2plus1d.');
    expect(backboneMismatch('sequence-sorting', 'r3d')).toBe('r3d does not fit sequence-sorting: use alexnet.');
  });

  it('rejects wrong combinations in a training config, on the backbone', () => {
    for (const task of TASK_IDS) {
      const config = trainPreset(task, TASKS[task].backbones[0], 'tiny');
      for (const backbone of BACKBONES) {
        const result = trainConfigSchema.safeParse({ ...config, backbone });
        const mismatch = backboneMismatch(task, backbone);
        expect(result.success, `${task} with ${backbone}`).toBe(mismatch === null);
        if (mismatch) expect(result.error?.issues).toEqual([expect.objectContaining({ message: mismatch, path: ['backbone'] })]);
      }
    }
  });

  it('rejects them in the contract’s preset, import and random-init inputs, and in trainPreset', () => {
    const wrong = { task: 'order-verification', backbone: 'r3d', preset: 'tiny' } as const;
    const message = 'r3d does not fit order-verification: use alexnet.';
    const issues = (result: { error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message);
    expect(issues(contract.methods['training.preset'].input.safeParse(wrong))).toEqual([message]);
    expect(issues(contract.methods['training.importWeights'].input.safeParse({ ...wrong, file: 'w.safetensors' }))).toEqual([message]);
    expect(issues(contract.methods['features.extract'].input.safeParse({ source: { kind: 'random', ...wrong } }))).toContain(message);
    expect(contract.methods['training.preset'].input.safeParse({ ...wrong, backbone: 'alexnet' }).success).toBe(true);
    expect(() => trainPreset('order-verification', 'r3d', 'tiny')).toThrow(new ApiError('INVALID_INPUT', message));
  });
});

describe('task options for forms', () => {
  it('are what the schemas say: a hint per option, enum choices, keys fixed to one value', () => {
    expect(Object.keys(TASK_SCHEMAS)).toEqual([...TASK_IDS]);
    for (const task of TASK_IDS) {
      const record = TASKS[task];
      const options = Object.entries(TASK_SCHEMAS[task].shape).filter(([key]) => key !== 'task');
      expect(Object.keys(record.hints).sort(), task).toEqual(options.map(([key]) => key).sort());
      const enums = options.flatMap(([key, schema]) => (schema instanceof z.ZodEnum ? [[key, schema.options]] : []));
      expect(record.choices, task).toEqual(Object.fromEntries(enums));
      const literals = options.flatMap(([key, schema]) => (schema instanceof z.ZodLiteral ? [key] : []));
      expect(record.fixed, task).toEqual(literals);
    }
  });

  it('gathers them for the forms, one hint per key wherever tasks share it', () => {
    expect(OPTION_CHOICES).toEqual({ head: ['linear', 'hidden-layer'], fusion: ['concat', 'sum-of-differences'], mode: ['train', 'eval'] });
    expect([...FIXED_OPTIONS]).toEqual(['task', 'candidateFrames', 'tupleFrames']);
    for (const task of TASK_IDS) {
      for (const [key, hint] of Object.entries(TASKS[task].hints)) expect(OPTION_HINTS[key], `${task}.${key}`).toBe(hint);
    }
  });

  it('lists every task with its paper and presets as copies', () => {
    const tasks = listTasks();
    expect(tasks.map((task) => task.id)).toEqual([...TASK_IDS]);
    expect(tasks[0]).toMatchObject({ title: 'Order verification', paper: 'Shuffle & Learn, Misra et al. ECCV 2016' });
    (tasks[0]?.presets.tiny as { cropSize: number }).cropSize = 8;
    expect(TASK_PRESETS['order-verification'].tiny.cropSize).toBe(40);
  });
});

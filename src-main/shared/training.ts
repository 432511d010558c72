/**
 * What a training run is: the pretext task's sampling config, the backbone, the optimiser and the
 * schedule. Validated on the main side; stored as JSON with every run so any run can be repeated.
 */
import { z } from 'zod';
import { BACKBONES, type Backbone } from './backbones.ts';
import { ApiError } from './errors.ts';
import { fitsBackbone, taskConfigSchema } from './task-schemas.ts';
import { backboneMismatch, takesClips, TASK_PRESETS, type PresetName, type TaskId } from './tasks.ts';

// Backbones live in their own module (the task records name theirs); a run config is where most
// callers meet them.
export { BACKBONES, type Backbone };

export const BACKEND_CHOICES = ['auto', 'gpu', 'node', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** SGD with momentum (the papers'), or Adam (PyTorch's defaults; `momentum` is then unused). */
export const OPTIMIZERS = ['sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

const whole = (name: string, min: number, max: number) =>
  z.number().int(`${name} must be a whole number`).min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`);

export const trainConfigSchema = z
  .object({
    task: taskConfigSchema,
    backbone: z.enum(BACKBONES),
    /** Channel multiplier of the encoder: 1 = the paper's widths. */
    width: z.number().min(1 / 64, 'width must be at least 1/64').max(4, 'width must be at most 4'),
    steps: whole('steps', 1, 10_000_000),
    batchSize: whole('batchSize', 1, 1024),
    // Runs stored before Adam existed trained with SGD.
    optimizer: z.enum(OPTIMIZERS).default('sgd'),
    learningRate: z.number().positive('learningRate must be positive').max(10),
    momentum: z.number().min(0).max(0.999),
    weightDecay: z.number().min(0).max(0.1),
    /** Dropout before the classifier (the papers' 0.5); none for tiny runs, which it slows badly. */
    dropout: z.number().min(0, 'dropout must be at least 0').max(0.9, 'dropout must be at most 0.9'),
    seed: whole('seed', 0, 2 ** 31 - 1),
    /** Share of videos held out to measure pretext accuracy on tuples from unseen videos. */
    validationFraction: z.number().min(0).max(0.5),
    /** Tuples drawn from the held-out videos at each evaluation (a fixed, seeded set). */
    validationTuples: whole('validationTuples', 1, 100_000),
    evaluateEvery: whole('evaluateEvery', 1, 10_000_000),
    checkpointEvery: whole('checkpointEvery', 1, 10_000_000),
    /**
     * Checkpoints kept: the newest this many and the best (by validation accuracy); older ones are
     * deleted as training goes (8 minutes of tiny training used to leave 127 checkpoints, 286 MB).
     */
    keepCheckpoints: whole('keepCheckpoints', 1, 1_000_000).default(3),
    backend: z.enum(BACKEND_CHOICES),
    /**
     * Copies of the network, each in a thread of its own, that train on equal parts of every batch and
     * apply the average of their gradients (data parallel): how the wasm and cpu backends use more than
     * one core. A GPU backend runs one. Runs stored before it existed trained with one.
     */
    replicas: whole('replicas', 1, 16).default(1),
  })
  .strict()
  .superRefine(fitsBackbone((config) => config.task.task));

export type TrainConfig = z.infer<typeof trainConfigSchema>;

type Schedule = Omit<TrainConfig, 'task' | 'backbone'>;

/** The papers' optimiser settings (VCOP reference: SGD 1e-3, momentum 0.9, wd 5e-4, batch 8, seed 632). */
const PAPER_SCHEDULE: Schedule = {
  width: 1,
  steps: 100_000,
  batchSize: 8,
  optimizer: 'sgd',
  learningRate: 1e-3,
  momentum: 0.9,
  weightDecay: 5e-4,
  dropout: 0.5,
  seed: 632,
  validationFraction: 0.1,
  validationTuples: 512,
  evaluateEvery: 1000,
  checkpointEvery: 1000,
  keepCheckpoints: 3,
  backend: 'auto',
  replicas: 1,
};

/** Minutes on two CPU cores: narrow encoders, small inputs, a few hundred steps. */
const TINY_SCHEDULE: Schedule = {
  width: 1 / 16,
  steps: 300,
  batchSize: 16,
  optimizer: 'sgd',
  learningRate: 0.01,
  momentum: 0.9,
  weightDecay: 5e-4,
  // Measured on a generated library: VCOP tiny reached 0.39 (chance 0.17) in 300 steps without dropout,
  // and stayed near chance with 0.5.
  dropout: 0,
  seed: 632,
  validationFraction: 0.2,
  // 256, not 64: at chance 1/6 an accuracy on 64 tuples swings by ±4.7 points (one standard error), so
  // the "best" of a few measurements was noise (23.4 % with a training accuracy of 16.7 %); on 256 it is
  // ±2.3. Estimated cost: ~10 % of a tiny run's time instead of ~3 % (forward passes only).
  validationTuples: 256,
  evaluateEvery: 50,
  checkpointEvery: 50,
  keepCheckpoints: 3,
  backend: 'auto',
  // Frame tasks: a second replica buys 1–6 % more steps on two cores (bench:train), not worth a thread.
  replicas: 1,
};

/**
 * Clip tasks' tiny runs train two replicas: a 3D encoder's step is long enough that the second core
 * pays — VCOP R3D did 3,239–3,625 steps in ten minutes instead of 1,100–1,900 and learned clip order
 * on held-out footage (bench:learn, notes-presets rows 58–60 and 94–96).
 */
const TINY_CLIP_REPLICAS = 2;

/**
 * Backbones whose tiny run needs another optimiser than the SGD default: R(2+1)D with SGD 0.01 barely
 * learned clip order in ten minutes on held-out footage and its features lost to random init; with
 * Adam 1e-3 it learned the task and beat random init (bench:learn, notes-presets rows 65–66). C3D and
 * R3D learn well with SGD and keep it.
 */
const TINY_OPTIMISER: Partial<Record<Backbone, Pick<Schedule, 'optimizer' | 'learningRate'>>> = {
  r2plus1d: { optimizer: 'adam', learningRate: 1e-3 },
};

function tinySchedule(task: TaskId, backbone: Backbone): Schedule {
  return { ...TINY_SCHEDULE, replicas: takesClips(task) ? TINY_CLIP_REPLICAS : TINY_SCHEDULE.replicas, ...TINY_OPTIMISER[backbone] };
}

/** A complete run config for a task, backbone and preset; callers may edit the copy. */
export function trainPreset(task: TaskId, backbone: Backbone, preset: PresetName): TrainConfig {
  const mismatch = backboneMismatch(task, backbone);
  if (mismatch) throw new ApiError('INVALID_INPUT', mismatch);
  const schedule = preset === 'paper' ? PAPER_SCHEDULE : tinySchedule(task, backbone);
  // JSON round trip: a deep copy without DOM/Node globals (this module runs everywhere).
  return JSON.parse(JSON.stringify({ ...schedule, task: TASK_PRESETS[task][preset], backbone })) as TrainConfig;
}

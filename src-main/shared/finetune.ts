/**
 * A fine-tuning run (issue 12.4, the papers' main table): a pretext run's encoder plus a new linear
 * classifier, trained end to end on the labelled train split of the evaluation's split, scored on its
 * test split with several clips averaged per video. Validated on the main side; stored with the run.
 */
import { z } from 'zod';
import { CHECKPOINT_CHOICES } from './checkpoint-policy.ts';
import { ApiError } from './errors.ts';
import { PRESET_NAMES, type PresetName } from './tasks.ts';
import { BACKEND_CHOICES, OPTIMIZERS, type TrainConfig } from './training.ts';

const whole = (name: string, min: number, max: number) =>
  z
    .number(`${name} must be a number`)
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

/** Clips per test video at the end (VCOP: 10, averaged). */
export const FINETUNE_TEST_CLIPS = 10;

/**
 * The random-init baseline: the parent's network untrained (seeded), fine-tuned with the same recipe —
 * the papers' "from scratch" row that a pretext task has to beat.
 */
export const FROM_SCRATCH = 'random';

/** The parent checkpoint: extraction's choices ('auto' | 'best' | 'last'), a checkpoint's step, or 'random'. */
const parentCheckpoint = z.union([z.enum([...CHECKPOINT_CHOICES, FROM_SCRATCH]), whole('checkpoint', 1, 10_000_000)], {
  error: `checkpoint must be ${CHECKPOINT_CHOICES.join(', ')}, a checkpoint's step, or ${FROM_SCRATCH} (the random-init baseline)`,
});

/** Where a fine-tune's encoder came from, in words: a checkpoint's step, or random init (null). */
export const parentCheckpointLabel = (step: number | null): string => (step === null ? 'random init, no pretraining' : `checkpoint step ${step}`);
export type ParentCheckpoint = z.infer<typeof parentCheckpoint>;

const fields = {
  parentRunId: whole('parentRunId', 1, Number.MAX_SAFE_INTEGER),
  checkpoint: parentCheckpoint,
  preset: z.enum(PRESET_NAMES, { error: `preset must be ${PRESET_NAMES.join(' or ')}` }),
  steps: whole('steps', 1, 10_000_000),
  batchSize: whole('batchSize', 1, 1024),
  optimizer: z.enum(OPTIMIZERS, { error: `optimizer must be ${OPTIMIZERS.join(' or ')}` }),
  learningRate: z.number('learningRate must be a number').positive('learningRate must be positive').max(10, 'learningRate must be at most 10'),
  momentum: z.number('momentum must be a number').min(0, 'momentum must be at least 0').max(0.999, 'momentum must be at most 0.999'),
  weightDecay: z.number('weightDecay must be a number').min(0, 'weightDecay must be at least 0').max(0.1, 'weightDecay must be at most 0.1'),
  /** Dropout before the new classifier (and in the frame encoders' fc layers). */
  dropout: z.number('dropout must be a number').min(0, 'dropout must be at least 0').max(0.9, 'dropout must be at most 0.9'),
  seed: whole('seed', 0, 2 ** 31 - 1),
  /** The evaluation table's seeded split: fine-tune test videos are exactly its queries. */
  split: z
    .object({
      seed: whole('split.seed', 0, 2 ** 31 - 1),
      testFraction: z.number('split.testFraction must be a number').gt(0, 'split.testFraction must be above 0').lt(1, 'split.testFraction must be below 1'),
    })
    .strict(),
  /** Clips per test video at the end, softmax averaged (VCOP: 10). */
  testClips: whole('testClips', 1, 100),
  /** Steps between accuracy measurements on the test split with one clip per video (curves only). */
  evaluateEvery: whole('evaluateEvery', 1, 10_000_000),
  checkpointEvery: whole('checkpointEvery', 1, 10_000_000),
  keepCheckpoints: whole('keepCheckpoints', 1, 1_000_000),
  backend: z.enum(BACKEND_CHOICES, { error: `backend must be ${BACKEND_CHOICES.join(', ')}` }),
};

export const finetuneConfigSchema = z.object(fields).strict();
export type FinetuneConfig = z.infer<typeof finetuneConfigSchema>;

/** What a caller asks for: a parent run and a preset, any field of the preset overridden. */
export const finetuneRequestSchema = z
  .object({
    ...fields,
    preset: fields.preset.default('tiny'),
    checkpoint: parentCheckpoint.default('auto'),
    steps: fields.steps.optional(),
    batchSize: fields.batchSize.optional(),
    optimizer: fields.optimizer.optional(),
    learningRate: fields.learningRate.optional(),
    momentum: fields.momentum.optional(),
    weightDecay: fields.weightDecay.optional(),
    dropout: fields.dropout.optional(),
    seed: fields.seed.optional(),
    split: fields.split.optional(),
    testClips: fields.testClips.optional(),
    evaluateEvery: fields.evaluateEvery.optional(),
    checkpointEvery: fields.checkpointEvery.optional(),
    keepCheckpoints: fields.keepCheckpoints.optional(),
    backend: fields.backend.optional(),
  })
  .strict();
export type FinetuneRequest = z.input<typeof finetuneRequestSchema>;

type Schedule = Omit<FinetuneConfig, 'parentRunId' | 'checkpoint' | 'preset'>;

/** VCOP's fine-tuning recipe (ft_classify.py): SGD lr 1e-3, momentum 0.9, weight decay 5e-4, batch 8, dropout 0.5. */
const PAPER: Schedule = {
  steps: 20_000,
  batchSize: 8,
  optimizer: 'sgd',
  learningRate: 1e-3,
  momentum: 0.9,
  weightDecay: 5e-4,
  dropout: 0.5,
  seed: 632,
  split: { seed: 0, testFraction: 0.3 },
  testClips: FINETUNE_TEST_CLIPS,
  evaluateEvery: 1000,
  checkpointEvery: 1000,
  keepCheckpoints: 3,
  backend: 'auto',
};

/** What learns in minutes on two CPU cores: Adam 1e-3 (bench/notes-presets.md), no dropout. */
const TINY: Schedule = {
  steps: 150,
  batchSize: 8,
  optimizer: 'adam',
  learningRate: 1e-3,
  momentum: 0.9,
  weightDecay: 5e-4,
  dropout: 0,
  seed: 632,
  split: { seed: 0, testFraction: 0.3 },
  testClips: FINETUNE_TEST_CLIPS,
  evaluateEvery: 50,
  checkpointEvery: 50,
  keepCheckpoints: 3,
  backend: 'auto',
};

/** A preset's complete fine-tune config for a parent run. */
export function finetunePreset(parentRunId: number, preset: PresetName): FinetuneConfig {
  const schedule = preset === 'paper' ? PAPER : TINY;
  return JSON.parse(JSON.stringify({ parentRunId, checkpoint: 'auto', preset, ...schedule })) as FinetuneConfig;
}

/** The request's preset with its overrides, checked whole (an error names every bad field). */
export function finetuneConfigOf(request: FinetuneRequest): FinetuneConfig {
  const parsed = finetuneRequestSchema.safeParse(request);
  if (!parsed.success) throw new ApiError('INVALID_INPUT', describeIssues(parsed.error));
  const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  const merged = { ...finetunePreset(parsed.data.parentRunId, parsed.data.preset), ...defined };
  const checked = finetuneConfigSchema.safeParse(merged);
  if (!checked.success) throw new ApiError('INVALID_INPUT', describeIssues(checked.error));
  return checked.data;
}

function describeIssues(error: z.ZodError): string {
  return `Invalid fine-tune config: ${error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ')}`;
}

/**
 * The run config a fine-tune run trains with: the parent's task (clip length, frame size, crop),
 * backbone and width, the fine-tune schedule. `testVideos` is the one-clip validation's size.
 */
export function finetuneTrainConfig(parent: TrainConfig, config: FinetuneConfig, testVideos: number): TrainConfig {
  return {
    task: parent.task,
    backbone: parent.backbone,
    width: parent.width,
    steps: config.steps,
    batchSize: config.batchSize,
    optimizer: config.optimizer,
    learningRate: config.learningRate,
    momentum: config.momentum,
    weightDecay: config.weightDecay,
    dropout: config.dropout,
    seed: config.seed,
    validationFraction: 0,
    validationTuples: Math.max(1, testVideos),
    evaluateEvery: config.evaluateEvery,
    checkpointEvery: config.checkpointEvery,
    keepCheckpoints: config.keepCheckpoints,
    backend: config.backend,
    // Fine-tuning trains one copy of the network (data-parallel replicas serve pretext training).
    replicas: 1,
  };
}

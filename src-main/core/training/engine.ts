/**
 * The training loop: batches from the pipeline, one optimiser step each, a fixed validation set
 * evaluated on schedule, atomic checkpoints, and resume from any checkpoint step with the very batches
 * an uninterrupted run would have seen. Plain functions of a config, callbacks and an AbortSignal; the
 * model is behind `TrainableModel`, so this file knows nothing of tensors; checkpoints go to a
 * `CheckpointStore`, so it knows nothing of files either. Plain web code (no Node imports): it runs in
 * the training worker thread and in the compute host page alike.
 */
import type { MetricPoint, OnlineKnn, ProbePoint } from '../../shared/dto.ts';
import { SAMPLING_FPS } from '../../shared/tasks.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { FrameSource } from '../frames/frame-source.ts';
import type { CheckpointFiles } from '../models/checkpoint.ts';
import { createBatchPipeline, type BatchFiller, type ItemBatch, type ItemPipeline, type PipelineVideo } from '../frames/pipeline.ts';
import { isAbortError } from '../util/abort.ts';
import { featureSpread } from './feature-spread.ts';
import { onlineKnn, onlineKnnVideos, type VideoLabel } from './online-knn.ts';
import type { LabelledItem } from '../util/knn-classifier.ts';

export interface StepResult {
  /** Mean loss over the batch. */
  loss: number;
  /** Share of the batch classified right. */
  accuracy: number;
}

/** What the engine needs of a network; the tfjs implementation lives in core/models. */
export interface TrainableModel {
  /** The compute backend in use, e.g. "wasm". */
  readonly backend: string;
  trainStep(batch: ItemBatch): Promise<StepResult>;
  evaluate(batch: ItemBatch): Promise<StepResult>;
  /** The encoder's features of every element of every tuple, row after row, without training. */
  features(batch: ItemBatch): Promise<{ values: Float32Array; size: number }>;
  /** Every weight and optimiser slot, as a checkpoint's files. */
  save(): Promise<CheckpointFiles>;
  load(files: CheckpointFiles): Promise<void>;
  dispose(): void;
}

/** What a checkpoint's checkpoint.json says. */
export interface CheckpointManifest {
  step: number;
  validationAccuracy: number | null;
  /** config.backend is what was asked for ("auto"); backend is what ran. */
  config: TrainConfig;
  backend: string;
}

/**
 * Where checkpoints are kept: folders on disk (checkpoint-store.ts), or, from the compute host page,
 * main's folders through the page's port.
 */
export interface CheckpointStore {
  /** Keeps `files` as the checkpoint of `step`, all or nothing; returns its folder. */
  save(step: number, files: CheckpointFiles): Promise<string>;
}

export type TrainingPhase = 'training' | 'evaluating' | 'checkpointing';

export interface TrainingProgressInfo {
  step: number;
  totalSteps: number;
  phase: TrainingPhase;
  stepsPerSecond: number | null;
  etaSeconds: number | null;
  /** Share of the last steps' time spent waiting for data (goal < 10 %). */
  dataWaitShare: number | null;
}

export interface TrainingCallbacks {
  onMetrics(points: MetricPoint[]): void;
  onCheckpoint(checkpoint: { step: number; folder: string; validationAccuracy: number | null }): void;
  /** The encoder measured on the fixed probe batch: at the start of a fresh run and at each evaluation. */
  onProbe?(probe: ProbePoint): void;
  onProgress?(progress: TrainingProgressInfo): void;
}

/** Which batches the engine wants: an epoch to train on, or a fixed, seeded set to measure on. */
export interface BatchRequest {
  purpose: 'train' | 'validation' | 'probe' | 'knn';
  videos: readonly PipelineVideo[];
  seed: number | string;
  /** Training epochs draw different batches from the same seed. */
  epoch?: number;
  tupleCount: number;
  batchSize: number;
  /** Start at this batch (a resumed run skips what it already trained on). */
  firstBatch?: number;
  signal?: AbortSignal;
}

/** Where batches come from: the pretext task's sampler by default, fine-tuning's labelled clips otherwise. */
export type BatchSource = (request: BatchRequest) => ItemPipeline;

export interface TrainingOptions {
  config: TrainConfig;
  /** Steps already done (0, or the step of the checkpoint loaded into `model`). */
  startStep: number;
  train: readonly PipelineVideo[];
  validation: readonly PipelineVideo[];
  /** The labelled videos' labels: measured by an online kNN at each probe, never trained on. */
  labels?: readonly VideoLabel[];
  /** Frames for batches filled on this thread; or `fill`, which fills them elsewhere (a loader thread). */
  source?: FrameSource;
  fill?: BatchFiller;
  model: TrainableModel;
  checkpoints: CheckpointStore;
  callbacks: TrainingCallbacks;
  signal?: AbortSignal;
  /** Steps per sampled epoch; resume depends on it, so it is part of the run (default 50). */
  stepsPerEpoch?: number;
  /** Default: tuples of `config.task` from its sampler (createBatchPipeline). */
  batches?: BatchSource;
}

export interface TrainingOutcome {
  step: number;
  cancelled: boolean;
}

export const DEFAULT_STEPS_PER_EPOCH = 50;

/**
 * A signal that follows `parent` until released. Each pipeline gets its own, so the run's signal does
 * not collect one listener per epoch and evaluation for the whole run.
 */
function childSignal(parent: AbortSignal | undefined): { signal?: AbortSignal; release: () => void } {
  if (!parent) return { release: () => {} };
  const child = new AbortController();
  const forward = () => child.abort(parent.reason);
  if (parent.aborted) forward();
  else parent.addEventListener('abort', forward, { once: true });
  return { signal: child.signal, release: () => parent.removeEventListener('abort', forward) };
}

/** Seconds per step, smoothed, so the ETA does not jump with each batch. */
class Throughput {
  private secondsPerStep: number | null = null;
  private waitShare: number | null = null;

  record(stepSeconds: number, waitSeconds: number): void {
    const blend = (old: number | null, sample: number) => (old === null ? sample : old * 0.9 + sample * 0.1);
    this.secondsPerStep = blend(this.secondsPerStep, stepSeconds);
    this.waitShare = blend(this.waitShare, stepSeconds > 0 ? waitSeconds / stepSeconds : 0);
  }

  info(step: number, totalSteps: number, phase: TrainingPhase): TrainingProgressInfo {
    const perStep = this.secondsPerStep;
    return {
      step,
      totalSteps,
      phase,
      stepsPerSecond: perStep ? 1 / perStep : null,
      etaSeconds: perStep ? Math.round(perStep * (totalSteps - step)) : null,
      dataWaitShare: this.waitShare,
    };
  }
}

/** The pretext task's batches: its sampler's tuples, rendered here or in a loader thread. */
export function taskBatches(options: Pick<TrainingOptions, 'config' | 'source' | 'fill'>): BatchSource {
  return (request) =>
    createBatchPipeline({
      ...(options.source ? { source: options.source } : {}),
      ...(options.fill ? { fill: options.fill } : {}),
      videos: request.videos,
      config: options.config.task,
      rate: SAMPLING_FPS,
      seed: request.seed,
      ...(request.epoch === undefined ? {} : { epoch: request.epoch }),
      tupleCount: request.tupleCount,
      batchSize: request.batchSize,
      ...(request.firstBatch === undefined ? {} : { firstBatch: request.firstBatch }),
      ...(request.signal ? { signal: request.signal } : {}),
    });
}

function batchesOf(options: TrainingOptions): BatchSource {
  return options.batches ?? taskBatches(options);
}

/** Runs `each` on the batches of a fixed, seeded set of tuples: the same tuples every time. */
async function forFixedTuples(
  options: TrainingOptions,
  purpose: Exclude<BatchRequest['purpose'], 'train'>,
  videos: readonly PipelineVideo[],
  seed: string,
  tupleCount: number,
  each: (batch: ItemBatch) => Promise<void>,
): Promise<void> {
  const { signal, release } = childSignal(options.signal);
  const pipeline = batchesOf(options)({
    purpose,
    videos,
    seed,
    tupleCount,
    batchSize: options.config.batchSize,
    ...(signal ? { signal } : {}),
  });
  try {
    for await (const batch of pipeline) await each(batch);
  } finally {
    release();
  }
}

async function evaluate(options: TrainingOptions, step: number): Promise<MetricPoint | null> {
  const { config, validation, model } = options;
  if (validation.length === 0) return null;
  let loss = 0;
  let correct = 0;
  let count = 0;
  // The same seeded tuples every time, so validation curves compare like with like.
  await forFixedTuples(options, 'validation', validation, `${config.seed}:validation`, config.validationTuples, async (batch) => {
    const result = await model.evaluate(batch);
    loss += result.loss * batch.labels.length;
    correct += result.accuracy * batch.labels.length;
    count += batch.labels.length;
  });
  if (count === 0) return null;
  return { split: 'validation', step, loss: loss / count, accuracy: correct / count, stepsPerSecond: null };
}

/**
 * Feature spread of the encoder on one fixed batch (held-out videos when there are some): a falling
 * spread means the features are collapsing onto one point and will not tell videos apart.
 */
async function probe(options: TrainingOptions, step: number): Promise<ProbePoint | null> {
  const videos = options.validation.length > 0 ? options.validation : options.train;
  const rows: Float32Array[] = [];
  let size = 0;
  await forFixedTuples(options, 'probe', videos, `${options.config.seed}:probe`, options.config.batchSize, async (batch) => {
    const features = await options.model.features(batch);
    rows.push(features.values);
    size = features.size;
  });
  if (size === 0) return null;
  const values = new Float32Array(rows.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of rows) {
    values.set(part, offset);
    offset += part.length;
  }
  const knn = await knnProbe(options);
  return { step, featureSpread: featureSpread(values, size), featureSize: size, ...(knn ? { knn } : {}) };
}

/**
 * Online kNN over a fixed set of labelled videos (train and held-out alike: training never sees
 * labels): one seeded tuple per video, its elements' features averaged into the video's vector.
 */
async function knnProbe(options: TrainingOptions): Promise<OnlineKnn | null> {
  if (!options.labels) return null;
  const videos = [...options.train, ...options.validation];
  const chosen = onlineKnnVideos(options.labels, new Set(videos.map((video) => video.meta.id)), options.config.seed);
  if (!chosen) return null;
  const labelOf = new Map(chosen.map((item) => [item.videoId, item.label]));
  const measured = videos.filter((video) => labelOf.has(video.meta.id));
  const items: LabelledItem[] = [];
  // As many tuples as videos: the sampler's first shuffled pass visits each video exactly once.
  await forFixedTuples(options, 'knn', measured, `${options.config.seed}:online-knn`, measured.length, async (batch) => {
    const { values, size } = await options.model.features(batch);
    const elements = values.length / size / batch.tuples.length;
    batch.tuples.forEach((tuple, t) => {
      const vector = new Float32Array(size);
      for (let element = 0; element < elements; element++) {
        const row = values.subarray((t * elements + element) * size, (t * elements + element + 1) * size);
        for (let i = 0; i < size; i++) vector[i] = (vector[i] as number) + (row[i] as number) / elements;
      }
      items.push({ key: tuple.videoId, label: labelOf.get(tuple.videoId) as string, vector });
    });
  });
  return items.length > 1 ? onlineKnn(items) : null;
}

async function saveCheckpoint(options: TrainingOptions, step: number, validationAccuracy: number | null): Promise<void> {
  const { config, model } = options;
  const manifest: CheckpointManifest = { step, validationAccuracy, config, backend: model.backend };
  const files = { ...(await model.save()), 'checkpoint.json': new TextEncoder().encode(JSON.stringify(manifest)) };
  const folder = await options.checkpoints.save(step, files);
  options.callbacks.onCheckpoint({ step, folder, validationAccuracy });
}

/**
 * Trains from `startStep` to `config.steps`. Cancelling (the signal) saves a checkpoint at the step
 * reached, so nothing done is lost, and returns `{ cancelled: true }`.
 */
export async function train(options: TrainingOptions): Promise<TrainingOutcome> {
  const { config, model, callbacks, signal } = options;
  const stepsPerEpoch = options.stepsPerEpoch ?? DEFAULT_STEPS_PER_EPOCH;
  const throughput = new Throughput();
  let step = options.startStep;
  let lastCheckpoint = options.startStep;
  let lastValidation: MetricPoint | null = null;
  const progress = (phase: TrainingPhase) => callbacks.onProgress?.(throughput.info(step, config.steps, phase));
  const measureProbe = async () => {
    if (!callbacks.onProbe) return;
    const point = await probe(options, step);
    if (point) callbacks.onProbe(point);
  };

  const checkpoint = async () => {
    progress('checkpointing');
    await saveCheckpoint(options, step, lastValidation?.step === step ? lastValidation.accuracy : null);
    lastCheckpoint = step;
  };

  try {
    // The untrained encoder's spread, for reference on the curve (health judges trained steps only).
    if (step === 0) await measureProbe();
    while (step < config.steps) {
      const epoch = Math.floor(step / stepsPerEpoch);
      const epochSignal = childSignal(signal);
      const pipeline = batchesOf(options)({
        purpose: 'train',
        videos: options.train,
        seed: config.seed,
        epoch,
        tupleCount: stepsPerEpoch * config.batchSize,
        batchSize: config.batchSize,
        firstBatch: step % stepsPerEpoch,
        ...(epochSignal.signal ? { signal: epochSignal.signal } : {}),
      });
      if (pipeline.batchCount === 0) {
        throw new Error(
          `No video can host a tuple of this task (${pipeline.report.skippedVideos} too short: the task needs ` +
            `${pipeline.report.framesNeeded} frames).`,
        );
      }
      let waitStarted = performance.now();
      try {
        for await (const batch of pipeline) {
          const trainStarted = performance.now();
          const result = await model.trainStep(batch);
          const finished = performance.now();
          step++;
          throughput.record((finished - waitStarted) / 1000, (trainStarted - waitStarted) / 1000);
          const info = throughput.info(step, config.steps, 'training');
          callbacks.onMetrics([{ split: 'train', step, ...result, stepsPerSecond: info.stepsPerSecond }]);
          callbacks.onProgress?.(info);
          if (step % config.evaluateEvery === 0 || step === config.steps) {
            progress('evaluating');
            lastValidation = await evaluate(options, step);
            if (lastValidation) callbacks.onMetrics([lastValidation]);
            await measureProbe();
          }
          if (step % config.checkpointEvery === 0 || step === config.steps) await checkpoint();
          if (step >= config.steps) break;
          waitStarted = performance.now();
        }
      } finally {
        epochSignal.release();
      }
    }
    return { step, cancelled: false };
  } catch (error) {
    if (!(isAbortError(error) || signal?.aborted)) throw error;
    if (step > lastCheckpoint) await checkpoint();
    return { step, cancelled: true };
  }
}

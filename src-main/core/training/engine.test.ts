import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetricPoint, ProbePoint } from '../../shared/dto.ts';
import { assessRunHealth } from '../../shared/run-health.ts';
import { trainPreset, type TrainConfig } from '../../shared/training.ts';
import type { Batch } from '../frames/pipeline.ts';
import { memoryFrameSource, memoryPipelineVideos } from '../frames/test-support.ts';
import type { CheckpointFiles } from '../models/checkpoint.ts';
import { readCheckpointFiles } from '../models/checkpoint-folder.ts';
import { folderCheckpointStore } from './checkpoint-store.ts';
import { train, type TrainableModel, type TrainingOptions } from './engine.ts';

/**
 * A stand-in network whose state folds in every batch it trains on, so two runs end in the same
 * state only if they saw the same batches in the same order. The tfjs models have their own tests.
 */
class FoldingModel implements TrainableModel {
  readonly backend = 'test';
  state = 0;
  evaluations = 0;

  async trainStep(batch: Batch) {
    let sum = 0;
    for (let i = 0; i < batch.inputs.length; i += 97) sum += batch.inputs[i] as number;
    this.state = (this.state * 31 + sum + batch.labels.reduce((a, b) => a + b, 0)) % 1e9;
    return { loss: this.state % 7, accuracy: (this.state % 10) / 10 };
  }

  async evaluate(batch: Batch) {
    this.evaluations++;
    return { loss: 1, accuracy: batch.labels[0] === 0 ? 1 : 0 };
  }

  async features(batch: Batch) {
    // Two features per element, from its pixels: spread over inputs, as an encoder's should be.
    const elements = batch.labels.length * (batch.shape[1] as number);
    const perElement = batch.inputs.length / elements;
    const values = Float32Array.from({ length: elements * 2 }, (_, i) => (batch.inputs[Math.floor(i / 2) * perElement + (i % 2) * 7] as number) - 0.5);
    return { values, size: 2 };
  }

  async save() {
    return { 'state.json': new TextEncoder().encode(JSON.stringify({ state: this.state })) };
  }

  async load(files: CheckpointFiles) {
    this.state = (JSON.parse(new TextDecoder().decode(files['state.json'])) as { state: number }).state;
  }

  dispose() {}
}

const FRAMES = new Map([[1, 60], [2, 90], [3, 80], [4, 70]]);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-engine-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function config(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return { ...trainPreset('sequence-sorting', 'alexnet', 'tiny'), steps: 12, batchSize: 2, evaluateEvery: 4, checkpointEvery: 4, validationTuples: 4, ...overrides };
}

function setup(model: TrainableModel, overrides: Partial<TrainingOptions> = {}) {
  const metrics: MetricPoint[] = [];
  const checkpoints: { step: number; folder: string; validationAccuracy: number | null }[] = [];
  const videos = memoryPipelineVideos(FRAMES, config().task.frameSize);
  const options: TrainingOptions = {
    config: config(),
    startStep: 0,
    train: videos.slice(0, 3),
    validation: videos.slice(3),
    source: memoryFrameSource(FRAMES),
    model,
    checkpoints: folderCheckpointStore((step) => join(dir, `step-${step}`)),
    callbacks: { onMetrics: (points) => metrics.push(...points), onCheckpoint: (c) => checkpoints.push(c) },
    stepsPerEpoch: 5,
    ...overrides,
  };
  return { options, metrics, checkpoints };
}

describe('train', () => {
  it('trains every step, evaluates and checkpoints on schedule', async () => {
    const model = new FoldingModel();
    const { options, metrics, checkpoints } = setup(model);
    expect(await train(options)).toEqual({ step: 12, cancelled: false });
    expect(metrics.filter((m) => m.split === 'train').map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(metrics.filter((m) => m.split === 'validation').map((m) => m.step)).toEqual([4, 8, 12]);
    expect(checkpoints.map((c) => c.step)).toEqual([4, 8, 12]);
    expect(checkpoints.every((c) => c.validationAccuracy !== null)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['step-12', 'step-4', 'step-8']);
    expect(JSON.parse(readFileSync(join(dir, 'step-8', 'checkpoint.json'), 'utf8'))).toMatchObject({
      step: 8,
      config: { backend: options.config.backend },
      backend: 'test',
    });
  });

  it('resumes from a checkpoint with exactly the batches an uninterrupted run sees', async () => {
    const whole = new FoldingModel();
    const reference = setup(whole);
    await train(reference.options);

    const controller = new AbortController();
    const first = new FoldingModel();
    const interrupted = setup(first, {
      signal: controller.signal,
      callbacks: {
        onMetrics: (points) => {
          if (points.some((p) => p.split === 'train' && p.step === 6)) controller.abort();
        },
        onCheckpoint: () => {},
      },
    });
    const stopped = await train(interrupted.options);
    expect(stopped.cancelled).toBe(true);
    // Cancelling checkpoints the step reached, so nothing done is lost.
    expect(existsSync(join(dir, `step-${stopped.step}`))).toBe(true);

    const second = new FoldingModel();
    await second.load(await readCheckpointFiles(join(dir, `step-${stopped.step}`)));
    const resumed = setup(second, { startStep: stopped.step });
    await train(resumed.options);
    expect(second.state).toBe(whole.state);
    const trainSteps = resumed.metrics.filter((m) => m.split === 'train').map((m) => m.step);
    expect(trainSteps[0]).toBe(stopped.step + 1);
    expect(trainSteps.at(-1)).toBe(12);
  });

  it('leaves no half checkpoint when saving fails', async () => {
    const model = new FoldingModel();
    model.save = async () => {
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    };
    const { options } = setup(model);
    await expect(train(options)).rejects.toThrow(/no space left/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says why when no video is long enough', async () => {
    const { options } = setup(new FoldingModel(), {
      train: memoryPipelineVideos(new Map([[9, 3]]), config().task.frameSize),
      source: memoryFrameSource(new Map([[9, 3]])),
    });
    await expect(train(options)).rejects.toThrow(/No video can host a tuple/);
  });

  it('measures the encoder on a fixed probe batch at the start and at each evaluation', async () => {
    const probes: ProbePoint[] = [];
    const { options } = setup(new FoldingModel());
    options.callbacks.onProbe = (probe) => probes.push(probe);
    await train(options);
    expect(probes.map((probe) => probe.step)).toEqual([0, 4, 8, 12]);
    expect(probes.every((probe) => probe.featureSize === 2 && probe.featureSpread > 0)).toBe(true);
    // The same tuples each time: this model's features do not change with training.
    expect(new Set(probes.map((probe) => probe.featureSpread)).size).toBe(1);
    expect(probes.every((probe) => probe.knn === undefined)).toBe(true);
  });

  it('adds an online kNN over every labelled video, train and held-out, when two classes are labelled', async () => {
    const labels = [
      { videoId: 1, label: 'a' },
      { videoId: 2, label: 'a' },
      { videoId: 3, label: 'b' },
      { videoId: 4, label: 'b' },
    ];
    const probes: ProbePoint[] = [];
    const { options } = setup(new LabelEncodingModel(new Map(labels.map((item) => [item.videoId, item.label === 'a' ? 0 : 1]))), { labels });
    options.callbacks.onProbe = (probe) => probes.push(probe);
    await train(options);
    expect(probes.map((probe) => probe.step)).toEqual([0, 4, 8, 12]);
    // Features that are the class: each video's nearest other video is its classmate.
    expect(probes.map((probe) => probe.knn)).toEqual(Array(4).fill({ accuracy: 1, videos: 4, classes: 2, majority: 0.5 }));
  });

  it('scores the online kNN low when the features do not follow the classes', async () => {
    const labels = [1, 2, 3, 4].map((videoId) => ({ videoId, label: videoId % 2 === 0 ? 'even' : 'odd' }));
    // Features that split 1,2 from 3,4: every video's classmate sits in the other cluster.
    const probes: ProbePoint[] = [];
    const { options } = setup(new LabelEncodingModel(new Map([[1, 0], [2, 0], [3, 1], [4, 1]])), { labels });
    options.callbacks.onProbe = (probe) => probes.push(probe);
    await train(options);
    expect(probes[0]?.knn).toEqual({ accuracy: 0, videos: 4, classes: 2, majority: 0.5 });
  });

  it('measures no online kNN with a single labelled class', async () => {
    const probes: ProbePoint[] = [];
    const { options } = setup(new FoldingModel(), { labels: [1, 2, 3].map((videoId) => ({ videoId, label: 'only' })) });
    options.callbacks.onProbe = (probe) => probes.push(probe);
    await train(options);
    expect(probes.length).toBe(4);
    expect(probes.every((probe) => probe.knn === undefined)).toBe(true);
  });
});

/** Features that say which group a tuple's video is in (one-hot), whatever its pixels. */
class LabelEncodingModel extends FoldingModel {
  constructor(private readonly groupOf: ReadonlyMap<number, number>) {
    super();
  }

  override async features(batch: Batch) {
    const elements = batch.shape[1] as number;
    const values = new Float32Array(batch.tuples.length * elements * 2);
    batch.tuples.forEach((tuple, t) => {
      for (let element = 0; element < elements; element++) values[(t * elements + element) * 2 + (this.groupOf.get(tuple.videoId) ?? 0)] = 1;
    });
    return { values, size: 2 };
  }
}

/** A network that answers class 0 for every tuple (`learns: false`) or the right class (`learns: true`). */
class AnsweringModel extends FoldingModel {
  constructor(private readonly learns: boolean) {
    super();
  }

  private score(batch: Batch) {
    const right = batch.labels.filter((label) => (this.learns ? true : label === 0)).length;
    return { loss: this.learns ? 0.1 : Math.log(12), accuracy: right / batch.labels.length };
  }

  override async trainStep(batch: Batch) {
    return this.score(batch);
  }

  override async evaluate(batch: Batch) {
    return this.score(batch);
  }
}

describe('the not-learning signal on the series the engine records', () => {
  async function healthOf(model: TrainableModel) {
    const { options, metrics } = setup(model, { config: config({ steps: 20, validationTuples: 24 }) });
    await train(options);
    return assessRunHealth({
      config: options.config,
      train: metrics.filter((point) => point.split === 'train'),
      validation: metrics.filter((point) => point.split === 'validation'),
      probes: [],
    });
  }

  it('flags a run whose accuracy stays at chance', async () => {
    const health = await healthOf(new AnsweringModel(false));
    expect(health.learning).toBe('at-chance');
    expect(health.flags[0]?.message).toMatch(/Not learning: after 20 steps .* stays at chance, 8\.3 %/);
  });

  it('does not flag a run that learns', async () => {
    const health = await healthOf(new AnsweringModel(true));
    expect(health.learning).toBe('learning');
    expect(health.flags).toEqual([]);
  });
});

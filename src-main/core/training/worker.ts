/** The training worker thread: the engine with a real model, so tensor work never blocks the main loop. */
import { join } from 'node:path';
import { startBatchLoader, type BatchLoader } from '../frames/loader.ts';
import { readCheckpointFiles } from '../models/checkpoint-folder.ts';
import { createFinetuneTrainableModel, createTrainableModel } from './trainable.ts';
import { isAbortError } from '../util/abort.ts';
import { folderCheckpointStore } from './checkpoint-store.ts';
import { train, type TrainingOutcome } from './engine.ts';
import { finetuneBatches, finetuneInput, finetuneTest } from './finetune-batches.ts';
import { serveJob } from '../jobs/worker-job.ts';
import { postingCallbacks, type FinetuneStart, type FromWorker, type WorkerStart } from './protocol.ts';

type Post = (message: FromWorker) => void;

/** The parent's encoder (or the run's own checkpoint) + a new classifier, trained, then tested with several clips per video. */
async function finetune(start: WorkerStart, finetuneStart: FinetuneStart, loader: BatchLoader, signal: AbortSignal, post: Post): Promise<TrainingOutcome> {
  const model = await createFinetuneTrainableModel(start.config, finetuneStart.classes);
  try {
    post({ type: 'backend', backend: model.backend });
    if (start.resumeFrom) {
      await model.load(await readCheckpointFiles(start.resumeFrom));
    } else if (finetuneStart.parentCheckpoint !== null) {
      const folder = finetuneStart.parentCheckpoint;
      const parent = await readCheckpointFiles(folder).catch((error: unknown) => {
        throw new Error(`The parent run's checkpoint cannot be read (${folder}): ${error instanceof Error ? error.message : String(error)}`);
      });
      await model.loadEncoder(parent);
    }
    // No parent checkpoint: the random-init baseline keeps the seeded initial weights.
    const labels = new Map(finetuneStart.labels);
    const input = finetuneInput(start.config.task, finetuneStart.classes);
    const outcome = await train({
      config: start.config,
      startStep: start.startStep,
      train: start.train,
      validation: start.validation,
      batches: finetuneBatches({ labels, input, fill: loader.fill }),
      model,
      checkpoints: folderCheckpointStore((step) => join(start.checkpointRoot, `step-${step}`)),
      callbacks: postingCallbacks(post),
      signal,
    });
    if (outcome.cancelled) return outcome;
    try {
      const accuracy = await finetuneTest({
        probabilities: (batch) => model.probabilities(batch),
        videos: start.validation,
        labels,
        input,
        clips: finetuneStart.testClips,
        fill: loader.fill,
        signal,
        onProgress: () =>
          post({ type: 'progress', info: { step: outcome.step, totalSteps: start.config.steps, phase: 'evaluating', stepsPerSecond: null, etaSeconds: null, dataWaitShare: null } }),
      });
      post({ type: 'tested', accuracy });
      return outcome;
    } catch (error) {
      // Cancelled while testing: the last checkpoint is kept; a resume only tests.
      if (isAbortError(error) || signal.aborted) return { step: outcome.step, cancelled: true };
      throw error;
    }
  } finally {
    model.dispose();
  }
}

/** The pretext task's network, trained on the task's own labels. */
async function pretextTraining(start: WorkerStart, loader: BatchLoader, signal: AbortSignal, post: Post): Promise<TrainingOutcome> {
  const model = await createTrainableModel(start.config);
  try {
    post({ type: 'backend', backend: model.backend });
    if (start.resumeFrom) await model.load(await readCheckpointFiles(start.resumeFrom));
    return await train({
      config: start.config,
      startStep: start.startStep,
      train: start.train,
      validation: start.validation,
      labels: start.labels,
      fill: loader.fill,
      model,
      checkpoints: folderCheckpointStore((step) => join(start.checkpointRoot, `step-${step}`)),
      callbacks: postingCallbacks(post),
      signal,
    });
  } finally {
    model.dispose();
  }
}

serveJob<WorkerStart, FromWorker>('training', async (start, signal, post) => {
  // Frames are read and rendered in a thread of their own, beside the model's steps.
  const loader = startBatchLoader({ tools: start.tools, frameCacheFolder: start.frameCacheFolder, frameCacheBytes: start.frameCacheBytes });
  try {
    const outcome = start.finetune ? await finetune(start, start.finetune, loader, signal, post) : await pretextTraining(start, loader, signal, post);
    return { type: 'done', outcome };
  } finally {
    await loader.close();
  }
});

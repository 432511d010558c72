/** The training worker thread: the engine with a real model, so tensor work never blocks the main loop. */
import { join } from 'node:path';
import { FrameCache } from '../frames/frame-cache.ts';
import { createFfmpegFrameSource } from '../frames/frame-source.ts';
import { createTrainableModel } from '../models/trainable.ts';
import { train } from './engine.ts';
import { serveJob } from '../compute/worker-job.ts';
import type { FromWorker, WorkerStart } from './protocol.ts';

serveJob<WorkerStart, FromWorker>('training', async (start, signal, post) => {
  const cache = new FrameCache(start.frameCacheFolder, { maxBytes: start.frameCacheBytes });
  const model = await createTrainableModel(start.config);
  try {
    post({ type: 'backend', backend: model.backend });
    if (start.resumeFrom) await model.load(start.resumeFrom);
    const outcome = await train({
      config: start.config,
      startStep: start.startStep,
      train: start.train,
      validation: start.validation,
      source: createFfmpegFrameSource(start.tools, cache),
      model,
      checkpointFolder: (step) => join(start.checkpointRoot, `step-${step}`),
      callbacks: {
        onMetrics: (points) => post({ type: 'metrics', points }),
        onCheckpoint: (checkpoint) => post({ type: 'checkpoint', ...checkpoint }),
        onProgress: (info) => post({ type: 'progress', info }),
      },
      signal,
    });
    post({ type: 'done', outcome });
  } finally {
    model.dispose();
    await cache.flush();
  }
});

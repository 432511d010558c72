/** The training worker thread: the engine with a real model, so tensor work never blocks the main loop. */
import { join } from 'node:path';
import { startBatchLoader } from '../frames/loader.ts';
import { createTrainableModel } from '../models/trainable.ts';
import { train } from './engine.ts';
import { serveJob } from '../jobs/worker-job.ts';
import type { FromWorker, WorkerStart } from './protocol.ts';

serveJob<WorkerStart, FromWorker>('training', async (start, signal, post) => {
  const model = await createTrainableModel(start.config);
  // Frames are read and rendered in a thread of their own, beside the model's steps.
  const loader = startBatchLoader({ tools: start.tools, frameCacheFolder: start.frameCacheFolder, frameCacheBytes: start.frameCacheBytes });
  try {
    post({ type: 'backend', backend: model.backend });
    if (start.resumeFrom) await model.load(start.resumeFrom);
    const outcome = await train({
      config: start.config,
      startStep: start.startStep,
      train: start.train,
      validation: start.validation,
      fill: loader.fill,
      model,
      checkpointFolder: (step) => join(start.checkpointRoot, `step-${step}`),
      callbacks: {
        onMetrics: (points) => post({ type: 'metrics', points }),
        onCheckpoint: (checkpoint) => post({ type: 'checkpoint', ...checkpoint }),
        onProbe: (probe) => post({ type: 'probe', probe }),
        onProgress: (info) => post({ type: 'progress', info }),
      },
      signal,
    });
    post({ type: 'done', outcome });
  } finally {
    await loader.close();
    model.dispose();
  }
});

/** The training worker thread: the engine with a real model, so tensor work never blocks the main loop. */
import { join } from 'node:path';
import { startBatchLoader } from '../frames/loader.ts';
import { readCheckpointFiles } from '../models/checkpoint-folder.ts';
import { createTrainableModel } from '../models/trainable.ts';
import { folderCheckpointStore } from './checkpoint-store.ts';
import { train } from './engine.ts';
import { serveJob } from '../jobs/worker-job.ts';
import { postingCallbacks, type FromWorker, type WorkerStart } from './protocol.ts';

serveJob<WorkerStart, FromWorker>('training', async (start, signal, post) => {
  const model = await createTrainableModel(start.config);
  // Frames are read and rendered in a thread of their own, beside the model's steps.
  const loader = startBatchLoader({ tools: start.tools, frameCacheFolder: start.frameCacheFolder, frameCacheBytes: start.frameCacheBytes });
  try {
    post({ type: 'backend', backend: model.backend });
    if (start.resumeFrom) await model.load(await readCheckpointFiles(start.resumeFrom));
    const outcome = await train({
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
    post({ type: 'done', outcome });
  } finally {
    await loader.close();
    model.dispose();
  }
});

/** The training worker thread: the engine with a real model, so tensor work never blocks the main loop. */
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { FrameCache } from '../frames/frame-cache.ts';
import { createFfmpegFrameSource } from '../frames/frame-source.ts';
import { createTrainableModel } from '../models/trainable.ts';
import { train } from './engine.ts';
import type { FromWorker, ToWorker, WorkerStart } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('the training worker must run in a worker thread');
const controller = new AbortController();
const post = (message: FromWorker) => port.postMessage(message);

async function run(start: WorkerStart): Promise<void> {
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
      signal: controller.signal,
    });
    post({ type: 'done', outcome });
  } finally {
    model.dispose();
    await cache.flush();
  }
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'cancel') controller.abort();
  else
    run(message.start).catch((error: unknown) =>
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
});

/** The feature-extraction worker thread: encoder forward passes never block the main loop. */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../compute/backend.ts';
import { FrameCache } from '../frames/frame-cache.ts';
import { createFfmpegFrameSource } from '../frames/frame-source.ts';
import { folderHandler, loadCheckpoint } from '../models/checkpoint.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { extractFeatures } from './extract.ts';
import type { ExtractionStart, FromExtractionWorker, ToExtractionWorker } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('the extraction worker must run in a worker thread');
const controller = new AbortController();
const post = (message: FromExtractionWorker) => port.postMessage(message);

async function run(start: ExtractionStart): Promise<void> {
  const { config, weights } = start;
  const { backend } = await initBackend(config.backend);
  post({ type: 'backend', backend });
  const seed = weights.kind === 'random' ? weights.seed : config.seed;
  const model = buildTaskModel(config.task, { backbone: config.backbone, width: config.width, seed, dropout: config.dropout });
  const cache = new FrameCache(start.frameCacheFolder, { maxBytes: start.frameCacheBytes });
  try {
    if (weights.kind === 'checkpoint') await loadCheckpoint(folderHandler(weights.folder), { model });
    const finished = await extractFeatures({
      encoder: model.encoder,
      config,
      source: createFfmpegFrameSource(start.tools, cache),
      videos: start.videos,
      clipsPerVideo: start.clipsPerVideo,
      framesPerClip: start.framesPerClip,
      onVideo: (features) => post({ type: 'video', features }),
      onFailure: (videoId, reason) => post({ type: 'video-failed', videoId, reason }),
      signal: controller.signal,
    });
    post({ type: 'done', cancelled: !finished });
  } finally {
    model.dispose();
    await cache.flush();
  }
}

port.on('message', (message: ToExtractionWorker) => {
  if (message.type === 'cancel') controller.abort();
  else
    run(message.start).catch((error: unknown) =>
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
});

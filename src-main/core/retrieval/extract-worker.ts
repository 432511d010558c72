/** The feature-extraction worker thread: encoder forward passes never block the main loop. */
import { initBackend } from '../compute/backend.ts';
import { serveJob } from '../jobs/worker-job.ts';
import { FrameCache } from '../frames/frame-cache.ts';
import { createFfmpegFrameSource } from '../frames/frame-source.ts';
import { folderHandler } from '../models/checkpoint-folder.ts';
import { loadCheckpoint } from '../models/checkpoint.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { extractFeatures } from './extract.ts';
import { extractionPlan } from './feature-protocol.ts';
import type { ExtractionStart, FromExtractionWorker } from './protocol.ts';

serveJob<ExtractionStart, FromExtractionWorker>('extraction', async (start, signal, post) => {
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
      plan: extractionPlan(config, start.protocol),
      source: createFfmpegFrameSource(start.tools, cache),
      videos: start.videos,
      onVideo: (features) => post({ type: 'video', features }),
      onFailure: (videoId, reason) => post({ type: 'video-failed', videoId, reason }),
      signal,
    });
    post({ type: 'done', cancelled: !finished });
  } finally {
    model.dispose();
    await cache.flush();
  }
});

/** The feature-extraction worker thread: encoder forward passes never block the main loop. */
import { initBackend } from '../compute/backend.ts';
import { serveJob } from '../jobs/worker-job.ts';
import { FrameCache } from '../frames/frame-cache.ts';
import { createFfmpegFrameSource } from '../frames/frame-source.ts';
import { folderHandler } from '../models/checkpoint-folder.ts';
import { runExtractionJob } from './extraction-job.ts';
import type { ExtractionStart, FromExtractionWorker } from './protocol.ts';

serveJob<ExtractionStart, FromExtractionWorker>('extraction', async (start, signal, post) => {
  const { config, weights } = start;
  const { backend } = await initBackend(config.backend);
  post({ type: 'backend', backend });
  const cache = new FrameCache(start.frameCacheFolder, { maxBytes: start.frameCacheBytes });
  try {
    return await runExtractionJob(
      {
        config,
        protocol: start.protocol,
        videos: start.videos,
        checkpoint: weights.kind === 'checkpoint' ? folderHandler(weights.folder) : null,
        seed: weights.kind === 'random' ? weights.seed : config.seed,
        source: createFfmpegFrameSource(start.tools, cache),
      },
      signal,
      post,
    );
  } finally {
    await cache.flush();
  }
});

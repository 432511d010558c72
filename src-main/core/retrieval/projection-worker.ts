/** The embedding-map worker thread: UMAP on thousands of vectors takes seconds, off the main loop. */
import { serveJob } from '../jobs/worker-job.ts';
import { pca2d, umap2d } from './projection.ts';
import type { FromProjectionWorker, ProjectionStart } from './protocol.ts';

serveJob<ProjectionStart, FromProjectionWorker>('projection', async (start) => {
  const rows = Array.from({ length: start.vectors.length / start.dimension }, (_, row) =>
    start.vectors.subarray(row * start.dimension, (row + 1) * start.dimension),
  );
  const points = (start.projection === 'umap' ? umap2d : pca2d)(rows, start.seed);
  const xy = Float32Array.from(points.flatMap((point) => [point.x, point.y]));
  return { type: 'done', xy };
});

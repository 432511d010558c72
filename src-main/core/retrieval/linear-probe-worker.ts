/** The linear-probe worker thread: full-batch fits on thousands of feature vectors, off the main loop. */
import { initBackend } from '../compute/backend.ts';
import { serveJob } from '../jobs/worker-job.ts';
import type { LabelledItem } from '../util/knn-classifier.ts';
import { linearProbe } from './linear-probe.ts';
import type { FromLinearProbeWorker, LinearProbeStart } from './protocol.ts';

const items = ({ keys, labels, vectors }: LinearProbeStart['train'], dimension: number): LabelledItem[] =>
  keys.map((key, row) => ({ key, label: labels[row] as string, vector: vectors.subarray(row * dimension, (row + 1) * dimension) }));

serveJob<LinearProbeStart, FromLinearProbeWorker>('linear-probe', async (start, signal, post) => {
  // Small dense matrices: WebAssembly everywhere. 'auto' may pick WebGPU, whose tfjs backend needs
  // OffscreenCanvas, which worker threads lack.
  await initBackend('wasm');
  let reported = 0;
  const result = await linearProbe({
    train: items(start.train, start.dimension),
    test: items(start.test, start.dimension),
    seed: start.seed,
    signal,
    onProgress: (done, total) => {
      // About a hundred messages per probe, whatever its length.
      if (done === total || done - reported >= total / 100) {
        reported = done;
        post({ type: 'progress', done, total });
      }
    },
  });
  return { type: 'done', result };
});

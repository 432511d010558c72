import { Worker } from 'node:worker_threads';

/** The worker threads that keep tensor work off the main loop: their source and their bundled file. */
const WORKERS = {
  training: { source: '../training/worker.ts', bundle: './training-worker.js' },
  extraction: { source: '../retrieval/extract-worker.ts', bundle: './extraction-worker.js' },
  loader: { source: '../frames/loader-worker.ts', bundle: './loader-worker.js' },
  projection: { source: '../retrieval/projection-worker.ts', bundle: './projection-worker.js' },
  'linear-probe': { source: '../retrieval/linear-probe-worker.ts', bundle: './linear-probe-worker.js' },
} as const;

export type CoreWorker = keyof typeof WORKERS;

/** Starts a worker from source when running as TypeScript (CLI, tests, serve), else the bundled file. */
export function spawnCoreWorker(name: CoreWorker): Worker {
  const here = import.meta.url;
  const worker = WORKERS[name];
  if (here.endsWith('.ts')) {
    return new Worker(new URL('./worker-boot.mjs', here), { workerData: { entry: new URL(worker.source, here).href } });
  }
  return new Worker(new URL(worker.bundle, here));
}

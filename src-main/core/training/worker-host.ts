import { Worker } from 'node:worker_threads';

/** Starts the training worker, from source when running as TypeScript, else the bundled file. */
export function spawnTrainingWorker(): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return new Worker(new URL('./worker-boot.mjs', here), { workerData: { entry: new URL('./worker.ts', here).href } });
  }
  return new Worker(new URL('./training-worker.js', here));
}

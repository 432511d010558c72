import { Worker } from 'node:worker_threads';
import { WORKER_SOURCES, workerBundleEntry, type CoreWorker } from './worker-entries.ts';

/** Starts a worker from source when running as TypeScript (CLI, tests, serve), else the bundled file. */
export function spawnCoreWorker(name: CoreWorker): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const entry = new URL(WORKER_SOURCES[name], here).href;
    return new Worker(new URL('./worker-boot.mjs', here), { workerData: { entry } });
  }
  return new Worker(new URL(`./${workerBundleEntry(name)}.js`, here));
}

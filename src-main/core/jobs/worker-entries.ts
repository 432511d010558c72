/**
 * Every worker thread of core, by name: its source file, relative to this folder. The desktop build
 * (electron.vite.config.ts) bundles each as `<name>-worker.js` beside the main bundle, where
 * worker-host.ts starts it; from TypeScript (CLI, tests, serve) the source runs through tsx.
 * No imports: the build config reads this file.
 */
export const WORKER_SOURCES = {
  training: '../training/worker.ts',
  extraction: '../retrieval/extract-worker.ts',
  loader: '../frames/loader-worker.ts',
  projection: '../retrieval/projection-worker.ts',
  'linear-probe': '../retrieval/linear-probe-worker.ts',
  'gradient-peer': '../training/gradient-peer-worker.ts',
} as const;

export type CoreWorker = keyof typeof WORKER_SOURCES;

/** The bundle entry name of a worker (its file is `<entry>.js`). */
export const workerBundleEntry = (name: CoreWorker): string => `${name}-worker`;

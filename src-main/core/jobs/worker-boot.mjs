// Runs the TypeScript worker from source (CLI, tests, serve mode) through tsx; the desktop build
// bundles the worker instead (training-worker.js next to the main bundle).
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);

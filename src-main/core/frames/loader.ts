/**
 * A BatchFiller that runs in a loader thread (loader-worker.ts): the training worker keeps its thread
 * for the model, so preparing the next batches overlaps the current step instead of delaying it.
 */
import type { Worker } from 'node:worker_threads';
import { spawnCoreWorker } from '../jobs/worker-host.ts';
import { MediaError } from '../media/errors.ts';
import { abortError } from '../util/abort.ts';
import type { FromLoader, LoaderError, LoaderSetup } from './loader-protocol.ts';
import type { BatchFiller } from './pipeline.ts';

const CLOSE_TIMEOUT_MS = 10_000;

export interface BatchLoader {
  fill: BatchFiller;
  /** Stops the thread; pending fills reject. */
  close(): Promise<void>;
}

function fromData(error: LoaderError): Error {
  if (error.name === 'MediaError' && error.reason !== undefined) {
    return new MediaError(error.reason, error.filePath ? { filePath: error.filePath } : {});
  }
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

export function startBatchLoader(setup: LoaderSetup, spawn: () => Worker = () => spawnCoreWorker('loader')): BatchLoader {
  const worker = spawn();
  const pending = new Map<number, { resolve: (inputs: Float32Array) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let stopped: Error | null = null;
  const failAll = (error: Error) => {
    stopped = error;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  let onClosed = () => {};
  worker.on('message', (message: FromLoader) => {
    if (message.type === 'closed') return onClosed();
    const request = pending.get(message.id);
    if (!request) return;
    pending.delete(message.id);
    if (message.type === 'filled') request.resolve(message.inputs);
    else request.reject(fromData(message.error));
  });
  worker.once('error', (error) => failAll(error));
  worker.once('exit', (code) => failAll(new Error(`the batch loader thread stopped (exit code ${code})`)));
  worker.postMessage({ type: 'setup', setup });

  const fill: BatchFiller = (job, signal) =>
    new Promise<Float32Array>((resolve, reject) => {
      if (stopped) return reject(stopped);
      if (signal.aborted) return reject(abortError('preparing batches'));
      const id = nextId++;
      const onAbort = () => {
        worker.postMessage({ type: 'abort', id });
        pending.delete(id);
        reject(abortError('preparing batches'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        signal.removeEventListener('abort', onAbort);
        done(value);
      };
      pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      worker.postMessage({ type: 'fill', id, job });
    });

  return {
    fill,
    close: async () => {
      failAll(abortError('preparing batches'));
      // Let the frame cache finish its writes (a few seconds at most), then stop the thread.
      await new Promise<void>((done) => {
        onClosed = done;
        setTimeout(done, CLOSE_TIMEOUT_MS).unref();
        worker.postMessage({ type: 'close' });
      });
      await worker.terminate();
    },
  };
}

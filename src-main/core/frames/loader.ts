/**
 * A BatchFiller that runs in a loader thread (loader-worker.ts): the training worker keeps its thread
 * for the model, so preparing the next batches overlaps the current step instead of delaying it. The
 * same thread computes motion scores for training's preparation, off the server's event loop.
 */
import type { Worker } from 'node:worker_threads';
import { spawnCoreWorker } from '../jobs/worker-host.ts';
import { MediaError } from '../media/errors.ts';
import { abortError } from '../util/abort.ts';
import type { FromLoader, LoaderError, LoaderSetup, ToLoader } from './loader-protocol.ts';
import type { MotionComputer } from './motion-scores.ts';
import type { BatchFiller } from './pipeline.ts';

const CLOSE_TIMEOUT_MS = 10_000;

export interface BatchLoader {
  fill: BatchFiller;
  /** Stops the thread; pending fills reject. */
  close(): Promise<void>;
}

/** The loader thread, which also computes motion for training's preparation. */
export interface LoaderThread extends BatchLoader {
  /** A video's motion, decoded and scored in the loader thread. */
  motion: MotionComputer;
}

function fromData(error: LoaderError): Error {
  if (error.name === 'MediaError' && error.reason !== undefined) {
    return new MediaError(error.reason, error.filePath ? { filePath: error.filePath } : {});
  }
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

export function startBatchLoader(setup: LoaderSetup, spawn: () => Worker = () => spawnCoreWorker('loader')): LoaderThread {
  const worker = spawn();
  const pending = new Map<number, { resolve: (answer: FromLoader) => void; reject: (error: Error) => void }>();
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
    if (message.type === 'failed') request.reject(fromData(message.error));
    else request.resolve(message);
  });
  worker.once('error', (error) => failAll(error));
  worker.once('exit', (code) => failAll(new Error(`the batch loader thread stopped (exit code ${code})`)));
  worker.postMessage({ type: 'setup', setup });

  /** Sends one request; its answer, or its error rebuilt; aborting `signal` cancels it in the thread. */
  const request = (message: ToLoader & { id: number }, signal: AbortSignal | undefined, what: string) =>
    new Promise<FromLoader>((resolve, reject) => {
      if (stopped) return reject(stopped);
      if (signal?.aborted) return reject(abortError(what));
      const onAbort = () => {
        worker.postMessage({ type: 'abort', id: message.id });
        pending.delete(message.id);
        reject(abortError(what));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        signal?.removeEventListener('abort', onAbort);
        done(value);
      };
      pending.set(message.id, { resolve: settle(resolve), reject: settle(reject) });
      worker.postMessage(message);
    });

  const fill: BatchFiller = async (job, signal) => {
    const answer = await request({ type: 'fill', id: nextId++, job }, signal, 'preparing batches');
    if (answer.type !== 'filled') throw new Error(`the batch loader answered a fill with '${answer.type}'`);
    return answer.inputs;
  };
  const motion: MotionComputer = async (video, rate, { signal } = {}) => {
    const answer = await request({ type: 'motion', id: nextId++, video: { path: video.path, media: video.media ?? null }, rate }, signal, 'computing motion');
    if (answer.type !== 'motion') throw new Error(`the batch loader answered a motion request with '${answer.type}'`);
    return answer.motion;
  };

  return {
    fill,
    motion,
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

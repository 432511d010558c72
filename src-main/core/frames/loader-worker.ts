/**
 * The batch loader thread: reads frames and renders views for the training worker, so this CPU work
 * runs beside the model's instead of between its steps.
 */
import { parentPort } from 'node:worker_threads';
import { runInBackground } from '../jobs/background-priority.ts';
import { isMediaError } from '../media/errors.ts';
import { FrameCache } from './frame-cache.ts';
import { createFfmpegFrameSource } from './frame-source.ts';
import type { FromLoader, LoaderError, ToLoader } from './loader-protocol.ts';
import { localFiller, type BatchFiller } from './pipeline.ts';

const port = parentPort;
if (!port) throw new Error('the loader must run in a worker thread');
// Below the main thread, with the ffmpeg decodes it starts: the UI's calls come first on a busy CPU.
runInBackground();
let fill: BatchFiller | null = null;
let cache: FrameCache | null = null;
const running = new Map<number, AbortController>();

function asData(error: unknown): LoaderError {
  if (isMediaError(error)) return { name: error.name, message: error.message, reason: error.reason, ...(error.filePath ? { filePath: error.filePath } : {}) };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

port.on('message', (message: ToLoader) => {
  switch (message.type) {
    case 'setup': {
      cache = new FrameCache(message.setup.frameCacheFolder, { maxBytes: message.setup.frameCacheBytes });
      fill = localFiller(createFfmpegFrameSource(message.setup.tools, cache));
      break;
    }
    case 'fill': {
      const controller = new AbortController();
      running.set(message.id, controller);
      const reply = (answer: FromLoader, transfer: ArrayBuffer[] = []) => port.postMessage(answer, transfer);
      void Promise.resolve()
        .then(() => {
          if (!fill) throw new Error('the loader was not set up');
          return fill(message.job, controller.signal);
        })
        .then((inputs) => reply({ type: 'filled', id: message.id, inputs }, [inputs.buffer as ArrayBuffer]))
        .catch((error: unknown) => reply({ type: 'fill-failed', id: message.id, error: asData(error) }))
        .finally(() => running.delete(message.id));
      break;
    }
    case 'abort':
      running.get(message.id)?.abort();
      break;
    case 'close':
      for (const controller of running.values()) controller.abort();
      void Promise.resolve(cache?.flush()).finally(() => port.postMessage({ type: 'closed' } satisfies FromLoader));
      break;
  }
});

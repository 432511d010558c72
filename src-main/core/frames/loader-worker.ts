/**
 * The batch loader thread: reads frames and renders views for the training worker, so this CPU work
 * runs beside the model's instead of between its steps.
 */
import { parentPort } from 'node:worker_threads';
import { runInBackground } from '../jobs/background-priority.ts';
import { isMediaError } from '../media/errors.ts';
import { FrameCache } from './frame-cache.ts';
import { createFfmpegFrameSource } from './frame-source.ts';
import { computeMotion } from './motion-scores.ts';
import type { FromLoader, LoaderError, LoaderSetup, ToLoader } from './loader-protocol.ts';
import { localFiller, type BatchFiller } from './pipeline.ts';

const port = parentPort;
if (!port) throw new Error('the loader must run in a worker thread');
// Below the main thread, with the ffmpeg decodes it starts: the UI's calls come first on a busy CPU.
runInBackground();
let fill: BatchFiller | null = null;
let cache: FrameCache | null = null;
let setup: LoaderSetup | null = null;
const running = new Map<number, AbortController>();

function asData(error: unknown): LoaderError {
  if (isMediaError(error)) return { name: error.name, message: error.message, reason: error.reason, ...(error.filePath ? { filePath: error.filePath } : {}) };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** Runs one request, cancellable by its id, and answers with its result or its error as data. */
function run(id: number, work: (signal: AbortSignal) => Promise<[FromLoader, ArrayBuffer[]]>): void {
  const controller = new AbortController();
  running.set(id, controller);
  void Promise.resolve()
    .then(() => work(controller.signal))
    .then(([answer, transfer]) => port?.postMessage(answer, transfer))
    .catch((error: unknown) => port?.postMessage({ type: 'failed', id, error: asData(error) } satisfies FromLoader))
    .finally(() => running.delete(id));
}

port.on('message', (message: ToLoader) => {
  switch (message.type) {
    case 'setup': {
      setup = message.setup;
      cache = new FrameCache(message.setup.frameCacheFolder, { maxBytes: message.setup.frameCacheBytes });
      fill = localFiller(createFfmpegFrameSource(message.setup.tools, cache));
      break;
    }
    case 'fill':
      run(message.id, (signal) => {
        if (!fill) throw new Error('the loader was not set up');
        return fill(message.job, signal).then((inputs) => [{ type: 'filled', id: message.id, inputs }, [inputs.buffer as ArrayBuffer]]);
      });
      break;
    case 'motion':
      run(message.id, async (signal) => {
        if (!setup) throw new Error('the loader was not set up');
        const motion = await computeMotion(setup.tools, message.video, message.rate, { signal });
        return [{ type: 'motion', id: message.id, motion }, [motion.scores.buffer as ArrayBuffer, motion.cells.values.buffer as ArrayBuffer]];
      });
      break;
    case 'abort':
      running.get(message.id)?.abort();
      break;
    case 'close':
      for (const controller of running.values()) controller.abort();
      void Promise.resolve(cache?.flush()).finally(() => port.postMessage({ type: 'closed' } satisfies FromLoader));
      break;
  }
});

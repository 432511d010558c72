/**
 * Main's side of training in the compute host page (host-protocol.ts). To the training service it is
 * the worker thread's JobPort: the same WorkerStart in, the same FromWorker messages out. Meanwhile it
 * does for the page what the page cannot: fills batches with a loader thread over the frame cache, keeps
 * checkpoints in the run's folder, and sends the checkpoint a resumed run continues from.
 */
import { join } from 'node:path';
import type { JobPort, ToJob } from '../jobs/job-port.ts';
import { startBatchLoader, type BatchLoader } from '../frames/loader.ts';
import type { LoaderSetup } from '../frames/loader-protocol.ts';
import { readCheckpointFiles } from '../models/checkpoint-folder.ts';
import { folderCheckpointStore } from './checkpoint-store.ts';
import type { CheckpointStore } from './engine.ts';
import { fileBuffers, type FromHost, type HostRequest, type HostTrainingStart, type ToHost } from './host-protocol.ts';
import type { WorkerStart } from './protocol.ts';

type Listener<T> = (value: T) => void;

/** `page`: the channel to a page that serves training jobs (host-job.ts). */
export function computeHostTraining(page: JobPort, startLoader: (setup: LoaderSetup) => BatchLoader = startBatchLoader): JobPort {
  const listeners: Listener<unknown>[] = [];
  const goneListeners: Listener<Error>[] = [];
  const running = new Map<number, AbortController>();
  let loader: BatchLoader | null = null;
  let store: CheckpointStore | null = null;
  const deliver = (message: unknown) => listeners.forEach((listener) => listener(message));
  const reply = (message: ToHost, transfer: ArrayBuffer[] = []) => page.postMessage(message, transfer);

  const answer = async (id: number, request: HostRequest): Promise<void> => {
    const controller = new AbortController();
    running.set(id, controller);
    try {
      if (!loader || !store) throw new Error('the compute host asked for data before its job started');
      if (request.kind === 'fill') {
        const inputs = await loader.fill(request.job, controller.signal);
        reply({ type: 'reply', id, answer: inputs }, [inputs.buffer as ArrayBuffer]);
      } else {
        reply({ type: 'reply', id, answer: await store.save(request.step, request.files) });
      }
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      // A withdrawn request's answer is not awaited any more.
      if (!controller.signal.aborted) reply({ type: 'reply-failed', id, error: { name, message } });
    } finally {
      running.delete(id);
    }
  };

  const begin = async (start: WorkerStart): Promise<void> => {
    loader = startLoader({ tools: start.tools, frameCacheFolder: start.frameCacheFolder, frameCacheBytes: start.frameCacheBytes });
    store = folderCheckpointStore((step) => join(start.checkpointRoot, `step-${step}`));
    const resume = start.resumeFrom ? await readCheckpointFiles(start.resumeFrom) : null;
    const { config, startStep, train, validation } = start;
    const hostStart: HostTrainingStart = { config, startStep, resume, train, validation };
    page.postMessage({ type: 'start', start: hostStart } satisfies ToHost, resume ? fileBuffers(resume) : []);
  };

  page.onMessage((data) => {
    const message = data as FromHost;
    if (message.type === 'request') void answer(message.id, message.request);
    else if (message.type === 'abort-request') running.get(message.id)?.abort();
    else deliver(message);
  });
  page.onGone((error) => goneListeners.forEach((listener) => listener(error)));

  return {
    postMessage: (data) => {
      const message = data as ToJob<WorkerStart>;
      if (message.type === 'start') begin(message.start).catch((error: unknown) => deliver({ type: 'failed', message: String(error) }));
      else page.postMessage(message);
    },
    onMessage: (listener) => listeners.push(listener),
    onGone: (listener) => goneListeners.push(listener),
    close: () => {
      for (const controller of running.values()) controller.abort();
      void loader?.close();
      page.close();
    },
  };
}

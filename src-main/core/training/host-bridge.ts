/**
 * Main's side of training in the compute host page (host-protocol.ts). To the training service it is
 * the worker thread's JobPort: the same WorkerStart in, the same FromWorker messages out. Meanwhile it
 * does for the page what the page cannot: fills batches with a loader thread over the frame cache, keeps
 * checkpoints in the run's folder, and sends the checkpoint a resumed run continues from. What the page
 * asks is checked: frames only of the run's videos, checkpoint files only by plain names.
 */
import { join } from 'node:path';
import type { JobPort, ToJob } from '../jobs/job-port.ts';
import { startBatchLoader, type BatchLoader } from '../frames/loader.ts';
import type { LoaderSetup } from '../frames/loader-protocol.ts';
import type { FillJob, PipelineVideo } from '../frames/pipeline.ts';
import type { CheckpointFiles } from '../models/checkpoint.ts';
import { readCheckpointFiles } from '../models/checkpoint-folder.ts';
import { folderCheckpointStore } from './checkpoint-store.ts';
import type { CheckpointStore } from './engine.ts';
import { fileBuffers, type FromHost, type HostRequest, type HostTrainingStart, type ToHost } from './host-protocol.ts';
import type { WorkerStart } from './protocol.ts';

type Listener<T> = (value: T) => void;

/** A checkpoint file's name: one plain name, never a path out of the run's folder. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/** The page's checkpoint, refused unless every file has a plain name and bytes. */
function checkedFiles(files: CheckpointFiles): CheckpointFiles {
  for (const [name, bytes] of Object.entries(files)) {
    if (!FILE_NAME.test(name) || !(bytes instanceof Uint8Array)) throw new Error(`the compute host sent a checkpoint file named "${name}", which is not a plain file name with bytes`);
  }
  return files;
}

/** The job with main's own record of each video, so the page can only ask for the run's videos. */
function checkedJob(job: FillJob, videos: ReadonlyMap<number, PipelineVideo>): FillJob {
  return {
    ...job,
    videos: job.videos.map(({ meta }) => {
      const own = videos.get(meta.id);
      if (!own) throw new Error(`the compute host asked for frames of video ${meta.id}, which its run does not use`);
      return { ref: own.ref, meta: own.meta };
    }),
  };
}

/** `page`: the channel to a page that serves training jobs (host-job.ts). */
export function computeHostTraining(page: JobPort, startLoader: (setup: LoaderSetup) => BatchLoader = startBatchLoader): JobPort {
  const listeners: Listener<unknown>[] = [];
  const goneListeners: Listener<Error>[] = [];
  const running = new Map<number, AbortController>();
  let loader: BatchLoader | null = null;
  let store: CheckpointStore | null = null;
  let videos = new Map<number, PipelineVideo>();
  const deliver = (message: unknown) => listeners.forEach((listener) => listener(message));
  const reply = (message: ToHost, transfer: ArrayBuffer[] = []) => page.postMessage(message, transfer);

  const answer = async (id: number, request: HostRequest): Promise<void> => {
    const controller = new AbortController();
    running.set(id, controller);
    try {
      if (!loader || !store) throw new Error('the compute host asked for data before its job started');
      if (request.kind === 'fill') {
        const inputs = await loader.fill(checkedJob(request.job, videos), controller.signal);
        reply({ type: 'reply', id, answer: inputs }, [inputs.buffer as ArrayBuffer]);
      } else {
        if (!Number.isInteger(request.step) || request.step < 0) throw new Error(`the compute host sent a checkpoint of step ${request.step}`);
        reply({ type: 'reply', id, answer: await store.save(request.step, checkedFiles(request.files)) });
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
    videos = new Map([...start.train, ...start.validation].map((video) => [video.meta.id, video]));
    const resume = start.resumeFrom ? await readCheckpointFiles(start.resumeFrom) : null;
    const { config, startStep, train, validation, labels } = start;
    const hostStart: HostTrainingStart = { config, startStep, resume, train, validation, labels };
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

/**
 * Main's side of training in the compute host page (host-protocol.ts). To the training service it is
 * the worker thread's JobPort: the same WorkerStart in, the same FromWorker messages out. Meanwhile it
 * does for the page what the page cannot: fills batches with a loader thread over the frame cache, keeps
 * checkpoints in the run's folder, and sends the checkpoint a resumed run continues from. What the page
 * asks is checked: frames only of the run's videos, checkpoint files only by plain names.
 */
import { join } from 'node:path';
import type { JobPort } from '../jobs/job-port.ts';
import { bridgePageJob } from '../jobs/port-requests.ts';
import { startBatchLoader, type BatchLoader } from '../frames/loader.ts';
import type { LoaderSetup } from '../frames/loader-protocol.ts';
import type { FillJob, PipelineVideo } from '../frames/pipeline.ts';
import type { CheckpointFiles } from '../models/checkpoint.ts';
import { readCheckpointFiles } from '../models/checkpoint-folder.ts';
import { folderCheckpointStore } from './checkpoint-store.ts';
import type { CheckpointStore } from './engine.ts';
import { fileBuffers, type HostRequests, type HostTrainingStart } from './host-protocol.ts';
import type { WorkerStart } from './protocol.ts';

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
  let loader: BatchLoader | null = null;
  let store: CheckpointStore | null = null;
  let videos = new Map<number, PipelineVideo>();
  return bridgePageJob<WorkerStart, HostTrainingStart, HostRequests>(page, {
    begin: async (start) => {
      loader = startLoader({ tools: start.tools, frameCacheFolder: start.frameCacheFolder, frameCacheBytes: start.frameCacheBytes });
      store = folderCheckpointStore((step) => join(start.checkpointRoot, `step-${step}`));
      videos = new Map([...start.train, ...start.validation].map((video) => [video.meta.id, video]));
      const resume = start.resumeFrom ? await readCheckpointFiles(start.resumeFrom) : null;
      const { config, startStep, train, validation, labels } = start;
      return { start: { config, startStep, resume, train, validation, labels }, transfer: resume ? fileBuffers(resume) : [] };
    },
    answer: async (request, signal) => {
      if (!loader || !store) throw new Error('the compute host asked for data before its job started');
      if (request.kind === 'fill') {
        const inputs = await loader.fill(checkedJob(request.job, videos), signal);
        return { answer: inputs, transfer: [inputs.buffer as ArrayBuffer] };
      }
      if (!Number.isInteger(request.step) || request.step < 0) throw new Error(`the compute host sent a checkpoint of step ${request.step}`);
      return { answer: await store.save(request.step, checkedFiles(request.files)) };
    },
    close: () => void loader?.close(),
  });
}

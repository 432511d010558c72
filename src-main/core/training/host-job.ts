/**
 * The compute host page's side of training (host-protocol.ts): the engine and the model run here, on
 * the page's WebGPU; batches and checkpoints are requests to main. Plain web code (no Node imports).
 */
import type { JobPort } from '../jobs/job-port.ts';
import { serveJobOver } from '../jobs/job-port.ts';
import { portRequester } from '../jobs/port-requests.ts';
import { buildTrainableModel } from '../models/trainable-model.ts';
import { train } from './engine.ts';
import { fileBuffers, type HostRequests, type HostTrainingStart } from './host-protocol.ts';
import { postingCallbacks, type FromWorker } from './protocol.ts';

/**
 * Serves training jobs on `port`. `backend` makes the page's compute backend current and names it
 * (the page entry: WebGPU on navigator.gpu); a failure there fails the job with its message.
 */
export function serveTrainingHost(port: JobPort, backend: () => Promise<string>): void {
  const ask = portRequester<HostRequests>(port);
  serveJobOver<HostTrainingStart, FromWorker>(port, async (start, signal, post) => {
    const model = buildTrainableModel(start.config, await backend());
    try {
      post({ type: 'backend', backend: model.backend });
      if (start.resume) await model.load(start.resume);
      const outcome = await train({
        config: start.config,
        startStep: start.startStep,
        train: start.train,
        validation: start.validation,
        labels: start.labels,
        fill: (job, fillSignal) => ask({ kind: 'fill', job }, [], fillSignal),
        model,
        checkpoints: { save: (step, files) => ask({ kind: 'save-checkpoint', step, files }, fileBuffers(files)) },
        callbacks: postingCallbacks(post),
        signal,
      });
      return { type: 'done', outcome };
    } finally {
      model.dispose();
    }
  });
}

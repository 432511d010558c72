/**
 * The compute host page's side of training (host-protocol.ts): the engine and the model run here, on
 * the page's WebGPU; batches and checkpoints are requests to main. Plain web code (no Node imports).
 */
import type { JobPort } from '../jobs/job-port.ts';
import { serveJobOver } from '../jobs/job-port.ts';
import { buildTrainableModel } from '../models/trainable-model.ts';
import { abortError } from '../util/abort.ts';
import { train } from './engine.ts';
import { fileBuffers, type FromHost, type HostRequest, type HostRequests, type HostTrainingStart, type ToHost } from './host-protocol.ts';
import { postingCallbacks, type FromWorker } from './protocol.ts';

type Answer = HostRequests[keyof HostRequests]['answer'];

/** Asks main over `port` and waits for its answer; an aborted request is withdrawn. */
function requester(port: JobPort) {
  const pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  port.onMessage((data) => {
    const reply = data as ToHost;
    if (reply.type !== 'reply' && reply.type !== 'reply-failed') return;
    const request = pending.get(reply.id);
    if (!request) return;
    pending.delete(reply.id);
    if (reply.type === 'reply') request.resolve(reply.answer);
    else request.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
  });
  return <K extends keyof HostRequests>(request: HostRequest & { kind: K }, transfer: ArrayBuffer[], signal?: AbortSignal) =>
    new Promise<HostRequests[K]['answer']>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(request.kind));
      const id = nextId++;
      const onAbort = () => {
        pending.delete(id);
        port.postMessage({ type: 'abort-request', id } satisfies FromHost);
        reject(abortError(request.kind));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        signal?.removeEventListener('abort', onAbort);
        done(value);
      };
      pending.set(id, { resolve: settle(resolve as (answer: Answer) => void), reject: settle(reject) });
      port.postMessage({ type: 'request', id, request } satisfies FromHost, transfer);
    });
}

/**
 * Serves training jobs on `port`. `backend` makes the page's compute backend current and names it
 * (the page entry: WebGPU on navigator.gpu); a failure there fails the job with its message.
 */
export function serveTrainingHost(port: JobPort, backend: () => Promise<string>): void {
  const ask = requester(port);
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
      post({ type: 'done', outcome });
    } finally {
      model.dispose();
    }
  });
}

import { parentPort, type Worker } from 'node:worker_threads';
import { runInBackground } from './background-priority.ts';

/** What every core worker accepts: one job to start, and its cancel. */
export type ToJobWorker<Start> = { type: 'start'; start: Start } | { type: 'cancel' };

/**
 * The worker side of a core worker thread: runs `job` on 'start', aborts its signal on 'cancel',
 * and reports a thrown error as a 'failed' message (the parent records it; nothing is lost silently).
 * The thread runs below the main thread's priority, so the UI's calls come first on a busy CPU.
 */
export function serveJob<Start, Message>(
  name: string,
  job: (start: Start, signal: AbortSignal, post: (message: Message) => void) => Promise<void>,
): void {
  const port = parentPort;
  if (!port) throw new Error(`the ${name} worker must run in a worker thread`);
  runInBackground();
  const controller = new AbortController();
  const post = (message: Message | { type: 'failed'; message: string }) => port.postMessage(message);
  port.on('message', (message: ToJobWorker<Start>) => {
    if (message.type === 'cancel') controller.abort();
    else
      job(message.start, controller.signal, post).catch((error: unknown) =>
        post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
  });
}

/**
 * The parent side: sends `start` to `worker` and hands every message to `onMessage`, which calls
 * `finish` with the job's result. Aborting `signal` sends the worker its cancel (before the start when
 * it is aborted already). A 'failed' message, a throw from `onMessage`, a worker error or an
 * unexpected exit reject; the worker is terminated either way.
 */
export function runJob<Start, Message extends { type: string }, Result>(
  name: string,
  worker: Worker,
  start: Start,
  onMessage: (message: Message, finish: (result: Result) => void) => void,
  options: { signal?: AbortSignal; transfer?: ArrayBuffer[] } = {},
): Promise<Result> {
  const cancel = () => worker.postMessage({ type: 'cancel' } satisfies ToJobWorker<Start>);
  return new Promise<Result>((resolve, reject) => {
    worker.on('message', (message: Message | { type: 'failed'; message: string }) => {
      if (message.type === 'failed') return reject(new Error((message as { message: string }).message));
      try {
        onMessage(message as Message, resolve);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the ${name} worker stopped unexpectedly (exit code ${code})`)));
    if (options.signal?.aborted) cancel();
    else options.signal?.addEventListener('abort', cancel, { once: true });
    worker.postMessage({ type: 'start', start } satisfies ToJobWorker<Start>, options.transfer ?? []);
  }).finally(() => {
    options.signal?.removeEventListener('abort', cancel);
    void worker.terminate();
  });
}

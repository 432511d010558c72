import { parentPort, type MessagePort, type Worker } from 'node:worker_threads';
import { runInBackground } from './background-priority.ts';
import { runJobOver, serveJobOver, type JobPort } from './job-port.ts';

/** The parent's end of a worker thread: its exit or uncaught error is 'gone'; close terminates it. */
export function workerJobPort(worker: Worker, name: string): JobPort {
  return {
    postMessage: (message, transfer = []) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.on('message', listener),
    onGone: (listener) => {
      worker.once('error', listener);
      worker.once('exit', (code) => listener(new Error(`the ${name} worker stopped unexpectedly (exit code ${code})`)));
    },
    close: () => void worker.terminate(),
  };
}

/** The thread's end; the parent going away ends the thread, so there is no 'gone' to report. */
function threadJobPort(port: MessagePort): JobPort {
  return {
    postMessage: (message, transfer = []) => port.postMessage(message, transfer),
    onMessage: (listener) => port.on('message', listener),
    onGone: () => {},
    close: () => port.close(),
  };
}

/**
 * The worker side of a core worker thread (job-port.ts `serveJobOver` on its parentPort). The thread
 * runs below the main thread's priority, so the UI's calls come first on a busy CPU.
 */
export function serveJob<Start, Message>(
  name: string,
  job: (start: Start, signal: AbortSignal, post: (message: Message) => void) => Promise<Message>,
): void {
  const port = parentPort;
  if (!port) throw new Error(`the ${name} worker must run in a worker thread`);
  runInBackground();
  serveJobOver(threadJobPort(port), job);
}

/** The parent side (job-port.ts `runJobOver` on the worker); the worker is terminated either way. */
export function runJob<Start, Message extends { type: string }, Result>(
  name: string,
  worker: Worker,
  start: Start,
  onMessage: (message: Message, finish: (result: Result) => void) => void,
  options: { signal?: AbortSignal; transfer?: ArrayBuffer[] } = {},
): Promise<Result> {
  return runJobOver(workerJobPort(worker, name), start, onMessage, options);
}

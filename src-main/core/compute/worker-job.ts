import { parentPort } from 'node:worker_threads';

/** What every core worker accepts: one job to start, and its cancel. */
export type ToJobWorker<Start> = { type: 'start'; start: Start } | { type: 'cancel' };

/**
 * The worker side of a core worker thread: runs `job` on 'start', aborts its signal on 'cancel',
 * and reports a thrown error as a 'failed' message (the parent records it; nothing is lost silently).
 */
export function serveJob<Start, Message>(
  name: string,
  job: (start: Start, signal: AbortSignal, post: (message: Message) => void) => Promise<void>,
): void {
  const port = parentPort;
  if (!port) throw new Error(`the ${name} worker must run in a worker thread`);
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

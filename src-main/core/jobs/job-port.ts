/**
 * The job protocol of the core workers over any postMessage-like channel: a Node worker thread (its
 * parentPort on one side, the Worker on the other), a browser MessagePort (the compute host page), or
 * Electron's MessagePortMain. Plain web code (no Node imports).
 */

/** What every core worker accepts: one job to start, and its cancel. */
export type ToJob<Start> = { type: 'start'; start: Start } | { type: 'cancel' };

/** How a job reports an error it threw (the parent records it; nothing is lost silently). */
export interface JobFailed {
  type: 'failed';
  message: string;
}

/** One end of a channel to the other side of a job. */
export interface JobPort {
  /** `transfer` lists buffers the other side may take over (a transport that cannot move them copies). */
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  /** Every message from the other side goes to `listener` (several listeners may listen). */
  onMessage(listener: (message: unknown) => void): void;
  /** The other side is gone (crashed, exited, closed): `listener` gets why. */
  onGone(listener: (error: Error) => void): void;
  /** Ends the channel and the other side with it (a worker is terminated, a page closed). */
  close(): void;
}

/** The part of a browser MessagePort (or a Node worker_threads one through its EventTarget side) used here. */
export interface WebMessagePort {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  close(): void;
}

/** A browser MessagePort as a JobPort; a port has no 'gone' of its own, so `onGone` never fires. */
export function webJobPort(port: WebMessagePort): JobPort {
  return {
    postMessage: (message, transfer = []) => port.postMessage(message, transfer),
    onMessage: (listener) => {
      port.addEventListener('message', (event) => listener(event.data));
      port.start();
    },
    onGone: () => {},
    close: () => port.close(),
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The job's side: runs `job` on 'start', aborts its signal on 'cancel', and posts the message the job
 * resolves with (its last), or a thrown error as a 'failed' message. Either goes only once the job has
 * settled, its cleanup done: the other side closes the channel on it (a worker thread is terminated),
 * and a thread terminated inside a native call (Dawn releasing a GPU buffer) aborts the whole process.
 * Other messages are left to the job's own listeners on `port`.
 */
export function serveJobOver<Start, Message>(
  port: JobPort,
  job: (start: Start, signal: AbortSignal, post: (message: Message, transfer?: ArrayBuffer[]) => void) => Promise<Message>,
): void {
  const controller = new AbortController();
  const post = (message: Message | JobFailed, transfer?: ArrayBuffer[]) => port.postMessage(message, transfer);
  port.onMessage((data) => {
    const message = data as ToJob<Start>;
    if (message.type === 'cancel') controller.abort();
    else if (message.type === 'start') {
      job(message.start, controller.signal, post).then(
        (last) => post(last),
        (error: unknown) => post({ type: 'failed', message: errorMessage(error) }),
      );
    }
  });
}

/**
 * The orchestrator's side: sends `start` over `port` and hands every message to `onMessage`, which calls
 * `finish` with the job's result. Aborting `signal` sends the job its cancel (before the start when it is
 * aborted already). A 'failed' message, a throw from `onMessage` or the other side going away reject;
 * the port is closed either way.
 */
export function runJobOver<Start, Message extends { type: string }, Result>(
  port: JobPort,
  start: Start,
  onMessage: (message: Message, finish: (result: Result) => void) => void,
  options: { signal?: AbortSignal; transfer?: ArrayBuffer[] } = {},
): Promise<Result> {
  const cancel = () => port.postMessage({ type: 'cancel' } satisfies ToJob<Start>);
  return new Promise<Result>((resolve, reject) => {
    port.onMessage((data) => {
      const message = data as Message | JobFailed;
      if (message.type === 'failed') return reject(new Error((message as JobFailed).message));
      try {
        onMessage(message as Message, resolve);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    port.onGone(reject);
    if (options.signal?.aborted) cancel();
    else options.signal?.addEventListener('abort', cancel, { once: true });
    port.postMessage({ type: 'start', start } satisfies ToJob<Start>, options.transfer ?? []);
  }).finally(() => {
    options.signal?.removeEventListener('abort', cancel);
    port.close();
  });
}

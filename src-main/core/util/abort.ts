/**
 * Cancellation as one kind of error, shared by media, frames, import and training. Plain web code (no
 * Node imports): the engine also runs in the compute host page.
 */

/** The error every cancelled operation rejects with; check it with `isAbortError`. */
export function abortError(what: string): Error {
  const error = new Error(`${what} was cancelled`);
  error.name = 'AbortError';
  return error;
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw abortError(what);
}

interface NodeEvents {
  setMaxListeners(count: number, ...targets: EventTarget[]): void;
}

/**
 * Lets `signal` take up to `count` listeners without Node's leak warning. Browsers have no such limit,
 * so there (no `process`) this does nothing.
 */
export function allowListeners(signal: AbortSignal, count: number): void {
  const process = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const events = process?.getBuiltinModule?.('node:events') as NodeEvents | undefined;
  events?.setMaxListeners(count, signal);
}

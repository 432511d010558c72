import { ApiError } from '../../shared/errors.ts';

interface Running<Result> {
  id: number;
  controller: AbortController;
  done: Promise<Result>;
}

/**
 * The one job of a kind that may run at a time (an import, a training run, an extraction): the BUSY
 * refusal, cancel, wait and close every kind shares. The job itself records its outcome; the slot
 * frees itself when the job settles, before `finished` announces it, so a listener may start the next.
 */
export class JobSlot<Result> {
  private running: Running<Result> | null = null;

  /** `busy` says why a new job is refused while job `id` runs. */
  constructor(private readonly busy: (id: number) => string) {}

  get isBusy(): boolean {
    return this.running !== null;
  }

  /** Whether job `id` runs here. */
  holds(id: number): boolean {
    return this.running?.id === id;
  }

  assertIdle(): void {
    if (this.running) throw new ApiError('BUSY', this.busy(this.running.id));
  }

  /**
   * Runs job `id`: `work` gets the signal that cancel() aborts; `finished` gets what it resolved with.
   * Refused (BUSY) while another job runs.
   */
  start(id: number, work: (signal: AbortSignal) => Promise<Result>, finished: (result: Result) => void): void {
    this.assertIdle();
    const controller = new AbortController();
    const done = work(controller.signal)
      .finally(() => {
        if (this.running?.controller === controller) this.running = null;
      })
      .then((result) => {
        finished(result);
        return result;
      });
    this.running = { id, controller, done };
  }

  /** Asks job `id` to stop, if it runs here; it records its own end. */
  cancel(id: number): void {
    if (this.running?.id === id) this.running.controller.abort();
  }

  /** The end of job `id` if it runs here, else null (the caller reads its record). */
  wait(id: number): Promise<Result> | null {
    return this.running?.id === id ? this.running.done : null;
  }

  /** Cancels the running job and waits for it to record its state (library switch, shutdown). */
  async close(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.controller.abort();
    await running.done.catch(() => undefined);
  }
}

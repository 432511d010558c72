import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { runJobOver, serveJobOver, webJobPort, type WebMessagePort } from './job-port.ts';

type Message = { type: 'progress'; released: boolean } | { type: 'done'; released: boolean };

/** A job over a real MessageChannel whose cleanup (a `finally`) takes a while; `fail` makes it throw. */
function runSlowCleanupJob(fail: boolean): Promise<{ progress: Message[]; done: Message }> {
  const channel = new MessageChannel();
  const side = (port: unknown) => webJobPort(port as WebMessagePort);
  let released = false;
  serveJobOver<null, Message>(side(channel.port1), async (_start, _signal, post) => {
    try {
      post({ type: 'progress', released });
      if (fail) throw new Error('the job broke');
      return { type: 'done', released };
    } finally {
      await new Promise((done) => setTimeout(done, 50));
      released = true;
    }
  });
  const progress: Message[] = [];
  return runJobOver<null, Message, { progress: Message[]; done: Message }>(side(channel.port2), null, (message, finish) => {
    // What the orchestrator does on the last message: close the channel (terminate the worker).
    if (message.type === 'done') finish({ progress, done: { ...message, released } });
    else progress.push(message);
  }).catch((error: unknown) => {
    if (!released) throw new Error('the failure arrived before the job had cleaned up');
    throw error;
  });
}

describe('serveJobOver', () => {
  it('posts the job’s last message only once the job has cleaned up, since the other side ends the job on it', async () => {
    const { progress, done } = await runSlowCleanupJob(false);
    expect(progress).toEqual([{ type: 'progress', released: false }]);
    // The message was made before the cleanup, but it arrives after it.
    expect(done).toEqual({ type: 'done', released: true });
  });

  it('reports a thrown error as a failure, after the job’s cleanup too', async () => {
    await expect(runSlowCleanupJob(true)).rejects.toThrow('the job broke');
  });
});

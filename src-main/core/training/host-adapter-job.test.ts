import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { webJobPort, type WebMessagePort } from '../jobs/job-port.ts';
import { askHostAdapter, serveAdapterReport } from './host-adapter-job.ts';

const channels: MessageChannel[] = [];
function ports() {
  const channel = new MessageChannel();
  channels.push(channel);
  return { main: webJobPort(channel.port1 as unknown as WebMessagePort), page: webJobPort(channel.port2 as unknown as WebMessagePort) };
}

afterEach(() => {
  for (const channel of channels.splice(0)) {
    channel.port1.close();
    channel.port2.close();
  }
});

describe('the compute host adapter question', () => {
  it('gets the page’s answer (null without navigator.gpu)', async () => {
    const { main, page } = ports();
    serveAdapterReport(page, undefined);
    await expect(askHostAdapter(main, 5_000)).resolves.toBeNull();
  });

  it('gives up with a clear error when the page never answers', async () => {
    const { main } = ports();
    await expect(askHostAdapter(main, 50)).rejects.toThrow('the compute host page did not describe its WebGPU adapter within 0.05 s');
  });
});

// Extraction in the compute host, its page's side served in this process on one end of a
// MessageChannel (e2e/compute-host.spec.ts runs it in Chromium): the features equal the same job run
// here, main refuses frames of other videos and other grids, a video main cannot decode is skipped,
// and cancel stops between videos.
import { MessageChannel } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { SAMPLING_FPS } from '../../shared/tasks.ts';
import { initBackend } from '../compute/backend.ts';
import type { FrameSource } from '../frames/frame-source.ts';
import { memoryFrameSource } from '../frames/test-support.ts';
import { webJobPort, type JobPort, type WebMessagePort } from '../jobs/job-port.ts';
import { MediaError } from '../media/errors.ts';
import { computeHostExtraction } from './extraction-host-bridge.ts';
import { serveExtractionHost } from './extraction-host-job.ts';
import { extractionConfig, extractionStart, FRAMES, framesFrom, runExtraction, runExtractionHere } from './extraction-host-test-support.ts';
import type { FromExtractionWorker } from './protocol.ts';

const config = extractionConfig('cpu');

function channel(): [WebMessagePort, WebMessagePort] {
  const { port1, port2 } = new MessageChannel();
  return [port1 as unknown as WebMessagePort, port2 as unknown as WebMessagePort];
}

/** The page served here on cpu, main's bridge over `source`. */
function hostOver(source: FrameSource): JobPort {
  const [page, main] = channel();
  serveExtractionHost(webJobPort(page), async () => 'cpu');
  return computeHostExtraction(webJobPort(main), framesFrom(source));
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('extraction in the compute host', () => {
  it('posts the features the same job makes here, video by video', async () => {
    const { cancelled, messages } = await runExtraction(hostOver(memoryFrameSource(FRAMES)), extractionStart([1, 2, 3]));
    expect(cancelled).toBe(false);
    expect(messages[0]).toEqual({ type: 'backend', backend: 'cpu' });
    const here = await runExtractionHere(extractionStart([1, 2, 3]), memoryFrameSource(FRAMES));
    expect(here.map((message) => message.type)).toEqual(['video', 'video', 'video', 'done']);
    expect(messages.slice(1)).toEqual(here);
  });

  it('skips a video main cannot decode, with its reason', async () => {
    const memory = memoryFrameSource(FRAMES);
    const source: FrameSource = {
      openGrid: (video, spec, options) => (video.id === 2 ? Promise.reject(new MediaError('truncated: ends early', { filePath: video.path })) : memory.openGrid(video, spec, options)),
    };
    const { messages } = await runExtraction(hostOver(source), extractionStart([1, 2, 3]));
    expect(messages.map((message) => message.type)).toEqual(['backend', 'video', 'video-failed', 'video', 'done']);
    expect(messages[2]).toEqual({ type: 'video-failed', videoId: 2, reason: 'truncated: ends early' });
  });

  it('stops between videos when cancelled', async () => {
    const controller = new AbortController();
    const port = hostOver(memoryFrameSource(FRAMES));
    port.onMessage((message) => {
      if ((message as FromExtractionWorker).type === 'video') controller.abort();
    });
    const { cancelled, messages } = await runExtraction(port, extractionStart([1, 2, 3]), controller.signal);
    expect(cancelled).toBe(true);
    expect(messages.filter((message) => message.type === 'video').length).toBeLessThan(3);
  });

  it("refuses frames of a video that is not the set's, and grids the protocol does not decode", async () => {
    const [page, main] = channel();
    const bridge = computeHostExtraction(webJobPort(main), framesFrom(memoryFrameSource(FRAMES)));
    const replies: unknown[] = [];
    const pagePort = webJobPort(page);
    const started = new Promise<void>((done) =>
      pagePort.onMessage((message) => {
        if ((message as { type: string }).type === 'start') done();
        else replies.push(message);
      }),
    );
    bridge.postMessage({ type: 'start', start: extractionStart([1]) });
    await started;
    const { width, height } = config.task.frameSize;
    const ask = (id: number, request: object) => pagePort.postMessage({ type: 'request', id, request });
    ask(1, { kind: 'grid', videoId: 3, spec: { width, height, fps: 8 } });
    ask(2, { kind: 'grid', videoId: 1, spec: { width: width * 2, height, fps: SAMPLING_FPS } });
    ask(3, { kind: 'frames', videoId: 1, spec: { width, height, fps: SAMPLING_FPS }, indices: [0, 1000] });
    await expect.poll(() => replies.length).toBe(3);
    const byId = new Map(replies.map((reply) => [(reply as { id: number }).id, reply as { type: string; error?: { message: string } }]));
    expect(byId.get(1)?.error?.message).toMatch(/video 3, which its feature set does not hold/);
    expect(byId.get(2)?.error?.message).toMatch(/asked for a \d+×\d+ grid at 25 fps, which its feature set does not decode/);
    expect(byId.get(3)?.error?.message).toMatch(/frames outside video 1's 40/);
    bridge.close();
  });
});

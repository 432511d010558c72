import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TrainConfig } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import { MessageChannel } from 'node:worker_threads';
import { runJobOver, webJobPort, type WebMessagePort } from '../jobs/job-port.ts';
import { computeHostTraining } from './host-bridge.ts';
import type { FromHost, HostRequest, ToHost } from './host-protocol.ts';
import { hostJobConfig, hostJobStart, inProcessHost, memoryLoader, runHostJob, runJobHere } from './host-test-support.ts';
import type { WorkerStart } from './protocol.ts';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-host-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const runOnHost = (start: WorkerStart, stopAt?: number) => runHostJob(inProcessHost(async () => 'wasm', memoryLoader), start, stopAt);
const runHere = (config: TrainConfig, folder: string) => runJobHere(config, 'wasm', folder);

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((done) => setTimeout(done, 5));
}

describe('training in the compute host', () => {
  it('trains the job the service sends, with the losses of the same job run here, and keeps its checkpoints in main', async () => {
    const config = hostJobConfig();
    const run = await runOnHost(hostJobStart(config, dir));
    expect(run.outcome).toEqual({ step: 6, cancelled: false });
    expect(run.messages[0]).toEqual({ type: 'backend', backend: 'wasm' });
    expect(run.messages.some((message) => message.type === 'probe')).toBe(true);
    expect(run.losses).toEqual(await runHere(config, join(dir, 'here')));
    expect(run.checkpoints.map((checkpoint) => checkpoint.step)).toEqual([3, 6]);
    for (const { folder } of run.checkpoints) {
      expect(folder.startsWith(join(dir, 'runs', '1'))).toBe(true);
      expect(readdirSync(folder).sort()).toEqual(['checkpoint.json', 'model.json', 'weights.bin']);
    }
  });

  it('cancels with a checkpoint where it stopped, and resumes from it to the uninterrupted losses', async () => {
    const config = hostJobConfig();
    const whole = await runHere(config, join(dir, 'here'));
    expect(whole).toHaveLength(6);
    const stopped = await runOnHost(hostJobStart(config, dir), 2);
    expect(stopped.outcome.cancelled).toBe(true);
    const step = stopped.outcome.step;
    expect(step).toBeLessThan(6);
    const folder = join(dir, 'runs', '1', `step-${step}`);
    expect(existsSync(folder)).toBe(true);

    const resumed = await runOnHost(hostJobStart(config, dir, { step, from: folder }));
    expect(resumed.outcome).toEqual({ step: 6, cancelled: false });
    expect([...stopped.losses.slice(0, step), ...resumed.losses]).toEqual(whole);
  });

  it('refuses what a page may not ask: frames of another video, checkpoint files outside the run folder', async () => {
    const channel = new MessageChannel();
    const page = webJobPort(channel.port1 as unknown as WebMessagePort);
    const replies: ToHost[] = [];
    page.onMessage((message) => replies.push(message as ToHost));
    const bridge = computeHostTraining(webJobPort(channel.port2 as unknown as WebMessagePort), memoryLoader);
    const start = hostJobStart(hostJobConfig(), dir);
    bridge.postMessage({ type: 'start', start });
    await until(() => replies.some((reply) => reply.type === 'start'));
    const [video] = start.train;
    const stranger = { ref: { id: 99, path: '/etc/passwd' }, meta: { ...video!.meta, id: 99 } };
    const job = { tuples: [], videos: [stranger], spec: { width: 8, height: 8, fps: 25 }, length: 0, readConcurrency: 1 };
    const ask = (id: number, request: HostRequest) => page.postMessage({ type: 'request', id, request } satisfies FromHost);
    ask(1, { kind: 'fill', job });
    ask(2, { kind: 'save-checkpoint', step: 1, files: { '../escaped.bin': new Uint8Array([1]) } });
    await until(() => replies.filter((reply) => reply.type === 'reply-failed').length === 2);
    const failures = replies.flatMap((reply) => (reply.type === 'reply-failed' ? [reply.error.message] : []));
    expect(failures).toEqual([expect.stringMatching(/video 99, which its run does not use/), expect.stringMatching(/"..\/escaped.bin", which is not a plain file name/)]);
    expect(existsSync(join(dir, 'runs', 'escaped.bin'))).toBe(false);
    bridge.close();
  });

  it('fails the job with the page\'s error, naming it', async () => {
    const bridge = inProcessHost(() => Promise.reject(new Error('this Chromium offers no WebGPU adapter')), memoryLoader);
    await expect(runJobOver(bridge, hostJobStart(hostJobConfig(), dir), () => {})).rejects.toThrow('this Chromium offers no WebGPU adapter');
  });
});

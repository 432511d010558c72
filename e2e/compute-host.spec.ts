/**
 * The compute host page in Debian Chromium on SwiftShader (its CPU WebGPU adapter). The page is the
 * app's own compute host code (src-main/compute-host), bundled and served from 127.0.0.1 (a secure
 * context, as WebGPU requires). This process plays main: the training bridge hands the page a job
 * through a MessagePort (relayed by Playwright), fills its batches from generated frames and keeps
 * its checkpoints, or serves the frames of an extraction; the same job runs on wasm here for reference.
 * Skipped, with the reason, where this Chromium offers no adapter.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { serveWebGpuPage, WEBGPU_LAUNCH_OPTIONS } from './webgpu-page/serve.ts';
import { computeHostPortMessage } from '../src-main/shared/compute-host.ts';
import type { JobPort } from '../src-main/core/jobs/job-port.ts';
import { initBackend } from '../src-main/core/compute/backend.ts';
import { computeHostTraining } from '../src-main/core/training/host-bridge.ts';
import { hostJobConfig, hostJobStart, memoryLoader, runHostJob, runJobHere } from '../src-main/core/training/host-test-support.ts';
import type { WorkerStart } from '../src-main/core/training/protocol.ts';
import { computeHostExtraction } from '../src-main/core/retrieval/extraction-host-bridge.ts';
import { extractionConfig, extractionStart, FRAMES, framesFrom, runExtraction, runExtractionHere } from '../src-main/core/retrieval/extraction-host-test-support.ts';
import { memoryFrameSource } from '../src-main/core/frames/test-support.ts';
import type { TrainConfig } from '../src-main/shared/training.ts';

test.use({ launchOptions: WEBGPU_LAUNCH_OPTIONS });

let server: Awaited<ReturnType<typeof serveWebGpuPage>>;
let dir: string;

test.beforeAll(async () => {
  // The page the app ships (its CSP included), with the bundle beside it as the build puts it.
  const html = readFileSync(resolve(import.meta.dirname, '../src-main/compute-host/index.html'), 'utf8');
  server = await serveWebGpuPage(resolve(import.meta.dirname, '../src-main/compute-host/main.ts'), 'compute-host.js', html);
  dir = mkdtempSync(join(tmpdir(), 'pretext-compute-host-'));
});

test.afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The page's globals used here (this file is type-checked without the DOM library). */
interface HostWindow {
  toComputeHost(message: unknown): void;
  closeComputeHost(): void;
  computeHostToMain(message: unknown): void;
  MessageChannel: new () => {
    port1: unknown;
    port2: { onmessage: ((event: { data: unknown }) => void) | null; postMessage(message: unknown): void; close(): void };
  };
  postMessage(message: unknown, origin: string, transfer: unknown[]): void;
  location: { origin: string };
  navigator: { gpu?: { requestAdapter(): Promise<unknown> } };
}

/**
 * A port to the page's compute host, as Electron's preload hands it one: a MessageChannel made in the
 * page, one end posted to the window under the host's message name, the other relayed to this process.
 */
let listeners: ((message: unknown) => void)[] = [];

async function openPagePort(page: Page, name: string): Promise<JobPort> {
  listeners = [];
  await page.evaluate((portMessage) => {
    const host = globalThis as unknown as HostWindow;
    const channel = new host.MessageChannel();
    channel.port2.onmessage = (event) => host.computeHostToMain(event.data);
    host.toComputeHost = (message) => channel.port2.postMessage(message);
    host.closeComputeHost = () => channel.port2.close();
    host.postMessage(portMessage, host.location.origin, [channel.port1]);
  }, name);
  const relay = (message: unknown) =>
    page.evaluate((data) => (globalThis as unknown as HostWindow).toComputeHost(data), message).catch(() => undefined);
  return {
    postMessage: (message) => void relay(message),
    onMessage: (listener) => listeners.push(listener),
    onGone: (listener) => page.once('crash', () => listener(new Error('the compute host page crashed'))),
    close: () => void page.evaluate(() => (globalThis as unknown as HostWindow).closeComputeHost()).catch(() => undefined),
  };
}

async function hasAdapter(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const gpu = (globalThis as unknown as HostWindow).navigator.gpu;
    return Boolean(gpu && (await gpu.requestAdapter()));
  });
}

/** Runs `start` on the page as the training service would; `stopAt` cancels once that step is reported. */
async function runOnPage(page: Page, start: WorkerStart, stopAt?: number) {
  return runHostJob(computeHostTraining(await openPagePort(page, computeHostPortMessage('training')), memoryLoader), start, stopAt);
}

/** The same job on wasm in this process: the reference trajectory. */
async function runHere(config: TrainConfig, folder: string): Promise<number[]> {
  await initBackend('wasm');
  return runJobHere(config, 'wasm', folder);
}

/** Loss of WebGPU (SwiftShader) vs wasm, relative: they differ only in float order of operations. */
const closeTo = (actual: number, expected: number, relative: number) => Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected));

test('trains a job sent over a MessagePort on WebGPU, checkpoints in main, cancels and resumes', async ({ page }) => {
  test.setTimeout(480_000);
  await page.exposeBinding('computeHostToMain', (_source, message: unknown) => listeners.forEach((listener) => listener(message)));
  await page.goto(server.url);
  test.skip(!(await hasAdapter(page)), 'this Chromium offers no WebGPU adapter');
  const config = hostJobConfig({ backend: 'webgpu' });
  const reference = await runHere(config, join(dir, 'here'));

  const whole = await runOnPage(page, hostJobStart(config, join(dir, 'whole')));
  expect(whole.outcome).toEqual({ step: 6, cancelled: false });
  expect(whole.messages[0]).toEqual({ type: 'backend', backend: 'webgpu' });
  test.info().annotations.push({ type: 'losses', description: JSON.stringify({ webgpu: whole.losses, wasm: reference }) });
  expect(whole.losses).toHaveLength(reference.length);
  whole.losses.forEach((loss, index) => expect(closeTo(loss, reference[index] as number, 1e-3), `loss ${index + 1}: ${loss} vs wasm ${reference[index]}`).toBe(true));
  const runFolder = join(dir, 'whole', 'runs', '1');
  expect(readdirSync(runFolder).sort()).toEqual(['step-3', 'step-6']);
  expect(readdirSync(join(runFolder, 'step-6')).sort()).toEqual(['checkpoint.json', 'model.json', 'weights.bin']);

  // The page serves one job per port: cancel after step 2, then resume from its checkpoint.
  const stopped = await runOnPage(page, hostJobStart(config, join(dir, 'resumed')), 2);
  expect(stopped.outcome.cancelled).toBe(true);
  const step = stopped.outcome.step;
  expect(step).toBeLessThan(6);
  const from = join(dir, 'resumed', 'runs', '1', `step-${step}`);
  const resumed = await runOnPage(page, hostJobStart(config, join(dir, 'resumed'), { step, from }));
  expect(resumed.outcome).toEqual({ step: 6, cancelled: false });
  const joined = [...stopped.losses.slice(0, step), ...resumed.losses];
  // Same backend, same weights, momentum and batches: the resumed run continues the whole one.
  joined.forEach((loss, index) => expect(closeTo(loss, whole.losses[index] as number, 1e-6), `resumed loss ${index + 1}`).toBe(true));
});

test('extracts features on WebGPU that match the same extraction on wasm here', async ({ page }) => {
  test.setTimeout(240_000);
  await page.exposeBinding('computeHostToMain', (_source, message: unknown) => listeners.forEach((listener) => listener(message)));
  await page.goto(server.url);
  test.skip(!(await hasAdapter(page)), 'this Chromium offers no WebGPU adapter');
  const port = computeHostExtraction(await openPagePort(page, computeHostPortMessage('extraction')), framesFrom(memoryFrameSource(FRAMES)));
  const { cancelled, messages } = await runExtraction(port, extractionStart([1, 2, 3], extractionConfig('webgpu')));
  expect(cancelled).toBe(false);
  expect(messages[0]).toEqual({ type: 'backend', backend: 'webgpu' });

  await initBackend('wasm');
  const here = await runExtractionHere(extractionStart([1, 2, 3], extractionConfig('wasm')), memoryFrameSource(FRAMES));
  const videos = (list: typeof here) => list.flatMap((message) => (message.type === 'video' ? [message.features] : []));
  const [gpu, wasm] = [videos(messages), videos(here)];
  expect(gpu.map((features) => features.videoId)).toEqual([1, 2, 3]);
  expect(wasm.map((features) => features.videoId)).toEqual([1, 2, 3]);
  let worst = 0;
  gpu.forEach((features, index) => {
    const reference = wasm[index]!;
    expect(features.clips).toEqual(reference.clips);
    const ours = Array.from(features.clipVectors);
    expect(ours).toHaveLength(reference.clipVectors.length);
    const scale = Math.max(...Array.from(reference.clipVectors, Math.abs));
    ours.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - reference.clipVectors[i]!) / scale)));
  });
  test.info().annotations.push({ type: 'max relative difference', description: String(worst) });
  // Float order of operations only: SwiftShader vs wasm.
  expect(worst).toBeLessThan(1e-3);
});

// compute-host.ts against a fake 'electron' module: the hidden window's options, one window for many
// jobs, the port handed to the page after it loads, messages both ways, the page's crash as 'gone',
// which runs and extractions go to the compute host, and the backend report's adapter from its page.
import type { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { trainPreset } from '../shared/training.ts';
import { MessageChannel } from 'node:worker_threads';
import { COMPUTE_HOST_PORT_MESSAGE, type ComputeHostJob } from '../shared/compute-host.ts';
import { serveAdapterReport } from '../core/training/host-adapter-job.ts';
import { webJobPort, type WebMessagePort } from '../core/jobs/job-port.ts';

const fake = vi.hoisted(() => ({
  windows: [] as unknown[],
  /** Resolves or rejects the next window's load. */
  load: { fail: null as Error | null },
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class FakePort extends Emitter {
    other: FakePort | null = null;
    started = false;
    closed = false;
    postMessage(data: unknown) {
      this.other?.emit('message', { data, ports: [] });
    }
    start() {
      this.started = true;
    }
    close() {
      this.closed = true;
    }
  }
  class BrowserWindow extends Emitter {
    destroyed = false;
    loadURL = vi.fn(() => (fake.load.fail ? Promise.reject(fake.load.fail) : Promise.resolve()));
    webContents = Object.assign(new Emitter(), { postMessage: vi.fn() });
    constructor(readonly options: unknown) {
      super();
      fake.windows.push(this);
    }
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
      this.emit('closed');
    }
  }
  class MessageChannelMain {
    port1 = new FakePort();
    port2 = new FakePort();
    constructor() {
      this.port1.other = this.port2;
      this.port2.other = this.port1;
    }
  }
  return { BrowserWindow, MessageChannelMain };
});

vi.mock('../core/training/training-service.ts', () => ({ trainingThread: vi.fn(() => ({ thread: true })) }));
vi.mock('../core/retrieval/feature-service.ts', () => ({ extractionThread: vi.fn(() => ({ extractionThread: true })) }));

interface FakeWindow extends EventEmitter {
  options: { show: boolean; webPreferences: Record<string, unknown> };
  loadURL: ReturnType<typeof vi.fn>;
  webContents: EventEmitter & { postMessage: ReturnType<typeof vi.fn> };
  destroy(): void;
}
interface FakePort extends EventEmitter {
  postMessage(data: unknown): void;
  started: boolean;
  closed: boolean;
}

const { ComputeHost, desktopBackendReport, desktopExtractionWorker, desktopTrainingWorker, COMPUTE_HOST_URL } = await import('./compute-host.ts');
const { computeHostWindowOptions } = await import('./security.ts');
const settle = () => new Promise((done) => setTimeout(done, 0));

beforeEach(() => {
  fake.windows.length = 0;
  fake.load.fail = null;
});

describe('compute host window', () => {
  it('is hidden, sandboxed, isolated, without Node, and not throttled while hidden', () => {
    const options = computeHostWindowOptions('/app/preload/compute-host.cjs');
    expect(options.show).toBe(false);
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload/compute-host.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      backgroundThrottling: false,
      devTools: false,
    });
    expect(COMPUTE_HOST_URL).toBe('pretext-app://studio/compute-host.html');
  });

  it('opens one window for many jobs and hands each job its own port once the page has loaded', async () => {
    const host = new ComputeHost('/preload.cjs');
    const first = host.open('training');
    const second = host.open('extraction');
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0] as FakeWindow;
    expect(window.loadURL).toHaveBeenCalledWith(COMPUTE_HOST_URL);
    await settle();
    const sent = window.webContents.postMessage.mock.calls;
    expect(sent.map(([channel, job]) => [channel, job])).toEqual([
      [COMPUTE_HOST_PORT_MESSAGE, 'training'],
      [COMPUTE_HOST_PORT_MESSAGE, 'extraction'],
    ]);
    const [pagePort] = sent[0]?.[2] as FakePort[];
    const [otherPagePort] = sent[1]?.[2] as FakePort[];
    expect(pagePort).not.toBe(otherPagePort);

    // Messages both ways: the job's port started, the page's answers delivered.
    const received: unknown[] = [];
    first.onMessage((message) => received.push(message));
    first.postMessage({ type: 'start', start: 1 });
    const fromJob = new Promise((done) => pagePort!.once('message', (event: { data: unknown }) => done(event.data)));
    first.postMessage({ type: 'cancel' });
    expect(await fromJob).toEqual({ type: 'cancel' });
    pagePort!.postMessage({ type: 'backend', backend: 'webgpu' });
    expect(received).toEqual([{ type: 'backend', backend: 'webgpu' }]);
    second.close();
    host.close();
    expect(fake.windows).toHaveLength(1);
  });

  it("reports the page's crash, a failed load and the window's closing as the job's end", async () => {
    const host = new ComputeHost('/preload.cjs');
    const port = host.open('training');
    const gone: string[] = [];
    port.onGone((error) => gone.push(error.message));
    const window = fake.windows[0] as FakeWindow;
    window.webContents.emit('render-process-gone', {}, { reason: 'oom' });
    expect(gone).toEqual(['the compute host page stopped (oom)']);
    port.close();
    window.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(gone).toHaveLength(1);

    host.close();
    fake.load.fail = new Error('ERR_FILE_NOT_FOUND');
    const next = host.open('training');
    const why: string[] = [];
    next.onGone((error) => why.push(error.message));
    await settle();
    expect(fake.windows).toHaveLength(2);
    expect(why).toEqual(['the compute host page did not load: ERR_FILE_NOT_FOUND']);
    expect((fake.windows[1] as FakeWindow).webContents.postMessage).not.toHaveBeenCalled();
    (fake.windows[1] as FakeWindow).destroy();
    expect(why.at(-1)).toBe('the compute host window was closed');
  });

  it('sends WebGPU runs to the compute host and every other run to a worker thread', () => {
    const open = vi.fn((job: ComputeHostJob) => new ComputeHost('/preload.cjs').open(job));
    const worker = desktopTrainingWorker({ open });
    const config = trainPreset('sequence-sorting', 'alexnet', 'tiny');
    expect(worker({ ...config, backend: 'wasm' })).toEqual({ thread: true });
    expect(worker({ ...config, backend: 'auto' })).toEqual({ thread: true });
    expect(open).not.toHaveBeenCalled();
    const port = worker({ ...config, backend: 'webgpu' });
    expect(open).toHaveBeenCalledExactlyOnceWith('training');
    expect(port).not.toEqual({ thread: true });
  });

  it('sends extraction with a WebGPU encoder to the compute host and every other to a worker thread', () => {
    const open = vi.fn((job: ComputeHostJob) => new ComputeHost('/preload.cjs').open(job));
    const worker = desktopExtractionWorker({ open });
    const config = trainPreset('clip-order', 'r3d', 'tiny');
    expect(worker({ ...config, backend: 'wasm' })).toEqual({ extractionThread: true });
    expect(worker({ ...config, backend: 'auto' })).toEqual({ extractionThread: true });
    expect(open).not.toHaveBeenCalled();
    expect(worker({ ...config, backend: 'webgpu' })).not.toEqual({ extractionThread: true });
    expect(open).toHaveBeenCalledExactlyOnceWith('extraction');
  });
});

/** A page served here that answers the adapter question with `adapter` (null: navigator.gpu offers none). */
function adapterPage(adapter: { info: Record<string, unknown> } | null | 'no-gpu') {
  return {
    open: vi.fn((job: ComputeHostJob) => {
      const { port1, port2 } = new MessageChannel();
      const gpu = adapter === 'no-gpu' ? undefined : { requestAdapter: async () => adapter as never };
      serveAdapterReport(webJobPort(port1 as unknown as WebMessagePort), gpu);
      expect(job).toBe('adapter');
      return webJobPort(port2 as unknown as WebMessagePort);
    }),
  };
}

describe('desktop backend report', () => {
  const webgpuOf = async (page: ReturnType<typeof adapterPage>) => (await desktopBackendReport(page)()).backends.find((backend) => backend.name === 'webgpu');

  it("describes the compute host page's adapter: a software one auto skips as software", async () => {
    const swiftshader = { info: { vendor: 'google', architecture: 'swiftshader', device: 'subzero', description: 'SwiftShader Device (Subzero)', isFallbackAdapter: true } };
    const webgpu = await webgpuOf(adapterPage(swiftshader));
    expect(webgpu).toMatchObject({ available: true, adapter: { vendor: 'google', architecture: 'swiftshader', device: 'subzero', isFallbackAdapter: true, software: true } });
    expect(webgpu?.autoSkips).toMatch(/google subzero \(software\) is a CPU emulating a GPU/);
  });

  it('says auto passes a real GPU by in the desktop app, and why', async () => {
    const nvidia = { info: { vendor: 'nvidia', architecture: 'ada', device: '0x2684', description: 'NVIDIA GeForce RTX 4090', isFallbackAdapter: false } };
    const report = await desktopBackendReport(adapterPage(nvidia))();
    const webgpu = report.backends.find((backend) => backend.name === 'webgpu');
    expect(webgpu).toMatchObject({ available: true, adapter: { vendor: 'nvidia', device: '0x2684', isFallbackAdapter: false, software: false } });
    expect(webgpu?.autoSkips).toMatch(/worker thread, where WebGPU cannot load inside Electron: choose WebGPU to train on nvidia 0x2684/);
    expect(report.selected).not.toBe('webgpu');
  });

  it('reports WebGPU unavailable when the page has no adapter or does not answer', async () => {
    expect(await webgpuOf(adapterPage(null))).toEqual({ name: 'webgpu', available: false, note: 'the compute host page (Chromium) offers no WebGPU adapter' });
    expect(await webgpuOf(adapterPage('no-gpu'))).toMatchObject({ available: false });
    const gone = { open: () => ({ postMessage: () => {}, onMessage: () => {}, onGone: (listener: (error: Error) => void) => listener(new Error('the compute host page stopped (crashed)')), close: () => {} }) };
    expect(await webgpuOf(gone as never)).toMatchObject({ available: false, note: 'the compute host page did not answer: the compute host page stopped (crashed)' });
  });
});

// compute-host.ts against a fake 'electron' module: the hidden window's options, one window for many
// jobs, the port handed to the page after it loads, messages both ways, the page's crash as 'gone',
// and which runs go to the compute host.
import type { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { trainPreset } from '../shared/training.ts';
import { COMPUTE_HOST_PORT_MESSAGE } from '../shared/compute-host.ts';

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

const { ComputeHost, desktopTrainingWorker, COMPUTE_HOST_URL } = await import('./compute-host.ts');
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
    const first = host.open();
    const second = host.open();
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0] as FakeWindow;
    expect(window.loadURL).toHaveBeenCalledWith(COMPUTE_HOST_URL);
    await settle();
    const sent = window.webContents.postMessage.mock.calls;
    expect(sent.map(([channel]) => channel)).toEqual([COMPUTE_HOST_PORT_MESSAGE, COMPUTE_HOST_PORT_MESSAGE]);
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
    const port = host.open();
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
    const next = host.open();
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
    const open = vi.fn(() => new ComputeHost('/preload.cjs').open());
    const worker = desktopTrainingWorker({ open });
    const config = trainPreset('sequence-sorting', 'alexnet', 'tiny');
    expect(worker({ ...config, backend: 'wasm' })).toEqual({ thread: true });
    expect(worker({ ...config, backend: 'auto' })).toEqual({ thread: true });
    expect(open).not.toHaveBeenCalled();
    const port = worker({ ...config, backend: 'webgpu' });
    expect(open).toHaveBeenCalledTimes(1);
    expect(port).not.toEqual({ thread: true });
  });
});

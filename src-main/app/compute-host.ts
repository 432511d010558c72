// The desktop app's compute host (shared/compute-host.ts): a hidden, sandboxed window whose page trains
// and extracts features on Chromium's WebGPU, since dawn.node cannot load inside Electron. Main keeps
// orchestrating: each WebGPU job gets a MessageChannelMain to the page, and core's bridges fill its
// batches, keep its checkpoints and decode the frames it asks for. The backend report asks the page
// which adapter it has.
import { BrowserWindow, MessageChannelMain, type MessagePortMain } from 'electron';
import { COMPUTE_HOST_PAGE, COMPUTE_HOST_PORT_MESSAGE, type ComputeHostJob } from '../shared/compute-host.ts';
import type { BackendReport } from '../shared/dto.ts';
import { backendReport } from '../core/compute/backend.ts';
import { hostWebGpuStatus } from '../core/compute/host-adapter.ts';
import { askHostAdapter } from '../core/training/host-adapter-job.ts';
import { computeHostExtraction } from '../core/retrieval/extraction-host-bridge.ts';
import { extractionThread, type ExtractionWorker } from '../core/retrieval/feature-service.ts';
import type { JobPort } from '../core/jobs/job-port.ts';
import { computeHostTraining } from '../core/training/host-bridge.ts';
import type { TrainingWorker } from '../core/training/protocol.ts';
import { trainingThread } from '../core/training/training-service.ts';
import { APP_ORIGIN, computeHostWindowOptions } from './security.ts';

/** The page's URL: built beside the renderer, served on the app scheme (a secure context, as WebGPU needs). */
export const COMPUTE_HOST_URL = `${APP_ORIGIN}/${COMPUTE_HOST_PAGE}`;

/** Electron's MessagePortMain as a JobPort; the page's crash or failed load is its 'gone'. */
function electronJobPort(port: MessagePortMain, window: BrowserWindow, loaded: Promise<void>): JobPort {
  const goneListeners: ((error: Error) => void)[] = [];
  const gone = (error: Error) => goneListeners.forEach((listener) => listener(error));
  const crashed = (_event: unknown, details: { reason: string }) => gone(new Error(`the compute host page stopped (${details.reason})`));
  const closed = () => gone(new Error('the compute host window was closed'));
  window.webContents.on('render-process-gone', crashed);
  window.on('closed', closed);
  loaded.catch((error: unknown) => gone(new Error(`the compute host page did not load: ${(error as Error).message}`)));
  return {
    // MessagePortMain transfers only ports: buffers are copied.
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => {
      port.on('message', (event) => listener(event.data));
      port.start();
    },
    onGone: (listener) => goneListeners.push(listener),
    close: () => {
      port.close();
      goneListeners.length = 0;
      if (window.isDestroyed()) return;
      window.webContents.off('render-process-gone', crashed);
      window.off('closed', closed);
    },
  };
}

/** The hidden window, made for the first WebGPU run and kept for the next ones; closed with the app. */
export class ComputeHost {
  private window: BrowserWindow | null = null;
  private loaded: Promise<void> = Promise.resolve();

  constructor(private readonly preload: string) {}

  /** A new port to the page for one `job`. */
  open(job: ComputeHostJob): JobPort {
    const window = this.ensureWindow();
    const { port1, port2 } = new MessageChannelMain();
    // Messages wait in the channel until the page starts its end.
    this.loaded.then(
      () => window.webContents.postMessage(COMPUTE_HOST_PORT_MESSAGE, job, [port2]),
      () => port2.close(),
    );
    return electronJobPort(port1, window, this.loaded);
  }

  close(): void {
    if (this.window && !this.window.isDestroyed()) this.window.destroy();
    this.window = null;
  }

  private ensureWindow(): BrowserWindow {
    if (this.window && !this.window.isDestroyed()) return this.window;
    const window = new BrowserWindow(computeHostWindowOptions(this.preload));
    this.window = window;
    this.loaded = window.loadURL(COMPUTE_HOST_URL);
    // Handled by each job's onGone; kept from surfacing as an unhandled rejection.
    this.loaded.catch(() => undefined);
    window.on('closed', () => {
      if (this.window === window) this.window = null;
    });
    return window;
  }
}

/** WebGPU runs train in the compute host (through core's bridge); every other run in a worker thread. */
export function desktopTrainingWorker(host: Pick<ComputeHost, 'open'>): TrainingWorker {
  return (config) => (config.backend === 'webgpu' ? computeHostTraining(host.open('training')) : trainingThread(config));
}

/** Extraction with a WebGPU encoder config runs in the compute host too; every other in a worker thread. */
export function desktopExtractionWorker(host: Pick<ComputeHost, 'open'>): ExtractionWorker {
  return (config) => (config.backend === 'webgpu' ? computeHostExtraction(host.open('extraction')) : extractionThread(config));
}

/** The backend report with the compute host page's adapter as WebGPU (dawn.node is not asked in Electron). */
export function desktopBackendReport(host: Pick<ComputeHost, 'open'>): () => Promise<BackendReport> {
  return () => backendReport(async () => hostWebGpuStatus(await askHostAdapter(host.open('adapter')).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))));
}

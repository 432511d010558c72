/**
 * The compute host page (shared/compute-host.ts): plain web code, no Node and no Electron. Each port
 * main hands over carries one job, named by its message: a training run (core/training/host-job.ts) or
 * a feature extraction (core/retrieval/extraction-host-job.ts) on this page's WebGPU, or the question
 * which adapter this page has (core/compute/host-adapter.ts).
 */
import { computeHostJobOf, type ComputeHostJob } from '../shared/compute-host.ts';
import { webJobPort, type JobPort, type WebMessagePort } from '../core/jobs/job-port.ts';
import { serveAdapterReport } from '../core/training/host-adapter-job.ts';
import { serveExtractionHost } from '../core/retrieval/extraction-host-job.ts';
import * as tf from '../core/compute/tf.ts';
import { findAdapter, type GpuLike } from '../core/compute/webgpu-adapter.ts';
import { registerWebGpuBackend, WEBGPU } from '../core/compute/webgpu-backend.ts';
import { serveTrainingHost } from '../core/training/host-job.ts';

interface PageWindow {
  location: { origin: string };
  navigator: { gpu?: GpuLike };
  addEventListener(type: 'message', listener: (event: { source: unknown; origin: string; data: unknown; ports: readonly WebMessagePort[] }) => void): void;
}

const page = globalThis as unknown as PageWindow;
let backend: Promise<string> | null = null;

/** WebGPU on this page's adapter, set up by the first job; a page without one fails each job saying so. */
function webGpu(): Promise<string> {
  backend ??= (async () => {
    const found = page.navigator.gpu ? await findAdapter(page.navigator.gpu) : null;
    if (!found) throw new Error('this Chromium offers no WebGPU adapter (navigator.gpu found none)');
    registerWebGpuBackend(found.adapter);
    if (!(await tf.setBackend(WEBGPU))) throw new Error('tfjs could not initialise WebGPU on this page');
    return WEBGPU;
  })();
  return backend;
}

const SERVE: Record<ComputeHostJob, (port: JobPort) => void> = {
  training: (port) => serveTrainingHost(port, webGpu),
  extraction: (port) => serveExtractionHost(port, webGpu),
  adapter: (port) => serveAdapterReport(port, page.navigator.gpu),
};

page.addEventListener('message', (event) => {
  // Only this window (the preload's isolated world, or the test) hands over ports.
  const job = computeHostJobOf(event.data);
  if (event.source !== page || event.origin !== page.location.origin || !job) return;
  const port = event.ports[0];
  if (port) SERVE[job](webJobPort(port));
});

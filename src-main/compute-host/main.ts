/**
 * The compute host page (shared/compute-host.ts): plain web code, no Node and no Electron. Each port
 * main hands over carries one training job (core/training/host-job.ts) run on this page's WebGPU.
 */
import { COMPUTE_HOST_PORT_MESSAGE } from '../shared/compute-host.ts';
import { webJobPort, type WebMessagePort } from '../core/jobs/job-port.ts';
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

page.addEventListener('message', (event) => {
  // Only this window (the preload's isolated world, or the test) hands over ports.
  if (event.source !== page || event.origin !== page.location.origin || event.data !== COMPUTE_HOST_PORT_MESSAGE) return;
  const port = event.ports[0];
  if (port) serveTrainingHost(webJobPort(port), webGpu);
});

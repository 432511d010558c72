// The compute host window's preload: it hands each job's MessagePort from main to the page's main
// world (Electron delivers ports only to ipcRenderer, which the sandboxed page does not have), and
// exposes nothing else.
import { ipcRenderer } from 'electron';
import { COMPUTE_HOST_JOBS, COMPUTE_HOST_PORT_MESSAGE, computeHostPortMessage } from '../shared/compute-host.ts';

interface PageWindow {
  location: { origin: string };
  postMessage(message: unknown, targetOrigin: string, transfer: readonly unknown[]): void;
}

const page = globalThis as unknown as PageWindow;
ipcRenderer.on(COMPUTE_HOST_PORT_MESSAGE, (event, job: unknown) => {
  const known = COMPUTE_HOST_JOBS.find((name) => name === job);
  if (known) page.postMessage(computeHostPortMessage(known), page.location.origin, event.ports);
});

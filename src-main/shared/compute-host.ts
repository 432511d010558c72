/**
 * The compute host: a hidden, sandboxed Chromium page that trains on WebGPU (navigator.gpu) for the
 * desktop app, where dawn.node cannot run. Main hands it one MessagePort per job as a window message
 * naming the job (Electron's preload forwards it; tests post it themselves).
 */
export const COMPUTE_HOST_PORT_MESSAGE = 'pretext-compute-host-port';

/** What a port carries: a training run, a feature extraction, or the question which adapter the page has. */
export const COMPUTE_HOST_JOBS = ['training', 'extraction', 'adapter'] as const;
export type ComputeHostJob = (typeof COMPUTE_HOST_JOBS)[number];

/** The window message that hands the page a port for `job`. */
export function computeHostPortMessage(job: ComputeHostJob): string {
  return `${COMPUTE_HOST_PORT_MESSAGE}:${job}`;
}

/** The job a window message hands a port for, or null when it is no such message. */
export function computeHostJobOf(message: unknown): ComputeHostJob | null {
  return COMPUTE_HOST_JOBS.find((job) => message === computeHostPortMessage(job)) ?? null;
}

/** The page's file beside the renderer's index.html. */
export const COMPUTE_HOST_PAGE = 'compute-host.html';

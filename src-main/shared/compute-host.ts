/**
 * The compute host: a hidden, sandboxed Chromium page that trains on WebGPU (navigator.gpu) for the
 * desktop app, where dawn.node cannot run. Main hands it one MessagePort per job as a window message
 * with this name (Electron's preload forwards it; tests post it themselves).
 */
export const COMPUTE_HOST_PORT_MESSAGE = 'pretext-compute-host-port';

/** The page's file beside the renderer's index.html. */
export const COMPUTE_HOST_PAGE = 'compute-host.html';

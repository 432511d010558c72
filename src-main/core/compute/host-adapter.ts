/**
 * WebGPU in the desktop app's backend report: there WebGPU is Chromium's (navigator.gpu in the compute
 * host page, asked by training/host-adapter-job.ts), so the report describes that adapter, not
 * dawn.node's. Plain web code (no Node imports).
 */
import type { BackendStatus, GpuAdapterSummary } from '../../shared/dto.ts';
import { describeAdapter } from '../../shared/gpu-adapter.ts';

/** Why auto passes a software adapter by (the Node report says the same of dawn.node's). */
export function softwareSkip(adapter: GpuAdapterSummary): string {
  return `${describeAdapter(adapter)} is a CPU emulating a GPU, slower than wasm: auto passes it by, --backend webgpu forces it`;
}

/**
 * The desktop app's webgpu entry: the compute host's adapter (or why there is none) in place of
 * dawn.node's. Auto trains in a worker thread, where WebGPU cannot load inside Electron, so it passes
 * even a real GPU by; choosing WebGPU trains in the compute host.
 */
export function hostWebGpuStatus(host: GpuAdapterSummary | null | Error): BackendStatus {
  const name = 'webgpu';
  if (host instanceof Error) return { name, available: false, note: `the compute host page did not answer: ${host.message}` };
  if (!host) return { name, available: false, note: 'the compute host page (Chromium) offers no WebGPU adapter' };
  const autoSkips = host.software
    ? softwareSkip(host)
    : `auto trains in a worker thread, where WebGPU cannot load inside Electron: choose WebGPU to train on ${describeAdapter(host)} in the compute host`;
  return { name, available: true, note: autoSkips, autoSkips, adapter: host };
}

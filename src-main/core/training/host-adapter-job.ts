/**
 * The question which WebGPU adapter the compute host page has, as a job over its port: the page
 * answers with what navigator.gpu offers. Plain web code (no Node imports).
 */
import type { GpuAdapterSummary } from '../../shared/dto.ts';
import { findAdapter, type GpuLike } from '../compute/webgpu-adapter.ts';
import { runJobOver, serveJobOver, type JobPort } from '../jobs/job-port.ts';

export type FromAdapterJob = { type: 'adapter'; adapter: GpuAdapterSummary | null };

/** The page's side: answers with the adapter `gpu` offers (null without navigator.gpu or an adapter). */
export function serveAdapterReport(port: JobPort, gpu: GpuLike | undefined): void {
  serveJobOver<null, FromAdapterJob>(port, async (_start, _signal, post) => {
    const found = gpu ? await findAdapter(gpu) : null;
    post({ type: 'adapter', adapter: found?.summary ?? null });
  });
}

/** Main's side: the page's adapter, or null when it has none. */
export function askHostAdapter(port: JobPort): Promise<GpuAdapterSummary | null> {
  return runJobOver<null, FromAdapterJob, GpuAdapterSummary | null>(port, null, (message, finish) => finish(message.adapter));
}


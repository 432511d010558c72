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
  serveJobOver<null, FromAdapterJob>(port, async () => {
    const found = gpu ? await findAdapter(gpu) : null;
    return { type: 'adapter', adapter: found?.summary ?? null };
  });
}

/** How long the backend report waits for the page: a hung page must not hang the Train screen. */
export const HOST_ADAPTER_TIMEOUT_MS = 10_000;

/** Main's side: the page's adapter, or null when it has none; rejects when the page does not answer in time. */
export function askHostAdapter(port: JobPort, timeoutMs = HOST_ADAPTER_TIMEOUT_MS): Promise<GpuAdapterSummary | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      port.close();
      reject(new Error(`the compute host page did not describe its WebGPU adapter within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  const answer = runJobOver<null, FromAdapterJob, GpuAdapterSummary | null>(port, null, (message, finish) => finish(message.adapter));
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}


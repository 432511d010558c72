/** How a WebGPU adapter is named to the user (CLI, logs, the Train screen). */
import type { GpuAdapterSummary } from './dto.ts';

/** "mesa llvmpipe-… (software)", "nvidia 0x2335". */
export function describeAdapter(adapter: GpuAdapterSummary): string {
  const name = [adapter.vendor, adapter.device || adapter.description].filter(Boolean).join(' ') || 'an unnamed adapter';
  return adapter.software ? `${name} (software)` : name;
}

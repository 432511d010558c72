/**
 * What a WebGPU adapter is, read from the fields every implementation has (dawn.node, Chromium):
 * `auto` never trains on a software adapter (Mesa's llvmpipe/lavapipe, SwiftShader): it is a CPU
 * pretending to be a GPU, slower than wasm. Plain code, no Node and no DOM.
 */
import type { GpuAdapterSummary } from '../../shared/dto.ts';

/** The subset of GPUAdapterInfo read here. */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** Where the spec moved it (Chromium 134+, dawn.node 0.6). */
  isFallbackAdapter?: boolean;
}

/** The subset of GPUAdapter read here; `isFallbackAdapter` is where older implementations keep it. */
export interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
}

/** The parts of the WebGPU API used (dawn.node's `create()` and `navigator.gpu` both have them). */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

export interface GpuAdapterLike extends AdapterLike {
  readonly limits: Readonly<Record<string, number>>;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<GpuDeviceLike>;
}

export type ErrorFilter = 'validation' | 'out-of-memory' | 'internal';

export interface GpuDeviceLike {
  readonly limits: Readonly<Record<string, number>>;
  readonly lost: Promise<{ reason: string; message: string }>;
  pushErrorScope(filter: ErrorFilter): void;
  popErrorScope(): Promise<{ message: string } | null>;
  addEventListener(type: 'uncapturederror', listener: (event: { error: { message: string } }) => void): void;
}

const SOFTWARE_ARCHITECTURES = ['software', 'swiftshader'];
const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader/i;

export function summarizeAdapter(adapter: AdapterLike): GpuAdapterSummary {
  const info = adapter.info ?? {};
  const text = (value: string | undefined) => value ?? '';
  const isFallbackAdapter = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true;
  const software =
    isFallbackAdapter ||
    SOFTWARE_ARCHITECTURES.includes(text(info.architecture).toLowerCase()) ||
    SOFTWARE_NAMES.test(`${text(info.device)} ${text(info.description)}`);
  return {
    vendor: text(info.vendor),
    architecture: text(info.architecture),
    device: text(info.device),
    description: text(info.description),
    software,
    isFallbackAdapter,
  };
}

/** The first adapter the implementation offers for compute, or null; with what it is. */
export async function findAdapter(gpu: GpuLike): Promise<{ adapter: GpuAdapterLike; summary: GpuAdapterSummary } | null> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  return adapter ? { adapter, summary: summarizeAdapter(adapter) } : null;
}

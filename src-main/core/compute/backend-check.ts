import * as tf from './tf.ts';

/**
 * Throws the compute backend's deferred error from the work since the last call (WebGPU reports
 * errors after the fact); call after every step. Other backends throw where the error happens.
 * Plain web code: the compute host page checks its steps with it too.
 */
export async function checkBackend(): Promise<void> {
  if (tf.getBackend() !== 'webgpu') return;
  const { checkWebGpu } = await import('./webgpu-backend.ts');
  await checkWebGpu();
}

/** Helpers for the WebGPU tests (not a test file itself). */
import { backendReport } from './backend.ts';
import * as tf from './tf.ts';

/** Why the webgpu backend cannot run here (no adapter, package missing), or null when it can. */
export async function webgpuProblem(): Promise<string | null> {
  const webgpu = (await backendReport()).backends.find((backend) => backend.name === 'webgpu');
  return webgpu?.available ? null : (webgpu?.note ?? 'no webgpu entry in the backend report');
}

/** A describe title that carries the skip reason, so the report says why nothing ran. */
export function skipTitle(problem: string | null): (name: string) => string {
  return (name) => (problem ? `${name} (skipped: ${problem})` : name);
}

/** A kernel whose shader does not compile: a forced WebGPU validation error. */
export const BROKEN_KERNEL = 'TestBrokenShader';

/** Registers BROKEN_KERNEL; call before the webgpu backend starts, so it runs guarded like the others. */
export function registerBrokenKernel(): void {
  tf.registerKernel({
    kernelName: BROKEN_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs['x'] as tf.TensorInfo;
      const program = {
        variableNames: ['x'],
        outputShape: x.shape,
        shaderKey: BROKEN_KERNEL,
        dispatchLayout: { x: [0] },
        dispatch: [1, 1, 1],
        workgroupSize: [1, 1, 1],
        getUserCode: () => 'fn broken() -> f32 { return undefinedValue; }',
      };
      const webgpu = backend as unknown as { runWebGPUProgram(p: object, i: tf.TensorInfo[], d: string): tf.TensorInfo };
      return webgpu.runWebGPUProgram(program, [x], 'float32');
    },
  });
}

/** Runs the broken kernel on the webgpu backend (its error surfaces at the next check). */
export function runBrokenKernel(): void {
  tf.tidy(() => {
    tf.engine().runKernel(BROKEN_KERNEL, { x: tf.ones([4]) }, {});
  });
}

/**
 * Our weights under PyTorch's names and layouts, and back. A name maps by rule ("/" → ".",
 * kernel/gamma → weight, beta → bias, running_variance → running_var), which the bundle's Python
 * model (torch-bundle/pretext_torch/models.py) follows module by module. Layouts: our conv kernels
 * are channels last, [t, h, w, in, out] (2D: [h, w, in, out]); PyTorch's are [out, in, t, h, w];
 * our dense kernels are [in, out], PyTorch's Linear weights [out, in].
 */
import * as tf from '../compute/tf.ts';
import type { Param } from '../models/params.ts';
import type { StoredTensor } from './safetensors.ts';

const LEAF_NAMES: Record<string, string> = { kernel: 'weight', gamma: 'weight', beta: 'bias', running_variance: 'running_var' };

/** "encoder/conv1a/bn/gamma" → "encoder.conv1a.bn.weight". */
export function torchName(name: string): string {
  const parts = name.split('/');
  const leaf = parts.pop() as string;
  return [...parts, LEAF_NAMES[leaf] ?? leaf].join('.');
}

/** Axis order from ours to PyTorch's, by rank (rank 1: the same). */
const TO_TORCH: Record<number, number[]> = { 2: [1, 0], 4: [3, 2, 0, 1], 5: [4, 3, 0, 1, 2] };
const FROM_TORCH: Record<number, number[]> = { 2: [1, 0], 4: [2, 3, 1, 0], 5: [2, 3, 4, 1, 0] };

/** Every weight of `params` as PyTorch names it and lays it out. */
export function toTorchTensors(params: readonly Param[]): Map<string, { shape: number[]; data: Float32Array }> {
  return new Map(
    params.map((param) => {
      const axes = TO_TORCH[param.variable.rank];
      const tensor = axes ? tf.transpose(param.variable, axes) : param.variable;
      const entry = { shape: tensor.shape, data: tensor.dataSync() as Float32Array };
      if (tensor !== param.variable) tensor.dispose();
      return [torchName(param.name), entry];
    }),
  );
}

/** PyTorch bookkeeping with no counterpart in our models. */
const IGNORED = /\.num_batches_tracked$/;

/**
 * Assigns PyTorch-named tensors to `params`. Checks everything before assigning anything, so a file
 * for another model leaves the params as they were.
 */
export function assignTorchTensors(params: readonly Param[], tensors: ReadonlyMap<string, StoredTensor>): void {
  const values = params.map((param) => {
    const name = torchName(param.name);
    const stored = tensors.get(name);
    if (!stored) throw new Error(`the file lacks ${name} (our ${param.name}): it was made for another model`);
    const axes = TO_TORCH[param.variable.rank];
    const expected = axes ? axes.map((axis) => param.variable.shape[axis] as number) : param.variable.shape;
    if (stored.dtype !== 'F32' || !tf.util.arraysEqual(stored.shape, expected)) {
      throw new Error(`${name} is ${stored.dtype} [${stored.shape.join(', ')}] in the file; the model needs F32 [${expected.join(', ')}]`);
    }
    return { param, stored: stored as StoredTensor & { data: Float32Array } };
  });
  const known = new Set(values.map(({ param }) => torchName(param.name)));
  const extra = [...tensors.keys()].find((name) => !known.has(name) && !IGNORED.test(name));
  if (extra) throw new Error(`the file has ${extra}, which the model lacks: it was made for another model`);
  for (const { param, stored } of values) {
    tf.tidy(() => {
      const tensor = tf.tensor(stored.data, stored.shape);
      const axes = FROM_TORCH[param.variable.rank];
      param.variable.assign(axes ? tf.transpose(tensor, axes) : tensor);
    });
  }
}

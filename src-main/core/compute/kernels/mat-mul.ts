/**
 * Matrix products without BatchMatMul's transposed forms. tfjs-backend-wasm 4.22 runs a product with
 * transposeA or transposeB 10–20× slower than the plain product of the same size (a dense layer's
 * weight gradient [12, 4096]ᵀ·[12, 1024]: 173 ms against 8 ms with the operand transposed first), and
 * every dense layer's gradient asks for those forms. Here the transposes are made explicit, either of
 * the operands (C = op(A)·op(B)) or of the product (C = (op(B)ᵀ·op(A)ᵀ)ᵀ), whichever moves fewer
 * elements: the small operand and the small product, never the weights.
 */
import * as tf from '../tf.ts';

/** x with its last two axes swapped. */
function swapLastTwo(x: tf.Tensor): tf.Tensor {
  const axes = x.shape.map((_, axis) => axis);
  const rank = axes.length;
  [axes[rank - 2], axes[rank - 1]] = [rank - 1, rank - 2];
  return tf.transpose(x, axes);
}

/** The number of rows op(x) has (columns when transposed). */
function outerSize(x: tf.Tensor, transposed: boolean): number {
  return x.shape[x.rank - (transposed ? 1 : 2)] as number;
}

/** How many matrices x stacks along its leading axes. */
function matrixCount(x: tf.Tensor): number {
  return x.size / ((x.shape[x.rank - 1] as number) * (x.shape[x.rank - 2] as number));
}

/** op(a)·op(b) as plain products and transposes; the caller sees one tensor, nothing else kept. */
export function matMulByTransposes(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  return tf.tidy(() => {
    const productSize = Math.max(matrixCount(a), matrixCount(b)) * outerSize(a, transposeA) * outerSize(b, !transposeB);
    const operandsMoved = (transposeA ? a.size : 0) + (transposeB ? b.size : 0);
    const productMoved = (transposeA ? 0 : a.size) + (transposeB ? 0 : b.size) + productSize;
    if (operandsMoved <= productMoved) {
      return tf.matMul(transposeA ? swapLastTwo(a) : a, transposeB ? swapLastTwo(b) : b);
    }
    return swapLastTwo(tf.matMul(transposeB ? b : swapLastTwo(b), transposeA ? a : swapLastTwo(a)));
  });
}

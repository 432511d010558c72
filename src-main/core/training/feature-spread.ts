/**
 * Feature collapse, measured as SimSiam does (Chen & He, CVPR 2021): L2-normalise each feature
 * vector, take the standard deviation of every dimension across the vectors, and average over the
 * dimensions. Vectors spread over the unit sphere of d dimensions give about 1/√d; vectors that all
 * point the same way give 0. Pure.
 */

/** `values` holds rows of `size` features each; returns the spread (0 for fewer than two rows). */
export function featureSpread(values: ArrayLike<number>, size: number): number {
  if (!Number.isInteger(size) || size < 1 || values.length % size !== 0) {
    throw new RangeError(`${values.length} values do not make rows of ${size} features`);
  }
  const rows = values.length / size;
  if (rows < 2) return 0;
  const sum = new Float64Array(size);
  const sumOfSquares = new Float64Array(size);
  for (let row = 0; row < rows; row++) {
    const offset = row * size;
    let norm = 0;
    for (let i = 0; i < size; i++) norm += (values[offset + i] as number) ** 2;
    // An all-zero vector (every unit dead) stays zero: it says nothing about any input.
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < size; i++) {
      const unit = (values[offset + i] as number) * scale;
      sum[i] = (sum[i] as number) + unit;
      sumOfSquares[i] = (sumOfSquares[i] as number) + unit * unit;
    }
  }
  let spread = 0;
  for (let i = 0; i < size; i++) {
    const mean = (sum[i] as number) / rows;
    spread += Math.sqrt(Math.max(0, (sumOfSquares[i] as number) / rows - mean * mean));
  }
  return spread / size;
}

/**
 * Feature matrices for other tools (NumPy .npy, CSV), so vectors can be checked or plotted in Python
 * or a spreadsheet.
 */
import { csvText } from '../../shared/csv.ts';

function assertMatrix(matrix: Float32Array, rows: number, cols: number): void {
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`A matrix needs non-negative integer rows and cols, got ${rows} × ${cols}`);
  }
  if (matrix.length !== rows * cols) throw new RangeError(`A ${rows} × ${cols} matrix needs ${rows * cols} numbers, got ${matrix.length}`);
}

const NPY_MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // "\x93NUMPY"
/** Magic, version (2 bytes), header length (2 bytes). */
const NPY_PREAMBLE = NPY_MAGIC.length + 4;
const NPY_ALIGNMENT = 64;

/**
 * A NumPy .npy v1.0 file of float32 (`'<f4'`, C order, shape (rows, cols)): what `np.load` reads.
 * The header is space-padded and ends in '\n' so that the data starts on a 64-byte boundary, as
 * the format asks.
 */
export function npyBytes(matrix: Float32Array, rows: number, cols: number): Uint8Array {
  assertMatrix(matrix, rows, cols);
  const dictionary = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const dataStart = Math.ceil((NPY_PREAMBLE + dictionary.length + 1) / NPY_ALIGNMENT) * NPY_ALIGNMENT;
  const header = `${dictionary.padEnd(dataStart - NPY_PREAMBLE - 1, ' ')}\n`;
  const bytes = new Uint8Array(dataStart + matrix.length * 4);
  const view = new DataView(bytes.buffer);
  bytes.set(NPY_MAGIC, 0);
  bytes.set([1, 0], NPY_MAGIC.length);
  view.setUint16(NPY_MAGIC.length + 2, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[NPY_PREAMBLE + i] = header.charCodeAt(i);
  // DataView writes little-endian whatever the host's byte order.
  matrix.forEach((value, i) => view.setFloat32(dataStart + i * 4, value, true));
  return bytes;
}

/**
 * `video_id,label,f0,f1,…` with one line per key; an unlabelled video has an empty label. Nine
 * significant digits read back as the very same float32.
 */
export function featuresCsv(keys: readonly number[], labels: readonly (string | null)[], matrix: Float32Array, cols: number): string {
  assertMatrix(matrix, keys.length, cols);
  if (labels.length !== keys.length) throw new RangeError(`${keys.length} keys need as many labels, got ${labels.length}`);
  const header = ['video_id', 'label', ...Array.from({ length: cols }, (_, j) => `f${j}`)];
  const lines = keys.map((key, row) => [
    key,
    labels[row],
    ...Array.from(matrix.subarray(row * cols, (row + 1) * cols), (value) => Number(value.toPrecision(9))),
  ]);
  return csvText([header, ...lines]);
}

/**
 * The safetensors format (huggingface/safetensors), read and written directly: an 8-byte
 * little-endian header length, a JSON header {name: {dtype, shape, data_offsets}, "__metadata__"},
 * then the tensors' raw little-endian bytes. Only what PyTorch checkpoints of our networks hold:
 * F32 weights and I64 counters (BatchNorm's num_batches_tracked).
 */
export interface StoredTensor {
  dtype: 'F32' | 'I64';
  shape: number[];
  data: Float32Array | BigInt64Array;
}

export interface Safetensors {
  tensors: Map<string, StoredTensor>;
  metadata: Record<string, string>;
}

const BYTES = { F32: 4, I64: 8 } as const;
const METADATA = '__metadata__';

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** Float32 tensors and string metadata → a safetensors file's bytes. */
export function encodeSafetensors(tensors: ReadonlyMap<string, { shape: number[]; data: Float32Array }>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, unknown> = { [METADATA]: metadata };
  const blobs: Buffer[] = [];
  let offset = 0;
  for (const [name, tensor] of [...tensors].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const blob = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
    header[name] = { dtype: 'F32', shape: tensor.shape, data_offsets: [offset, offset + blob.length] };
    blobs.push(blob);
    offset += blob.length;
  }
  const json = JSON.stringify(header);
  const text = Buffer.from(json + ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(text.length));
  return Buffer.concat([length, text, ...blobs]);
}

/** A safetensors file's bytes → its tensors; every malformed part is an Error saying which. */
export function decodeSafetensors(bytes: Uint8Array): Safetensors {
  if (bytes.length < 8) throw new Error('not a safetensors file: shorter than its 8-byte header length');
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.readBigUInt64LE(0));
  if (headerLength > bytes.length - 8) throw new Error(`not a safetensors file: a ${headerLength}-byte header in ${bytes.length} bytes`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(view.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error('not a safetensors file: its header is not JSON');
  }
  const body = view.subarray(8 + headerLength);
  const tensors = new Map<string, StoredTensor>();
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA) continue;
    const entry = value as HeaderEntry;
    if (entry.dtype !== 'F32' && entry.dtype !== 'I64') throw new Error(`${name} is ${entry.dtype}; only F32 weights (and I64 counters) can be imported`);
    const [start, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - start !== count * BYTES[entry.dtype] || end > body.length || start < 0) {
      throw new Error(`${name}: bytes ${start}–${end} do not hold [${entry.shape.join(', ')}] ${entry.dtype} inside the file`);
    }
    // A copy: the typed array must be aligned, and must not keep the whole file alive.
    const copy = new Uint8Array(body.subarray(start, end)).buffer;
    tensors.set(name, { dtype: entry.dtype, shape: entry.shape, data: entry.dtype === 'F32' ? new Float32Array(copy) : new BigInt64Array(copy) });
  }
  return { tensors, metadata: (header[METADATA] as Record<string, string> | undefined) ?? {} };
}

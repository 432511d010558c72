/**
 * A few WebAssembly functions assembled here and run on tfjs's own wasm heap (its exported memory,
 * imported by our module), so a fused kernel can loop over tensors four floats at a time with SIMD.
 * The tfjs wasm build exports no such loops, and no compiler runs at install time, so the module is
 * written out in bytes: one function type per export, every function a loop over byte offsets.
 * f32x4 arithmetic rounds each operation to float32 as the elementwise kernels do, so results match
 * theirs bit for bit.
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

function signedLeb(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

const vector = (items: number[][]): number[] => [...unsignedLeb(items.length), ...items.flat()];
const name = (text: string): number[] => vector([...text].map((char) => [char.charCodeAt(0)]));
const section = (id: number, content: number[]): number[] => [id, ...unsignedLeb(content.length), ...content];

/** Instructions, as bytes. */
const simd = (opcode: number) => [0xfd, ...unsignedLeb(opcode)];
// memarg: alignment 2^2 (floats are 4-byte aligned in the heap), offset 0.
const MEMARG = [2, 0];
export const op = {
  localGet: (index: number) => [0x20, ...unsignedLeb(index)],
  localSet: (index: number) => [0x21, ...unsignedLeb(index)],
  i32Const: (value: number) => [0x41, ...signedLeb(value)],
  i32Add: [0x6a],
  i32GeU: [0x4f],
  v128Load: [...simd(0x00), ...MEMARG],
  v128Store: [...simd(0x0b), ...MEMARG],
  f32x4Splat: simd(0x13),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
} as const;

export interface SimdFunction {
  name: string;
  params: number[];
  /** Locals after the params, by type. */
  locals: number[];
  body: number[];
}

/**
 * `for (offset = 0; offset < end; offset += 16) body` — `offset` and `end` are local indices; the body
 * leaves the stack as it found it.
 */
export function loopOverBytes(offset: number, end: number, body: number[]): number[] {
  const [block, loop, brIf, br, endOp, empty] = [0x02, 0x03, 0x0d, 0x0c, 0x0b, 0x40];
  return [
    ...op.i32Const(0),
    ...op.localSet(offset),
    block, empty,
    loop, empty,
    ...op.localGet(offset), ...op.localGet(end), ...op.i32GeU, brIf, 1,
    ...body,
    ...op.localGet(offset), ...op.i32Const(16), ...op.i32Add, ...op.localSet(offset),
    br, 0,
    endOp,
    endOp,
  ];
}

/** A module that imports `env.memory` and exports `functions`, each returning nothing. */
export function simdModuleBytes(functions: readonly SimdFunction[]): Uint8Array {
  const types = section(1, vector(functions.map((fn) => [0x60, ...vector(fn.params.map((type) => [type])), 0])));
  // Memory limits: at least one page, no maximum (tfjs's memory grows).
  const imports = section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 1]]));
  const declared = section(3, vector(functions.map((_, index) => unsignedLeb(index))));
  const exports = section(7, vector(functions.map((fn, index) => [...name(fn.name), 0x00, ...unsignedLeb(index)])));
  const bodies = functions.map((fn) => {
    const locals = vector(fn.locals.map((type) => [1, type]));
    const code = [...locals, ...fn.body, 0x0b];
    return [...unsignedLeb(code.length), ...code];
  });
  const code = section(10, vector(bodies));
  return Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...declared, ...exports, ...code]);
}

/** The parts of the WebAssembly API used here (this project's Node typings leave them out). */
interface WasmApi {
  Memory: abstract new (...args: never[]) => object;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/**
 * Instantiates `bytes` on a tfjs wasm backend's heap, once per heap: its exports, or null where tfjs
 * does not expose its memory (another build or version) or the module cannot take it (the threaded
 * build's shared memory), so callers fall back to JS.
 */
export function simdLoader<Exports>(bytes: Uint8Array): (backend: object) => Exports | null {
  const byMemory = new WeakMap<object, Exports | null>();
  return (backend) => {
    const memory = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
    if (!(memory instanceof wasmApi.Memory)) return null;
    if (!byMemory.has(memory)) byMemory.set(memory, instantiate<Exports>(bytes, memory));
    return byMemory.get(memory) ?? null;
  };
}

function instantiate<Exports>(bytes: Uint8Array, memory: object): Exports | null {
  try {
    return new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory } }).exports as Exports;
  } catch {
    return null;
  }
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { featuresCsv, npyBytes } from './export.ts';

const runPython = (code: string, ...args: string[]) => spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
const hasPython = runPython('pass').status === 0;
const hasNumpy = hasPython && runPython('import numpy').status === 0;

const work = mkdtempSync(join(tmpdir(), 'pretext-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The .npy header's text and where the data starts. */
function parseNpy(bytes: Uint8Array): { header: string; dataStart: number } {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint16(8, true);
  return { header: new TextDecoder('latin1').decode(bytes.subarray(10, 10 + headerLength)), dataStart: 10 + headerLength };
}

describe('npyBytes', () => {
  const matrix = Float32Array.of(1, -2.5, 0.1, 3e-8, 3.4e38, -0, 7, 8, 9, 1e10, -1, 0.5);

  it('writes a v1.0 header, padded so the data starts at a multiple of 64 bytes', () => {
    const bytes = npyBytes(matrix, 3, 4);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const { header, dataStart } = parseNpy(bytes);
    expect(dataStart % 64).toBe(0);
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 4\), \} *\n$/);
    expect(bytes.length).toBe(dataStart + 12 * 4);
  });

  it('stores the floats little-endian in row-major order', () => {
    const bytes = npyBytes(matrix, 3, 4);
    const { dataStart } = parseNpy(bytes);
    const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart);
    expect(Array.from(matrix, (_, i) => view.getFloat32(i * 4, true))).toEqual(Array.from(matrix));
    expect(Array.from(bytes.subarray(dataStart, dataStart + 4))).toEqual([0, 0, 0x80, 0x3f]); // 1.0f
  });

  it('writes empty matrices and rejects shapes that do not fit', () => {
    expect(parseNpy(npyBytes(new Float32Array(0), 0, 512)).header).toContain("'shape': (0, 512)");
    expect(() => npyBytes(matrix, 5, 4)).toThrow(new RangeError('A 5 × 4 matrix needs 20 numbers, got 12'));
    expect(() => npyBytes(matrix, -3, -4)).toThrow(RangeError);
  });

  it.skipIf(!hasNumpy)('loads in NumPy with the same shape, dtype and values (skipped without python3 and numpy)', () => {
    const file = join(work, 'features.npy');
    writeFileSync(file, npyBytes(matrix, 3, 4));
    const result = runPython(
      'import json, sys, numpy as np; a = np.load(sys.argv[1]); print(json.dumps([str(a.dtype), list(a.shape), a.flags.c_contiguous, a.tolist()]))',
      file,
    );
    expect(result.stderr).toBe('');
    const [dtype, shape, cOrder, values] = JSON.parse(result.stdout);
    expect([dtype, shape, cOrder]).toEqual(['float32', [3, 4], true]);
    expect((values as number[][]).flat()).toEqual(Array.from(matrix));
  });
});

describe('featuresCsv', () => {
  it('writes video_id, label and every feature, each reading back as the same float32', () => {
    const matrix = Float32Array.of(0.1, -2, 1 / 3, 0, 1e-9, 123456.789);
    const csv = featuresCsv([7, 12], ['Jump, high', null], matrix, 3);
    const [header, first, second, end] = csv.split('\n');
    expect(header).toBe('video_id,label,f0,f1,f2');
    expect(first).toBe('7,"Jump, high",0.100000001,-2,0.333333343');
    expect(second?.startsWith('12,,0,')).toBe(true);
    expect(end).toBe('');
    const numbers = [first, second].flatMap((line) => (line as string).split(',').slice(-3).map(Number));
    expect(numbers.map(Math.fround)).toEqual(Array.from(matrix));
  });

  it('writes only ids and labels for zero columns, and checks the shapes', () => {
    expect(featuresCsv([1, 2], ['a', 'b"c'], new Float32Array(0), 0)).toBe('video_id,label\n1,a\n2,"b""c"\n');
    expect(() => featuresCsv([1, 2], ['a'], new Float32Array(4), 2)).toThrow(new RangeError('2 keys need as many labels, got 1'));
    expect(() => featuresCsv([1, 2], ['a', 'b'], new Float32Array(3), 2)).toThrow(RangeError);
  });
});

/**
 * Our vcop-reference features against an independent PyTorch re-implementation (reference/
 * c3d_reference_features.py) on one clip with the same weights, and our clip and frame positions
 * against numpy.linspace. Needs a Python with torch (Debian: apt-get install python3-torch; PYTHON
 * picks the interpreter); skipped, with the reason, where there is none.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { pythonWith } from '../interop/test-support.ts';
import { buildClipEncoder } from '../models/clip-encoders.ts';
import { createScope, disposeParams, type Param } from '../models/params.ts';
import { createRng } from '../tasks/rng.ts';
import { clipFeatures } from './encode.ts';
import { REFERENCE_CLIP, referenceClipWindows, referenceFrameWindows } from './feature-protocol.ts';

const SCRIPT = fileURLToPath(new URL('./reference/c3d_reference_features.py', import.meta.url));

const { python, why } = pythonWith(['torch', 'numpy']);
if (!python) console.warn(`vcop-reference PyTorch check skipped: ${why}`);

const FRAME_COUNTS = [16, 17, 40, 100, 101, 137, 250, 1001];
const C3D_STAGES = [['conv1a'], ['conv2a'], ['conv3a', 'conv3b'], ['conv4a', 'conv4b'], ['conv5a', 'conv5b']];

let work: string;
beforeAll(async () => {
  await initBackend('wasm');
  work = mkdtempSync(join(tmpdir(), 'pretext-reference-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!python)('vcop-reference features against PyTorch', () => {
  it('C3D conv5b → MaxPool3d((1,2,2)) → flatten matches on one 16 × 112 × 112 clip with the same weights', () => {
    const params: Param[] = [];
    const encoder = buildClipEncoder(createScope(7, params), { backbone: 'c3d', frames: REFERENCE_CLIP.frames, inputSize: REFERENCE_CLIP.crop, width: 1 / 16 });
    // Non-trivial BatchNorm statistics, so the check covers them too.
    const rng = createRng('bn');
    for (const param of params) {
      if (param.name.endsWith('running_mean')) param.variable.assign(tf.tensor1d(Array.from({ length: param.variable.size }, () => rng.next() - 0.5)));
      if (param.name.endsWith('running_variance')) param.variable.assign(tf.tensor1d(Array.from({ length: param.variable.size }, () => 0.5 + rng.next())));
    }
    const shape = [1, REFERENCE_CLIP.frames, REFERENCE_CLIP.crop, REFERENCE_CLIP.crop, 3];
    const pixelRng = createRng('clip');
    const pixels = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => pixelRng.next());
    const ours = tf.tidy(() => clipFeatures(encoder, tf.tensor5d(pixels, shape as [number, number, number, number, number]), { pooling: 'reference-grid', subsequence: null }).arraySync());
    const weights = Object.fromEntries(params.map((param) => [param.name, { shape: param.variable.shape, data: Array.from(param.variable.dataSync()) }]));
    writeFileSync(join(work, 'weights.json'), JSON.stringify({ stages: C3D_STAGES, params: weights }));
    writeFileSync(join(work, 'clip.f32'), Buffer.from(pixels.buffer));
    writeFileSync(join(work, 'shape.json'), JSON.stringify(shape));
    const run = spawnSync(python as string, [SCRIPT, work], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const theirs = JSON.parse(readFileSync(join(work, 'torch-features.json'), 'utf8')) as number[][];
    // 32 channels of conv5b × 2 × 3 × 3: the reference's 9,216 at full width (512 channels).
    expect(ours[0]).toHaveLength(32 * 2 * 3 * 3);
    expect(theirs[0]).toHaveLength(ours[0]?.length as number);
    const scale = Math.max(...(theirs[0] as number[]).map(Math.abs));
    (ours[0] as number[]).forEach((value, i) => expect(Math.abs(value - (theirs[0]?.[i] as number))).toBeLessThan(1e-4 * Math.max(1, scale)));
    disposeParams(params);
  }, 120_000);

  it('clip starts and single frames follow numpy.linspace exactly', () => {
    // The reference's samplers: int(centre − 8) over linspace(8, n − 8, 10); int(i) over linspace(0, n − 1, 10).
    const code = `import json, sys, numpy as np
counts = json.loads(sys.argv[1])
print(json.dumps({
  "clips": {str(n): [int(c - 8) for c in np.linspace(8, n - 8, 10)] for n in counts},
  "frames": {str(n): [int(i) for i in np.linspace(0, n - 1, 10)] for n in counts},
}))`;
    const run = spawnSync(python as string, ['-c', code, JSON.stringify(FRAME_COUNTS)], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as { clips: Record<string, number[]>; frames: Record<string, number[]> };
    for (const count of FRAME_COUNTS) {
      expect(referenceClipWindows(count, 10, 16, 25).map((window) => window.frames[0])).toEqual(expected.clips[String(count)]);
      expect(referenceFrameWindows(count, 10, 25).map((window) => window.frames[0])).toEqual(expected.frames[String(count)]);
    }
  });
});

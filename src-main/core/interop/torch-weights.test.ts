/**
 * Our encoders against the bundle's PyTorch models (torch-bundle/pretext_torch/models.py) with the
 * same weights: exported under PyTorch names and layouts through safetensors, the same clip gives the
 * same features. Sizes are odd and strided so TensorFlow's one-sided "same" padding is exercised.
 * Needs a Python with torch (skipped with the reason otherwise); the name and layout mapping itself
 * is checked without Python.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_PRESETS, type TaskConfig } from '../../shared/tasks.ts';
import { trainPreset, type Backbone, type TrainConfig } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { EVALUATION } from '../models/blocks.ts';
import { buildTaskModel, type TaskModel } from '../models/task-models.ts';
import { createRng } from '../tasks/rng.ts';
import { decodeSafetensors, encodeSafetensors } from './safetensors.ts';
import { pythonWith } from './test-support.ts';
import { assignTorchTensors, toTorchTensors, torchName } from './torch-weights.ts';

const BUNDLE = fileURLToPath(new URL('./torch-bundle/', import.meta.url));
const FEATURES_SCRIPT = join(BUNDLE, 'features.py');
const { python, why } = pythonWith(['torch', 'numpy']);
if (!python) console.warn(`PyTorch round-trip check skipped: ${why}`);

/** The tiny clip-order config at width 1/16, with an odd crop so strided layers pad unevenly. */
function config(backbone: Backbone) {
  const tiny = trainPreset('clip-order', backbone, 'tiny');
  return { ...tiny, width: 1 / 16, task: { ...tiny.task, clipLength: 5, cropSize: 37 } };
}

function model(backbone: Backbone, seed: number, c: TrainConfig = config(backbone)): TaskModel {
  const built = buildTaskModel(c.task, { backbone, width: c.width, seed, dropout: c.dropout });
  // Non-trivial BatchNorm statistics, so the check covers their mapping too.
  const rng = createRng(`bn-${seed}`);
  for (const param of built.params) {
    const values = () => tf.tensor1d(Array.from({ length: param.variable.size }, () => rng.next()));
    if (param.name.endsWith('running_mean')) param.variable.assign(tf.sub(values(), 0.5));
    if (param.name.endsWith('running_variance')) param.variable.assign(tf.add(values(), 0.5));
  }
  return built;
}

let work: string;
beforeAll(async () => {
  await initBackend('wasm');
  work = mkdtempSync(join(tmpdir(), 'pretext-torch-weights-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('PyTorch names and layouts', () => {
  it('renames leaves as PyTorch modules name them', () => {
    expect(torchName('encoder/conv1a/kernel')).toBe('encoder.conv1a.weight');
    expect(torchName('encoder/conv2/downsample/bn/gamma')).toBe('encoder.conv2.downsample.bn.weight');
    expect(torchName('encoder/conv2/bn1/beta')).toBe('encoder.conv2.bn1.bias');
    expect(torchName('encoder/conv1/bn/running_variance')).toBe('encoder.conv1.bn.running_var');
    expect(torchName('head/pair_fc/bias')).toBe('head.pair_fc.bias');
  });

  it('lays conv kernels out as [out, in, t, h, w] and dense kernels as [out, in], and maps them back exactly', () => {
    const source = model('r2plus1d', 1);
    const target = model('r2plus1d', 2);
    const tensors = toTorchTensors(source.params);
    const kernel = source.params.find((param) => param.name === 'encoder/conv1/spatial/kernel');
    expect(kernel?.variable.shape).toEqual([1, 7, 7, 3, expect.any(Number)]);
    expect(tensors.get('encoder.conv1.spatial.weight')?.shape).toEqual([kernel?.variable.shape[4], 3, 1, 7, 7]);
    const [t, h, w, i, o] = [0, 2, 3, 1, 4];
    const ours = kernel?.variable.arraySync() as number[][][][][];
    const theirs = tensors.get('encoder.conv1.spatial.weight') as { shape: number[]; data: Float32Array };
    const [, cin, kt, kh, kw] = theirs.shape as [number, number, number, number, number];
    expect(theirs.data[(((o * cin + i) * kt + t) * kh + h) * kw + w]).toBe(ours[t]?.[h]?.[w]?.[i]?.[o]);
    const file = decodeSafetensors(encodeSafetensors(tensors, { note: 'x' }));
    expect(file.metadata).toEqual({ note: 'x' });
    assignTorchTensors(target.params, file.tensors);
    source.params.forEach((param, index) =>
      expect(Array.from(target.params[index]?.variable.dataSync() ?? [])).toEqual(Array.from(param.variable.dataSync())),
    );
    source.dispose();
    target.dispose();
  });

  it('refuses a file for another model and leaves the weights as they were', () => {
    const c3d = model('c3d', 1);
    const r3d = model('r3d', 1);
    const before = r3d.params.map((param) => Array.from(param.variable.dataSync()));
    const c3dTensors = toTorchTensors(c3d.params);
    expect(() => assignTorchTensors(r3d.params, decodeSafetensors(encodeSafetensors(c3dTensors)).tensors)).toThrow(/lacks encoder\.conv1\.weight/);
    const r3dTensors = toTorchTensors(r3d.params);
    r3dTensors.set('encoder.extra.weight', { shape: [1], data: new Float32Array(1) });
    expect(() => assignTorchTensors(r3d.params, decodeSafetensors(encodeSafetensors(r3dTensors)).tensors)).toThrow(/has encoder\.extra\.weight, which the model lacks/);
    const reshaped = toTorchTensors(r3d.params);
    const bias = reshaped.get('head.classifier.bias') as { shape: number[]; data: Float32Array };
    reshaped.set('head.classifier.bias', { shape: [bias.shape[0] as number, 1], data: bias.data });
    expect(() => assignTorchTensors(r3d.params, decodeSafetensors(encodeSafetensors(reshaped)).tensors)).toThrow(/head\.classifier\.bias is F32 \[6, 1\]/);
    r3d.params.forEach((param, index) => expect(Array.from(param.variable.dataSync())).toEqual(before[index]));
    c3d.dispose();
    r3d.dispose();
  });

  it('rejects malformed safetensors files with the reason', () => {
    expect(() => decodeSafetensors(new Uint8Array(4))).toThrow(/shorter than its 8-byte header length/);
    const huge = Buffer.alloc(16);
    huge.writeBigUInt64LE(1000n);
    expect(() => decodeSafetensors(huge)).toThrow(/a 1000-byte header in 16 bytes/);
    const good = encodeSafetensors(new Map([['w', { shape: [2], data: new Float32Array([1, 2]) }]]));
    expect(() => decodeSafetensors(good.subarray(0, good.length - 4))).toThrow(/w: bytes 0–8 do not hold \[2\] F32/);
    const half = Buffer.from(good.toString('latin1').replace('"F32"', '"F16"'), 'latin1');
    expect(() => decodeSafetensors(half)).toThrow(/w is F16; only F32 weights/);
  });
});

describe.skipIf(!python)('the same clip through our encoder and through PyTorch', () => {
  it.each(['c3d', 'r3d', 'r2plus1d'] as const)('%s gives the same features with the same weights', (backbone) => {
    const built = model(backbone, 5);
    const shape = [2, ...built.encoder.inputShape];
    const rng = createRng(`clip-${backbone}`);
    const pixels = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next());
    const ours = tf.tidy(() => built.encoder.apply(tf.tensor(pixels, shape), EVALUATION).arraySync());
    const file = join(work, `${backbone}.safetensors`);
    writeFileSync(file, encodeSafetensors(toTorchTensors(built.params), { config: JSON.stringify(config(backbone)) }));
    writeFileSync(join(work, 'clip.f32'), Buffer.from(pixels.buffer));
    const out = join(work, `${backbone}.json`);
    const run = spawnSync(python as string, [FEATURES_SCRIPT, file, join(work, 'clip.f32'), '--shape', ...shape.map(String), '--out', out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const theirs = JSON.parse(readFileSync(out, 'utf8')) as number[][];
    expect(theirs.map((row) => row.length)).toEqual(ours.map((row) => row.length));
    expectClose(ours.flat(), theirs.flat());
    built.dispose();
  }, 60_000);
});

/** Frame-task configs at width 1/16: the tiny presets, and variants that take CaffeNet's layers, S&L's linear head and O3N's concatenation. */
const FRAME_CASES: [string, TaskConfig][] = [
  ['order-verification, small encoder, hidden layer', TASK_PRESETS['order-verification'].tiny],
  ['order-verification, CaffeNet, linear head', { ...TASK_PRESETS['order-verification'].tiny, head: 'linear', frameSize: { width: 96, height: 80 }, cropSize: 71 }],
  ['sequence-sorting (fc6 and pairs)', TASK_PRESETS['sequence-sorting'].tiny],
  ['odd-one-out, sum of differences', TASK_PRESETS['odd-one-out'].tiny],
  ['odd-one-out, concatenation', { ...TASK_PRESETS['odd-one-out'].tiny, fusion: 'concat', subsequences: 3 }],
];

/** The encoder's features of frames and the whole network's logits of tuples in PyTorch, from a checkpoint. */
const FRAME_TASK_SCRIPT = `
import json, sys
import numpy as np, torch
sys.path.insert(0, sys.argv[1])
from pretext_torch import safetensors_io
from pretext_torch.models import build_task_model
tensors, metadata = safetensors_io.load(sys.argv[2])
model = build_task_model(json.loads(metadata["config"]))
model.load_state_dict(tensors, strict=False)
model.eval()
read = lambda path, shape: torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(shape))
with torch.no_grad():
    print(json.dumps({"features": model.encode(read(sys.argv[3], json.loads(sys.argv[4]))).tolist(),
                      "logits": model(read(sys.argv[5], json.loads(sys.argv[6]))).tolist()}))
`;

function expectClose(ours: number[], theirs: number[]): void {
  expect(theirs).toHaveLength(ours.length);
  const scale = Math.max(...theirs.map(Math.abs));
  expect(scale).toBeGreaterThan(0);
  ours.forEach((value, index) => expect(Math.abs(value - (theirs[index] as number))).toBeLessThan(1e-4 * Math.max(1, scale)));
}

describe.skipIf(!python)('the same frames through our frame-task networks and through PyTorch', () => {
  it.each(FRAME_CASES)('%s gives the same features and logits with the same weights', (name, task) => {
    const c: TrainConfig = { ...trainPreset(task.task, 'alexnet', 'tiny'), task, width: 1 / 16 };
    const built = model('alexnet', 7, c);
    const file = join(work, 'frame.safetensors');
    writeFileSync(file, encodeSafetensors(toTorchTensors(built.params), { config: JSON.stringify(c) }));
    const rng = createRng(`frames-${name}`);
    const random = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next());

    const frameShape = [3, ...built.encoder.inputShape];
    const frames = random(frameShape);
    const tupleShape = [2, ...built.tupleShape];
    const tuples = random(tupleShape);
    const features = tf.tidy(() => built.encoder.apply(tf.tensor(frames, frameShape), EVALUATION).arraySync());
    const logits = tf.tidy(() => built.apply(tf.tensor(tuples, tupleShape), EVALUATION).arraySync());
    writeFileSync(join(work, 'frames.f32'), Buffer.from(frames.buffer));
    writeFileSync(join(work, 'tuples.f32'), Buffer.from(tuples.buffer));
    const shapes = [join(work, 'frames.f32'), JSON.stringify(frameShape), join(work, 'tuples.f32'), JSON.stringify(tupleShape)];
    const run = spawnSync(python as string, ['-c', FRAME_TASK_SCRIPT, BUNDLE, file, ...shapes], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    const theirs = JSON.parse(run.stdout) as { features: number[][]; logits: number[][] };
    expectClose(features.flat(), theirs.features.flat());
    expectClose(logits.flat(), theirs.logits.flat());
    built.dispose();
  }, 60_000);
});

/**
 * The papers' own checkpoints: a state dict named as VCOP's reference implementation names it
 * (VCOPN over C3D or R3D, random weights, conv biases and BatchNorm statistics), converted by the
 * bundle's convert_vcop_checkpoint.py, imported as a run; our encoder then gives the features the
 * reference architecture computes in PyTorch on the reference's [0, 1] pixels. The clip sizes are ones
 * where the two agree on every layer (torch-bundle/README.md, "The papers' checkpoints"). Needs a
 * Python with torch (skipped otherwise).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend.ts';
import { openMemoryDatabase } from '../db/connection.ts';
import { listCheckpoints, listRuns } from '../db/runs.ts';
import * as tf from '../compute/tf.ts';
import { EVALUATION } from '../models/blocks.ts';
import { folderHandler } from '../models/checkpoint-folder.ts';
import { loadCheckpoint } from '../models/checkpoint.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { createRng } from '../tasks/rng.ts';
import { importWeights } from './import-weights.ts';
import { pythonWith } from './test-support.ts';

const BUNDLE = fileURLToPath(new URL('./torch-bundle/', import.meta.url));
const { python, why } = pythonWith(['torch', 'numpy']);
if (!python) console.warn(`VCOP checkpoint conversion check skipped: ${why}`);

/**
 * Writes a reference-named VCOPN state dict (argv: backbone, channels of the first conv, .pt path)
 * and prints the reference architecture's features of the clips in argv[4] (float32 [n, t, h, w, 3]
 * in [0, 1] as the reference feeds them, shape in argv[5]): symmetric padding, floor pooling, global
 * average pool, as its modules do. One departure: the first conv pads with mid-grey (0.5), which is
 * what the app's zero padding of [-1, 1] pixels is (the converter's input-range fold is exact but there).
 */
const REFERENCE_SCRIPT = `
import json, math, sys
import numpy as np, torch
import torch.nn.functional as F
backbone, base, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
torch.manual_seed(5)
state = {}
def conv(name, cin, cout, kernel, bias=False):
    state[name + ".weight"] = torch.randn(cout, cin, *kernel) * (2 / (cin * math.prod(kernel))) ** 0.5
    if bias:
        state[name + ".bias"] = torch.randn(cout) * 0.1
def bn(name, channels):
    state.update({name + ".weight": torch.rand(channels) + 0.5, name + ".bias": torch.randn(channels) * 0.1,
                  name + ".running_mean": torch.randn(channels) * 0.1, name + ".running_var": torch.rand(channels) + 0.5,
                  name + ".num_batches_tracked": torch.tensor(7)})
B = "base_network."
if backbone == "c3d":
    layers = [("1", 0, 1), ("2", 1, 2), ("3a", 2, 4), ("3b", 4, 4), ("4a", 4, 8), ("4b", 8, 8), ("5a", 8, 8), ("5b", 8, 8)]
    for name, cin, cout in layers:
        conv(B + "conv" + name, cin * base or 3, cout * base, (3, 3, 3), bias=True)
        bn(B + "bn" + name, cout * base)
    features = 8 * base
else:
    conv(B + "conv1.temporal_spatial_conv", 3, base, (3, 7, 7)); bn(B + "bn1", base)
    channels = base
    for stage, mult in zip(range(2, 6), (1, 2, 4, 8)):
        block = B + "conv%d.block1." % stage
        conv(block + "conv1.temporal_spatial_conv", channels, base * mult, (3, 3, 3)); bn(block + "bn1", base * mult)
        conv(block + "conv2.temporal_spatial_conv", base * mult, base * mult, (3, 3, 3)); bn(block + "bn2", base * mult)
        if stage > 2:
            conv(block + "downsampleconv.temporal_spatial_conv", channels, base * mult, (1, 1, 1)); bn(block + "downsamplebn", base * mult)
        channels = base * mult
    features = 8 * base
state["fc7.weight"] = torch.randn(8 * base, 2 * features) * 0.1; state["fc7.bias"] = torch.randn(8 * base) * 0.1
state["fc8.weight"] = torch.randn(6, 3 * 8 * base) * 0.1; state["fc8.bias"] = torch.zeros(6)
torch.save({"state_dict": {"module." + k: v for k, v in state.items()}}, out)

def norm(x, name):
    return F.batch_norm(x, state[name + ".running_mean"], state[name + ".running_var"], state[name + ".weight"], state[name + ".bias"], False, 0.1, 1e-5)
def reference(x):
    if backbone == "c3d":
        pools = {"1": (1, 2, 2), "2": (2, 2, 2), "3b": (2, 2, 2), "4b": (2, 2, 2)}
        x = F.pad(x, [1] * 6, value=0.5)
        for name, _, _ in layers:
            x = F.relu(norm(F.conv3d(x, state[B + "conv" + name + ".weight"], state[B + "conv" + name + ".bias"], padding=0 if name == "1" else 1), B + "bn" + name))
            if name in pools:
                x = F.max_pool3d(x, pools[name], pools[name])
        return x.mean(dim=(2, 3, 4))
    x = F.pad(x, [3, 3, 3, 3, 1, 1], value=0.5)
    x = F.relu(norm(F.conv3d(x, state[B + "conv1.temporal_spatial_conv.weight"], stride=(1, 2, 2)), B + "bn1"))
    for stage in range(2, 6):
        block, stride = B + "conv%d.block1." % stage, 1 if stage == 2 else 2
        res = F.relu(norm(F.conv3d(x, state[block + "conv1.temporal_spatial_conv.weight"], stride=stride, padding=1), block + "bn1"))
        res = norm(F.conv3d(res, state[block + "conv2.temporal_spatial_conv.weight"], padding=1), block + "bn2")
        if stage > 2:
            x = norm(F.conv3d(x, state[block + "downsampleconv.temporal_spatial_conv.weight"], stride=2), block + "downsamplebn")
        x = F.relu(x + res)
    return x.mean(dim=(2, 3, 4))
clips = torch.from_numpy(np.fromfile(sys.argv[4], dtype=np.float32).reshape(json.loads(sys.argv[5])))
with torch.no_grad():
    print(json.dumps(reference(clips.permute(0, 4, 1, 2, 3)).tolist()))
`;

let work: string;
beforeAll(async () => {
  await initBackend('wasm');
  work = mkdtempSync(join(tmpdir(), 'pretext-vcop-checkpoint-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function py(args: string[]) {
  return spawnSync(python as string, args, { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
}

/** C3D agrees with the reference where its extra pool5 sees one position (8 × 16 px); R3D where every strided input is odd (9 × 17 px). */
const CASES = [
  { backbone: 'c3d', shape: [2, 8, 16, 16, 3] },
  { backbone: 'r3d', shape: [2, 9, 17, 17, 3] },
] as const;

describe.skipIf(!python)('a VCOP reference checkpoint, converted and imported', () => {
  it.each(CASES)('$backbone gives the reference architecture’s features', async ({ backbone, shape }) => {
    const rng = createRng(`vcop-${backbone}`);
    const clips = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next());
    const clipFile = join(work, `${backbone}-clips.f32`);
    writeFileSync(clipFile, Buffer.from(clips.buffer));
    const pt = join(work, `${backbone}.pt`);
    const reference = py(['-c', REFERENCE_SCRIPT, backbone, '4', pt, clipFile, JSON.stringify(shape)]);
    expect(reference.status, reference.stderr).toBe(0);
    const theirs = (JSON.parse(reference.stdout) as number[][]).flat();

    const converted = join(work, `${backbone}.safetensors`);
    const convert = py([join(BUNDLE, 'convert_vcop_checkpoint.py'), pt, converted]);
    expect(convert.status, convert.stderr).toBe(0);
    expect(convert.stdout).toContain(`${backbone}, width 0.0625, 3 clips`);

    const db = openMemoryDatabase();
    const cache = mkdtempSync(join(work, 'cache-'));
    const run = await importWeights(db, { cache, runs: join(cache, 'runs') }, { file: converted, task: 'clip-order', backbone, preset: 'tiny' });
    expect(run.config.width).toBe(1 / 16);
    const [checkpoint] = listCheckpoints(db, run.id);
    const model = buildTaskModel(run.config.task, { backbone, width: run.config.width, seed: 1, dropout: 0 });
    await loadCheckpoint(folderHandler(join(cache, checkpoint?.folder as string)), { model });
    const ours = tf.tidy(() => model.encoder.apply(tf.tensor(clips, [...shape]), EVALUATION).arraySync()).flat();
    model.dispose();
    expect(ours).toHaveLength(theirs.length);
    const scale = Math.max(...theirs.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    ours.forEach((value, index) => expect(Math.abs(value - (theirs[index] as number))).toBeLessThan(1e-4 * Math.max(1, scale)));
  }, 120_000);

  it('refuses an R(2+1)D checkpoint, another network and an incomplete one, with the reason', () => {
    const script = `
import json, sys, torch
sys.path.insert(0, sys.argv[1])
from convert_vcop_checkpoint import convert, unwrap
errors = []
for names in json.loads(sys.argv[2]):
    try:
        convert(unwrap({name: torch.zeros(1) for name in names}))
        errors.append(None)
    except ValueError as error:
        errors.append(str(error))
print(json.dumps(errors))`;
    const cases = [['module.base_network.conv1.spatial_conv.weight'], ['features.0.weight'], ['base_network.conv3a.weight']];
    const run = py(['-c', script, BUNDLE, JSON.stringify(cases)]);
    expect(run.status, run.stderr).toBe(0);
    const [r21d, other, partial] = JSON.parse(run.stdout) as string[];
    expect(r21d).toMatch(/R\(2\+1\)D checkpoint: the reference factorises the shortcut/);
    expect(other).toMatch(/not a VCOP checkpoint of C3D or R3D/);
    expect(partial).toMatch(/lacks base_network\.conv1\.weight/);
  });

  it('refuses a converted file for another backbone, creating no run', async () => {
    const db = openMemoryDatabase();
    await expect(importWeights(db, { cache: work, runs: join(work, 'runs') }, { file: join(work, 'c3d.safetensors'), task: 'clip-order', backbone: 'r3d', preset: 'tiny' })).rejects.toThrow(
      /holds a c3d network, not r3d/,
    );
    expect(listRuns(db)).toEqual([]);
  });
});

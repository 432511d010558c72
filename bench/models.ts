// Training-step speed of every task network (forward + backward + SGD update) on the wasm (with the
// app's kernels), webgpu (where Dawn finds an adapter; software ones too) and cpu backends, tiny and
// mid sizes, each case in its own process for an honest peak RSS; and the same model and batch in
// PyTorch when `import torch` works. `paper` (opt in: minutes per step on a CPU) is each task's paper
// preset at full width and batch 8 — VCOP's own batch; the frame tasks' 64–128 would not fit a CPU run.
// Each side runs --warmup untimed steps first (V8 compiles the app's JS kernels and tfjs's bookkeeping over the
// first few steps, and a training run takes thousands), then the median of --steps timed steps.
// Usage: npm run bench:models -- [--steps 3] [--warmup 3] [--backends wasm,webgpu,cpu] [--sizes tiny,mid,paper] [--batch N] [--replicas 1,2] [--cpu-mid]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { classCount, TASK_PRESETS, tupleShape, type TaskConfig } from '../src-main/shared/tasks.ts';
import { trainPreset, type Backbone, type TrainConfig } from '../src-main/shared/training.ts';
import { backendReport, describeSelection, initBackend, type ConcreteBackend } from '../src-main/core/compute/backend.ts';
import { scaledWidth } from '../src-main/core/models/encoder.ts';
import { frameEncoderGrid, frameEncoderPlan } from '../src-main/core/models/frame-encoder.ts';
import { parameterCount } from '../src-main/core/models/params.ts';
import { buildTrainableModel } from '../src-main/core/models/trainable-model.ts';
import { startGradientPeers } from '../src-main/core/training/gradient-peers.ts';
import { createRng } from '../src-main/core/tasks/rng.ts';
import type { ItemBatch } from '../src-main/core/frames/pipeline.ts';
import { printReport } from './report.ts';

type Size = 'tiny' | 'mid' | 'paper';

interface BenchCase {
  id: string;
  size: Size;
  config: TaskConfig;
  backbone: Backbone;
  width: number;
  batch: number;
}

const BATCH = 4;
const PAPER_BATCH = 8;

/** Tiny: the presets at width 1/16. Mid: CaffeNet on 80 px frames, 8-frame 64 px clips, width 1/4. */
function cases(size: Size): BenchCase[] {
  if (size === 'paper') return paperCases();
  const tiny = size === 'tiny';
  const width = tiny ? 1 / 16 : 1 / 4;
  const frame = (config: TaskConfig): TaskConfig =>
    tiny ? config : { ...config, ...('patchSize' in config ? { patchSize: 80 } : { cropSize: 80, frameSize: { width: 171, height: 128 } }) };
  const clips: TaskConfig = tiny ? TASK_PRESETS['clip-order'].tiny : { ...TASK_PRESETS['clip-order'].tiny, clipLength: 8, cropSize: 64, frameSize: { width: 86, height: 64 } };
  const entries: [string, TaskConfig, Backbone][] = [
    ['S&L', frame(TASK_PRESETS['order-verification'].tiny), 'alexnet'],
    ['OPN', frame(TASK_PRESETS['sequence-sorting'].tiny), 'alexnet'],
    ['O3N', frame(TASK_PRESETS['odd-one-out'].tiny), 'alexnet'],
    ['VCOP', clips, 'c3d'],
    ['VCOP', clips, 'r3d'],
    ['VCOP', clips, 'r2plus1d'],
  ];
  return entries.map(([task, config, backbone]) => ({ id: `${size} ${task} ${backbone}`, size, config, backbone, width, batch: BATCH }));
}

/** The paper presets as the papers trained them, at batch 8. */
function paperCases(): BenchCase[] {
  const entries: [string, TaskConfig, Backbone][] = [
    ['S&L', TASK_PRESETS['order-verification'].paper, 'alexnet'],
    ['OPN', TASK_PRESETS['sequence-sorting'].paper, 'alexnet'],
    ['O3N', TASK_PRESETS['odd-one-out'].paper, 'alexnet'],
    ['VCOP', TASK_PRESETS['clip-order'].paper, 'c3d'],
    ['VCOP', TASK_PRESETS['clip-order'].paper, 'r3d'],
    ['VCOP', TASK_PRESETS['clip-order'].paper, 'r2plus1d'],
  ];
  return entries.map(([task, config, backbone]) => ({ id: `paper ${task} ${backbone}`, size: 'paper', config, backbone, width: 1, batch: PAPER_BATCH }));
}

interface Timing {
  firstStepS: number;
  stepS: number;
  peakRssMb: number;
  parameters: number;
}

/** Child process: one case on one backend, the batch shared among `replicas` threads (data parallel). */
async function measure(benchCase: BenchCase, backend: ConcreteBackend, steps: number, warmup: number, replicas: number): Promise<Timing> {
  const selection = await initBackend(backend);
  const config: TrainConfig = {
    ...trainPreset(benchCase.config.task, benchCase.backbone, 'tiny'),
    task: benchCase.config,
    width: benchCase.width,
    batchSize: benchCase.batch,
    optimizer: 'sgd',
    learningRate: 0.001,
    dropout: 0,
    seed: 1,
    backend,
    replicas,
  };
  const peers = replicas > 1 ? await startGradientPeers(config, selection.choice, replicas - 1) : undefined;
  const model = buildTrainableModel(config, selection.backend, peers);
  const tuple = model.network.tupleShape;
  const rng = createRng('bench/models');
  const batch: ItemBatch = {
    index: 0,
    inputs: Float32Array.from({ length: benchCase.batch * tuple.reduce((a, b) => a * b, 1) }, () => rng.next()),
    shape: [benchCase.batch, ...tuple],
    labels: Int32Array.from({ length: benchCase.batch }, (_, i) => i % model.network.classCount),
    classCount: model.network.classCount,
    tuples: [],
  };
  const step = async () => {
    const started = performance.now();
    // The trainable model checks the backend after the step: a WebGPU error would otherwise time kernels that did nothing.
    await model.trainStep(batch);
    return (performance.now() - started) / 1000;
  };
  const firstStepS = await step();
  for (let i = 1; i < warmup; i++) await step();
  const timed: number[] = [];
  for (let i = 0; i < steps; i++) timed.push(await step());
  const timing = { firstStepS, stepS: median(timed), peakRssMb: process.resourceUsage().maxRSS / 1024, parameters: parameterCount(model.network.params) };
  model.dispose();
  return timing;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The network as plain numbers, for the PyTorch twin. */
function torchSpec(benchCase: BenchCase, steps: number, warmup: number) {
  const { config, backbone, width, batch } = benchCase;
  const shape = tupleShape(config);
  const plan = frameEncoderPlan(shape[2]);
  const frame = {
    stages: plan.stages.map((stage) => ({ ...stage, filters: scaledWidth(stage.filters, width) })),
    side: frameEncoderGrid(plan, shape[2])?.at(-1),
    fc6: scaledWidth(plan.fc6, width),
    fc7: scaledWidth(plan.fc7, width),
  };
  const fusion = config.task === 'odd-one-out' ? config.fusion : null;
  return { task: config.task, backbone, width, batch, steps, warmup, shape, classes: classCount(config), fusion, frame, pairUnits: scaledWidth(512, width) };
}

// The same networks in PyTorch (channels first); 'same' convolutions pad k // 2, pools use ceil mode.
const TORCH_SCRIPT = String.raw`
import json, math, os, statistics, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
spec = json.loads(sys.argv[1])
torch.manual_seed(1)
torch.set_num_threads(os.cpu_count())
def scaled(c): return max(1, int(math.floor(c * spec['width'] + 0.5)))
def unit3d(cin, cout, k, s):
    return [nn.Conv3d(cin, cout, k, s, [x // 2 for x in k], bias=False), nn.BatchNorm3d(cout), nn.ReLU()]
class Res(nn.Module):
    def __init__(self, cin, cout, stride, factorised):
        super().__init__()
        def conv(a, b, s):
            if not factorised: return [nn.Conv3d(a, b, 3, s, 1, bias=False)]
            mid = (3 * 9 * a * b) // (9 * a + 3 * b)
            return [nn.Conv3d(a, mid, (1, 3, 3), (1, s, s), (0, 1, 1), bias=False), nn.BatchNorm3d(mid), nn.ReLU(),
                    nn.Conv3d(mid, b, (3, 1, 1), (s, 1, 1), (1, 0, 0), bias=False)]
        self.body = nn.Sequential(*conv(cin, cout, stride), nn.BatchNorm3d(cout), nn.ReLU(), *conv(cout, cout, 1), nn.BatchNorm3d(cout))
        self.short = nn.Sequential(nn.Conv3d(cin, cout, 1, stride, bias=False), nn.BatchNorm3d(cout)) if stride != 1 or cin != cout else nn.Identity()
    def forward(self, x): return F.relu(self.body(x) + self.short(x))
def clip_encoder():
    b = spec['backbone']
    if b == 'c3d':
        layers, c = [], 3
        for filters, pool in [([64], (1, 2, 2)), ([128], (2, 2, 2)), ([256, 256], (2, 2, 2)), ([512, 512], (2, 2, 2)), ([512, 512], (2, 2, 2))]:
            for f in filters:
                layers += unit3d(c, scaled(f), (3, 3, 3), 1)
                c = scaled(f)
            layers.append(nn.MaxPool3d(pool, pool, ceil_mode=True))
        return nn.Sequential(*layers, nn.AdaptiveAvgPool3d(1), nn.Flatten()), c
    factorised = b == 'r2plus1d'
    c = scaled(64)
    if factorised:
        mid = (3 * 49 * 3 * c) // (49 * 3 + 3 * c)
        stem = [nn.Conv3d(3, mid, (1, 7, 7), (1, 2, 2), (0, 3, 3), bias=False), nn.BatchNorm3d(mid), nn.ReLU(), nn.Conv3d(mid, c, (3, 1, 1), 1, (1, 0, 0), bias=False)]
    else:
        stem = [nn.Conv3d(3, c, (3, 7, 7), (1, 2, 2), (1, 3, 3), bias=False)]
    layers = stem + [nn.BatchNorm3d(c), nn.ReLU()]
    for filters, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        layers.append(Res(c, scaled(filters), stride, factorised))
        c = scaled(filters)
    return nn.Sequential(*layers, nn.AdaptiveAvgPool3d(1), nn.Flatten()), c
def frame_encoder(features):
    layers, c, f = [], 3, spec['frame']
    for st in f['stages']:
        pad = st['kernel'] // 2 if st['padding'] == 'same' else 0
        layers += [nn.Conv2d(c, st['filters'], st['kernel'], st['stride'], pad, bias=False), nn.BatchNorm2d(st['filters']), nn.ReLU()]
        if st['pool']: layers.append(nn.MaxPool2d(st['pool']['size'], st['pool']['stride']))
        c = st['filters']
    layers += [nn.Flatten(), nn.Linear(f['side'] * f['side'] * c, f['fc6']), nn.ReLU(), nn.Dropout(0.5)]
    if features == 'fc6': return nn.Sequential(*layers), f['fc6']
    return nn.Sequential(*layers, nn.Linear(f['fc6'], f['fc7']), nn.ReLU(), nn.Dropout(0.5)), f['fc7']
E, T, H, W, _ = spec['shape']
pairs = [(i, j) for i in range(E) for j in range(i + 1, E)]
task = spec['task']
encoder, d = clip_encoder() if task == 'clip-order' else frame_encoder('fc6' if task == 'sequence-sorting' else 'fc7')
if task == 'order-verification': head = nn.Linear(E * d, spec['classes'])
elif task == 'sequence-sorting': pair_fc, head = nn.Linear(2 * d, spec['frame']['fc7']), nn.Linear(len(pairs) * spec['frame']['fc7'], spec['classes'])
elif task == 'odd-one-out': head = nn.Linear(E * d if spec['fusion'] == 'concat' else d, spec['classes'])
else: pair_fc, head = nn.Linear(2 * d, spec['pairUnits']), nn.Linear(len(pairs) * spec['pairUnits'], spec['classes'])
modules = nn.ModuleList([encoder, head] + ([pair_fc] if task in ('sequence-sorting', 'clip-order') else []))
def forward(x):
    B = x.shape[0]
    x = x.reshape(B * E, T, H, W, 3)
    if task == 'clip-order': x = x.permute(0, 4, 1, 2, 3)
    elif task == 'odd-one-out':
        w = torch.tensor([2 * k - T + 1 for k in range(T)], dtype=x.dtype)
        x = ((x * (w / (w.abs().sum() / 2) / 2).view(1, T, 1, 1, 1)).sum(1) + 0.5).permute(0, 3, 1, 2)
    else: x = x[:, 0].permute(0, 3, 1, 2)
    f = encoder(x * 2 - 1).reshape(B, E, -1)
    if task in ('sequence-sorting', 'clip-order'):
        p = torch.stack([torch.cat([f[:, i], f[:, j]], 1) for i, j in pairs], 1)
        f = F.dropout(F.relu(pair_fc(p)), 0.5, training=True)
    elif task == 'odd-one-out' and spec['fusion'] != 'concat':
        f = (f * torch.tensor([2 * k - E + 1 for k in range(E)], dtype=f.dtype).view(1, E, 1)).sum(1)
    return head(f.reshape(B, -1))
opt = torch.optim.SGD(modules.parameters(), lr=0.001, momentum=0.9, weight_decay=5e-4)
x = torch.rand(spec['batch'], E, T, H, W, 3)
y = torch.arange(spec['batch']) % spec['classes']
def step():
    start = time.perf_counter()
    opt.zero_grad()
    F.cross_entropy(forward(x), y).backward()
    opt.step()
    return time.perf_counter() - start
for _ in range(max(1, spec['warmup'])): step()
print(json.dumps({'stepS': statistics.median(step() for _ in range(spec['steps'])), 'threads': torch.get_num_threads()}))
`;

/** The Python with torch: PYTHON, else python3 on PATH (Debian's python3-torch lives in /usr/bin/python3). */
const PYTHON = process.env.PYTHON ?? 'python3';

function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

function runTorch(benchCase: BenchCase, steps: number, warmup: number): { stepS: number; threads: number } | null {
  const result = spawnSync(PYTHON, ['-', JSON.stringify(torchSpec(benchCase, steps, warmup))], { input: TORCH_SCRIPT, encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(`PyTorch failed on ${benchCase.id}: ${result.stderr.trim().split('\n').at(-1)}`);
    return null;
  }
  return JSON.parse(result.stdout.trim().split('\n').at(-1) as string) as { stepS: number; threads: number };
}

/** Runs one case in a child process (fresh backend, its own peak RSS). */
function runChild(benchCase: BenchCase, backend: ConcreteBackend, steps: number, warmup: number, replicas: number): Timing | null {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', benchCase.id, '--backend', backend, '--steps', String(steps), '--warmup', String(warmup), '--batch', String(benchCase.batch), '--replicas', String(replicas)];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const line = result.stdout.split('\n').find((candidate) => candidate.startsWith('{"timing"'));
  if (!line) {
    console.error(`${benchCase.id} on ${backend} failed: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  return (JSON.parse(line) as { timing: Timing }).timing;
}

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '3' },
    backends: { type: 'string', default: 'wasm,webgpu,cpu' },
    sizes: { type: 'string', default: 'tiny,mid' },
    'cpu-mid': { type: 'boolean', default: false },
    child: { type: 'string' },
    backend: { type: 'string' },
    /** Tuples per step for every case (default: 4, paper 8). */
    batch: { type: 'string' },
    /** Data-parallel replicas to time on the wasm and cpu backends, e.g. 1,2 (GPU backends run one). */
    replicas: { type: 'string', default: '1' },
  },
});
const steps = Number(values.steps);
const warmup = Math.max(1, Number(values.warmup));
const replicaCounts = values.replicas.split(',').map(Number);
const allCases = [...cases('tiny'), ...cases('mid'), ...cases('paper')].map((benchCase) =>
  values.batch ? { ...benchCase, batch: Number(values.batch) } : benchCase,
);

if (values.child) {
  const benchCase = allCases.find((candidate) => candidate.id === values.child);
  if (!benchCase) throw new Error(`no case ${values.child}`);
  console.log(JSON.stringify({ timing: await measure(benchCase, values.backend as ConcreteBackend, steps, warmup, Number(values.replicas)) }));
  // The replicas' threads would keep the process alive.
  process.exit(0);
} else {
  const sizes = values.sizes.split(',') as Size[];
  const report = await backendReport();
  const backends = (values.backends.split(',') as ConcreteBackend[]).filter((backend) => {
    const entry = report.backends.find((candidate) => candidate.name === backend);
    if (entry && !entry.available) console.log(`${backend}: skipped (${entry.note})`);
    return !entry || entry.available;
  });
  const torch = torchAvailable();
  if (!torch) console.log(`PyTorch: skipped (${PYTHON} cannot import torch; on Debian: apt install python3-torch, then PYTHON=/usr/bin/python3)`);
  console.log(`auto: ${describeSelection(await initBackend('auto')).join('; ')}`);
  const rows: Record<string, string | number>[] = [];
  for (const benchCase of allCases.filter((candidate) => sizes.includes(candidate.size))) {
    const torchTiming = torch ? runTorch(benchCase, steps, warmup) : null;
    const tuple = tupleShape(benchCase.config);
    for (const backend of backends) {
      // The cpu backend needs minutes per mid-size step; opt in with --cpu-mid.
      if (backend === 'cpu' && benchCase.size !== 'tiny' && !values['cpu-mid']) continue;
      for (const replicas of backend === 'wasm' || backend === 'cpu' ? replicaCounts : [1]) {
        const timing = runChild(benchCase, backend, backend === 'cpu' ? 1 : steps, backend === 'cpu' ? 1 : warmup, replicas);
        if (!timing) continue;
        rows.push({
          case: benchCase.id,
          backend,
          replicas,
          input: `${benchCase.batch}×${tuple.slice(0, 4).join('×')}`,
          params_m: timing.parameters / 1e6,
          first_step_s: timing.firstStepS,
          step_s: timing.stepS,
          steps_per_s: 1 / timing.stepS,
          clips_per_s: (benchCase.batch * tuple[0]) / timing.stepS,
          peak_rss_mb: Math.round(timing.peakRssMb),
          ...(torchTiming ? { torch_step_s: torchTiming.stepS, vs_torch: timing.stepS / torchTiming.stepS } : {}),
        });
      }
    }
  }
  printReport(`training step (forward + backward + SGD), median of ${steps} after ${warmup} warm-up, batch of ${BATCH} tuples (paper: ${PAPER_BATCH})`, rows, { steps, warmup, torch });
}

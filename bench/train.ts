// Whole-pipeline training speed per task/backbone (tiny presets): decoding, sampling and batching in
// the training worker next to the model, on a generated library. Prints steps/s, tuple elements/s, the share of
// step time spent waiting for data (goal < 10 %) and the process's peak RSS, per compute backend
// (webgpu where Dawn finds an adapter, software ones too).
// Usage: npm run bench:train -- [--steps 80] [--backends wasm,webgpu] [--replicas 1,2] [--tasks order-verification,clip-order/r3d]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TrainingProgress } from '../src-main/shared/dto.ts';
import { tupleShape, type TaskId } from '../src-main/shared/tasks.ts';
import { trainPreset, type Backbone, type BackendChoice } from '../src-main/shared/training.ts';
import { backendReport } from '../src-main/core/compute/backend.ts';
import { EventHub } from '../src-main/core/jobs/events.ts';
import { Studio } from '../src-main/core/studio.ts';
import { synthesizeVideo } from '../src-main/core/media/synthesize.ts';
import { getMediaTools } from '../src-main/core/media/tools.ts';
import { printReport } from './report.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '80' },
    backends: { type: 'string', default: 'wasm,webgpu' },
    /** Data-parallel replicas to try on the wasm and cpu backends (GPU backends run one). */
    replicas: { type: 'string', default: '1' },
    /** task/backbone pairs (backbone alexnet when left out); all six by default. */
    tasks: { type: 'string' },
  },
});
const steps = Number(values.steps);
const replicaCounts = values.replicas.split(',').map(Number);
const report = await backendReport();
const backends = (values.backends.split(',') as BackendChoice[]).filter((backend) => {
  const entry = report.backends.find((candidate) => candidate.name === backend);
  if (entry && !entry.available) console.log(`${backend}: skipped (${entry.note})`);
  return !entry || entry.available;
});
const ALL_CASES: [TaskId, Backbone][] = [
  ['order-verification', 'alexnet'],
  ['sequence-sorting', 'alexnet'],
  ['odd-one-out', 'alexnet'],
  ['clip-order', 'c3d'],
  ['clip-order', 'r3d'],
  ['clip-order', 'r2plus1d'],
];
const CASES = values.tasks
  ? values.tasks.split(',').map((entry) => {
      const [task, backbone = 'alexnet'] = entry.split('/');
      const found = ALL_CASES.find(([caseTask, caseBackbone]) => caseTask === task && caseBackbone === backbone);
      if (!found) throw new Error(`no case ${entry} (cases: ${ALL_CASES.map((pair) => pair.join('/')).join(', ')})`);
      return found;
    })
  : ALL_CASES;
const runsOf = (backend: BackendChoice) => (backend === 'wasm' || backend === 'cpu' ? replicaCounts : [1]);

const work = mkdtempSync(join(tmpdir(), 'pretext-bench-train-'));
try {
  const tools = await getMediaTools();
  mkdirSync(join(work, 'videos'));
  for (let seed = 0; seed < 12; seed++) {
    await synthesizeVideo(tools, join(work, 'videos', `zoom${seed}.mp4`), { seconds: 4, width: 96, height: 72, fps: 25, pattern: 'mandelbrot', seed });
  }
  const events = new EventHub();
  const library = new Studio({ events });
  library.open(join(work, 'lib.pretext'), true);
  await library.imports.wait((await library.imports.start(join(work, 'videos'))).id);

  const rows: Record<string, string | number>[] = [];
  const runs = CASES.flatMap((entry) => backends.flatMap((backend) => runsOf(backend).map((replicas) => [...entry, backend, replicas] as const)));
  for (const [task, backbone, backend, replicas] of runs) {
    const config = { ...trainPreset(task, backbone, 'tiny'), steps, evaluateEvery: steps, checkpointEvery: steps, backend, replicas };
    let last: TrainingProgress | null = null;
    const stop = events.on('training.progress', (progress) => {
      if (progress.phase === 'training' && progress.stepsPerSecond !== null) last = progress;
    });
    const run = await library.training.wait(library.training.start(config).id);
    stop();
    const progress = last as TrainingProgress | null;
    const [elements] = tupleShape(config.task);
    const stepsPerSecond = progress?.stepsPerSecond ?? 0;
    rows.push({
      case: `${task} ${backbone}`,
      status: run.status,
      backend: run.backend ?? '',
      replicas,
      batch: config.batchSize,
      stepsPerSecond,
      // Frames for the frame tasks (O3N: subsequences), clips for VCOP.
      elementsPerSecond: stepsPerSecond * config.batchSize * elements,
      dataWaitShare: progress?.dataWaitShare ?? '',
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    });
  }
  await library.close();
  printReport('training through the whole pipeline (tiny presets, worker thread)', rows, { steps, videos: 12 });
} finally {
  rmSync(work, { recursive: true, force: true });
}

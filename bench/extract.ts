// Feature-extraction speed (retrieval clips per second) of every backbone on each backend: the
// app's extractor (clip layout, centre crop, encoder, pooling) over in-memory frames, so decoding is
// left out (bench/decode.ts measures it). Tiny: the presets; paper: VCOP's 16 × 112 px clips and
// S&L's 227 px frames at full width.
// Usage: npx tsx bench/extract.ts [--videos 4] [--backends wasm,cpu] [--sizes tiny,paper]
import { parseArgs } from 'node:util';
import { trainPreset, type Backbone, type TrainConfig } from '../src-main/shared/training.ts';
import type { TaskId } from '../src-main/shared/tasks.ts';
import { initBackend, type ConcreteBackend } from '../src-main/core/compute/backend.ts';
import { memoryFrameSource } from '../src-main/core/frames/test-support.ts';
import { buildTaskModel } from '../src-main/core/models/task-models.ts';
import { RETRIEVAL_CLIPS } from '../src-main/core/retrieval/clips.ts';
import { extractFeatures } from '../src-main/core/retrieval/extract.ts';
import { extractionPlan } from '../src-main/core/retrieval/feature-protocol.ts';
import { printReport } from './report.ts';

const { values } = parseArgs({
  options: {
    videos: { type: 'string', default: '4' },
    backends: { type: 'string', default: 'wasm,cpu' },
    sizes: { type: 'string', default: 'tiny,paper' },
  },
});
const videoCount = Number(values.videos);

const CASES: [TaskId, Backbone][] = [
  ['order-verification', 'alexnet'],
  ['clip-order', 'c3d'],
  ['clip-order', 'r3d'],
  ['clip-order', 'r2plus1d'],
];

function config(task: TaskId, backbone: Backbone, size: string): TrainConfig {
  return trainPreset(task, backbone, size === 'tiny' ? 'tiny' : 'paper');
}

const rows: Record<string, string | number>[] = [];
for (const backend of values.backends.split(',') as ConcreteBackend[]) {
  await initBackend(backend);
  for (const size of values.sizes.split(',')) {
    for (const [task, backbone] of CASES) {
      // The cpu backend needs minutes per paper-size clip: measured on wasm only.
      if (size === 'paper' && backend === 'cpu') continue;
      const run = config(task, backbone, size);
      const model = buildTaskModel(run.task, { backbone, width: run.width, seed: 1 });
      const plan = extractionPlan(run, 'compact');
      const { framesPerClip } = plan;
      const ids = Array.from({ length: videoCount + 1 }, (_, id) => id + 1);
      const source = memoryFrameSource(new Map(ids.map((id) => [id, 250])));
      const videos = ids.map((id) => ({ ref: { id, path: `/memory/${id}` }, contentHash: null }));
      let featureSize = 0;
      const common = { network: model, plan, source, onFailure: () => {} };
      // The first video warms the kernels up; the rest are timed.
      await extractFeatures({ ...common, videos: videos.slice(0, 1), onVideo: () => {} });
      const started = performance.now();
      await extractFeatures({ ...common, videos: videos.slice(1), onVideo: (features) => (featureSize = features.vector.length) });
      const seconds = (performance.now() - started) / 1000;
      rows.push({
        backend,
        size,
        backbone,
        input: `${framesPerClip}×${model.encoder.inputShape.at(-2)}px`,
        width: run.width,
        features: featureSize,
        clipsPerSecond: (videoCount * RETRIEVAL_CLIPS) / seconds,
        secondsPerVideo: seconds / videoCount,
      });
      model.dispose();
    }
  }
}
printReport('feature extraction (clips/s, decoding excluded)', rows, { videos: videoCount, clipsPerVideo: RETRIEVAL_CLIPS });

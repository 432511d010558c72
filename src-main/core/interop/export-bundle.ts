/**
 * A run exported as a PyTorch training bundle (torch-bundle/README.md): its config and seed, the
 * exact train/validation split, each video's path relative to the import root it came from (the
 * user maps roots to cluster folders), the sampler parameters and the motion scores the samplers read
 * (so the bundle draws the app's very tuples), and the Python package + train.py that train the same
 * task under torchrun.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExportedBundle } from '../../shared/dto.ts';
import { ApiError } from '../../shared/errors.ts';
import { framesNeeded, SAMPLING_FPS, takesClips } from '../../shared/tasks.ts';
import type { WritableDB } from '../db/connection.ts';
import { importRoots } from '../db/jobs.ts';
import { getRun } from '../db/runs.ts';
import { MOTION_GRID } from '../frames/motion-scores.ts';
import type { PipelineVideo } from '../frames/pipeline.ts';
import type { MediaTools } from '../media/tools.ts';
import { DEFAULT_STEPS_PER_EPOCH } from '../training/engine.ts';
import { prepareTrainingVideos } from '../training/videos.ts';
import { assertEmptyFolder } from '../util/export-folder.ts';

/**
 * The bundle's fixed files, beside this module in the sources and beside the main bundle in the
 * built app (electron.vite.config.ts copies the folder). Listed, not globbed: read one by one, they
 * also come out of an asar archive.
 */
// Through a variable: Vite rewrites a literal `new URL(…, import.meta.url)` into a web asset URL when
// this runs under a DOM test environment (the UI tests run the real backend in jsdom).
const here = import.meta.url;
const TEMPLATE = new URL('./torch-bundle/', here);
export const BUNDLE_FILES = [
  'README.md',
  'train.py',
  'features.py',
  'convert_vcop_checkpoint.py',
  'pretext_torch/__init__.py',
  'pretext_torch/data.py',
  'pretext_torch/models.py',
  'pretext_torch/rng.py',
  'pretext_torch/safetensors_io.py',
  'pretext_torch/sampling.py',
] as const;

/** The import root that holds `path` (the deepest), and the path relative to it. */
export function relativeToRoot(path: string, roots: readonly string[]): { root: number; path: string } {
  const candidates = roots
    .map((root, index) => ({ root: index, path: relative(root, path) }))
    .filter((candidate) => !candidate.path.startsWith('..') && !isAbsolute(candidate.path));
  const best = candidates.sort((a, b) => a.path.length - b.path.length)[0];
  if (!best) throw new ApiError('INVALID_INPUT', `${path} lies under no import root of this library.`);
  return best;
}

/** One CSV field: quoted when it holds a comma, quote or line break. */
const csvField = (value: string | number) => (/[",\n\r]/.test(String(value)) ? `"${String(value).replaceAll('"', '""')}"` : String(value));

function videoRows(split: string, videos: readonly PipelineVideo[], roots: readonly string[]): string[] {
  return videos.map((video) => {
    const { root, path } = relativeToRoot(video.ref.path, roots);
    return [video.ref.id, split, root, path, video.meta.frameCount].map(csvField).join(',');
  });
}

/**
 * A video's motion as the samplers read it: per frame its score, then its grid's cells, float32
 * little-endian ([frames, 1 + rows · cols]; pretext_torch/data.py reads it).
 */
export function motionFile(video: PipelineVideo): Buffer {
  const { motion, cells, meta } = video;
  if (!motion || !cells) throw new Error(`video ${meta.id} has no motion scores`);
  const perFrame = 1 + cells.rows * cells.cols;
  const values = new Float32Array(meta.frameCount * perFrame);
  for (let frame = 0; frame < meta.frameCount; frame++) {
    values[frame * perFrame] = motion[frame] as number;
    values.set(cells.values.subarray(frame * (perFrame - 1), (frame + 1) * (perFrame - 1)), frame * perFrame + 1);
  }
  const bytes = Buffer.from(values.buffer);
  return os.endianness() === 'LE' ? bytes : bytes.swap32();
}

export async function exportRunBundle(db: WritableDB, tools: MediaTools, runId: number, folder: string): Promise<ExportedBundle> {
  const run = getRun(db, runId);
  if (!run) throw new ApiError('NOT_FOUND', `No run ${runId} in this library.`);
  if (run.kind === 'finetune') {
    throw new ApiError('INVALID_INPUT', `Run ${runId} is a fine-tune run; a PyTorch bundle trains a pretext task: export ${run.parentRunId === null ? 'a pretext run' : `its parent, run ${run.parentRunId}`}.`);
  }
  const { config } = run;
  await assertEmptyFolder(folder);
  const videos = await prepareTrainingVideos(db, tools, config.task, { validationFraction: config.validationFraction, seed: config.seed });
  const roots = importRoots(db);
  const rows = [...videoRows('train', videos.train, roots), ...videoRows('validation', videos.validation, roots)];
  await mkdir(join(folder, 'pretext_torch'), { recursive: true });
  for (const file of BUNDLE_FILES) await writeFile(join(folder, file), await readFile(fileURLToPath(new URL(file, TEMPLATE))));
  const sampler = { ...config.task, framesNeeded: framesNeeded(config.task), fps: SAMPLING_FPS };
  // Clip tasks (VCOP) sample uniformly; the frame tasks' windows (and OPN's patch) follow the motion.
  const usesMotion = !takesClips(config.task.task);
  if (usesMotion) {
    await mkdir(join(folder, 'motion'));
    for (const video of [...videos.train, ...videos.validation]) await writeFile(join(folder, 'motion', `${video.ref.id}.f32`), motionFile(video));
  }
  const motionGrid = usesMotion ? { rows: MOTION_GRID.rows, cols: MOTION_GRID.cols } : null;
  const description = { runId, config, sampler, stepsPerEpoch: DEFAULT_STEPS_PER_EPOCH, motionGrid };
  await writeFile(join(folder, 'run.json'), `${JSON.stringify(description, null, 2)}\n`);
  await writeFile(join(folder, 'roots.json'), `${JSON.stringify(roots.map((path, index) => ({ index, path })), null, 2)}\n`);
  await writeFile(join(folder, 'videos.csv'), `id,split,root,path,frames\n${rows.join('\n')}\n`);
  return { folder, trainVideos: videos.train.length, validationVideos: videos.validation.length, unusable: videos.unusable.length, roots };
}

/**
 * Self-supervision really learns, through the whole stack (synthesized library → import → motion →
 * pipeline → worker thread → wasm model), tiny presets, fixed seed; sampling depends on the files, not
 * on import order, so these runs repeat exactly. Measured best validation accuracy: on zooming videos
 * odd-one-out 0.71 after 200 steps (chance 0.25) and clip order R3D 0.49 after 300 (chance 0.17, two
 * replicas; over run seeds 632, 1, 2, 3 it scored 0.49 / 0.30 / 0.29 / 0.24, one replica 0.36 / 0.25 / 0.34 / 0.35); on
 * boxes that dash across the frame OPN 0.43 after 600 (chance 0.083; it stays near chance on the zoom,
 * whose change between closely spaced frames is too subtle for a 32 px patch); on boxes that grow or
 * shrink in a burst Shuffle & Learn 0.95 after 400 (its majority class, 75 % negatives, scores 0.75;
 * with the paper's linear head it stays there, see ORDER_VERIFICATION_HEADS).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_PRESETS } from '../../shared/tasks.ts';
import { trainPreset } from '../../shared/training.ts';
import { EventHub } from '../jobs/events.ts';
import { Studio } from '../studio.ts';
import { MOTION_DIRECTIONS, synthesizeVideo, type MotionDirection, type SynthSpec } from '../media/synthesize.ts';
import { getMediaTools } from '../media/tools.ts';

let work: string;
const libraries = new Map<LibraryKind, Studio>();

type LibraryKind = 'zoom' | 'dash' | 'grow';

/** 12 four-second videos: a Mandelbrot zoom, or a box that rests, dashes across (or grows) in ~1 s, and rests. */
function spec(kind: LibraryKind, seed: number): SynthSpec {
  const common = { seconds: 4, width: 96, height: 72, fps: 25, seed };
  if (kind === 'zoom') return { ...common, pattern: 'mandelbrot' };
  if (kind === 'grow') return { ...common, pattern: 'growing-box', timing: 'dash' };
  return { ...common, pattern: 'moving-box', timing: 'dash', direction: MOTION_DIRECTIONS[seed % 4] as MotionDirection };
}

async function generatedLibrary(kind: LibraryKind): Promise<Studio> {
  const tools = await getMediaTools();
  const videos = join(work, kind, 'videos');
  mkdirSync(videos, { recursive: true });
  for (let seed = 0; seed < 12; seed++) await synthesizeVideo(tools, join(videos, `${kind}${seed}.mp4`), spec(kind, seed));
  const library = new Studio({ events: new EventHub() });
  library.open(join(work, kind, 'lib.pretext'), true);
  await library.imports.wait((await library.imports.start(videos)).id);
  return library;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pretext-learning-'));
  for (const kind of ['zoom', 'dash', 'grow'] as const) libraries.set(kind, await generatedLibrary(kind));
});

afterAll(async () => {
  for (const library of libraries.values()) await library.close();
  rmSync(work, { recursive: true, force: true });
});

describe('training on a generated library', () => {
  // [task, backbone, library, steps, chance (always guessing the most frequent class), margin to beat it by]
  const CASES = [
    ['odd-one-out', 'alexnet', 'zoom', 200, 1 / TASK_PRESETS['odd-one-out'].tiny.subsequences, 0.25],
    ['clip-order', 'r3d', 'zoom', 300, 1 / 6, 0.1],
    ['sequence-sorting', 'alexnet', 'dash', 600, 1 / 12, 0.15],
    ['order-verification', 'alexnet', 'grow', 400, TASK_PRESETS['order-verification'].tiny.negativeRatio, 0.1],
  ] as const;

  it.each(CASES)('%s / %s on %s videos (tiny, %i steps) beats chance on held-out videos', async (task, backbone, kind, steps, chance, margin) => {
    const library = libraries.get(kind) as Studio;
    // 256 held-out tuples: with 12 classes, 64 would leave the measure too noisy.
    const run = library.training.start({ ...trainPreset(task, backbone, 'tiny'), steps, validationTuples: 256 });
    const finished = await library.training.wait(run.id);
    expect(finished.status, finished.error ?? '').toBe('completed');
    expect(finished.backend).toBe('wasm');
    expect(finished.bestValidationAccuracy).toBeGreaterThan(chance + margin);
  }, 480_000); // clip order ran past 240 s beside the rest of the suite on a loaded machine
});

/**
 * Labelled footage families for bench:learn (issue #11): each family is a `Class/video.mp4` layout,
 * so retrieval can be scored. "tuned" families use the patterns the learning tests were developed on
 * (dashing boxes, Mandelbrot zooms); "held-out" ones show motion those tests never used (a panning
 * camera, rotation, playback direction, fading, kinds of motion whatever their direction) and real
 * clips. Tune presets on one group, report on the other.
 */
import { DISC_MOTIONS, MOTION_DIRECTIONS, type SynthSpec } from '../src-main/core/media/synthesize.ts';

export type FamilyGroup = 'tuned' | 'held-out';

/** One generated video of a family: its class (folder), file name and what to synthesize. */
export interface FamilyVideo {
  label: string;
  fileName: string;
  spec: SynthSpec;
}

export interface GeneratedFamily {
  name: string;
  group: FamilyGroup;
  /** What tells its classes apart, for the report. */
  classesDiffer: string;
  videos: FamilyVideo[];
}

const FRAME = { seconds: 4, width: 96, height: 72, fps: 25 } as const;
const FOUR_DIRECTIONS = MOTION_DIRECTIONS.slice(0, 4);

/** `perClass` videos per class; the seed differs for every video of every family, so no two are alike. */
function family(
  name: string,
  group: FamilyGroup,
  classesDiffer: string,
  index: number,
  classes: readonly (readonly [string, Omit<SynthSpec, keyof typeof FRAME | 'seed'>])[],
  perClass: number,
): GeneratedFamily {
  const videos = classes.flatMap(([label, spec], c) =>
    Array.from({ length: perClass }, (_, i) => ({
      label,
      fileName: `${name}_${c}_${i}.mp4`,
      spec: { ...FRAME, ...spec, seed: index * 10_000 + c * 100 + i },
    })),
  );
  return { name, group, classesDiffer, videos };
}

/** Every generated family; `perClass` videos per class, 1.5× as many for two-class families. */
export function generatedFamilies(perClass: number): GeneratedFamily[] {
  const twoClass = Math.round(perClass * 1.5);
  return [
    family('box-dash', 'tuned', 'direction a box dashes in', 0,
      FOUR_DIRECTIONS.map((direction) => [direction, { pattern: 'moving-box', timing: 'dash', direction }] as const), perClass),
    family('zoom', 'tuned', 'zooming in or out', 1,
      [['zoom-in', { pattern: 'mandelbrot' }], ['zoom-out', { pattern: 'mandelbrot', reverse: true }]], twoClass),
    family('life-pan', 'held-out', 'direction (of 8) a camera pans over a Game of Life board', 2,
      MOTION_DIRECTIONS.map((direction) => [direction, { pattern: 'panning-life', direction }] as const), perClass),
    family('bar-spin', 'held-out', 'a bar spinning clockwise or counter-clockwise, steadily or in one burst', 3,
      (['steady', 'dash'] as const).flatMap((timing) => [
        [`clockwise-${timing}`, { pattern: 'spinning-bar', timing }] as const,
        [`counter-clockwise-${timing}`, { pattern: 'spinning-bar', timing, reverse: true }] as const,
      ]), perClass),
    family('testsrc-playback', 'held-out', 'ffmpeg testsrc2 played forwards or backwards', 4,
      [['forwards', { pattern: 'testsrc' }], ['backwards', { pattern: 'testsrc', reverse: true }]], twoClass),
    family('life-fade', 'held-out', 'a Game of Life board fading in or out', 5,
      [['fade-in', { pattern: 'life', fade: 'in' }], ['fade-out', { pattern: 'life', fade: 'out' }]], twoClass),
    family('disc-motion', 'held-out', 'how a checkered disc moves: slides, spins, grows or shrinks, swings (direction seeded)', 6,
      DISC_MOTIONS.map((motion) => [motion, { pattern: 'textured-disc', motion }] as const), perClass),
  ];
}

/** A piece of a real clip: the class is the clip it was cut from. */
export interface ClipSegment {
  label: string;
  fileName: string;
  source: string;
  startS: number;
  seconds: number;
}

/**
 * Consecutive `seconds`-long pieces of each clip, labelled by clip; clips that give fewer than two
 * pieces are left out (a class needs a training and a test video).
 */
export function clipSegments(clips: readonly { fileName: string; durationS: number }[], seconds = 2): ClipSegment[] {
  return clips.flatMap((clip) => {
    const count = Math.floor(clip.durationS / seconds + 1e-9);
    if (count < 2) return [];
    const label = clip.fileName.replace(/\.[^.]+$/, '');
    return Array.from({ length: count }, (_, i) => ({ label, fileName: `${label}_${i}.mp4`, source: clip.fileName, startS: i * seconds, seconds }));
  });
}

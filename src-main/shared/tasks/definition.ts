/**
 * What a pretext task is, in one record: its names and paper, its presets and option help, the
 * backbones that can encode its input, and what a config implies for samplers and models (classes,
 * tuple shape, frames a video needs). Its option schema sits next to it in <task>.schema.ts. The
 * registries list them: ../tasks.ts (plain data, which the UI reads too) and ../task-schemas.ts (zod).
 */
import type { Backbone } from '../backbones.ts';

export const PRESET_NAMES = ['paper', 'tiny'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** One tuple as the model takes it: [elements, frames, height, width, channels]. */
export type TupleShape = readonly [number, number, number, number, 3];

/** The option keys of a config: all but `task`. */
type OptionKey<C> = Exclude<keyof C, 'task'> & string;

export interface TaskDefinition<C extends { task: string }> {
  id: C['task'];
  title: string;
  /** The method's usual name, e.g. "Shuffle & Learn". */
  paper: string;
  /** Authors, venue and year, e.g. "Misra et al. ECCV 2016". */
  reference: string;
  /** What the network predicts, in one sentence. */
  summary: string;
  /** What one element of a tuple is, as the UI names it. */
  element: 'frame' | 'clip' | 'subsequence';
  /** `paper` follows PAPERS.md; `tiny` keeps every mechanism, small enough to train on a 2-core CPU. */
  presets: { readonly [P in PresetName]: Readonly<C> };
  /** One line of help per option, for forms. */
  hints: { readonly [K in OptionKey<C>]: string };
  /** The values of the options that take one of a few (the schema's enums). */
  choices: { readonly [K in OptionKey<C>]?: readonly string[] };
  /** Options the schema fixes to one value (shown, not edited). */
  fixed: readonly OptionKey<C>[];
  /** Encoders that take this task's elements; the first is the default. */
  backbones: readonly [Backbone, ...Backbone[]];
  /** Classes the sampler's labels and the model's head range over. */
  classCount(config: C): number;
  /** The most frequent label's share, for a sampler whose labels are not uniform; absent: uniform. */
  majority?(config: C): number;
  tupleShape(config: C): TupleShape;
  /** Fewest frames a video needs to host a tuple. */
  framesNeeded(config: C): number;
  /**
   * For an element that the encoder sees as one dynamic image of several frames (O3N's subsequence):
   * how many frames, how far apart. Retrieval then encodes clips the same way. Absent: frames one by one.
   */
  dynamicImage?(config: C): SubsequenceSpacing;
  /**
   * For a head that compares ordered frames (S&L, OPN): the ordered tuples retrieval shows it, frames
   * `stride` apart (the sampler's least gap). Absent: retrieval encodes elements alone.
   */
  relationTuple?(config: C): SubsequenceSpacing;
}

/** Frames of one subsequence and the frames between consecutive ones (in sampled frames). */
export interface SubsequenceSpacing {
  frames: number;
  stride: number;
}

/**
 * What a pretext task is, in one record: its names and paper, its option schema and presets, the
 * backbones that can encode its input, and what a config implies for samplers and models (classes,
 * tuple shape, frames a video needs). The registry (../tasks.ts) lists the records; everything else
 * reads them there. Plain data and zod only: the UI reads the records too.
 */
import type { z } from 'zod';
import type { Backbone } from '../backbones.ts';

export const PRESET_NAMES = ['paper', 'tiny'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** One tuple as the model takes it: [elements, frames, height, width, channels]. */
export type TupleShape = readonly [number, number, number, number, 3];

/** A task's option schema: a strict object told apart from the others by its `task` literal. */
type OptionSchema<Id extends string> = z.ZodObject<{ task: z.ZodLiteral<Id> } & z.ZodRawShape>;

export interface TaskDefinition<Id extends string, S extends OptionSchema<Id>> {
  id: Id;
  title: string;
  /** The method's usual name, e.g. "Shuffle & Learn". */
  paper: string;
  /** Authors, venue and year, e.g. "Misra et al. ECCV 2016". */
  reference: string;
  /** What the network predicts, in one sentence. */
  summary: string;
  /** What one element of a tuple is, as the UI names it. */
  element: 'frame' | 'clip' | 'subsequence';
  schema: S;
  /** `paper` follows PAPERS.md; `tiny` keeps every mechanism, small enough to train on a 2-core CPU. */
  presets: { readonly [P in PresetName]: Readonly<z.output<S>> };
  /** Encoders that take this task's elements; the first is the default. */
  backbones: readonly [Backbone, ...Backbone[]];
  /** Classes the sampler's labels and the model's head range over. */
  classCount(config: z.output<S>): number;
  tupleShape(config: z.output<S>): TupleShape;
  /** Fewest frames a video needs to host a tuple. */
  framesNeeded(config: z.output<S>): number;
}

/** A task record, its types kept exact (the registry builds its union schema from them). */
export function defineTask<const Id extends string, S extends OptionSchema<Id>>(
  definition: TaskDefinition<Id, S>,
): TaskDefinition<Id, S> {
  return definition;
}

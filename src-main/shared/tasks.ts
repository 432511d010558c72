/**
 * The registry of pretext tasks: every record of ./tasks/ and what the rest of the app asks of them
 * (ids, the one config schema, presets, classes, tuple shape, frames needed, which backbones fit).
 * Samplers, models, the contract, the CLI and the UI read tasks here. Adding a task means one record
 * in ./tasks/, listed below, and its sampler and network in core.
 */
import { z } from 'zod';
import type { Backbone } from './backbones.ts';
import type { TaskInfo } from './dto.ts';
import { clipOrder, type ClipOrderDetail } from './tasks/clip-order.ts';
import type { TupleShape } from './tasks/definition.ts';
import { oddOneOut, type OddOneOutDetail } from './tasks/odd-one-out.ts';
import { orderVerification, type OrderVerificationDetail } from './tasks/order-verification.ts';
import { sequenceSorting, type SequenceSortingDetail } from './tasks/sequence-sorting.ts';

export { SAMPLING_FPS } from './sampling.ts';
export { PRESET_NAMES, type PresetName, type TupleShape } from './tasks/definition.ts';
export { spacedFramesNeeded } from './tasks/options.ts';
export { CLIP_ORDER_MODES, type ClipOrderConfig, type ClipOrderMode } from './tasks/clip-order.ts';
export { ODD_ONE_OUT_FUSIONS, type OddOneOutConfig, type OddOneOutFusion } from './tasks/odd-one-out.ts';
export {
  ORDER_VERIFICATION_HEADS,
  type OrderVerificationConfig,
  type OrderVerificationHead,
  type OrderVerificationKind,
} from './tasks/order-verification.ts';
export type { SequenceSortingConfig } from './tasks/sequence-sorting.ts';

/** Every task, in the order the UI lists them. */
const RECORDS = [orderVerification, sequenceSorting, oddOneOut, clipOrder] as const;

type TaskRecords = typeof RECORDS;
/** A field of every record, as a tuple in RECORDS' order (generic, so the mapping keeps the tuple). */
type Each<Records extends readonly unknown[], Key extends string> = {
  readonly [I in keyof Records]: Records[I] extends Record<Key, infer V> ? V : never;
};
export type TaskId = TaskRecords[number]['id'];
/** Each task's record, by id. */
export type TaskDefinitions = { [R in TaskRecords[number] as R['id']]: R };
export type TaskConfigs = { [T in TaskId]: z.output<TaskDefinitions[T]['schema']> };
export type TaskConfig = TaskConfigs[TaskId];

export const TASK_IDS = RECORDS.map((task) => task.id) as unknown as Each<TaskRecords, 'id'>;

export const TASKS = Object.fromEntries(RECORDS.map((task) => [task.id, task])) as TaskDefinitions;

/** Any task's config, told apart by `task`: the one rule the contract validates task options with. */
export const taskConfigSchema = z.discriminatedUnion(
  'task',
  RECORDS.map((task) => task.schema) as unknown as Each<TaskRecords, 'schema'>,
);

/** The `paper` and `tiny` presets of every task (see the records). */
export const TASK_PRESETS = Object.fromEntries(RECORDS.map((task) => [task.id, task.presets])) as {
  readonly [T in TaskId]: TaskDefinitions[T]['presets'];
};

/** Every option key of every task with the schema that checks it (keys shared by tasks share rules). */
const OPTION_SCHEMAS: [key: string, schema: z.ZodType][] = RECORDS.flatMap((task) => Object.entries(task.schema.shape));

/** The choices of the enum-valued option keys (head, fusion, mode), for forms. */
export const OPTION_CHOICES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  OPTION_SCHEMAS.flatMap(([key, schema]) => (schema instanceof z.ZodEnum ? [[key, schema.options.map(String)]] : [])),
);

/** One line of help per option key: the schemas' descriptions (keys shared by tasks share one). */
export const OPTION_HINTS: Readonly<Record<string, string>> = Object.fromEntries(
  OPTION_SCHEMAS.flatMap(([key, schema]) => (schema.description ? [[key, schema.description]] : [])),
);

/** Option keys a schema fixes to one value (`task`, S&L's frame counts): shown, not edited. */
export const FIXED_OPTIONS: ReadonlySet<string> = new Set(
  OPTION_SCHEMAS.flatMap(([key, schema]) => (schema instanceof z.ZodLiteral ? [key] : [])),
);

/** Structured truth per task, for the preview UI and for checks. */
export interface TupleDetails {
  'order-verification': OrderVerificationDetail;
  'sequence-sorting': SequenceSortingDetail;
  'odd-one-out': OddOneOutDetail;
  'clip-order': ClipOrderDetail;
}

/** A record's per-config functions, taking any config (each record only ever gets its own). */
interface ConfigRules {
  classCount(config: TaskConfig): number;
  tupleShape(config: TaskConfig): TupleShape;
  framesNeeded(config: TaskConfig): number;
}

function rulesOf(config: TaskConfig): ConfigRules {
  // `config.task` picks the record of that very config type; TypeScript cannot follow the pairing.
  return TASKS[config.task] as unknown as ConfigRules;
}

/** Classes the sampler labels with and the model's head predicts. */
export function classCount(config: TaskConfig): number {
  return rulesOf(config).classCount(config);
}

/** One tuple as the sampler packs it and the model takes it: [elements, frames, height, width, 3]. */
export function tupleShape(config: TaskConfig): TupleShape {
  return rulesOf(config).tupleShape(config);
}

/** Fewest frames a video needs to host one tuple. */
export function framesNeeded(config: TaskConfig): number {
  return rulesOf(config).framesNeeded(config);
}

/** Why `backbone` cannot encode `task`'s elements, or null when it can. */
export function backboneMismatch(task: TaskId, backbone: Backbone): string | null {
  const allowed: readonly Backbone[] = TASKS[task].backbones;
  if (allowed.includes(backbone)) return null;
  const choices = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
  return `${backbone} does not fit ${task}: use ${choices}.`;
}

/**
 * The zod rule for "this backbone fits this task", for any object with a backbone (`superRefine`);
 * `taskOf` says which task the object names (undefined: nothing to check).
 */
export function fitsBackbone<T extends { backbone?: Backbone | undefined }>(taskOf: (value: T) => TaskId | undefined) {
  return (value: T, context: z.RefinementCtx<T>): void => {
    const task = taskOf(value);
    const problem = task && value.backbone ? backboneMismatch(task, value.backbone) : null;
    if (problem) context.addIssue({ code: 'custom', message: problem, path: ['backbone'] });
  };
}

/** The tasks as the UI lists them, presets copied so callers may edit them. */
export function listTasks(): TaskInfo[] {
  return RECORDS.map(({ id, title, paper, reference, summary, presets }) => ({
    id,
    title,
    paper: `${paper}, ${reference}`,
    summary,
    // JSON round trip: a deep copy without DOM/Node globals (this module runs everywhere).
    presets: JSON.parse(JSON.stringify(presets)) as TaskInfo['presets'],
  }));
}

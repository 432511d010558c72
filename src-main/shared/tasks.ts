/**
 * The registry of pretext tasks: every record of ./tasks/ and what the rest of the app asks of them
 * (ids, presets, classes, tuple shape, frames needed, which backbones fit, option help for forms).
 * Samplers, models, the CLI and the UI read tasks here; the option schemas are in ./task-schemas.ts.
 * No zod here: the UI bundle imports this module. Adding a task means its record and schema in
 * ./tasks/, listed below and in ./task-schemas.ts, and its sampler and network in core.
 */
import type { Backbone } from './backbones.ts';
import type { TaskInfo } from './dto.ts';
import { clipOrder, type ClipOrderDetail } from './tasks/clip-order.ts';
import type { SubsequenceSpacing, TaskDefinition, TupleShape } from './tasks/definition.ts';
import { oddOneOut, type OddOneOutDetail } from './tasks/odd-one-out.ts';
import { orderVerification, type OrderVerificationDetail } from './tasks/order-verification.ts';
import { sequenceSorting, type SequenceSortingDetail } from './tasks/sequence-sorting.ts';

export { SAMPLING_FPS } from './sampling.ts';
export { PRESET_NAMES, type PresetName, type SubsequenceSpacing, type TupleShape } from './tasks/definition.ts';
export { spacedFramesNeeded } from './tasks/common.ts';
export { CLIP_ORDER_MODES, type ClipOrderMode } from './tasks/clip-order.ts';
export type { ClipOrderConfig } from './tasks/clip-order.schema.ts';
export { ODD_ONE_OUT_FUSIONS, type OddOneOutFusion } from './tasks/odd-one-out.ts';
export type { OddOneOutConfig } from './tasks/odd-one-out.schema.ts';
export { ORDER_VERIFICATION_HEADS, type OrderVerificationHead, type OrderVerificationKind } from './tasks/order-verification.ts';
export type { OrderVerificationConfig } from './tasks/order-verification.schema.ts';
export type { SequenceSortingConfig } from './tasks/sequence-sorting.schema.ts';

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
export type TaskConfigs = { [T in TaskId]: TaskDefinitions[T] extends TaskDefinition<infer C> ? C : never };
export type TaskConfig = TaskConfigs[TaskId];

export const TASK_IDS = RECORDS.map((task) => task.id) as unknown as Each<TaskRecords, 'id'>;

export const TASKS = Object.fromEntries(RECORDS.map((task) => [task.id, task])) as TaskDefinitions;

/** The `paper` and `tiny` presets of every task (see the records). */
export const TASK_PRESETS = Object.fromEntries(RECORDS.map((task) => [task.id, task.presets])) as {
  readonly [T in TaskId]: TaskDefinitions[T]['presets'];
};

/** The choices of the options that take one of a few values (head, fusion, mode), for forms. */
export const OPTION_CHOICES: Readonly<Record<string, readonly string[]>> = Object.assign({}, ...RECORDS.map((task) => task.choices));

/** One line of help per option key (keys shared by tasks share their help: tasks/common.ts). */
export const OPTION_HINTS: Readonly<Record<string, string>> = Object.assign({}, ...RECORDS.map((task) => task.hints));

/** Option keys a schema fixes to one value (`task`, S&L's frame counts): shown, not edited. */
export const FIXED_OPTIONS: ReadonlySet<string> = new Set(['task', ...RECORDS.flatMap((task) => task.fixed)]);

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
  majority?(config: TaskConfig): number;
  tupleShape(config: TaskConfig): TupleShape;
  framesNeeded(config: TaskConfig): number;
  dynamicImage?(config: TaskConfig): SubsequenceSpacing;
  relationTuple?(config: TaskConfig): SubsequenceSpacing;
}

function rulesOf(config: TaskConfig): ConfigRules {
  // `config.task` picks the record of that very config type; TypeScript cannot follow the pairing.
  return TASKS[config.task] as unknown as ConfigRules;
}

/** Classes the sampler labels with and the model's head predicts. */
export function classCount(config: TaskConfig): number {
  return rulesOf(config).classCount(config);
}

/** The share of the most frequent label the sampler draws: 1 / classCount unless the record says more. */
export function majorityShare(config: TaskConfig): number {
  const chance = 1 / classCount(config);
  return Math.max(chance, rulesOf(config).majority?.(config) ?? chance);
}

/** One tuple as the sampler packs it and the model takes it: [elements, frames, height, width, 3]. */
export function tupleShape(config: TaskConfig): TupleShape {
  return rulesOf(config).tupleShape(config);
}

/** Fewest frames a video needs to host one tuple. */
export function framesNeeded(config: TaskConfig): number {
  return rulesOf(config).framesNeeded(config);
}

/** How the encoder sees a subsequence as one dynamic image, or null when it sees frames one by one (or clips). */
export function dynamicImageSpacing(config: TaskConfig): SubsequenceSpacing | null {
  return rulesOf(config).dynamicImage?.(config) ?? null;
}

/** The ordered tuples whose head features stand for a clip in retrieval (S&L, OPN); null: the encoder's features alone. */
export function relationTupleSpacing(config: TaskConfig): SubsequenceSpacing | null {
  return rulesOf(config).relationTuple?.(config) ?? null;
}

/** Why `backbone` cannot encode `task`'s elements, or null when it can. */
export function backboneMismatch(task: TaskId, backbone: Backbone): string | null {
  const allowed: readonly Backbone[] = TASKS[task].backbones;
  if (allowed.includes(backbone)) return null;
  const choices = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
  return `${backbone} does not fit ${task}: use ${choices}.`;
}

/** Whether `task`'s tuple elements are clips, which 3D encoders take whole (else frames or subsequences of frames). */
export function takesClips(task: TaskId): boolean {
  return TASKS[task].element === 'clip';
}

/** Retrieval's default encoder for `task`: R3D, whose retrieval numbers the papers report, where it fits; else the task's default. */
export function retrievalBackbone(task: TaskId): Backbone {
  const { backbones } = TASKS[task];
  return backbones.includes('r3d') ? 'r3d' : backbones[0];
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

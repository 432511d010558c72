/**
 * The task option schemas (./tasks/<task>.schema.ts) as the one rule the contract validates task
 * configs with, and the zod form of the backbone rule. Main side only: the UI reads ./tasks.ts, which
 * has no zod.
 */
import { z } from 'zod';
import type { Backbone } from './backbones.ts';
import { backboneMismatch, type TaskId } from './tasks.ts';
import { clipOrderConfigSchema } from './tasks/clip-order.schema.ts';
import { oddOneOutConfigSchema } from './tasks/odd-one-out.schema.ts';
import { orderVerificationConfigSchema } from './tasks/order-verification.schema.ts';
import { sequenceSortingConfigSchema } from './tasks/sequence-sorting.schema.ts';

/** Each task's option schema, by id. */
export const TASK_SCHEMAS = {
  'order-verification': orderVerificationConfigSchema,
  'sequence-sorting': sequenceSortingConfigSchema,
  'odd-one-out': oddOneOutConfigSchema,
  'clip-order': clipOrderConfigSchema,
} as const satisfies Record<TaskId, z.ZodType>;

/** Any task's config, told apart by `task`. */
export const taskConfigSchema = z.discriminatedUnion('task', [
  orderVerificationConfigSchema,
  sequenceSortingConfigSchema,
  oddOneOutConfigSchema,
  clipOrderConfigSchema,
]);

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

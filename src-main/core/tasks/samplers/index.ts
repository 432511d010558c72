/** The samplers, keyed by task id. */
import type { TaskConfig, TaskConfigs, TaskId } from '../../../shared/tasks.ts';
import { clipOrder } from './clip-order.ts';
import { oddOneOut } from './odd-one-out.ts';
import { orderVerification } from './order-verification.ts';
import { sequenceSorting } from './sequence-sorting.ts';
import type { TaskSampler } from './types.ts';

export const SAMPLERS: { readonly [T in TaskId]: TaskSampler<TaskConfigs[T]> } = {
  'order-verification': orderVerification,
  'sequence-sorting': sequenceSorting,
  'odd-one-out': oddOneOut,
  'clip-order': clipOrder,
};

/** The sampler of a config's task, typed for that config. */
export function samplerFor<C extends TaskConfig>(config: C): TaskSampler<C> {
  // The map pairs each id with its config type; TypeScript cannot follow that through `config.task`.
  return SAMPLERS[config.task] as unknown as TaskSampler<C>;
}

export { batchKinds } from './order-verification.ts';
export { isSkipped } from './define.ts';
export type * from './types.ts';

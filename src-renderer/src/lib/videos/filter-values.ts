import type { VideoStatus } from '@shared/dto.ts';
import { VIDEO_STATUSES } from '@shared/dto.ts';
import type { LabelFilter } from './library-state.svelte.ts';

/** `<option>` values of the filter selects. A label option's value is the label itself. */
export const ALL_VALUE = '';
/** A slash cannot occur in a folder name, so no label can collide with it. */
export const UNLABELLED_VALUE = '/unlabelled';

export function labelToValue(label: LabelFilter): string {
  if (label === undefined) return ALL_VALUE;
  if (label === null) return UNLABELLED_VALUE;
  return label;
}

export function valueToLabel(value: string): LabelFilter {
  if (value === ALL_VALUE) return undefined;
  if (value === UNLABELLED_VALUE) return null;
  return value;
}

export function valueToStatus(value: string): VideoStatus | undefined {
  return (VIDEO_STATUSES as readonly string[]).includes(value) ? (value as VideoStatus) : undefined;
}

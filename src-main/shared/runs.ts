/** Finding runs in a long list: one filter for the API, the CLI and the Train screen. */
import type { RunDto, RunStatus } from './dto.ts';
import type { TaskId } from './tasks.ts';

export interface RunFilter {
  task?: TaskId | undefined;
  status?: RunStatus | undefined;
  /** Words that must all appear in the run's number, name, note, task, backbone or backend. */
  search?: string | undefined;
}

export const RUN_NAME_MAX = 200;
export const RUN_NOTE_MAX = 10_000;

function haystack(run: RunDto): string {
  return [`#${run.id}`, run.name ?? '', run.note, run.task, run.backbone, run.backend ?? '', run.config.backend]
    .join('\n')
    .toLowerCase();
}

export function runMatches(run: RunDto, filter: RunFilter): boolean {
  if (filter.task !== undefined && run.task !== filter.task) return false;
  if (filter.status !== undefined && run.status !== filter.status) return false;
  const words = (filter.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = haystack(run);
  return words.every((word) => text.includes(word));
}

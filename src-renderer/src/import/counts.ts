import type { ImportCounts } from '@shared/dto.ts';

/** The per-outcome counts of an import, in the order the summary shows them. */
export const OUTCOME_FIELDS: readonly { key: keyof ImportCounts; label: string }[] = [
  { key: 'imported', label: 'Imported' },
  { key: 'updated', label: 'Updated' },
  { key: 'unchanged', label: 'Unchanged' },
  { key: 'moved', label: 'Moved' },
  { key: 'duplicates', label: 'Duplicates' },
  { key: 'failed', label: 'Failed' },
  { key: 'missing', label: 'Missing' },
];

/** The evaluation table as files to download. Pure. */
import { csvText } from '@shared/csv.ts';
import type { EvaluationTable } from '@shared/dto.ts';

/**
 * A row per feature set: accuracies as fractions in [0, 1], empty where none was measured, with the
 * protocol that made the vectors and the split they were scored on.
 */
export function evaluationCsv(table: EvaluationTable): string {
  const header = [
    'set_id',
    'name',
    'random_init',
    'protocol',
    'input_size',
    'clips_per_video',
    'feature_size',
    ...table.ks.map((k) => `top${k}`),
    'queries',
    'gallery',
    'split',
    'split_seed',
    'test_fraction',
  ];
  const { split } = table;
  const rows = table.rows.map((row) => [
    row.setId,
    row.name,
    row.isRandomInit,
    row.protocol,
    row.inputSize,
    row.clipsPerVideo,
    row.featureSize,
    ...table.ks.map((k) => row.topK[k] ?? null),
    row.queries,
    row.gallery,
    split.kind,
    split.kind === 'seeded' ? split.seed : null,
    split.kind === 'seeded' ? split.testFraction : null,
  ]);
  return csvText([header, ...rows], '\r\n');
}

/** The whole table, split included, as the contract returns it. */
export function evaluationJson(table: EvaluationTable): string {
  return `${JSON.stringify(table, null, 2)}\n`;
}

/** "evaluation-seed0.csv", or "evaluation-test-list.json" for a listed split. */
export function evaluationFileName(table: EvaluationTable, extension: 'csv' | 'json'): string {
  const split = table.split.kind === 'list' ? 'test-list' : `seed${table.split.seed}`;
  return `evaluation-${split}.${extension}`;
}

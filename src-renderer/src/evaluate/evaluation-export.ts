/** The evaluation table as files to download. Pure. */
import type { EvaluationTable } from '../../../src-main/shared/dto.ts';

/** One CSV field: quoted when it holds a comma, a quote or a line break (quotes doubled), RFC 4180. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A row per feature set: accuracies as fractions in [0, 1], empty where none was measured. */
export function evaluationCsv(table: EvaluationTable): string {
  const header = ['set_id', 'name', 'random_init', ...table.ks.map((k) => `top${k}`), 'queries', 'gallery'];
  const rows = table.rows.map((row) => [
    row.setId,
    row.name,
    row.isRandomInit,
    ...table.ks.map((k) => row.topK[k] ?? null),
    row.queries,
    row.gallery,
  ]);
  return [header, ...rows].map((fields) => fields.map(csvField).join(',')).join('\r\n') + '\r\n';
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

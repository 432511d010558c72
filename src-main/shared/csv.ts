/** CSV as RFC 4180 writes it; shared by the CLI's feature export and the UI's table download. */

/** One cell: quoted only when it holds a comma, a quote or a line break (quotes doubled); null is empty. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Rows of cells as text, each line ended by `newline`. */
export function csvText(rows: readonly (readonly (string | number | boolean | null | undefined)[])[], newline = '\n'): string {
  return rows.map((cells) => cells.map(csvField).join(',') + newline).join('');
}

/** Benchmarks print one JSON object (for machines) and a table (for people). */
export function printReport(name: string, rows: Record<string, string | number>[], extra: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ benchmark: name, ...extra, rows }));
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) => (typeof value === 'number' ? Number(value.toFixed(3)).toString() : String(value ?? ''));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) => values.map((value, index) => value.padEnd(widths[index] ?? 0)).join('  ');
  console.log(`\n${name}\n${line(columns)}\n${line(widths.map((width) => '-'.repeat(width)))}`);
  for (const row of rows) console.log(line(columns.map((column) => cell(row[column]))));
}

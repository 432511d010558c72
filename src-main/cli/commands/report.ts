/** `pretext report`: the library's paper-style report as one HTML file, through the contract. */
import { PROJECTIONS, TEST_LIST_MAX_CHARS } from '../../shared/dto.ts';
import { checkReportTarget, writeReportFile } from '../../core/report/write.ts';
import { readTextFile } from '../../core/util/user-files.ts';
import { CliError, createSession, requireLibrary, type CommandContext } from '../context.ts';
import { parseChoice, parseInteger, parseNumber } from '../parse.ts';

export async function runReport(context: CommandContext): Promise<number> {
  const out = context.options.out;
  if (!out) throw new CliError('--out FILE.html is required.');
  // Before the evaluations (the linear probe takes a while): a bad target fails at once.
  await checkReportTarget(out);
  const seed = parseInteger(context.options['split-seed'], '--split-seed') ?? 0;
  const testFraction = parseNumber(context.options['test-fraction'], '--test-fraction') ?? 0.3;
  const projection = parseChoice(context.options.projection, PROJECTIONS, '--projection', 'pca');
  // The user named this file on their own command line: the CLI reads it and sends the text.
  const listFile = context.options['test-list'];
  const testListText = listFile ? await readTextFile(listFile, TEST_LIST_MAX_CHARS) : undefined;
  const session = createSession();
  try {
    await session.call('library.open', { path: requireLibrary(context), create: false });
    const report = await session.call('evaluation.report', { seed, testFraction, projection, ...(testListText === undefined ? {} : { testListText }) });
    if (report.kind !== 'html') throw new CliError('The report came back without its HTML.', 1);
    await writeReportFile(out, report.html);
    const written = { file: out, bytes: Buffer.byteLength(report.html) };
    console.log(context.json ? JSON.stringify(written, null, 2) : `Wrote the report to ${out} (${written.bytes} bytes).`);
    return 0;
  } finally {
    await session.studio.close();
  }
}

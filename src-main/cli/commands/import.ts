import type { ImportJobDto, ImportProgress } from '../../shared/dto.ts';
import { CliError, createSession, onInterrupt, requireLibrary, type CommandContext, type Session } from '../context.ts';

function progressLine(progress: ImportProgress): string {
  const { counts } = progress;
  const eta = progress.etaSeconds === null ? '' : ` · ETA ${progress.etaSeconds}s`;
  const file = progress.currentFile ? ` · ${progress.currentFile}` : '';
  return `[${progress.phase}] ${counts.processed}/${counts.found} · failed ${counts.failed}${eta}${file}`;
}

/** Imports a folder with live progress on stderr; returns the finished job. */
export async function importFolder(session: Session, folder: string, quiet: boolean): Promise<ImportJobDto> {
  const { call, events, studio } = session;
  const interactive = process.stderr.isTTY && !quiet;
  const stopListening = events.subscribe((name, payload) => {
    if (name !== 'import.progress' || quiet) return;
    const line = progressLine(payload as ImportProgress);
    process.stderr.write(interactive ? `\r\x1b[2K${line.slice(0, process.stderr.columns ?? 120)}` : '');
  });
  const job = await call('import.start', { folder });
  const stopInterrupt = onInterrupt(() => void call('import.cancel', { jobId: job.id }));
  try {
    return await studio.imports.wait(job.id);
  } finally {
    stopInterrupt();
    stopListening();
    if (interactive) process.stderr.write('\n');
  }
}

export function printSummary(job: ImportJobDto, failures: { path: string; reason: string }[]): void {
  console.log(
    `Import ${job.status}: ${job.imported} imported, ${job.updated} updated, ${job.unchanged} unchanged, ` +
      `${job.moved} moved, ${job.duplicates} duplicates, ${job.failed} failed, ${job.missing} missing.`,
  );
  for (const failure of failures) console.log(`  failed: ${failure.path}: ${failure.reason}`);
  if (job.error) console.log(`  error: ${job.error}`);
}

export function exitCodeOf(job: ImportJobDto): number {
  if (job.status === 'completed') return 0;
  return job.status === 'cancelled' ? 130 : 1;
}

export async function runImportCommand(context: CommandContext): Promise<number> {
  const [folder, ...extra] = context.args;
  if (!folder || extra.length > 0) throw new CliError('Usage: pretext import DIR --library FILE [--json]');
  const session = createSession();
  try {
    await session.call('library.open', { path: requireLibrary(context), create: true });
    const job = await importFolder(session, folder, context.json);
    const failures = await session.call('import.failures', { jobId: job.id });
    if (context.json) {
      const skipped = job.unchanged + job.duplicates;
      console.log(JSON.stringify({ job, imported: job.imported, skipped, failed: failures }, null, 2));
    } else {
      printSummary(job, failures);
    }
    return exitCodeOf(job);
  } finally {
    await session.studio.close();
  }
}

import type { ImportCounts, ImportFailure, ImportJobDto, ImportJobStatus } from '../../shared/dto.ts';
import type { ReadableDB, WritableDB } from './connection.ts';

interface JobRow extends ImportCounts {
  id: number;
  root: string;
  status: ImportJobStatus;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

const COUNT_COLUMNS = [
  'found',
  'processed',
  'imported',
  'updated',
  'unchanged',
  'moved',
  'duplicates',
  'failed',
  'missing',
] as const satisfies readonly (keyof ImportCounts)[];

export function emptyCounts(): ImportCounts {
  return Object.fromEntries(COUNT_COLUMNS.map((column) => [column, 0])) as unknown as ImportCounts;
}

function toDto(row: JobRow): ImportJobDto {
  const counts = Object.fromEntries(COUNT_COLUMNS.map((column) => [column, row[column]]));
  return {
    id: row.id,
    root: row.root,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    ...(counts as unknown as ImportCounts),
  };
}

export function createJob(db: WritableDB, root: string, now = new Date().toISOString()): ImportJobDto {
  const result = db
    .prepare(`INSERT INTO import_jobs (root, status, started_at) VALUES (?, 'running', ?)`)
    .run(root, now);
  return getJob(db, Number(result.lastInsertRowid)) as ImportJobDto;
}

export function getJob(db: ReadableDB, id: number): ImportJobDto | undefined {
  const row = db.prepare('SELECT * FROM import_jobs WHERE id = ?').get(id) as JobRow | undefined;
  return row && toDto(row);
}

export function listJobs(db: ReadableDB, limit: number): ImportJobDto[] {
  const rows = db.prepare('SELECT * FROM import_jobs ORDER BY id DESC LIMIT ?').all(limit) as JobRow[];
  return rows.map(toDto);
}

export function saveJobCounts(db: WritableDB, id: number, counts: ImportCounts): void {
  const assignments = COUNT_COLUMNS.map((column) => `${column} = @${column}`).join(', ');
  db.prepare(`UPDATE import_jobs SET ${assignments} WHERE id = @id`).run({ ...counts, id });
}

export function finishJob(
  db: WritableDB,
  id: number,
  status: Exclude<ImportJobStatus, 'running'>,
  error: string | null = null,
  now = new Date().toISOString(),
): void {
  db.prepare('UPDATE import_jobs SET status = ?, error = ?, finished_at = ? WHERE id = ?').run(
    status,
    error,
    now,
    id,
  );
}

export function addFailure(db: WritableDB, jobId: number, failure: ImportFailure): void {
  db.prepare('INSERT INTO import_failures (job_id, path, reason) VALUES (?, ?, ?)').run(
    jobId,
    failure.path,
    failure.reason,
  );
}

export function listFailures(db: ReadableDB, jobId: number): ImportFailure[] {
  return db
    .prepare('SELECT path, reason FROM import_failures WHERE job_id = ? ORDER BY id')
    .all(jobId) as ImportFailure[];
}

/** Import roots, most recent first. */
export function importRoots(db: ReadableDB): string[] {
  const rows = db
    .prepare('SELECT root FROM import_jobs GROUP BY root ORDER BY max(id) DESC')
    .all() as { root: string }[];
  return rows.map((row) => row.root);
}

/**
 * Owners of long jobs (imports, training runs, feature extractions), one rule for all three: a job
 * left running is closed as interrupted only once its owner is gone. Whether an owner is gone is the
 * caller's judgement (see jobs/ownership.ts); this module stores owners and applies it.
 */
import type { ReadableDB, WritableDB } from './connection.ts';

export interface JobOwner {
  id: string;
  host: string;
  pid: number;
  startToken: string | null;
  heartbeatAt: string;
}

/** Each kind of job: its table, the status it has while running, and how it is closed when orphaned. */
const JOB_KINDS = {
  import: {
    table: 'import_jobs',
    running: 'running',
    close: `status = 'interrupted', finished_at = @now, error = 'the process running this import stopped before it finished'`,
  },
  training: {
    table: 'training_runs',
    running: 'running',
    close: `status = 'interrupted', updated_at = @now,
      error = 'the process running this training stopped; resume continues from the last checkpoint'`,
  },
  extraction: {
    table: 'feature_sets',
    running: 'extracting',
    close: `status = 'interrupted', updated_at = @now, error = 'the process running this extraction stopped'`,
  },
} as const;

export type JobKind = keyof typeof JOB_KINDS;
export const JOB_KIND_NAMES = Object.keys(JOB_KINDS) as JobKind[];

/** Adds or refreshes an owner (an owner whose row a sweep removed by mistake gets it back). */
export function saveOwner(db: WritableDB, owner: JobOwner): void {
  db.prepare(
    `INSERT INTO job_owners (id, host, pid, start_token, heartbeat_at) VALUES (@id, @host, @pid, @startToken, @heartbeatAt)
     ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
  ).run(owner);
}

export function removeOwner(db: WritableDB, id: string): void {
  db.prepare('DELETE FROM job_owners WHERE id = ?').run(id);
}

export function listOwners(db: ReadableDB): JobOwner[] {
  return db
    .prepare('SELECT id, host, pid, start_token AS startToken, heartbeat_at AS heartbeatAt FROM job_owners ORDER BY id')
    .all() as JobOwner[];
}

/** Records who runs a job; call it in the transaction that sets the job running. */
export function claimJob(db: WritableDB, kind: JobKind, jobId: number, ownerId: string): void {
  db.prepare(`UPDATE ${JOB_KINDS[kind].table} SET owner_id = ? WHERE id = ?`).run(ownerId, jobId);
}

const ORPHANED = `(owner_id IS NULL OR owner_id NOT IN (SELECT id FROM job_owners))`;

/** Running jobs of `kind` whose owner `isGone` condemns (or that have none), without changing anything. */
export function orphanedJobIds(db: ReadableDB, kind: JobKind, isGone: (owner: JobOwner) => boolean): Set<number> {
  const { table, running } = JOB_KINDS[kind];
  const live = new Set(listOwners(db).filter((owner) => !isGone(owner)).map((owner) => owner.id));
  const rows = db
    .prepare(`SELECT id, owner_id AS ownerId FROM ${table} WHERE status = '${running}'`)
    .all() as { id: number; ownerId: string | null }[];
  return new Set(rows.filter((row) => row.ownerId === null || !live.has(row.ownerId)).map((row) => row.id));
}

/**
 * Drops the owners `isGone` condemns, then closes every running job whose owner has no row (its
 * owner was just dropped, left cleanly, or the job predates owners). One transaction, so two
 * processes sweeping at once cannot interleave. Returns how many jobs of each kind were closed.
 */
export function closeAbandonedJobs(
  db: WritableDB,
  isGone: (owner: JobOwner) => boolean,
  now = new Date().toISOString(),
): Record<JobKind, number> {
  return db.transaction(() => {
    for (const owner of listOwners(db)) if (isGone(owner)) removeOwner(db, owner.id);
    const closed = {} as Record<JobKind, number>;
    for (const kind of JOB_KIND_NAMES) {
      const { table, running, close } = JOB_KINDS[kind];
      closed[kind] = db
        .prepare(
          `UPDATE ${table} SET ${close} WHERE status = '${running}' AND ${ORPHANED}`,
        )
        .run({ now }).changes;
    }
    return closed;
  })();
}

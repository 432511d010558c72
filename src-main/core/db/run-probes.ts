import type { ProbePoint } from '../../shared/dto.ts';
import type { ReadableDB, WritableDB } from './connection.ts';

/** Stores probe measurements; a step measured again (after a resume) keeps the newest. */
export function recordProbes(db: WritableDB, runId: number, probes: readonly ProbePoint[]): void {
  const insert = db.prepare(
    `INSERT INTO run_probes (run_id, step, feature_spread, feature_size) VALUES (?, ?, ?, ?)
     ON CONFLICT (run_id, step) DO UPDATE SET feature_spread = excluded.feature_spread, feature_size = excluded.feature_size`,
  );
  db.transaction(() => {
    for (const probe of probes) insert.run(runId, probe.step, probe.featureSpread, probe.featureSize);
  })();
}

export function listProbes(db: ReadableDB, runId: number): ProbePoint[] {
  const rows = db
    .prepare('SELECT step, feature_spread, feature_size FROM run_probes WHERE run_id = ? ORDER BY step')
    .all(runId) as { step: number; feature_spread: number; feature_size: number }[];
  return rows.map((row) => ({ step: row.step, featureSpread: row.feature_spread, featureSize: row.feature_size }));
}

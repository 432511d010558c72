import type { ProbePoint } from '../../shared/dto.ts';
import type { ReadableDB, WritableDB } from './connection.ts';

/** Stores probe measurements; a step measured again (after a resume) keeps the newest. */
export function recordProbes(db: WritableDB, runId: number, probes: readonly ProbePoint[]): void {
  const insert = db.prepare(
    `INSERT INTO run_probes (run_id, step, feature_spread, feature_size, knn_accuracy, knn_videos, knn_classes, knn_majority)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id, step) DO UPDATE SET feature_spread = excluded.feature_spread, feature_size = excluded.feature_size,
       knn_accuracy = excluded.knn_accuracy, knn_videos = excluded.knn_videos, knn_classes = excluded.knn_classes,
       knn_majority = excluded.knn_majority`,
  );
  db.transaction(() => {
    for (const probe of probes) {
      const knn = probe.knn;
      insert.run(runId, probe.step, probe.featureSpread, probe.featureSize, knn?.accuracy ?? null, knn?.videos ?? null, knn?.classes ?? null, knn?.majority ?? null);
    }
  })();
}

interface ProbeRow {
  step: number;
  feature_spread: number;
  feature_size: number;
  knn_accuracy: number | null;
  knn_videos: number | null;
  knn_classes: number | null;
  knn_majority: number | null;
}

export function listProbes(db: ReadableDB, runId: number): ProbePoint[] {
  const rows = db
    .prepare('SELECT step, feature_spread, feature_size, knn_accuracy, knn_videos, knn_classes, knn_majority FROM run_probes WHERE run_id = ? ORDER BY step')
    .all(runId) as ProbeRow[];
  return rows.map((row) => ({
    step: row.step,
    featureSpread: row.feature_spread,
    featureSize: row.feature_size,
    ...(row.knn_accuracy !== null && row.knn_videos !== null && row.knn_classes !== null && row.knn_majority !== null
      ? { knn: { accuracy: row.knn_accuracy, videos: row.knn_videos, classes: row.knn_classes, majority: row.knn_majority } }
      : {}),
  }));
}

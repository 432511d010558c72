import type { CheckpointDto, FinetuneAccuracy, FinetuneDto, MetricPoint, RunDetail, RunDto, RunKind, RunStatus } from '../../shared/dto.ts';
import type { FinetuneConfig } from '../../shared/finetune.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { ReadableDB, WritableDB } from './connection.ts';
import { listProbes } from './run-probes.ts';

interface RunRow {
  id: number;
  name: string | null;
  note: string;
  task: RunDto['task'];
  backbone: RunDto['backbone'];
  config_json: string;
  seed: number;
  backend: string | null;
  status: RunStatus;
  step: number;
  total_steps: number;
  error: string | null;
  created_at: string;
  updated_at: string;
  best: number | null;
  last_checkpoint: number | null;
  kind: RunKind;
  parent_run_id: number | null;
  finetune_json: string | null;
  test_top1: number | null;
  test_top5: number | null;
  test_videos: number | null;
  test_clips: number | null;
}

/** A labelled video a fine-tune run trains or tests on. */
export interface PlannedVideo {
  videoId: number;
  label: string;
}

/**
 * What a fine-tune run trains and tests on, fixed when it starts, so a resume sees the same videos
 * and classes whatever the library gained since.
 */
export interface FinetunePlan {
  config: FinetuneConfig;
  /** Null for the random-init baseline (no weights loaded). */
  parentCheckpointStep: number | null;
  /** The parent checkpoint's folder, relative to the cache folder; null for random init. */
  parentCheckpointFolder: string | null;
  classes: string[];
  train: PlannedVideo[];
  test: PlannedVideo[];
}

const RUN_COLUMNS = `r.*,
  (SELECT max(validation_accuracy) FROM checkpoints c WHERE c.run_id = r.id) AS best,
  (SELECT max(step) FROM checkpoints c WHERE c.run_id = r.id) AS last_checkpoint`;

function toDto(row: RunRow): RunDto {
  return {
    id: row.id,
    name: row.name,
    note: row.note,
    task: row.task,
    backbone: row.backbone,
    config: JSON.parse(row.config_json) as TrainConfig,
    seed: row.seed,
    backend: row.backend,
    status: row.status,
    step: row.step,
    totalSteps: row.total_steps,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    bestValidationAccuracy: row.best,
    lastCheckpointStep: row.last_checkpoint,
    kind: row.kind,
    parentRunId: row.parent_run_id,
    finetune: row.finetune_json === null ? null : finetuneDto(JSON.parse(row.finetune_json) as FinetunePlan),
    testAccuracy:
      row.test_top1 === null
        ? null
        : { top1: row.test_top1, top5: row.test_top5, videos: row.test_videos as number, clips: row.test_clips as number },
  };
}

function finetuneDto(plan: FinetunePlan): FinetuneDto {
  return {
    config: plan.config,
    parentCheckpointStep: plan.parentCheckpointStep,
    classes: plan.classes,
    trainVideos: plan.train.length,
    testVideos: plan.test.length,
  };
}

export function createRun(db: WritableDB, config: TrainConfig, now = new Date().toISOString()): RunDto {
  const result = db
    .prepare(
      `INSERT INTO training_runs (task, backbone, config_json, seed, status, total_steps, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'running', ?, ?, ?)`,
    )
    .run(config.task.task, config.backbone, JSON.stringify(config), config.seed, config.steps, now, now);
  return getRun(db, Number(result.lastInsertRowid)) as RunDto;
}

/** A fine-tune run of `parentRunId`, training `config` (the parent's task and backbone) on `plan`. */
export function createFinetuneRun(db: WritableDB, config: TrainConfig, parentRunId: number, plan: FinetunePlan, now = new Date().toISOString()): RunDto {
  const result = db
    .prepare(
      `INSERT INTO training_runs (task, backbone, config_json, seed, status, total_steps, created_at, updated_at, kind, parent_run_id, finetune_json)
       VALUES (?, ?, ?, ?, 'running', ?, ?, ?, 'finetune', ?, ?)`,
    )
    .run(config.task.task, config.backbone, JSON.stringify(config), config.seed, config.steps, now, now, parentRunId, JSON.stringify(plan));
  return getRun(db, Number(result.lastInsertRowid)) as RunDto;
}

/** The plan a fine-tune run trains on; null for pretext runs. */
export function finetunePlan(db: ReadableDB, runId: number): FinetunePlan | null {
  const row = db.prepare('SELECT finetune_json FROM training_runs WHERE id = ?').get(runId) as { finetune_json: string | null } | undefined;
  return row?.finetune_json ? (JSON.parse(row.finetune_json) as FinetunePlan) : null;
}

/** A fine-tune run's final test accuracy (null clears it: a resumed run is tested again). */
export function recordTestAccuracy(db: WritableDB, runId: number, accuracy: FinetuneAccuracy | null): void {
  db.prepare('UPDATE training_runs SET test_top1 = ?, test_top5 = ?, test_videos = ?, test_clips = ? WHERE id = ?').run(
    accuracy?.top1 ?? null,
    accuracy?.top5 ?? null,
    accuracy?.videos ?? null,
    accuracy?.clips ?? null,
    runId,
  );
}

export function getRun(db: ReadableDB, id: number): RunDto | undefined {
  const row = db.prepare(`SELECT ${RUN_COLUMNS} FROM training_runs r WHERE r.id = ?`).get(id) as RunRow | undefined;
  return row && toDto(row);
}

export function listRuns(db: ReadableDB): RunDto[] {
  const rows = db.prepare(`SELECT ${RUN_COLUMNS} FROM training_runs r ORDER BY r.id DESC`).all() as RunRow[];
  return rows.map(toDto);
}

/** Renames and/or annotates a run (a blank name gives the run back its default title). */
export function updateRunNotes(
  db: WritableDB,
  id: number,
  fields: { name?: string | null | undefined; note?: string | undefined },
): void {
  if (fields.name !== undefined) {
    const name = fields.name?.trim() || null;
    db.prepare('UPDATE training_runs SET name = ? WHERE id = ?').run(name, id);
  }
  if (fields.note !== undefined) db.prepare('UPDATE training_runs SET note = ? WHERE id = ?').run(fields.note, id);
}

/**
 * Deletes a run with its metrics, checkpoint records and the feature sets made from it (cascades).
 * Returns the checkpoint folders (relative to the cache folder) and the deleted feature set ids, so
 * the caller can remove the files and forget cached vectors.
 */
export function deleteRun(db: WritableDB, id: number): { checkpointFolders: string[]; featureSetIds: number[] } {
  return db.transaction(() => {
    const checkpointFolders = listCheckpoints(db, id).map((checkpoint) => checkpoint.folder);
    const featureSetIds = (db.prepare('SELECT id FROM feature_sets WHERE run_id = ?').all(id) as { id: number }[]).map(
      (row) => row.id,
    );
    db.prepare('DELETE FROM training_runs WHERE id = ?').run(id);
    return { checkpointFolders, featureSetIds };
  })();
}

export function setRunStatus(
  db: WritableDB,
  id: number,
  status: RunStatus,
  fields: { error?: string | null; backend?: string } = {},
  now = new Date().toISOString(),
): void {
  db.prepare(
    `UPDATE training_runs SET status = ?, error = ?, backend = coalesce(?, backend), updated_at = ? WHERE id = ?`,
  ).run(status, fields.error ?? null, fields.backend ?? null, now, id);
}

/** Records the metrics of one step and the run's progress together (one transaction). */
export function recordMetrics(db: WritableDB, runId: number, points: readonly MetricPoint[], now = new Date().toISOString()): void {
  const insert = db.prepare(
    `INSERT INTO run_metrics (run_id, split, step, loss, accuracy, steps_per_second) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const point of points) {
      insert.run(runId, point.split, point.step, point.loss, point.accuracy, point.stepsPerSecond);
    }
    const step = Math.max(0, ...points.map((point) => point.step));
    db.prepare('UPDATE training_runs SET step = max(step, ?), updated_at = ? WHERE id = ?').run(step, now, runId);
  })();
}

export function recordCheckpoint(
  db: WritableDB,
  runId: number,
  checkpoint: { step: number; folder: string; validationAccuracy: number | null },
  now = new Date().toISOString(),
): void {
  db.transaction(() => {
    db.prepare(
      `INSERT INTO checkpoints (run_id, step, folder, validation_accuracy, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, step) DO UPDATE SET folder = excluded.folder,
         validation_accuracy = excluded.validation_accuracy, created_at = excluded.created_at`,
    ).run(runId, checkpoint.step, checkpoint.folder, checkpoint.validationAccuracy, now);
    // The best checkpoint: highest validation accuracy, the later one on ties.
    db.prepare('UPDATE checkpoints SET is_best = 0 WHERE run_id = ?').run(runId);
    db.prepare(
      `UPDATE checkpoints SET is_best = 1 WHERE id = (SELECT id FROM checkpoints WHERE run_id = ?
         AND validation_accuracy IS NOT NULL ORDER BY validation_accuracy DESC, step DESC LIMIT 1)`,
    ).run(runId);
  })();
}

export interface StoredCheckpoint {
  step: number;
  folder: string;
  validationAccuracy: number | null;
  isBest: boolean;
}

export function listCheckpoints(db: ReadableDB, runId: number): StoredCheckpoint[] {
  const rows = db
    .prepare('SELECT step, folder, validation_accuracy, is_best FROM checkpoints WHERE run_id = ? ORDER BY step')
    .all(runId) as { step: number; folder: string; validation_accuracy: number | null; is_best: number }[];
  return rows.map((row) => ({
    step: row.step,
    folder: row.folder,
    validationAccuracy: row.validation_accuracy,
    isBest: row.is_best === 1,
  }));
}

/**
 * Prepares a resume from the last checkpoint: metrics recorded after it are dropped (those steps will
 * run again), so the series has neither gaps nor duplicates. Returns the step to continue from.
 */
export function rewindToLastCheckpoint(db: WritableDB, runId: number, now = new Date().toISOString()): number {
  return db.transaction(() => {
    const last = (db.prepare('SELECT max(step) AS step FROM checkpoints WHERE run_id = ?').get(runId) as {
      step: number | null;
    }).step ?? 0;
    db.prepare('DELETE FROM run_metrics WHERE run_id = ? AND step > ?').run(runId, last);
    db.prepare('DELETE FROM run_probes WHERE run_id = ? AND step > ?').run(runId, last);
    db.prepare(`UPDATE training_runs SET step = ?, status = 'running', error = NULL, updated_at = ? WHERE id = ?`).run(
      last,
      now,
      runId,
    );
    return last;
  })();
}

export function runDetail(db: ReadableDB, runId: number): RunDetail | undefined {
  const run = getRun(db, runId);
  if (!run) return undefined;
  const metrics = (
    db
      .prepare(
        `SELECT split, step, loss, accuracy, steps_per_second FROM run_metrics WHERE run_id = ?
         ORDER BY split, step`,
      )
      .all(runId) as { split: MetricPoint['split']; step: number; loss: number; accuracy: number; steps_per_second: number | null }[]
  ).map((row): MetricPoint => ({ split: row.split, step: row.step, loss: row.loss, accuracy: row.accuracy, stepsPerSecond: row.steps_per_second }));
  const checkpoints = (
    db.prepare('SELECT step, validation_accuracy, is_best, created_at FROM checkpoints WHERE run_id = ? ORDER BY step').all(runId) as {
      step: number;
      validation_accuracy: number | null;
      is_best: number;
      created_at: string;
    }[]
  ).map((row): CheckpointDto => ({
    step: row.step,
    validationAccuracy: row.validation_accuracy,
    isBest: row.is_best === 1,
    createdAt: row.created_at,
  }));
  return { run, metrics, checkpoints, probes: listProbes(db, runId) };
}

/** Forgets checkpoints of a run (their folders are the caller's to delete, after this commits). */
export function deleteCheckpoints(db: WritableDB, runId: number, steps: readonly number[]): void {
  const remove = db.prepare('DELETE FROM checkpoints WHERE run_id = ? AND step = ?');
  db.transaction(() => {
    for (const step of steps) remove.run(runId, step);
  })();
}

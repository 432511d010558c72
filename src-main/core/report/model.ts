/**
 * What a paper-style report says, as plain data: built from the services' own results by gather.ts,
 * drawn into one self-contained HTML file by render.ts. Evaluations are a list of tables, so a new
 * evaluation (fine-tuning) adds a table without touching the renderer.
 */
import type { ChartModel } from '../../shared/charts/chart-scale.ts';
import type { EvaluationSplit, Projection } from '../../shared/dto.ts';

/** What ran the evaluations: enough to tell whether another machine should give the same numbers. */
export interface ReportVersions {
  app: string;
  tfjs: string;
  /** The compute backend `auto` picks here (each run says which one trained it). */
  backend: string;
  /** The ffmpeg build that decoded the videos, and where it came from; why not when none was found. */
  ffmpeg: string;
  node: string;
  os: string;
}

/** The split and projection the report was asked for (the CLI flags and the Evaluate screen's choices). */
export interface ReportRequest {
  seed: number;
  testFraction: number;
  /** The test list's text, when the split comes from one (UCF101 style). */
  testListText?: string | undefined;
  projection: Projection;
}

export interface ReportCell {
  text: string;
  /** Says nothing (k at or above the gallery size): drawn grey, as on the Evaluate screen. */
  muted?: boolean;
}

export interface ReportTableRow {
  /** The feature set the row scores. */
  setId: number;
  isRandomInit: boolean;
  cells: ReportCell[];
}

/** One evaluation across the feature sets, on one split. */
export interface ReportTable {
  id: string;
  title: string;
  /** What it measures and after whom (README "Evaluation protocols"). */
  method: string;
  columns: { label: string; numeric: boolean }[];
  rows: ReportTableRow[];
  split: EvaluationSplit;
  /** Warnings that belong under the table (few queries, classes left out). */
  notes: string[];
}

export interface ReportRun {
  id: number;
  title: string;
  status: string;
  note: string;
  /** Every config value the run was started with (task and preset values flattened), then what ran. */
  settings: [string, string][];
  /** Loss and pretext accuracy, with the chance line, as the Train screen draws them. */
  chart: ChartModel;
  /** The Train screen's verdict in words (learning, at chance, collapsing). */
  health: string;
}

export interface ReportMapDot {
  x: number;
  y: number;
  colour: string;
  title: string;
}

export interface ReportMap {
  setId: number;
  title: string;
  protocol: string;
  projection: Projection;
  width: number;
  height: number;
  dots: ReportMapDot[];
  legend: { label: string; colour: string; count: number }[];
}

export interface ReportModel {
  title: string;
  /** ISO-8601. */
  generatedAt: string;
  library: { path: string; readyVideos: number; labels: number };
  versions: ReportVersions;
  request: ReportRequest;
  /** The feature sets scored, each with how its vectors were made. */
  sets: { id: number; name: string; protocol: string; isRandomInit: boolean }[];
  tables: ReportTable[];
  runs: ReportRun[];
  maps: ReportMap[];
  /** Evaluations or maps that could not be made here, and why. */
  problems: string[];
  /** The CLI commands that repeat the runs, the sets, the evaluations and this report. */
  reproduce: string[];
}

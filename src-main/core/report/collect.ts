/**
 * Asks the services the screens use for everything a report shows (api/handlers.ts wires them), then
 * gathers it. One evaluation failing (no labelled video for the linear probe, say) is reported in the
 * document, not fatal to it.
 */
import type {
  ClassificationRequest,
  EvaluationRequest,
} from '../retrieval/retrieval-service.ts';
import type {
  ClassificationTable,
  EmbeddingMap,
  EvaluationTable,
  FeatureSetDto,
  LibraryInfo,
  Projection,
  RunDetail,
  RunDto,
} from '../../shared/dto.ts';
import { EVALUATION_KS } from '../../shared/dto.ts';
import { gatherReport, type Outcome } from './gather.ts';
import type { ReportModel, ReportRequest, ReportVersions } from './model.ts';

export interface ReportSources {
  library(): LibraryInfo;
  sets(): FeatureSetDto[];
  runs(): RunDto[];
  run(runId: number): RunDetail;
  evaluate(request: EvaluationRequest): Promise<EvaluationTable>;
  classify(request: ClassificationRequest): Promise<ClassificationTable>;
  map(setId: number, projection: Projection, seed: number): Promise<EmbeddingMap>;
  versions(): Promise<ReportVersions>;
}

async function outcome<T>(promise: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await promise() };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export async function collectReport(sources: ReportSources, request: ReportRequest, now = new Date()): Promise<ReportModel> {
  const library = sources.library();
  const sets = sources.sets().filter((set) => set.status === 'ready' && set.videoCount > 0);
  const split = {
    setIds: sets.map((set) => set.id),
    seed: request.seed,
    testFraction: request.testFraction,
    ...(request.testListText === undefined ? {} : { testListText: request.testListText }),
  };
  const retrieval = await outcome(() => sources.evaluate({ ...split, ks: [...EVALUATION_KS] }));
  const knn = await outcome(() => sources.classify({ ...split, method: 'knn' }));
  const linear = await outcome(() => sources.classify({ ...split, method: 'linear' }));
  const maps = [];
  for (const set of sets) maps.push({ setId: set.id, map: await outcome(() => sources.map(set.id, request.projection, request.seed)) });
  return gatherReport({
    generatedAt: now.toISOString(),
    library: {
      path: library.path,
      readyVideos: library.counts.ready,
      labels: library.labels.filter((entry) => entry.label !== null && entry.count > 0).length,
    },
    versions: await sources.versions(),
    request,
    sets,
    retrieval,
    knn,
    linear,
    runs: sources
      .runs()
      .sort((a, b) => a.id - b.id)
      .map((run) => sources.run(run.id)),
    maps,
  });
}

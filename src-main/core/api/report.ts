/** The report from the studio's own services: the same numbers, curves and maps the screens show. */
import type { ReportExport } from '../../shared/dto.ts';
import { collectReport, type ReportSources } from '../report/collect.ts';
import type { ReportRequest } from '../report/model.ts';
import { renderReport } from '../report/render.ts';
import { reportVersions } from '../report/versions.ts';
import { writeReportFile } from '../report/write.ts';
import type { Studio } from '../studio.ts';
import type { ShellCapabilities } from './shell.ts';

export function studioSources(studio: Studio): ReportSources {
  return {
    library: () => studio.info(),
    sets: () => studio.features.sets(),
    runs: () => studio.training.runs(),
    run: (runId) => studio.training.run(runId),
    evaluate: (request) => studio.retrieval.evaluate(request),
    classify: (request) => studio.retrieval.classify(request),
    map: (setId, projection, seed) => studio.retrieval.map(setId, projection, seed),
    versions: reportVersions,
  };
}

export async function reportHtml(studio: Studio, request: ReportRequest, now = new Date()): Promise<string> {
  return renderReport(await collectReport(studioSources(studio), request, now));
}

/** Saved where the desktop app's dialog says, or handed back as HTML (browser, CLI). */
export async function exportReport(studio: Studio, shell: ShellCapabilities, request: ReportRequest): Promise<ReportExport> {
  const now = new Date();
  const fileName = `pretext-report-${now.toISOString().slice(0, 10)}.html`;
  if (!shell.pickSaveFile) return { kind: 'html', fileName, html: await reportHtml(studio, request, now) };
  const file = await shell.pickSaveFile('Save the report', fileName);
  if (!file) return { kind: 'cancelled' };
  await writeReportFile(file, await reportHtml(studio, request, now));
  return { kind: 'file', path: file };
}

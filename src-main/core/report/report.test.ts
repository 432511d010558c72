/** The report's model from a generated library's services, its HTML, and where it may be written. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studioSources } from '../api/report.ts';
import { EventHub } from '../jobs/events.ts';
import { Studio } from '../studio.ts';
import { collectReport, type ReportSources } from './collect.ts';
import type { ReportModel } from './model.ts';
import { escapeHtml, renderReport } from './render.ts';
import { fillReportLibrary, HOSTILE } from './test-support.ts';
import { writeReportFile } from './write.ts';
import { finetunePreset, finetuneTrainConfig } from '../../shared/finetune.ts';
import { createFinetuneRun, getRun, recordTestAccuracy, setRunStatus } from '../db/runs.ts';

const VERSIONS = { app: '9.9.9', tfjs: '4.22.0', backend: 'wasm', ffmpeg: '5.1 (system)', node: 'v20', os: 'Linux' };
const REQUEST = { seed: 3, testFraction: 0.25, projection: 'pca' } as const;

let work: string;
let studio: Studio;
let ids: { runIds: number[]; setIds: number[] };
let sources: ReportSources;
/** Collected once: each collection runs two linear probes in workers. */
let model: ReportModel;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pretext-report-'));
  studio = new Studio({ events: new EventHub() });
  studio.open(join(work, 'lib.pretext'), true);
  ids = fillReportLibrary(studio.requireOpen().db);
  sources = { ...studioSources(studio), versions: async () => VERSIONS };
  model = await collectReport(sources, REQUEST, new Date('2026-12-05T12:00:00Z'));
}, 120_000);

afterAll(async () => {
  await studio.close();
  rmSync(work, { recursive: true, force: true });
});

describe('gathering the report', () => {
  it('has retrieval, kNN and linear probe tables, one row per ready set, each with its protocol and the split', async () => {
    expect(model.tables.map((table) => table.id)).toEqual(['retrieval', 'knn', 'linear']);
    expect(model.problems).toEqual([]);
    for (const table of model.tables) {
      expect(table.rows.map((row) => row.setId).sort()).toEqual([...ids.setIds].sort());
      const protocolColumn = table.columns.findIndex((column) => column.label === 'Protocol');
      expect(table.rows.map((row) => row.cells[protocolColumn]?.text).sort()).toEqual(['compact', 'vcop-reference']);
      expect(table.rows.find((row) => row.isRandomInit)?.setId).toBe(ids.setIds[1]);
      expect(table.split).toMatchObject({ seed: 3, testFraction: 0.25, kind: 'seeded' });
      expect(table.split.queries.length).toBeGreaterThan(0);
    }
  });

  it('shows the numbers the services give: the trained set finds the class, as evaluation.table says', async () => {
    const direct = await studio.retrieval.evaluate({ seed: 3, testFraction: 0.25, ks: [1, 5, 10, 20, 50] });
    const retrieval = model.tables[0];
    const top1Column = retrieval?.columns.findIndex((column) => column.label === 'top-1') ?? -1;
    for (const row of direct.rows) {
      const shown = retrieval?.rows.find((candidate) => candidate.setId === row.setId)?.cells[top1Column]?.text;
      expect(shown).toBe(`${((row.topK[1] ?? 0) * 100).toFixed(1)} %`);
    }
    expect(direct.rows.find((row) => row.setId === ids.setIds[0])?.topK[1]).toBe(1);
  });

  it('records every run: its config, backend, steps, and curves with the chance line', () => {
    expect(model.runs.map((run) => run.id)).toEqual(ids.runIds);
    const [named, plain] = model.runs;
    const settings = new Map(named?.settings);
    expect(settings.get('task.task')).toBe('clip-order');
    expect(settings.get('backend')).toBe('auto');
    expect(settings.get('steps done')).toBe('40 of 40');
    expect(settings.get('seed')).toBeDefined();
    expect(new Map(plain?.settings).get('preset')).toBe('tiny');
    const accuracy = named?.chart.panels.find((panel) => panel.metric === 'accuracy');
    expect(accuracy?.guides.map((guide) => guide.kind)).toContain('chance');
    expect(accuracy?.lines.find((line) => line.split === 'train')?.total).toBe(40);
  });

  it('maps every set, coloured by label, and says how to repeat it all', () => {
    expect(model.maps.map((map) => map.setId)).toEqual(ids.setIds);
    expect(model.maps[0]?.dots).toHaveLength(24);
    expect(model.maps[0]?.legend.map((entry) => entry.label)).toEqual(['jump', 'run', 'walk']);
    expect(model.reproduce.some((line) => line.includes('npx pretext train --task clip-order --backbone r3d --preset tiny --steps 40'))).toBe(true);
    expect(model.reproduce.at(-1)).toContain('--split-seed 3 --test-fraction 0.25');
  });

  it('names an evaluation that could not run instead of failing', async () => {
    const failing = { ...sources, classify: async () => Promise.reject(new Error('no labelled training video')) };
    const partial = await collectReport(failing, REQUEST);
    expect(partial.tables.map((table) => table.id)).toEqual(['retrieval']);
    expect(partial.problems).toEqual(['Weighted kNN: no labelled training video', 'Linear probe: no labelled training video']);
  });
});

describe('rendering the report', () => {
  it('escapes user text: a run named <script>alert(1)</script> stays text', () => {
    const html = renderReport(model);
    expect(html).not.toContain(HOSTILE);
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  it('is one self-contained document: tables, SVG charts and maps, nothing fetched', () => {
    const html = renderReport(model);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.match(/<table data-testid="report-table-/g)).toHaveLength(3);
    expect(html.match(/<tr class="[^"]*" data-set-id=/g)).toHaveLength(3 * ids.setIds.length);
    expect(html.match(/<svg class="chart"/g)).toHaveLength(2);
    expect(html.match(/<figure class="map"/g)).toHaveLength(2);
    expect(html).toContain('data-guide="chance"');
    expect(html).not.toMatch(/\s(src|href)=["']|url\(|@import/i);
    for (const value of Object.values(VERSIONS)) expect(html).toContain(escapeHtml(value));
  });

  it('escapes the five HTML metacharacters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('writing the report', () => {
  it('writes an .html file, and refuses other names, folders and missing folders without touching anything', async () => {
    const target = join(work, 'report.html');
    await writeReportFile(target, '<p>one</p>');
    expect(readFileSync(target, 'utf8')).toBe('<p>one</p>');
    await writeReportFile(target, '<p>two</p>');
    expect(readFileSync(target, 'utf8')).toBe('<p>two</p>');

    const library = join(work, 'lib.pretext');
    const before = readFileSync(library);
    await expect(writeReportFile(library, 'x')).rejects.toThrow(/ending in \.html/);
    expect(readFileSync(library).equals(before)).toBe(true);
    mkdirSync(join(work, 'folder.html'));
    await expect(writeReportFile(join(work, 'folder.html'), 'x')).rejects.toThrow(/is a folder/);
    await expect(writeReportFile(join(work, 'missing', 'r.html'), 'x')).rejects.toThrow(/does not exist/);
    writeFileSync(join(work, 'file'), 'keep');
    await expect(writeReportFile(join(work, 'file', 'r.html'), 'x')).rejects.toThrow(/is not a folder/);
    expect(readFileSync(join(work, 'file'), 'utf8')).toBe('keep');
  });
});

describe('a fine-tune run in the report', () => {
  it('shows its parent, split and test accuracy instead of a best validation accuracy', async () => {
    const { db } = studio.requireOpen();
    const parentId = ids.runIds[0] as number;
    const parent = getRun(db, parentId);
    if (!parent) throw new Error('the report library has no run');
    const config = finetunePreset(parentId, 'tiny');
    const plan = { config, parentCheckpointStep: 20, parentCheckpointFolder: 'x', classes: ['jump', 'run', 'walk', 'a', 'b'], train: [], test: [] };
    const run = createFinetuneRun(db, finetuneTrainConfig(parent.config, config, 4), parentId, plan);
    recordTestAccuracy(db, run.id, { top1: 0.75, top5: 1, videos: 4, clips: 10 });
    setRunStatus(db, run.id, 'completed');
    const withFinetune = await collectReport(sources, REQUEST, new Date('2026-12-05T12:00:00Z'));
    const settings = new Map(withFinetune.runs.find((candidate) => candidate.id === run.id)?.settings);
    expect(settings.get('fine-tune of')).toBe(`run ${parentId}, checkpoint step 20`);
    expect(settings.get('test top-1')).toBe('75.0 %');
    expect(settings.get('test top-5')).toBe('100.0 %');
    expect(settings.get('test clips per video')).toBe('10');
    expect(settings.has('best validation accuracy')).toBe(false);
  }, 60_000);
});

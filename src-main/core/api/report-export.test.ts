/**
 * evaluation.report through the real handlers: the caller never names a path. The desktop shell asks
 * where to save (a dismissed dialog writes nothing, a name that is no .html file is refused); without a
 * dialog (serve mode, the browser) the HTML comes back and nothing is written on the server.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReportExport } from '../../shared/dto.ts';
import { trainPreset } from '../../shared/training.ts';
import { createFeatureSet, saveVideoFeatures, setFeatureSetStatus } from '../db/features.ts';
import { insertVideo } from '../db/videos.ts';
import { EventHub } from '../jobs/events.ts';
import { Studio } from '../studio.ts';
import { dispatch } from './dispatch.ts';
import { createHandlers } from './handlers.ts';
import type { ShellCapabilities } from './shell.ts';

const READY_MEDIA = { durationS: 2, fps: 25, frameCount: 50, frameCountExact: true, width: 320, height: 240, codec: 'h264', container: 'mp4' };
const SET_NAME = 'six labelled videos';

let dir: string;
let library: Studio;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-report-api-'));
  library = new Studio({ events: new EventHub() });
  library.open(join(dir, 'lib.pretext'), true);
  const { db } = library.requireOpen();
  const setId = createFeatureSet(db, {
    sourceKey: 'test',
    source: { kind: 'random', seed: 0, runId: null },
    name: SET_NAME,
    config: trainPreset('clip-order', 'r3d', 'tiny'),
    protocol: 'compact',
    inputSize: 40,
    clipsPerVideo: 1,
    framesPerClip: 4,
  });
  ['a', 'a', 'a', 'b', 'b', 'b'].forEach((label, index) => {
    const path = join(dir, label, `${index}.mp4`);
    const record = { path, root: dir, sizeBytes: 1, mtimeMs: 0, contentHash: `h${index}`, media: READY_MEDIA, label, status: 'ready', error: null, duplicateOf: null, thumbnail: null } as const;
    const videoId = insertVideo(db, record);
    const vector = Float32Array.of(label === 'a' ? 1 : 0, label === 'b' ? 1 : 0, index / 10);
    saveVideoFeatures(db, setId, { videoId, contentHash: `h${index}`, vector, clipVectors: vector, clips: [{ index: 0, startSeconds: 0, endSeconds: 1 }] });
  });
  setFeatureSetStatus(db, setId, 'ready');
});
afterEach(async () => {
  await library.close();
  rmSync(dir, { recursive: true, force: true });
});

async function reportWith(shell: ShellCapabilities, input: Record<string, unknown> = {}): Promise<ReportExport> {
  const result = await dispatch(createHandlers(library, shell), 'evaluation.report', input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as ReportExport;
}

describe('evaluation.report', () => {
  it('hands the HTML back where there is no dialog, writing nothing on the server', async () => {
    const before = readdirSync(dir).sort();
    const result = await reportWith({}, { seed: 3, testFraction: 0.5 });
    if (result.kind !== 'html') throw new Error(`expected HTML, got ${result.kind}`);
    expect(result.fileName).toMatch(/^pretext-report-\d{4}-\d{2}-\d{2}\.html$/);
    expect(result.html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(result.html).toContain(SET_NAME);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('saves where the desktop dialog says, nothing when it is dismissed, and refuses a name that is no .html file', async () => {
    const target = join(dir, 'paper.html');
    const asked: string[] = [];
    expect(await reportWith({ pickSaveFile: async (_title, name) => (asked.push(name), target) })).toEqual({ kind: 'file', path: target });
    expect(asked[0]).toMatch(/^pretext-report-.*\.html$/);
    expect(readFileSync(target, 'utf8')).toContain(SET_NAME);

    const before = readdirSync(dir).sort();
    expect(await reportWith({ pickSaveFile: async () => null })).toEqual({ kind: 'cancelled' });
    await expect(reportWith({ pickSaveFile: async () => join(dir, 'lib.pretext') })).rejects.toThrow(/a report is an \.html file/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('refuses arguments it does not know (no path can be passed in)', async () => {
    await expect(reportWith({}, { out: '/tmp/x.html' })).rejects.toThrow(/out/);
  });
});

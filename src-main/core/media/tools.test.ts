import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.ts';
import {
  ffmpegCandidates,
  ffprobeCandidates,
  getMediaTools,
  mediaToolsStatus,
  parseVersionLine,
  resetMediaToolsCache,
  resolveMediaTools,
  systemCandidate,
  type MediaTools,
} from './tools.ts';

let dir: string;
let real: MediaTools;
let silentScript: string;
let ffprobeImpostor: string;
let crashingScript: string;

async function writeScript(name: string, body: string): Promise<string> {
  const scriptPath = path.join(dir, name);
  await writeFile(scriptPath, `#!/bin/sh\n${body}\n`);
  await chmod(scriptPath, 0o755);
  return scriptPath;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretext-tools-'));
  real = await resolveMediaTools();
  silentScript = await writeScript('silent', 'exit 0');
  ffprobeImpostor = await writeScript('impostor', 'echo "ffprobe version 9.9 Copyright"');
  crashingScript = await writeScript('crashing', 'echo "boom: missing library" >&2; exit 3');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The source the default chain should land on once the env candidate is skipped. */
function firstAvailableAfterEnv(candidates: { source: string; path: string | null }[]): string | undefined {
  return candidates.slice(1).find((candidate) => candidate.path !== null)?.source;
}

describe.skipIf(process.platform === 'win32')('resolveMediaTools', () => {
  it('finds working tools on this machine and reports their versions', () => {
    expect(real.ffmpegVersion).not.toBe('');
    expect(real.ffprobeVersion).not.toBe('');
  });

  it('falls back past an FFMPEG_PATH that does not exist and an FFPROBE_PATH that prints nothing', async () => {
    const env = { ...process.env, FFMPEG_PATH: path.join(dir, 'missing-ffmpeg'), FFPROBE_PATH: silentScript };
    const tools = await resolveMediaTools({ env });
    expect(tools.ffmpegSource).toBe(firstAvailableAfterEnv(ffmpegCandidates(env)));
    expect(tools.ffprobeSource).toBe(firstAvailableAfterEnv(ffprobeCandidates(env)));
    expect(tools.ffmpeg).not.toBe(env.FFMPEG_PATH);
    expect(tools.ffprobe).not.toBe(silentScript);
  });

  it('uses FFMPEG_PATH, and the ffprobe beside it when FFPROBE_PATH is not set', async () => {
    const ownBuild = await mkdtemp(path.join(dir, 'own-build-'));
    await symlink(real.ffmpeg, path.join(ownBuild, 'ffmpeg'));
    await symlink(real.ffprobe, path.join(ownBuild, 'ffprobe'));
    const env = { PATH: '', FFMPEG_PATH: path.join(ownBuild, 'ffmpeg') };
    const tools = await resolveMediaTools({ env });
    expect(tools).toMatchObject({
      ffmpeg: env.FFMPEG_PATH,
      ffmpegSource: 'FFMPEG_PATH',
      ffprobe: path.join(ownBuild, 'ffprobe'),
      ffprobeSource: 'next to FFMPEG_PATH',
    });
  });

  it('fails with MEDIA_TOOLS_MISSING naming every candidate, why it failed and how to fix it', async () => {
    const error = await resolveMediaTools({
      candidates: {
        ffmpeg: [
          { source: 'FFMPEG_PATH', path: path.join(dir, 'nope', 'ffmpeg') },
          { source: 'ffmpeg-static', path: null, unavailable: 'not installed' },
          { source: 'silent', path: silentScript },
          { source: 'impostor', path: ffprobeImpostor },
        ],
        ffprobe: [{ source: 'crashing', path: crashingScript }, systemCandidate('ffprobe', { PATH: '' })],
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('MEDIA_TOOLS_MISSING');
    const lines = (error as ApiError).message.split('\n');
    expect(lines).toEqual([
      'No working ffmpeg found. Tried:',
      `  - FFMPEG_PATH (${path.join(dir, 'nope', 'ffmpeg')}): file not found`,
      '  - ffmpeg-static: not installed',
      `  - silent (${silentScript}): printed no "ffmpeg version" line`,
      `  - impostor (${ffprobeImpostor}): is ffprobe, not ffmpeg`,
      'No working ffprobe found. Tried:',
      `  - crashing (${crashingScript}): exited with code 3: boom: missing library`,
      '  - system: no ffprobe on PATH',
      expect.stringMatching(/^To fix: install FFmpeg .*set FFMPEG_PATH and FFPROBE_PATH/),
    ]);
  });

  it('lists only the tool that is missing', async () => {
    const error = await resolveMediaTools({
      candidates: { ffmpeg: [{ source: 'real', path: real.ffmpeg }], ffprobe: [{ source: 'silent', path: silentScript }] },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toContain('No working ffprobe found');
    expect((error as ApiError).message).not.toContain('No working ffmpeg found');
  });
});

describe('parseVersionLine', () => {
  it('reads the version token of the right tool only', () => {
    expect(parseVersionLine('ffmpeg', 'ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000')).toEqual({ ok: true, version: '5.1.9-0+deb12u1' });
    expect(parseVersionLine('ffmpeg', 'ffprobe version 4.0.2 Copyright')).toEqual({ ok: false, why: 'is ffprobe, not ffmpeg' });
    expect(parseVersionLine('ffprobe', 'Usage: something')).toMatchObject({ ok: false });
  });
});

describe('getMediaTools and mediaToolsStatus', () => {
  it('caches the resolution until reset', async () => {
    resetMediaToolsCache();
    const first = await getMediaTools();
    expect(await getMediaTools()).toBe(first);
    resetMediaToolsCache();
    const second = await getMediaTools();
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });

  it('describes where working tools came from', async () => {
    const status = await mediaToolsStatus(async () => real);
    expect(status).toEqual({
      ok: true,
      ffmpeg: real.ffmpeg,
      ffprobe: real.ffprobe,
      source: `ffmpeg: ${real.ffmpegSource}, ffprobe: ${real.ffprobeSource}`,
      message: null,
    });
  });

  it('turns missing tools into a status with the explanation instead of throwing', async () => {
    const status = await mediaToolsStatus(() =>
      resolveMediaTools({ candidates: { ffmpeg: [systemCandidate('ffmpeg', { PATH: '' })], ffprobe: [systemCandidate('ffprobe', { PATH: '' })] } }),
    );
    expect(status.ok).toBe(false);
    expect(status.ffmpeg).toBeNull();
    expect(status.message).toMatch(/no ffmpeg on PATH[\s\S]*no ffprobe on PATH[\s\S]*FFMPEG_PATH/);
  });
});

import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.ts';
import {
  compareBuilds,
  ffmpegCandidates,
  ffprobeCandidates,
  getMediaTools,
  isOutdated,
  mediaToolsStatus,
  parseBuildInfo,
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
let oldFfmpeg: string;
let newFfmpeg: string;
let gitFfmpeg: string;
let oldFfprobe: string;

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
  // What real builds print, cut to the lines that matter.
  oldFfmpeg = await writeScript('old-ffmpeg', versionOutput('ffmpeg', '4.1', '2000-2018', '58. 20.100'));
  newFfmpeg = await writeScript('new-ffmpeg', versionOutput('ffmpeg', 'n5.1.6', '2000-2024', '59. 27.100'));
  gitFfmpeg = await writeScript('git-ffmpeg', versionOutput('ffmpeg', 'N-47683-g0e8eb07980-static', '2000-2018', '58. 24.100'));
  oldFfprobe = await writeScript('old-ffprobe', versionOutput('ffprobe', '4.0.2-static', '2007-2018', '58. 12.100'));
});

function versionOutput(tool: string, version: string, years: string, libavformat: string): string {
  return [
    `echo "${tool} version ${version} https://example.org  Copyright (c) ${years} the FFmpeg developers"`,
    `echo "libavutil      56. 22.100 / 56. 22.100"`,
    `echo "libavformat    ${libavformat} / ${libavformat}"`,
  ].join('\n');
}
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('resolveMediaTools', () => {
  it('finds working tools on this machine and reports their versions', () => {
    expect(real.ffmpegVersion).not.toBe('');
    expect(real.ffprobeVersion).not.toBe('');
  });

  it('falls back past an FFMPEG_PATH that does not exist and an FFPROBE_PATH that prints nothing', async () => {
    const env = { ...process.env, FFMPEG_PATH: path.join(dir, 'missing-ffmpeg'), FFPROBE_PATH: silentScript };
    const tools = await resolveMediaTools({ env });
    const withoutEnv = await resolveMediaTools({ env: { ...env, FFMPEG_PATH: '', FFPROBE_PATH: '' } });
    expect(tools).toEqual(withoutEnv);
    expect(tools.ffmpeg).not.toBe(env.FFMPEG_PATH);
    expect(tools.ffprobe).not.toBe(silentScript);
  });

  it('uses the newest build the default chain finds, whichever packages are installed', async () => {
    for (const [tool, candidates] of [['ffmpeg', ffmpegCandidates(process.env)], ['ffprobe', ffprobeCandidates(process.env)]] as const) {
      const builds = [];
      for (const candidate of candidates.filter((item) => item.path !== null && !('explicit' in item && item.explicit))) {
        const alone = await resolveMediaTools({ candidates: { [tool]: [candidate] } }).catch(() => null);
        if (alone) builds.push(tool === 'ffmpeg' ? alone.ffmpegBuild : alone.ffprobeBuild);
      }
      const chosen = tool === 'ffmpeg' ? real.ffmpegBuild : real.ffprobeBuild;
      expect(builds).toContainEqual(chosen);
      for (const build of builds) expect(compareBuilds(chosen, build), `${chosen.version} vs ${build.version}`).toBeGreaterThanOrEqual(0);
    }
  });

  it('prefers a newer build later in the chain, keeps chain order between equals, and lets an explicit choice win', async () => {
    const pick = async (ffmpeg: { source: string; path: string; explicit?: boolean }[]): Promise<string> =>
      (await resolveMediaTools({ candidates: { ffmpeg, ffprobe: [{ source: 'probe', path: real.ffprobe }] } })).ffmpegSource;
    expect(await pick([{ source: 'package', path: oldFfmpeg }, { source: 'git', path: gitFfmpeg }, { source: 'system', path: newFfmpeg }])).toBe('system');
    expect(await pick([{ source: 'package', path: oldFfmpeg }, { source: 'git', path: gitFfmpeg }])).toBe('git');
    expect(await pick([{ source: 'first', path: newFfmpeg }, { source: 'second', path: newFfmpeg }])).toBe('first');
    expect(await pick([{ source: 'FFMPEG_PATH', path: oldFfmpeg, explicit: true }, { source: 'system', path: newFfmpeg }])).toBe('FFMPEG_PATH');
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
    expect(parseVersionLine('ffmpeg', 'ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000')).toMatchObject({ ok: true, build: { version: '5.1.9-0+deb12u1' } });
    expect(parseVersionLine('ffmpeg', 'ffprobe version 4.0.2 Copyright')).toEqual({ ok: false, why: 'is ffprobe, not ffmpeg' });
    expect(parseVersionLine('ffprobe', 'Usage: something')).toMatchObject({ ok: false });
  });
});

describe('parseBuildInfo, compareBuilds and isOutdated', () => {
  const debian = [
    'ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 the FFmpeg developers',
    'libavutil      57. 28.100 / 57. 28.100',
    'libavformat    59. 27.100 / 59. 27.100',
  ].join('\n');
  const installer2018 = [
    'ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers',
    'libavformat    58. 24.100 / 58. 24.100',
  ].join('\n');

  it('reads release numbers, library version and year from every kind of version token', () => {
    expect(parseBuildInfo('5.1.9-0+deb12u1', debian)).toEqual({ version: '5.1.9-0+deb12u1', release: [5, 1, 9], libavformat: [59, 27, 100], year: 2026 });
    expect(parseBuildInfo('N-47683-g0e8eb07980-static', installer2018)).toEqual({ version: 'N-47683-g0e8eb07980-static', release: null, libavformat: [58, 24, 100], year: 2018 });
    expect(parseBuildInfo('4.1', '')).toMatchObject({ release: [4, 1], libavformat: null, year: null });
    expect(parseBuildInfo('n5.1.6', '')).toMatchObject({ release: [5, 1, 6] });
    expect(parseBuildInfo('4.0.2-static', 'Copyright (c) 2007-2018')).toMatchObject({ release: [4, 0, 2], year: 2018 });
    expect(parseBuildInfo('git-2018-12-10-0e8eb07', '')).toMatchObject({ release: null, year: 2018 });
    expect(parseBuildInfo('N-12345-gabcdef', '')).toEqual({ version: 'N-12345-gabcdef', release: null, libavformat: null, year: null });
  });

  it('orders builds by library version, then release, then year', () => {
    const build = (version: string, output = ''): ReturnType<typeof parseBuildInfo> => parseBuildInfo(version, output);
    expect(compareBuilds(build('5.1.9-0+deb12u1', debian), build('N-47683-g0e8eb07980-static', installer2018))).toBeGreaterThan(0);
    expect(compareBuilds(build('4.1', 'libavformat    58. 20.100'), build('N-1-gabc', 'libavformat    58. 24.100'))).toBeLessThan(0);
    expect(compareBuilds(build('5.1.6'), build('5.1.9'))).toBeLessThan(0);
    expect(compareBuilds(build('n7.1'), build('5.1.9'))).toBeGreaterThan(0);
    expect(compareBuilds(build('git-2018-12-10-x'), build('git-2021-01-01-y'))).toBeLessThan(0);
    expect(compareBuilds(build('N-1-gabc'), build('custom'))).toBe(0);
  });

  it('calls builds before FFmpeg 5.0 outdated, and unknown ones current', () => {
    expect(isOutdated(parseBuildInfo('N-47683-g0e8eb07980-static', installer2018))).toBe(true);
    expect(isOutdated(parseBuildInfo('4.4.2-0ubuntu0.22.04.1', ''))).toBe(true);
    expect(isOutdated(parseBuildInfo('5.1.9-0+deb12u1', debian))).toBe(false);
    expect(isOutdated(parseBuildInfo('git-2019-05-01-x', ''))).toBe(true);
    expect(isOutdated(parseBuildInfo('custom-build', ''))).toBe(false);
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
    expect(status).toMatchObject({
      ok: true,
      ffmpeg: real.ffmpeg,
      ffprobe: real.ffprobe,
      source: `ffmpeg: ${real.ffmpegSource}, ffprobe: ${real.ffprobeSource}`,
      ffmpegVersion: real.ffmpegVersion,
      ffprobeVersion: real.ffprobeVersion,
      message: null,
    });
  });

  it.skipIf(process.platform === 'win32')('warns when only old builds exist, naming them and how to get a newer one', async () => {
    const old = await resolveMediaTools({ candidates: { ffmpeg: [{ source: 'ffmpeg-installer', path: oldFfmpeg }], ffprobe: [{ source: 'ffprobe-static', path: oldFfprobe }] } });
    const status = await mediaToolsStatus(async () => old);
    expect(status).toMatchObject({ ok: true, ffmpegVersion: '4.1', ffprobeVersion: '4.0.2-static' });
    expect(status.warning).toContain('ffmpeg 4.1 (ffmpeg-installer, from 2018) and ffprobe 4.0.2-static (ffprobe-static, from 2018)');
    expect(status.warning).toMatch(/Install FFmpeg 5\.0 or newer .*sudo apt install ffmpeg.*FFMPEG_PATH and FFPROBE_PATH/);
    const current = await resolveMediaTools({ candidates: { ffmpeg: [{ source: 'system', path: newFfmpeg }], ffprobe: [{ source: 'ffprobe-static', path: oldFfprobe }] } });
    const mixed = await mediaToolsStatus(async () => current);
    expect(mixed.warning).toContain('ffprobe 4.0.2-static (ffprobe-static, from 2018)');
    expect(mixed.warning).not.toContain('ffmpeg n5.1.6');
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

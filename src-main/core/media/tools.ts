/**
 * Finds working ffmpeg and ffprobe binaries. Each is resolved on its own from a chain of candidates
 * (explicit env var → npm package → system PATH): every candidate is checked by running `-version`,
 * because a path that exists can still be the wrong architecture, a broken download or the other
 * tool, and the newest working build is used unless the env var names one that works.
 */
import { accessSync, constants as fsConstants } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ApiError } from '../../shared/errors.ts';
import type { MediaToolsStatus } from '../../shared/dto.ts';
import { runTool } from './run.ts';

export type ToolName = 'ffmpeg' | 'ffprobe';

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
  ffmpegSource: string;
  ffprobeSource: string;
  ffmpegVersion: string;
  ffprobeVersion: string;
  ffmpegBuild: BuildInfo;
  ffprobeBuild: BuildInfo;
}

/** What `-version` says about a build, for telling old from new. */
export interface BuildInfo {
  /** The version token as printed: "5.1.9-0+deb12u1", "n7.1", "N-47683-g0e8eb07980-static". */
  version: string;
  /** Release numbers when the token names a release ("4.1" → [4, 1]); null for git snapshots. */
  release: number[] | null;
  /** libavformat's version, the library that parses the (untrusted) files: it rises with every build. */
  libavformat: number[] | null;
  /** The source's year: the git snapshot's date, else the copyright line's last year. */
  year: number | null;
}

/**
 * One place a binary may come from: a path to verify, or why this source has none. `explicit`
 * marks the user's own choice (FFMPEG_PATH, FFPROBE_PATH): it wins over a newer build elsewhere.
 */
export type ToolCandidate =
  | { source: string; path: string; explicit?: boolean }
  | { source: string; path: null; unavailable: string };

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  /** Replaces the built-in chains (tests); a tool left out keeps its default chain. */
  candidates?: Partial<Record<ToolName, ToolCandidate[]>>;
}

const VERSION_TIMEOUT_MS = 10_000;
const requireOptional = createRequire(import.meta.url);

function envCandidate(variable: string, env: NodeJS.ProcessEnv): ToolCandidate {
  const value = env[variable]?.trim();
  return value
    ? { source: variable, path: value, explicit: true }
    : { source: variable, path: null, unavailable: 'not set' };
}

/** Inside a packaged Electron app, binaries live in app.asar.unpacked: the asar archive cannot be executed. */
function outsideAsar(binaryPath: string): string {
  return binaryPath.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
}

/** Loads an optional npm package lazily, so a missing one is a fallback step, not a crash. */
function packageCandidate(packageName: string, pickPath: (exported: unknown) => unknown): ToolCandidate {
  let exported: unknown;
  try {
    exported = requireOptional(packageName);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const unavailable =
      code === 'MODULE_NOT_FOUND' ? 'not installed' : `failed to load: ${(error as Error).message}`;
    return { source: packageName, path: null, unavailable };
  }
  const binaryPath = pickPath(exported);
  return typeof binaryPath === 'string' && binaryPath !== ''
    ? { source: packageName, path: outsideAsar(binaryPath) }
    : { source: packageName, path: null, unavailable: 'installed but has no binary for this platform' };
}

const pathProperty = (exported: unknown): unknown => (exported as { path?: unknown } | null)?.path;

function executableNames(name: string, env: NodeJS.ProcessEnv): string[] {
  if (process.platform !== 'win32') return [name];
  const extensions = (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean);
  return extensions.map((extension) => name + extension.toLowerCase());
}

function isExecutableFile(filePath: string): boolean {
  try {
    accessSync(filePath, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks the tool up on PATH ourselves so the status can show the absolute path that will run. */
export function systemCandidate(name: ToolName, env: NodeJS.ProcessEnv): ToolCandidate {
  const searchPath = env.PATH ?? env.Path ?? '';
  for (const directory of searchPath.split(path.delimiter).filter(Boolean)) {
    for (const fileName of executableNames(name, env)) {
      const candidatePath = path.join(directory, fileName);
      if (isExecutableFile(candidatePath)) return { source: 'system', path: candidatePath };
    }
  }
  return { source: 'system', path: null, unavailable: `no ${name} on PATH` };
}

/** A user who points FFMPEG_PATH at their own build usually has ffprobe in the same folder. */
function besideFfmpegPathCandidate(env: NodeJS.ProcessEnv): ToolCandidate[] {
  const ffmpegPath = env.FFMPEG_PATH?.trim();
  if (!ffmpegPath || env.FFPROBE_PATH?.trim()) return [];
  const fileName = process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe';
  return [{ source: 'next to FFMPEG_PATH', path: path.join(path.dirname(ffmpegPath), fileName), explicit: true }];
}

export function ffmpegCandidates(env: NodeJS.ProcessEnv): ToolCandidate[] {
  return [
    envCandidate('FFMPEG_PATH', env),
    // ffmpeg-static's default export is the path itself (or null on unsupported platforms).
    packageCandidate('ffmpeg-static', (exported) => exported),
    packageCandidate('@ffmpeg-installer/ffmpeg', pathProperty),
    systemCandidate('ffmpeg', env),
  ];
}

export function ffprobeCandidates(env: NodeJS.ProcessEnv): ToolCandidate[] {
  return [
    envCandidate('FFPROBE_PATH', env),
    ...besideFfmpegPathCandidate(env),
    packageCandidate('ffprobe-static', pathProperty),
    systemCandidate('ffprobe', env),
  ];
}

type Verification = { ok: true; build: BuildInfo } | { ok: false; why: string };

function describeSpawnError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES') return 'not executable (EACCES)';
  return (error as Error).message;
}

const numbers = (...parts: (string | undefined)[]): number[] =>
  parts.filter((part): part is string => part !== undefined).map(Number);

/**
 * Reads a build's age from its `-version` output. Tokens vary by packager: "4.1", "n5.1.6",
 * "5.1.6-0+deb12u1", "4.0.2-static", "N-47683-g0e8eb07980-static", "git-2018-12-10-0e8eb07".
 */
export function parseBuildInfo(version: string, output: string): BuildInfo {
  const release = /^n?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version);
  const gitDate = /(?:^|\D)((?:19|20)\d{2})-\d{2}-\d{2}/.exec(version);
  const libavformat = /^libavformat\s+(\d+)\.\s*(\d+)\.\s*(\d+)/m.exec(output);
  const copyright = /Copyright \(c\) (?:\d{4}-)?(\d{4})/.exec(output);
  return {
    version,
    release: release ? numbers(release[1], release[2], release[3]) : null,
    libavformat: libavformat ? numbers(libavformat[1], libavformat[2], libavformat[3]) : null,
    year: Number(gitDate?.[1] ?? copyright?.[1]) || null,
  };
}

/** Parses "ffmpeg version 5.1.9-0+deb12u1 Copyright …" into the build it describes. */
export function parseVersionLine(tool: ToolName, output: string): Verification {
  const match = /^(ffmpeg|ffprobe) version (\S+)/m.exec(output);
  if (!match) return { ok: false, why: `printed no "${tool} version" line` };
  if (match[1] !== tool) return { ok: false, why: `is ${match[1]}, not ${tool}` };
  return { ok: true, build: parseBuildInfo(match[2] ?? '', output) };
}

/** Lexicographic order of version numbers; a missing part counts as 0. */
function compareNumbers(a: number[], b: number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Positive when `a` is the newer build. libavformat's version first (it orders releases and git
 * snapshots alike), then the release (point releases keep the library versions), then the year.
 * Zero when nothing comparable is known.
 */
export function compareBuilds(a: BuildInfo, b: BuildInfo): number {
  const keys: [number[] | null, number[] | null][] = [
    [a.libavformat, b.libavformat],
    [a.release, b.release],
    [a.year === null ? null : [a.year], b.year === null ? null : [b.year]],
  ];
  for (const [left, right] of keys) {
    if (left && right) {
      const order = compareNumbers(left, right);
      if (order !== 0) return order;
    }
  }
  return 0;
}

/** FFmpeg 5.0 (January 2022) ships libavformat 59; older lines no longer get security fixes. */
const OLDEST_CURRENT = { libavformat: 59, release: 5, year: 2022 };

/** Whether a build predates every FFmpeg line still maintained; unknown counts as current. */
export function isOutdated(build: BuildInfo): boolean {
  if (build.libavformat) return (build.libavformat[0] ?? 0) < OLDEST_CURRENT.libavformat;
  if (build.release) return (build.release[0] ?? 0) < OLDEST_CURRENT.release;
  return build.year !== null && build.year < OLDEST_CURRENT.year;
}

async function verifyCandidate(tool: ToolName, binaryPath: string): Promise<Verification> {
  try {
    const result = await runTool(binaryPath, ['-version'], {
      timeoutMs: VERSION_TIMEOUT_MS,
      maxStdoutBytes: 1024 * 1024,
    });
    const verdict = parseVersionLine(tool, result.stdout.toString('utf8'));
    if (verdict.ok || result.code === 0) return verdict;
    const firstErrorLine = result.stderr.trim().split('\n')[0];
    return { ok: false, why: `exited with code ${result.code}${firstErrorLine ? `: ${firstErrorLine}` : ''}` };
  } catch (error) {
    return { ok: false, why: describeSpawnError(error) };
  }
}

interface Found {
  path: string;
  source: string;
  build: BuildInfo;
}

/**
 * Verifies every candidate of a chain and picks the newest working build: these binaries parse
 * untrusted files, and npm packages may carry builds years old. An explicit choice that works is
 * taken as is; between builds of the same age the earlier in the chain wins. Returns a line per
 * candidate saying why not when none works.
 */
async function newestWorking(tool: ToolName, candidates: ToolCandidate[]): Promise<Found | string[]> {
  // All at once: each `-version` is a process start, and the old static builds start slowly.
  const verdicts = await Promise.all(
    candidates.map((candidate) => (candidate.path === null ? null : verifyCandidate(tool, candidate.path))),
  );
  const failures: string[] = [];
  let newest: Found | null = null;
  for (const [index, candidate] of candidates.entries()) {
    const verdict = verdicts[index];
    if (candidate.path === null || !verdict) {
      if (candidate.path === null) failures.push(`${candidate.source}: ${candidate.unavailable}`);
      continue;
    }
    if (!verdict.ok) {
      failures.push(`${candidate.source} (${candidate.path}): ${verdict.why}`);
      continue;
    }
    const found = { path: candidate.path, source: candidate.source, build: verdict.build };
    if (candidate.explicit) return found;
    if (!newest || compareBuilds(found.build, newest.build) > 0) newest = found;
  }
  return newest ?? failures;
}

const HOW_TO_FIX =
  'To fix: install FFmpeg so that ffmpeg and ffprobe are on PATH (https://ffmpeg.org/download.html; ' +
  'e.g. `sudo apt install ffmpeg`, `brew install ffmpeg`, `winget install ffmpeg`), ' +
  'or set FFMPEG_PATH and FFPROBE_PATH to the full paths of working binaries.';

function missingToolsMessage(failuresByTool: [ToolName, string[]][]): string {
  const sections = failuresByTool.map(([tool, failures]) =>
    [`No working ${tool} found. Tried:`, ...failures.map((line) => `  - ${line}`)].join('\n'),
  );
  return [...sections, HOW_TO_FIX].join('\n');
}

export async function resolveMediaTools(options: ResolveOptions = {}): Promise<MediaTools> {
  const env = options.env ?? process.env;
  const [ffmpeg, ffprobe] = await Promise.all([
    newestWorking('ffmpeg', options.candidates?.ffmpeg ?? ffmpegCandidates(env)),
    newestWorking('ffprobe', options.candidates?.ffprobe ?? ffprobeCandidates(env)),
  ]);
  if (Array.isArray(ffmpeg) || Array.isArray(ffprobe)) {
    const failuresByTool: [ToolName, string[]][] = [];
    if (Array.isArray(ffmpeg)) failuresByTool.push(['ffmpeg', ffmpeg]);
    if (Array.isArray(ffprobe)) failuresByTool.push(['ffprobe', ffprobe]);
    throw new ApiError('MEDIA_TOOLS_MISSING', missingToolsMessage(failuresByTool), {
      tried: Object.fromEntries(failuresByTool),
    });
  }
  return {
    ffmpeg: ffmpeg.path,
    ffprobe: ffprobe.path,
    ffmpegSource: ffmpeg.source,
    ffprobeSource: ffprobe.source,
    ffmpegVersion: ffmpeg.build.version,
    ffprobeVersion: ffprobe.build.version,
    ffmpegBuild: ffmpeg.build,
    ffprobeBuild: ffprobe.build,
  };
}

let cachedTools: Promise<MediaTools> | null = null;

/** Resolves once per process; a failure is not cached, so installing ffmpeg and retrying works. */
export function getMediaTools(): Promise<MediaTools> {
  if (cachedTools) return cachedTools;
  const attempt = resolveMediaTools().catch((error: unknown) => {
    if (cachedTools === attempt) cachedTools = null;
    throw error;
  });
  cachedTools = attempt;
  return attempt;
}

/** Forgets the cached tools (tests, or after the user changed FFMPEG_PATH). */
export function resetMediaToolsCache(): void {
  cachedTools = null;
}

export function describeSources(tools: MediaTools): string {
  return `ffmpeg: ${tools.ffmpegSource}, ffprobe: ${tools.ffprobeSource}`;
}

function describeBuild(tool: ToolName, source: string, build: BuildInfo): string {
  return `${tool} ${build.version} (${source}${build.year ? `, from ${build.year}` : ''})`;
}

/** Which chosen builds predate every maintained FFmpeg line, and how to get a newer one; null when none. */
export function outdatedWarning(tools: MediaTools): string | null {
  const old = [
    ...(isOutdated(tools.ffmpegBuild) ? [describeBuild('ffmpeg', tools.ffmpegSource, tools.ffmpegBuild)] : []),
    ...(isOutdated(tools.ffprobeBuild) ? [describeBuild('ffprobe', tools.ffprobeSource, tools.ffprobeBuild)] : []),
  ];
  if (old.length === 0) return null;
  return (
    `Only an old build was found: ${old.join(' and ')}. It reads every imported file and lacks years of ` +
    'security fixes. Install FFmpeg 5.0 or newer (https://ffmpeg.org/download.html; e.g. `sudo apt install ffmpeg`, ' +
    '`brew install ffmpeg`, `winget install ffmpeg`) and restart, or set FFMPEG_PATH and FFPROBE_PATH to a newer build.'
  );
}

/** What app.info shows; never throws for missing tools, the message says what to do instead. */
export async function mediaToolsStatus(
  load: () => Promise<MediaTools> = getMediaTools,
): Promise<MediaToolsStatus> {
  try {
    const tools = await load();
    return {
      ok: true,
      ffmpeg: tools.ffmpeg,
      ffprobe: tools.ffprobe,
      source: describeSources(tools),
      ffmpegVersion: tools.ffmpegVersion,
      ffprobeVersion: tools.ffprobeVersion,
      message: null,
      warning: outdatedWarning(tools),
    };
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'MEDIA_TOOLS_MISSING') throw error;
    const none = { ffmpeg: null, ffprobe: null, source: null, ffmpegVersion: null, ffprobeVersion: null };
    return { ok: false, ...none, message: error.message, warning: null };
  }
}

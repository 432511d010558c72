/**
 * Finds working ffmpeg and ffprobe binaries. Each is resolved on its own along a fallback chain
 * (explicit env var → npm package → system PATH) and every candidate is checked by running
 * `-version`, because a path that exists can still be the wrong architecture, a broken download
 * or the other tool.
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
}

/** One place a binary may come from: a path to verify, or why this source has none. */
export type ToolCandidate =
  | { source: string; path: string }
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
  return value ? { source: variable, path: value } : { source: variable, path: null, unavailable: 'not set' };
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
  return [{ source: 'next to FFMPEG_PATH', path: path.join(path.dirname(ffmpegPath), fileName) }];
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

type Verification = { ok: true; version: string } | { ok: false; why: string };

function describeSpawnError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES') return 'not executable (EACCES)';
  return (error as Error).message;
}

/** Parses "ffmpeg version 5.1.9-0+deb12u1 Copyright …" into its version token. */
export function parseVersionLine(tool: ToolName, output: string): Verification {
  const match = /^(ffmpeg|ffprobe) version (\S+)/m.exec(output);
  if (!match) return { ok: false, why: `printed no "${tool} version" line` };
  if (match[1] !== tool) return { ok: false, why: `is ${match[1]}, not ${tool}` };
  return { ok: true, version: match[2] ?? '' };
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
  version: string;
}

/** Walks a chain in order; returns the first working binary, or a line per candidate saying why not. */
async function firstWorking(tool: ToolName, candidates: ToolCandidate[]): Promise<Found | string[]> {
  const failures: string[] = [];
  for (const candidate of candidates) {
    if (candidate.path === null) {
      failures.push(`${candidate.source}: ${candidate.unavailable}`);
      continue;
    }
    const verdict = await verifyCandidate(tool, candidate.path);
    if (verdict.ok) return { path: candidate.path, source: candidate.source, version: verdict.version };
    failures.push(`${candidate.source} (${candidate.path}): ${verdict.why}`);
  }
  return failures;
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
    firstWorking('ffmpeg', options.candidates?.ffmpeg ?? ffmpegCandidates(env)),
    firstWorking('ffprobe', options.candidates?.ffprobe ?? ffprobeCandidates(env)),
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
    ffmpegVersion: ffmpeg.version,
    ffprobeVersion: ffprobe.version,
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

/** What app.info shows; never throws for missing tools, the message says what to do instead. */
export async function mediaToolsStatus(
  load: () => Promise<MediaTools> = getMediaTools,
): Promise<MediaToolsStatus> {
  try {
    const tools = await load();
    const source = describeSources(tools);
    return { ok: true, ffmpeg: tools.ffmpeg, ffprobe: tools.ffprobe, source, message: null };
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'MEDIA_TOOLS_MISSING') throw error;
    return { ok: false, ffmpeg: null, ffprobe: null, source: null, message: error.message };
  }
}

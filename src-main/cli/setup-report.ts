/**
 * What `pretext serve` (and so `npm start`) prints above its URL: which ffmpeg imports use and which
 * compute backend training gets, and when something is missing, why and what to do. Pure.
 */
import type { BackendReport, MediaToolsStatus } from '../shared/dto.ts';

function mediaLines(media: MediaToolsStatus): string[] {
  // The message already lists every place looked in and how to install FFmpeg.
  if (!media.ok) return ['Importing videos needs ffmpeg and ffprobe.', ...(media.message ?? '').split('\n')];
  const versions = media.ffmpegVersion ? ` (ffmpeg ${media.ffmpegVersion}, ffprobe ${media.ffprobeVersion ?? 'unknown'})` : '';
  return [`Video tools: ${media.source}${versions}`, ...(media.warning ? [media.warning] : [])];
}

function computeLines(compute: BackendReport | Error): string[] {
  if (compute instanceof Error) return [`Compute: the backends could not be checked (${compute.message})`];
  const selectedIndex = compute.backends.findIndex((backend) => backend.name === compute.selected);
  const selected = compute.backends[selectedIndex];
  // Faster backends that cannot run, and those auto passes by (a software GPU is slower than wasm).
  const passedOver = compute.backends.slice(0, Math.max(selectedIndex, 0)).filter((backend) => !backend.available || backend.autoSkips);
  if (passedOver.length === 0) return [`Compute: ${compute.selected}${selected ? ` (${selected.note})` : ''}`];
  return [
    `Compute: ${compute.selected}, since the faster backends are unavailable or slower here:`,
    ...passedOver.map((backend) => `  - ${backend.name}: ${backend.autoSkips ?? backend.note}`),
  ];
}

export function setupReport(media: MediaToolsStatus, compute: BackendReport | Error): string[] {
  return [...mediaLines(media), ...computeLines(compute)];
}

import { describe, expect, it } from 'vitest';
import type { BackendReport, MediaToolsStatus } from '../shared/dto.ts';
import { setupReport } from './setup-report.ts';

const media: MediaToolsStatus = { ok: true, ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe', source: 'ffmpeg: system, ffprobe: system', ffmpegVersion: '5.1.9', ffprobeVersion: '5.1.9', message: null, warning: null };
const noMedia: MediaToolsStatus = {
  ok: false,
  ffmpeg: null,
  ffprobe: null,
  source: null,
  ffmpegVersion: null,
  ffprobeVersion: null,
  warning: null,
  message: 'No working ffmpeg found. Tried:\n  - FFMPEG_PATH: not set\n  - system: no ffmpeg on PATH\nTo fix: install FFmpeg (`sudo apt install ffmpeg`).',
};

const backend = (name: string, available: boolean, note: string) => ({ name, available, note });
const cpuOnly: BackendReport = {
  selected: 'wasm',
  backends: [
    backend('tfjs-node-gpu', false, 'not installed (its libtensorflow download needs network at install time)'),
    backend('webgpu', false, 'no adapter found (no GPU driver Dawn can use)'),
    backend('wasm', true, 'XNNPACK with SIMD on one thread'),
    backend('cpu', true, 'plain JavaScript'),
  ],
};

describe('setupReport', () => {
  it('names the video tools and the backend when the fastest one runs', () => {
    const gpu: BackendReport = { selected: 'tfjs-node-gpu', backends: [backend('tfjs-node-gpu', true, 'TensorFlow with CUDA'), ...cpuOnly.backends.slice(1)] };
    expect(setupReport(media, gpu)).toEqual(['Video tools: ffmpeg: system, ffprobe: system (ffmpeg 5.1.9, ffprobe 5.1.9)', 'Compute: tfjs-node-gpu (TensorFlow with CUDA)']);
  });

  it('names a software GPU that auto passes by, and why', () => {
    const software: BackendReport = {
      selected: 'wasm',
      backends: [
        cpuOnly.backends[0]!,
        { ...backend('webgpu', true, 'Dawn on mesa llvmpipe'), autoSkips: 'a software adapter (llvmpipe): slower than wasm; --backend webgpu forces it' },
        ...cpuOnly.backends.slice(2),
      ],
    };
    expect(setupReport(media, software).slice(1)).toEqual([
      'Compute: wasm, since the faster backends are unavailable or slower here:',
      `  - tfjs-node-gpu: ${cpuOnly.backends[0]!.note}`,
      '  - webgpu: a software adapter (llvmpipe): slower than wasm; --backend webgpu forces it',
    ]);
  });

  it('passes on the warning about an outdated build', () => {
    const old = { ...media, ffmpegVersion: '4.1', ffprobeVersion: '4.0.2', warning: 'Only FFmpeg 4.1 (2018) was found: install a newer one.' };
    expect(setupReport(old, cpuOnly).slice(0, 2)).toEqual([
      'Video tools: ffmpeg: system, ffprobe: system (ffmpeg 4.1, ffprobe 4.0.2)',
      'Only FFmpeg 4.1 (2018) was found: install a newer one.',
    ]);
  });

  it('without ffmpeg, says what imports need, where it looked and how to install it', () => {
    expect(setupReport(noMedia, cpuOnly).slice(0, 5)).toEqual([
      'Importing videos needs ffmpeg and ffprobe.',
      'No working ffmpeg found. Tried:',
      '  - FFMPEG_PATH: not set',
      '  - system: no ffmpeg on PATH',
      'To fix: install FFmpeg (`sudo apt install ffmpeg`).',
    ]);
  });

  it('without a GPU, says which backend runs and why each faster one cannot', () => {
    expect(setupReport(media, cpuOnly).slice(1)).toEqual([
      'Compute: wasm, since the faster backends are unavailable or slower here:',
      '  - tfjs-node-gpu: not installed (its libtensorflow download needs network at install time)',
      '  - webgpu: no adapter found (no GPU driver Dawn can use)',
    ]);
  });

  it('says when the backends could not be checked instead of failing', () => {
    expect(setupReport(media, new Error('dawn.node failed to load')).slice(1)).toEqual([
      'Compute: the backends could not be checked (dawn.node failed to load)',
    ]);
  });
});

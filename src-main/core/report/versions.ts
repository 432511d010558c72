/** The versions a report names: the app, TensorFlow.js, the backend, ffmpeg, Node and the OS. */
import { release, type } from 'node:os';
import { version_core } from '@tensorflow/tfjs-core';
import { backendReport } from '../compute/backend.ts';
import { mediaToolsStatus } from '../media/tools.ts';
import { APP_VERSION } from '../version.ts';
import type { ReportVersions } from './model.ts';

export async function reportVersions(): Promise<ReportVersions> {
  const [backends, tools] = await Promise.all([backendReport(), mediaToolsStatus()]);
  return {
    app: APP_VERSION,
    tfjs: version_core,
    backend: backends.selected,
    ffmpeg: tools.ok ? `${tools.ffmpegVersion ?? 'unknown version'} (${tools.source ?? 'unknown source'})` : `not found: ${tools.message ?? ''}`,
    node: process.version,
    os: `${type()} ${release()} ${process.arch}`,
  };
}
